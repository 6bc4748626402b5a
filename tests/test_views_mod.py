"""Routes of moderation: the queue, every action and its audit entry, the log and its
export, refusals, what others see of hidden and removed posts, flags, appeals, mutes."""
import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.domain import moderation
from forum.extensions import db
from forum.models import (Appeal, Flag, FlagReason, MemberMessage, ModAction, Mute, Post, PostStatus, Role,
                          Topic, User, WatchedWord, WordAction, utcnow)

SECRET = "Secret words only moderators may read"


@pytest.fixture
def scene(make_user, make_topic, make_post):
    """A topic with a parent post and a reply by `author`, a moderator, a member, an admin."""
    author = make_user("writer")
    topic = make_topic(title="Sora and the artists")
    parent = make_post(topic=topic, body="The parent post.")
    post = make_post(parent=parent, author=author, body=SECRET)
    child = make_post(parent=post, body="A reply that stays visible.")
    return dict(author=author, topic=topic, parent=parent, post=post, child=child,
                mod=make_user("moddy", role=Role.MODERATOR), member=make_user("member"),
                admin=make_user("boss", role=Role.ADMIN))


def _entries(action=None):
    query = select(ModAction).order_by(ModAction.id)
    if action:
        query = query.where(ModAction.action == action)
    return list(db.session.scalars(query))


def _mod_requests(s):
    post, topic, author = s["post"], s["topic"], s["author"]
    db.session.add(WatchedWord(word="xyz", action="block"))
    db.session.commit()
    word = db.session.scalar(select(WatchedWord))
    moderation.remove_post(post, s["admin"], "x")
    appeal = moderation.appeal_removal(post, author, "Please look again at this post.")
    db.session.commit()
    gets = ["/mod", "/mod/log", "/mod/log.csv", f"/mod/p/{post.id}", f"/mod/p/{post.id}/edit",
            f"/mod/t/{topic.id}", "/mod/words"]
    posts = [f"/mod/p/{post.id}/{a}" for a in ("dismiss", "hide", "remove", "restore")] + [
        f"/mod/p/{post.id}/edit", f"/mod/u/{author.id}/warn", f"/mod/u/{author.id}/suspend",
        *[f"/mod/t/{topic.id}/{a}" for a in ("lock", "unlock", "pin", "unpin")],
        f"/mod/t/{topic.id}/slow-mode", f"/mod/appeals/{appeal.id}/restore",
        f"/mod/appeals/{appeal.id}/uphold", "/mod/words", f"/mod/words/{word.id}/delete"]
    return gets, posts


def _form():
    return {"reason": "because", "days": "3", "seconds": "30", "body": "Changed", "word": "abc",
            "action": "block", "post_id": ""}


@pytest.mark.parametrize("who", ["member", "suspended moderator", "instructor"])
def test_mod_pages_and_actions_refused(client, scene, make_user, who):
    if who == "member":
        user = scene["member"]
    elif who == "instructor":
        user = make_user(role=Role.INSTRUCTOR)
    else:
        user = make_user(role=Role.MODERATOR, suspended_until=utcnow() + timedelta(days=1),
                         suspension_reason="Cooling off")
    gets, posts = _mod_requests(scene)
    before = len(_entries())
    client.login(user)
    for url in gets:
        response = client.get(url)
        if who == "instructor" and url.split("?")[0] in ("/mod", "/mod/log", "/mod/log.csv"):
            # Instructors reach the queue and log, which show only their own classes: nothing here.
            assert response.status_code == 200, url
            assert scene["topic"].title not in response.get_data(as_text=True), url
        else:
            assert response.status_code == 403, url
    for url in posts:
        assert client.post(url, data=_form()).status_code == 403, url
    db.session.expire_all()
    assert len(_entries()) == before
    assert scene["post"].status == PostStatus.REMOVED and not scene["topic"].is_locked


def test_mod_pages_and_actions_refused_to_guests(client, scene):
    gets, posts = _mod_requests(scene)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url
    for url in posts:
        assert client.post(url, data=_form()).status_code == 401, url


def test_mod_actions_on_unknown_ids_are_404(client, scene):
    client.login(scene["mod"])
    for url in ("/mod/p/99999", "/mod/p/99999/hide", "/mod/t/99999/lock", "/mod/u/99999/warn",
                "/mod/appeals/99999/restore"):
        method = client.get if url.count("/") == 3 else client.post
        assert method(url, data=_form()).status_code == 404, url


def test_words_page_is_for_admins_only(client, scene):
    client.login(scene["mod"])
    assert client.get("/mod/words").status_code == 403
    client.login(scene["admin"])
    assert client.get("/mod/words").status_code == 200
    response = client.post("/mod/words", data={"word": "Buy Now", "action": "hold"})
    assert response.status_code == 302
    assert db.session.scalar(select(WatchedWord.word)) == "buy now"
    response = client.post("/mod/words", data={"word": "buy now", "action": "block"})
    assert response.status_code == 400 and "already on the list" in response.text


def test_every_action_writes_its_audit_entry(client, scene):
    post, topic, author, mod = scene["post"], scene["topic"], scene["author"], scene["mod"]
    moderation.flag_post(post, scene["member"], FlagReason.SPAM)
    db.session.commit()
    client.login(mod)
    steps = [
        (f"/mod/p/{post.id}/hide", {"reason": "checking"}, "hide"),
        (f"/mod/p/{post.id}/dismiss", {"reason": "fine"}, "dismiss"),
        (f"/mod/p/{post.id}/edit", {"body": "Tidied text", "reason": "typo"}, "edit"),
        (f"/mod/p/{post.id}/remove", {"reason": "Off-topic"}, "remove"),
        (f"/mod/p/{post.id}/restore", {"reason": "second look"}, "restore"),
        (f"/mod/u/{author.id}/warn", {"reason": "Be kind", "post_id": str(post.id)}, "warn"),
        (f"/mod/u/{author.id}/suspend", {"reason": "Spam run", "days": "2", "post_id": str(post.id)}, "suspend"),
        (f"/mod/t/{topic.id}/lock", {"reason": "heated"}, "lock"),
        (f"/mod/t/{topic.id}/unlock", {}, "unlock"),
        (f"/mod/t/{topic.id}/pin", {}, "pin"),
        (f"/mod/t/{topic.id}/unpin", {}, "unpin"),
        (f"/mod/t/{topic.id}/slow-mode", {"seconds": "45", "reason": "busy"}, "slow_mode"),
    ]
    for url, data, action in steps:
        response = client.post(url, data=data)
        assert response.status_code == 302, (url, response.text[:3000])
        entry = _entries()[-1]
        assert (entry.action, entry.actor_id) == (action, mod.id), url
        assert entry.created_at is not None
    entries = _entries()
    assert [e.action for e in entries] == [a for _, _, a in steps]
    assert all(e.topic_id == topic.id for e in entries)
    assert {e.user_id for e in entries} == {author.id, topic.author_id}
    assert [e.reason for e in entries if e.action in ("hide", "remove", "warn")] == ["checking", "Off-topic", "Be kind"]
    db.session.expire_all()
    assert author.is_suspended and topic.slow_mode_seconds == 45
    # The original text is still in the database, in the history.
    history = client.get(f"/p/{post.id}/history").text
    assert SECRET in history and "Tidied text" in history


def test_appeal_decisions_are_logged(client, scene):
    post, author = scene["post"], scene["author"]
    moderation.remove_post(post, scene["mod"], "Spam")
    db.session.commit()
    client.login(author)
    assert client.get(f"/p/{post.id}").status_code == 200
    response = client.post(f"/p/{post.id}/appeal", data={"text": "short"})
    assert response.status_code == 400 and "short" in response.text  # the text is kept
    response = client.post(f"/p/{post.id}/appeal", data={"text": "This post was on topic, please look."})
    assert response.status_code == 302
    assert client.get(f"/p/{post.id}/appeal").status_code == 200
    assert "once" in client.post(f"/p/{post.id}/appeal", data={"text": "A second appeal, not allowed."}).text
    appeal = db.session.scalar(select(Appeal))
    client.login(scene["mod"])
    queue = client.get("/mod").text
    assert "This post was on topic" in queue
    response = client.post(f"/mod/appeals/{appeal.id}/restore", data={"reason": ""})
    assert response.status_code == 400 and "Another moderator decides" in response.text
    client.login(scene["admin"])
    assert client.post(f"/mod/appeals/{appeal.id}/uphold", data={"reason": "Rules are rules"}).status_code == 302
    assert _entries()[-1].action == "appeal_upheld"
    client.login(author)
    assert "the removal stands" in client.get("/").text


def test_hidden_post_is_never_shown_to_others(client, scene):
    post = scene["post"]
    moderation.hide_post(post, scene["mod"])
    db.session.commit()
    pages = [f"/t/{scene['topic'].id}", f"/p/{post.id}", f"/p/{scene['child'].id}", "/u/writer",
             f"/p/{post.id}/history"]
    for viewer in (None, scene["member"]):
        client.logout() if viewer is None else client.login(viewer)
        for url in pages:
            text = client.get(url).text
            assert SECRET not in text, (viewer, url)
        assert "hidden pending review" in client.get(f"/p/{post.id}").text
        assert "A reply that stays visible." in client.get(f"/t/{scene['topic'].id}").text
    for viewer in (scene["author"], scene["mod"]):
        client.login(viewer)
        text = client.get(f"/p/{post.id}").text
        assert SECRET in text and "only its author and moderators see this text" in text


def test_removed_post_is_a_tombstone_for_everyone_but_moderators(client, scene):
    post = scene["post"]
    moderation.remove_post(post, scene["mod"], "Personal attack")
    db.session.commit()
    for viewer in (None, scene["member"], scene["author"]):
        client.logout() if viewer is None else client.login(viewer)
        for url in (f"/t/{scene['topic'].id}", f"/p/{post.id}", f"/p/{scene['child'].id}", "/u/writer",
                    f"/p/{post.id}/history"):
            text = client.get(url).text
            assert SECRET not in text, (viewer, url)
        text = client.get(f"/p/{post.id}").text
        assert "Removed by a moderator: Personal attack" in text
        assert "A reply that stays visible." in text
    client.login(scene["author"])
    assert "Appeal this removal" in client.get(f"/p/{post.id}").text
    client.login(scene["mod"])
    text = client.get(f"/p/{post.id}").text
    assert SECRET in text and "Removed text, shown to moderators only" in text


def test_profile_lists_only_shown_posts_to_others(client, scene):
    moderation.hide_post(scene["post"], scene["mod"])
    db.session.commit()
    client.login(scene["member"])
    page = client.get("/u/writer").text
    assert "0 posts" in page and SECRET not in page
    # Its author still finds it in their list, marked; the count is of public posts.
    client.login(scene["author"])
    page = client.get("/u/writer").text
    assert "0 posts" in page and SECRET in page and "Hidden pending review" in page


def test_flag_route_and_your_flags(client, scene):
    post = scene["post"]
    client.login(scene["member"])
    assert client.get(f"/p/{post.id}/flag").status_code == 200
    response = client.post(f"/p/{post.id}/flag", data={"reason": "other", "note": ""})
    assert response.status_code == 400 and "note" in response.text
    response = client.post(f"/p/{post.id}/flag", data={"reason": "bogus"})
    assert response.status_code == 400
    response = client.post(f"/p/{post.id}/flag", data={"reason": "other", "note": "Copies my text"},
                           follow_redirects=True)
    assert "your flag was received" in response.text
    response = client.post(f"/p/{post.id}/flag", data={"reason": "spam"})
    assert response.status_code == 400 and "already flagged" in response.text
    assert db.session.scalar(select(db.func.count()).select_from(Flag)) == 1
    assert "Received, waiting for a moderator" in client.get("/flags").text
    moderation.remove_post(post, scene["mod"], "Plagiarism")
    db.session.commit()
    assert "Upheld: the post was removed" in client.get("/flags").text


def test_flag_refused_for_own_post_guest_and_suspended(client, scene, make_user):
    post = scene["post"]
    client.login(scene["author"])
    assert client.post(f"/p/{post.id}/flag", data={"reason": "spam"}).status_code == 403
    client.logout()
    assert client.post(f"/p/{post.id}/flag", data={"reason": "spam"}).status_code == 401
    client.login(make_user(suspended_until=utcnow() + timedelta(hours=1)))
    assert client.post(f"/p/{post.id}/flag", data={"reason": "spam"}).status_code == 403
    assert db.session.scalar(select(db.func.count()).select_from(Flag)) == 0


def test_three_flags_hide_the_post_for_a_fourth_member(client, scene, make_user):
    post = scene["post"]
    for _ in range(3):
        client.login(make_user())
        assert client.post(f"/p/{post.id}/flag", data={"reason": "abusive"}).status_code == 302
    db.session.expire_all()
    assert post.status == PostStatus.HIDDEN
    client.login(make_user())
    assert SECRET not in client.get(f"/t/{scene['topic'].id}").text


@pytest.mark.parametrize("write", ["reply", "topic_reply", "new_topic", "edit", "delete", "flag", "appeal", "mute"])
def test_suspended_member_every_write_refused_with_reason(client, scene, make_article, write):
    author = scene["author"]
    moderation.remove_post(scene["post"], scene["mod"], "x")
    own = scene["child"]
    author.suspended_until = utcnow() + timedelta(days=2)
    author.suspension_reason = "Repeated insults"
    db.session.commit()
    make_article()
    url = {"reply": f"/p/{scene['parent'].id}/reply", "topic_reply": f"/t/{scene['topic'].id}/reply",
           "new_topic": "/t/new", "edit": f"/p/{scene['post'].id}/edit", "delete": f"/p/{scene['post'].id}/delete",
           "flag": f"/p/{scene['parent'].id}/flag", "appeal": f"/p/{scene['post'].id}/appeal",
           "mute": "/u/member/mute"}[write]
    client.login(author)
    response = client.post(url, data={"body": "Still writing", "title": "T", "reason": "spam",
                                      "text": "An appeal of sufficient length."})
    assert response.status_code == 403, url
    assert "Repeated insults" in response.text and "suspended until" in response.text
    assert own.body_md == "A reply that stays visible."
    assert client.get(f"/t/{scene['topic'].id}").status_code == 200  # can still read


def test_suspension_banner_and_its_end(client, scene):
    author = scene["author"]
    author.suspended_until = utcnow() + timedelta(days=2)
    author.suspension_reason = "Spam"
    db.session.commit()
    client.login(author)
    assert "Your account is suspended until" in client.get("/").text
    author.suspended_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "suspended" not in client.get("/").text
    assert client.post(f"/p/{scene['parent'].id}/reply", data={"body": "Back again"}).status_code == 302


def test_warning_banner_until_acknowledged(client, scene):
    client.login(scene["mod"])
    client.post(f"/mod/u/{scene['author'].id}/warn", data={"reason": "Mind your tone"})
    client.login(scene["author"])
    page = client.get("/").text
    assert "A moderator warned you: Mind your tone" in page
    message = db.session.scalar(select(MemberMessage))
    assert client.post(f"/messages/{message.id}/dismiss", data={"next": "/"}).status_code == 302
    assert "Mind your tone" not in client.get("/").text
    client.login(scene["member"])
    assert client.post(f"/messages/{message.id}/dismiss").status_code == 404


def test_refused_action_keeps_the_reason_and_stores_nothing(client, scene):
    client.login(scene["mod"])
    response = client.post(f"/mod/p/{scene['post'].id}/dismiss", data={"reason": "my typed reason"})
    assert response.status_code == 400
    assert "no open flags" in response.text and "my typed reason" in response.text
    response = client.post(f"/mod/p/{scene['post'].id}/remove", data={"reason": ""})
    assert response.status_code == 400 and "Give the reason" in response.text
    response = client.post(f"/mod/u/{scene['author'].id}/suspend",
                           data={"reason": "", "days": "3", "post_id": str(scene["post"].id)})
    assert response.status_code == 400 and "reason for the suspension" in response.text
    assert _entries() == [] and scene["post"].status == PostStatus.VISIBLE


def test_moderator_edit_from_post_page_needs_reason_and_is_logged(client, scene):
    client.login(scene["mod"])
    response = client.post(f"/p/{scene['post'].id}/edit", data={"body": "Moderated", "reason": ""})
    assert response.status_code == 400 and "reason" in response.text
    response = client.post(f"/p/{scene['post'].id}/edit", data={"body": "Moderated", "reason": "Doxxing"})
    assert response.status_code == 302 and _entries()[-1].action == "edit"


def test_mod_action_needs_csrf(csrf_app, scene):
    client = csrf_app.test_client()
    client.login(scene["mod"])
    response = client.post(f"/mod/p/{scene['post'].id}/hide", data={"reason": "x"})
    assert response.status_code == 400
    db.session.expire_all()
    assert scene["post"].status == PostStatus.VISIBLE and _entries() == []


def test_queue_groups_flags_with_context_and_history(client, scene, make_user):
    post = scene["post"]
    moderation.flag_post(post, make_user(), FlagReason.SPAM)
    moderation.flag_post(post, make_user(), FlagReason.OTHER, "Looks copied from a blog")
    moderation.suspend_member(scene["author"], scene["admin"], 1, "Earlier")
    db.session.commit()
    client.login(scene["mod"])
    text = client.get("/mod").text
    assert text.count(f'id="q{post.id}"') == 1
    assert "2 open flags" in text and "Looks copied from a blog" in text
    assert "Spam <strong>×1</strong>" in text
    assert "In reply to" in text and "The parent post." in text and "Sora and the artists" in text
    assert "1 public post · 0 removals · 1 suspension" in " ".join(text.split())
    assert SECRET in text
    assert "Nothing here" in client.get("/mod?reason=abusive").text
    assert f'id="q{post.id}"' in client.get("/mod?reason=other").text
    assert "Nothing here" in client.get("/mod?status=resolved").text
    moderation.dismiss_flags(post, scene["mod"])
    db.session.commit()
    assert f'id="q{post.id}"' in client.get("/mod?status=resolved").text
    assert "The queue is clear" in client.get("/mod").text


def test_queue_orders_by_newest_activity_and_paginates(app, client, scene, make_post, make_user):
    app.config["MOD_QUEUE_PER_PAGE"] = 2
    flagger = make_user()
    posts = [make_post(topic=scene["topic"]) for _ in range(3)]
    for post in posts:
        moderation.flag_post(post, flagger, FlagReason.SPAM)
        db.session.commit()
    client.login(scene["mod"])
    first = client.get("/mod").text
    ids = [int(i) for i in re.findall(r'id="q(\d+)"', first)]
    assert ids == [posts[2].id, posts[1].id] and "Page 1 of 2" in first
    assert re.findall(r'id="q(\d+)"', client.get("/mod?page=2").text) == [str(posts[0].id)]
    app.config["MOD_QUEUE_PER_PAGE"] = 20


def test_held_post_waits_in_the_queue_and_is_approved(client, scene, make_user):
    moderation.add_watched_word(scene["admin"], "lawsuit", WordAction.HOLD)
    db.session.commit()
    client.login(scene["member"])
    client.post(f"/t/{scene['topic'].id}/reply", data={"body": "A lawsuit will follow."})
    held = db.session.scalar(select(Post).where(Post.status == PostStatus.HELD))
    client.login(make_user())
    assert "A lawsuit will follow." not in client.get(f"/t/{scene['topic'].id}").text
    client.login(scene["mod"])
    assert "Held: watched word" in client.get("/mod").text
    assert client.post(f"/mod/p/{held.id}/restore", data={}).status_code == 302
    assert _entries()[-1].action == "approve"
    client.logout()
    assert "A lawsuit will follow." in client.get(f"/t/{scene['topic'].id}").text


def test_blocked_word_keeps_the_text(client, scene):
    moderation.add_watched_word(scene["admin"], "scam", WordAction.BLOCK)
    db.session.commit()
    client.login(scene["member"])
    response = client.post(f"/t/{scene['topic'].id}/reply", data={"body": "This is a scam, friends."})
    assert response.status_code == 400
    assert "watched-words rule" in response.text and "This is a scam, friends." in response.text


def _fill_queue(topic, n, make_post, make_user):
    flaggers = [make_user() for _ in range(2)]
    for _ in range(n):
        post = make_post(topic=topic)
        for flagger in flaggers:
            moderation.flag_post(post, flagger, FlagReason.SPAM)
    db.session.commit()


def test_queue_queries_do_not_grow(client, make_topic, make_post, make_user, count_queries):
    small, big = make_topic(), make_topic()
    _fill_queue(small, 2, make_post, make_user)
    mod = make_user(role=Role.MODERATOR)
    client.login(mod)
    with count_queries() as q_small:
        assert client.get("/mod").status_code == 200
    _fill_queue(big, 18, make_post, make_user)
    with count_queries() as q_big:
        assert client.get("/mod").status_code == 200
    assert len(q_small) == len(q_big) <= 10


def test_log_filters_and_query_count(client, scene, make_post, count_queries):
    mod, admin = scene["mod"], scene["admin"]
    moderation.hide_post(scene["post"], mod, "a")
    moderation.warn_member(scene["member"], admin, "b")
    db.session.commit()
    client.login(mod)
    with count_queries() as q_small:
        text = client.get("/mod/log").text
    assert "hid a post</a>" in text and "warned a member</a>" in text
    assert "warned a member</a>" not in client.get("/mod/log?moderator=moddy").text
    assert "hid a post</a>" not in client.get("/mod/log?member=member").text
    assert "hid a post</a>" not in client.get("/mod/log?action=warn").text
    for n in range(30):
        moderation.lock_topic(scene["topic"], mod) if n % 2 == 0 else moderation.unlock_topic(scene["topic"], mod)
    db.session.commit()
    with count_queries() as q_big:
        assert client.get("/mod/log").status_code == 200
    assert len(q_small) == len(q_big) <= 10


def test_log_csv_export_is_utf8_and_formula_safe(client, scene):
    moderation.warn_member(scene["member"], scene["mod"], "=HYPERLINK(\"http://evil\") — naïve")
    moderation.hide_post(scene["post"], scene["mod"], "@SUM(A1)")
    db.session.commit()
    client.login(scene["mod"])
    response = client.get("/mod/log.csv?moderator=moddy")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["time (UTC)", "moderator", "action"]
    assert [r[2] for r in rows[1:]] == ["warn", "hide"]
    assert rows[1][-1] == "'=HYPERLINK(\"http://evil\") — naïve" and rows[2][-1] == "'@SUM(A1)"
    assert len(client.get("/mod/log.csv?action=hide").data.decode().splitlines()) == 2


def test_no_route_changes_or_deletes_the_log(app):
    for rule in app.url_map.iter_rules():
        if "log" in rule.rule and rule.endpoint.startswith("mod."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_mute_collapses_posts_and_is_not_told(client, scene, count_queries):
    member, author = scene["member"], scene["author"]
    client.login(member)
    assert "Mute" in client.get("/u/writer").text
    assert client.post("/u/writer/mute").status_code == 302
    assert db.session.scalar(select(Mute.muted_id)) == author.id
    text = client.get(f"/t/{scene['topic'].id}").text
    node = text[text.index(f'id="p{scene["post"].id}"'):]
    assert node.index("<details>") < node.index("muted") < node.index("</summary>")
    assert "Unmute" in client.get("/u/writer").text
    client.login(author)
    assert "muted-note" not in client.get(f"/t/{scene['topic'].id}").text
    assert db.session.scalar(select(db.func.count()).select_from(MemberMessage)) == 0
    client.login(member)
    assert client.post("/u/writer/unmute").status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(Mute)) == 0
    assert client.post("/u/member/mute").status_code == 403


def test_topic_page_queries_with_mutes_do_not_grow(client, make_topic, make_user, count_queries):
    reader = make_user()
    small, big = make_topic(posts=10), make_topic(posts=200)
    moderation.mute_member(reader, small.author)
    db.session.commit()
    client.login(reader)
    with count_queries() as q_small:
        client.get(f"/t/{small.id}")
    with count_queries() as q_big:
        client.get(f"/t/{big.id}")
    assert len(q_small) == len(q_big) <= 10


def test_topic_tools_page_and_locked_topic(client, scene):
    client.login(scene["mod"])
    assert "Lock" in client.get(f"/mod/t/{scene['topic'].id}").text
    client.post(f"/mod/t/{scene['topic'].id}/lock", data={})
    response = client.post(f"/mod/t/{scene['topic'].id}/lock", data={})
    assert response.status_code == 400 and "already locked" in response.text
    client.login(scene["member"])
    response = client.post(f"/t/{scene['topic'].id}/reply", data={"body": "Let me in"})
    assert response.status_code == 400 and "locked" in response.text


def test_slow_mode_refusal_says_when(client, scene):
    client.login(scene["mod"])
    client.post(f"/mod/t/{scene['topic'].id}/slow-mode", data={"seconds": "300"})
    client.login(scene["member"])
    assert client.post(f"/t/{scene['topic'].id}/reply", data={"body": "One"}).status_code == 302
    response = client.post(f"/t/{scene['topic'].id}/reply", data={"body": "Two, quickly"})
    assert response.status_code == 400
    assert "You can post again in 5 minutes" in response.text and "Two, quickly" in response.text
    assert "Slow mode: one post per 300 s" in response.text


def test_site_moderators_do_not_see_private_class_flags(client, make_user, make_class, make_class_debate, make_post):
    """A flag inside a private class reaches its instructor's scope, never a site moderator's queue or log."""
    from forum.domain import classes as class_rules
    from forum.models import Role
    classroom = make_class(students=0)
    topic = make_class_debate(classroom, title="Secret motion")
    flaggers = [make_user() for _ in range(3)]
    for member in flaggers:
        class_rules.join_class(member, classroom.join_code)
    post = make_post(topic=topic, author=classroom.instructor, body="Class-only words", stance="pro")
    for member in flaggers:
        moderation.flag_post(post, member, "spam")
    db.session.commit()
    client.login(make_user(role=Role.MODERATOR))
    for path in ("/mod?status=all", "/mod/log", "/mod/log.csv"):
        body = client.get(path).get_data(as_text=True)
        assert "Class-only words" not in body and "Secret motion" not in body, path
    assert client.get(f"/mod/p/{post.id}").status_code == 404
    client.login(make_user(role=Role.ADMIN))
    assert "Class-only words" in client.get("/mod?status=all").get_data(as_text=True)


def test_instructors_act_on_flags_in_their_own_class(client, make_user, make_class, make_class_debate, make_post):
    from forum.domain import classes as class_rules
    from forum.models import Flag, ModAction
    classroom = make_class(students=0)
    topic = make_class_debate(classroom, title="Our class motion")
    students = [make_user() for _ in range(4)]
    for student in students:
        class_rules.join_class(student, classroom.join_code)
    # Written by the instructor (not bound by phases), credited to a student.
    post = make_post(topic=topic, author=classroom.instructor, body="Something hurtful", stance="pro")
    post.author_id = students[0].id
    db.session.commit()
    for student in students[1:]:
        moderation.flag_post(post, student, "abusive")
    db.session.commit()
    client.login(classroom.instructor)
    assert "Something hurtful" in client.get("/mod").get_data(as_text=True)
    response = client.post(f"/mod/p/{post.id}/remove", data={"reason": "Not how we talk here"})
    assert response.status_code == 302
    db.session.expire_all()
    assert post.status == PostStatus.REMOVED
    assert db.session.scalar(select(ModAction).where(ModAction.action == "remove")).actor_id == classroom.instructor.id
    assert "Not how we talk here" in client.get("/mod/log").get_data(as_text=True)
    # A warning about a post in their class, yes; a site-wide suspension, no.
    assert client.post(f"/mod/u/{students[0].id}/warn", data={"reason": "Please be kind", "post_id": post.id}).status_code == 302
    assert client.post(f"/mod/u/{students[0].id}/suspend", data={"days": 3, "reason": "x", "post_id": post.id}).status_code == 403
    # Another class's instructor sees none of it.
    client.login(make_class(students=0).instructor)
    assert "Something hurtful" not in client.get("/mod?status=all").get_data(as_text=True)
    assert client.post(f"/mod/p/{post.id}/restore", data={"reason": "x"}).status_code == 404
    assert db.session.scalar(select(Flag).where(Flag.post_id == post.id)) is not None


def test_each_moderator_s_queue_is_their_own_scope(client, make_user, make_class, make_class_debate, make_post):
    """The queue's statement is built once for every moderator of a kind: whose
    classes count is bound per reader. Each instructor sees their class's flags
    only, a site moderator the public ones, an admin all."""
    public = make_post(body="Flagged in public")
    flagged = {"public": public}
    instructors = []
    for name in ("first", "second"):
        classroom = make_class()
        instructors.append(classroom.instructor)
        flagged[name] = make_post(topic=make_class_debate(classroom), author=classroom.instructor,
                                  body=f"Flagged in the {name} class", stance="pro")
    for post in flagged.values():
        moderation.flag_post(post, make_user(), FlagReason.SPAM)
    db.session.commit()
    seen = {}
    for who, user in [("first", instructors[0]), ("second", instructors[1]),
                      ("moderator", make_user(role=Role.MODERATOR)), ("admin", make_user(role=Role.ADMIN))]:
        for url in ("/mod", "/mod?reason=spam"):
            page = client.login(user).get(url).text
            seen[who, url] = {name for name, post in flagged.items() if f'id="q{post.id}"' in page}
    for url in ("/mod", "/mod?reason=spam"):
        assert seen["first", url] == {"first"} and seen["second", url] == {"second"}
        assert seen["moderator", url] == {"public"} and seen["admin", url] == {"public", "first", "second"}
