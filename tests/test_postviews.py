"""Posts as light rows (forum/pages/post_presenter.py) and the public post counter.

The thread pages no longer ask `url_for` and the permission predicates per post
in the template; these tests hold the page builder's answers to theirs.
"""
import pytest
from flask import url_for
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from forum.domain import anonymity, moderation, permissions, posting
from forum.extensions import db
from forum.models import Post, PostStatus, Role, Stance, Topic, User, utcnow
from forum.pages import post_presenter, topic_pages
from forum.pages.post_presenter import SENTINEL


def test_url_pattern_gives_what_url_for_gives(app):
    with app.test_request_context():
        for endpoint, arg, value in [("posts.show", "post_id", 7), ("posts.reply", "post_id", 123456),
                                     ("mod.post", "post_id", 1), ("users.show", "username", "maya_b-2")]:
            assert post_presenter.url_pattern(endpoint, **{arg: SENTINEL})(value) == url_for(endpoint, **{arg: value})
        for username in ("maya_b-2", "Zoë"):  # quoted as url_for quotes it
            assert post_presenter.profile_url_pattern()(username) == url_for("users.show", username=username)
        login = post_presenter.url_pattern("auth.login", next=url_for("posts.reply", post_id=SENTINEL))
        assert login(42) == url_for("auth.login", next=url_for("posts.reply", post_id=42))


@pytest.fixture
def thread(make_user, make_topic, make_post):
    author = make_user()
    topic = make_topic()
    root = make_post(topic=topic, author=author, body="Root")
    reply = make_post(topic=topic, parent=root, body="Reply")
    return topic, root, reply, author


def _viewers(make_user, author):
    suspended = make_user(suspended_until=utcnow().replace(year=2100))
    return {"guest": AnonymousUserMixin(), "author": author, "other": make_user(),
            "moderator": make_user(role=Role.MODERATOR), "suspended": suspended}


@pytest.mark.parametrize("who", ["guest", "author", "other", "moderator", "suspended"])
def test_presenter_allows_what_the_predicates_allow(app, thread, make_user, who):
    topic, root, reply, author = thread
    user = _viewers(make_user, author)[who]
    with app.test_request_context():
        page = topic_pages.topic_page(user, topic.id)
        [shown] = page.roots
        for view, post in [(shown, root), (shown.children[0], reply)]:
            assert bool(view.edit_url) == permissions.can_edit_post(user, post)
            assert bool(view.delete_url) == permissions.can_delete_post(user, post)
            if who == "guest":  # a guest's Flag, as their Reply, signs in first and comes back
                assert view.flag_url == url_for("auth.login", next=url_for("safety.flag", post_id=post.id), asked=1)
            else:
                assert bool(view.flag_url) == permissions.can_flag_post(user, post)
            assert bool(view.mod_url) == permissions.can_moderate(user, topic)
            if permissions.can_reply(user, topic):
                assert view.reply_url == url_for("posts.reply", post_id=post.id)
            elif who == "guest":
                assert view.reply_url == url_for("auth.login", next=url_for("posts.reply", post_id=post.id), asked=1)
            else:
                assert view.reply_url is None
            assert view.url == url_for("posts.show", post_id=post.id)



@pytest.mark.parametrize("who", ["instructor", "author", "classmate", "admin"])
def test_presenter_allows_what_the_predicates_allow_in_a_class_debate(
        app, make_user, make_class, make_class_debate, open_phase, who):
    """In a class, who moderates is decided once for the page (its instructors and
    admins): each post's Edit link must still be what `can_edit_post` says."""
    from forum.domain import classes
    classroom = make_class()
    author, classmate = make_user(), make_user()
    for student in (author, classmate):
        classes.join_class(student, classroom.join_code)
    topic = make_class_debate(classroom)
    classes.set_sides(topic, {author.id: Stance.PRO, classmate.id: Stance.CON})
    open_phase(topic, "opening")
    root = posting.create_post(author, topic, "An opening.", stance=Stance.PRO)
    db.session.commit()
    user = {"instructor": classroom.instructor, "author": author, "classmate": classmate,
            "admin": make_user(role=Role.ADMIN)}[who]
    with app.test_request_context():
        [shown] = topic_pages.topic_page(user, topic.id).roots
        assert bool(shown.edit_url) == permissions.can_edit_post(user, root) == (who != "classmate")
        assert bool(shown.mod_url) == permissions.can_moderate(user, topic) == (who in ("instructor", "admin"))

def test_deleted_post_offers_no_reply_edit_or_delete(app, thread):
    topic, root, _, author = thread
    posting.delete_post(root, author)
    db.session.commit()
    with app.test_request_context():
        [shown] = topic_pages.topic_page(author, topic.id).roots
    assert shown.is_deleted and not shown.is_plain
    assert shown.reply_url is None and shown.edit_url is None and shown.delete_url is None


def test_topic_page_loads_replies_only_down_to_the_depth_limit(client, app, make_topic, make_post):
    topic = make_topic()
    limit = app.config["THREAD_DEPTH_LIMIT"]
    chain = [make_post(topic=topic, body="Depth 0")]
    for depth in range(1, limit + 2):
        chain.append(make_post(topic=topic, parent=chain[-1], body=f"Depth {depth}"))
    html = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f"Depth {limit - 1}<" in html and f"Depth {limit}<" not in html
    assert f'<a href="/p/{chain[limit - 1].id}">Continue this thread →</a>' in html
    deeper = client.get(f"/p/{chain[limit - 1].id}").get_data(as_text=True)
    assert f"Depth {limit}<" in deeper and f"Depth {limit + 1}<" in deeper
    assert "In reply to" in deeper and f"Depth {limit - 2}<" in deeper  # the parent, as context


def test_live_updates_show_pseudonyms_in_an_anonymous_debate(client, make_class, make_class_debate, open_phase):
    from forum.domain import classes
    from forum.models import PhaseKind
    classroom = make_class(students=2)
    topic = make_class_debate(classroom, anonymous=True)
    first, second = [db.session.get(User, i) for i in classes.student_ids(classroom.id)]
    classes.set_sides(topic, {first.id: Stance.PRO, second.id: Stance.CON})
    open_phase(topic, PhaseKind.OPENING)
    posting.create_post(second, topic, "An argument for the other side.", stance=Stance.CON)
    db.session.commit()
    pseudonym = anonymity.names_for_topic(first, topic)[second.id].label
    data = client.login(first).get(f"/t/{topic.id}/updates?after=0").get_json()
    assert data["count"] == 1
    assert pseudonym in data["html"]
    assert second.username not in data["html"] and second.name not in data["html"]


# --- users.post_count: a member's public posts, kept by every write ---------------

def _public_posts(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Post).join(Topic, Topic.id == Post.topic_id)
        .where(Post.author_id == user.id, Topic.class_id.is_(None), Post.deleted_at.is_(None),
               Post.status == PostStatus.VISIBLE))


def _counted(user: User) -> int:
    db.session.expire(user)
    return user.post_count


def test_public_post_count_follows_posting_moderation_and_deletion(make_user, make_topic, make_post):
    maya, mod = make_user(), make_user(role=Role.MODERATOR)
    topic = make_topic()
    first = make_post(topic=topic, author=maya)
    second = make_post(topic=topic, author=maya, parent=first)
    assert _counted(maya) == _public_posts(maya) == 2
    moderation.hide_post(first, mod, "Checking")
    db.session.commit()
    assert _counted(maya) == _public_posts(maya) == 1
    moderation.restore_post(first, mod)
    db.session.commit()
    assert _counted(maya) == _public_posts(maya) == 2
    moderation.remove_post(second, mod, "Off topic")
    db.session.commit()
    assert _counted(maya) == _public_posts(maya) == 1
    posting.delete_post(first, maya)
    db.session.commit()
    assert _counted(maya) == _public_posts(maya) == 0
    with pytest.raises(Exception):
        posting.delete_post(first, maya)  # refused: already deleted, and the count stays
    db.session.rollback()
    assert _counted(maya) == 0


def test_profile_pages_its_posts_without_counting_them(client, make_user, make_topic, make_post):
    maya = make_user()
    topic = make_topic()
    for n in range(31):
        make_post(topic=topic, author=maya, body=f"Post number {n}")
    first = client.get(f"/u/{maya.username}").get_data(as_text=True)
    assert "31 posts" in first and "Post number 30" in first and "Post number 0<" not in first
    assert 'rel="next" href="/u/' in first and "Page 1<" in first
    second = client.get(f"/u/{maya.username}?page=2").get_data(as_text=True)
    assert "Post number 0<" in second and 'rel="next"' not in second and 'rel="prev"' in second


def test_recount_gives_what_the_writes_kept(make_user, make_topic, make_post):
    maya, mod = make_user(), make_user(role=Role.MODERATOR)
    kept = [make_post(author=maya), make_post(author=maya), make_post(author=maya)]
    moderation.hide_post(kept[0], mod, "Checking")
    posting.delete_post(kept[1], maya)
    db.session.commit()
    before = _counted(maya)
    db.session.execute(User.__table__.update().values(post_count=0))
    posting.recount_public_posts()
    db.session.commit()
    assert _counted(maya) == before == _public_posts(maya) == 1


def test_a_busy_thread_shows_replies_up_to_the_cap_then_links_to_the_rest(client, app, make_topic, make_post,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "REPLIES_PER_PAGE", 3)
    topic = make_topic()
    root = make_post(topic=topic, body="The root")
    replies = [make_post(topic=topic, parent=root, body=f"Answer {n}") for n in range(5)]
    html = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert all(f"Answer {n}<" in html for n in range(3)) and "Answer 3<" not in html
    assert f'<a href="/p/{root.id}">2 more replies →</a>' in html
    permalink = client.get(f"/p/{root.id}").get_data(as_text=True)
    assert "The root<" in permalink and "Answer 2<" in permalink and "Answer 4<" not in permalink
    deeper = client.get(f"/p/{replies[4].id}").get_data(as_text=True)
    assert "Answer 4<" in deeper and "The root<" in deeper  # the post, and its parent as context
