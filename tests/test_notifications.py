"""Notifications: each kind, privacy, no self-notification, settings, watching, the page."""
import re

import pytest
from sqlalchemy import select

from forum.domain import notifications, posting
from forum.extensions import db
from forum.models import Notification, NotificationKind, TopicWatch, WatchLevel


def _notes(user):
    return list(db.session.scalars(select(Notification).where(Notification.recipient_id == user.id)
                                   .order_by(Notification.id)))


def _kinds(user):
    return [n.kind for n in _notes(user)]


def test_reply_notifies_the_parent_author(make_user, make_post):
    maya, tom = make_user(), make_user()
    parent = make_post(author=maya)
    reply = make_post(parent=parent, author=tom)
    [note] = _notes(maya)
    assert (note.kind, note.actor_id, note.post_id, note.topic_id) == ("reply", tom.id, reply.id, parent.topic_id)


def test_nobody_is_notified_of_their_own_post(make_user, make_post):
    maya = make_user()
    parent = make_post(author=maya)
    make_post(parent=parent, author=maya, body="Me again, @" + maya.username)
    assert _notes(maya) == []


def test_mention_links_the_profile_and_notifies(make_user, make_post):
    maya, tom = make_user("maya"), make_user()
    post = make_post(author=tom, body="What do you think, @Maya? And @ghost?")
    assert '<a href="/u/maya" rel="nofollow ugc noopener">@Maya</a>' in post.body_html
    assert "@ghost" in post.body_html and "/u/ghost" not in post.body_html
    assert _kinds(maya) == ["mention"]


def test_mentions_in_code_and_links_are_not_mentions(make_user, make_post):
    maya = make_user("maya")
    post = make_post(body="`@maya` and [@maya](https://example.org) and maya@example.org")
    assert "/u/maya" not in post.body_html
    assert _notes(maya) == []


def test_mention_in_a_topic_opening_notifies(make_user, make_topic):
    maya = make_user("maya")
    make_topic(body="Starting this for @maya.")
    assert _kinds(maya) == ["mention"]


def test_watchers_hear_of_every_new_post_once(make_user, make_topic, make_post):
    maya, tom, ann = make_user(), make_user(), make_user()
    topic = make_topic(author=maya)  # maya auto-watches her topic
    parent = make_post(topic=topic, author=tom)  # maya: watched; tom now auto-watches
    make_post(parent=parent, author=ann, body=f"Replying to tom, cc @{maya.username}")
    assert _kinds(maya) == ["watched", "mention"]  # the mention, not also "watched"
    assert _kinds(tom) == ["reply"]  # the reply, not also "watched"


def test_auto_watch_follows_the_setting(make_user, make_topic, make_post):
    maya, tom = make_user(), make_user()
    notifications.save_settings(tom, enabled_kinds=set(NotificationKind), auto_watch=False)
    topic = make_topic(author=maya)
    make_post(topic=topic, author=tom)
    assert db.session.get(TopicWatch, (maya.id, topic.id)).level == "watching"
    assert db.session.get(TopicWatch, (tom.id, topic.id)) is None


def test_muting_a_topic_silences_it(make_user, make_topic, make_post):
    maya, tom = make_user(), make_user()
    topic = make_topic(author=maya)
    parent = make_post(topic=topic, author=maya)
    notifications.set_watch(maya, topic, WatchLevel.MUTED)
    make_post(parent=parent, author=tom, body=f"@{maya.username}")
    assert _notes(maya) == []


def test_a_kind_turned_off_is_not_sent(make_user, make_post):
    maya, tom = make_user(), make_user()
    notifications.save_settings(maya, enabled_kinds={"mention"}, auto_watch=True)
    parent = make_post(author=maya)
    make_post(parent=parent, author=tom)
    assert _notes(maya) == []


@pytest.mark.parametrize("kind", ["delta", "vote_milestone", "moderation", "class_announcement", "phase_open"])
def test_notify_other_areas_kinds(make_user, make_post, kind):
    maya, tom = make_user(), make_user()
    post = make_post(author=maya)
    note = notifications.notify(maya, kind, actor=tom, post=post)
    db.session.commit()
    assert note.kind == kind and _kinds(maya) == [kind]
    assert notifications.groups(maya)[0].summary == notifications.KIND_LABELS[kind][0]


def test_notify_never_tells_the_actor(make_user, make_post):
    maya = make_user()
    assert notifications.notify(maya, "delta", actor=maya, post=make_post()) is None


def test_no_notification_about_a_topic_the_recipient_may_not_see(make_user, make_topic, make_post, hide_topics):
    maya, tom = make_user("maya"), make_user()
    topic = make_topic()
    hide_topics(topic)
    make_post(topic=topic, author=tom, body="Hey @maya")
    assert _notes(maya) == []



@pytest.fixture
def told_in_class(make_user, make_class, make_class_debate, open_phase):
    """A student and an admin who each opened a class debate and were answered by its
    instructor: (classroom, student, admin), with unread notifications for both."""
    from forum.domain import classes
    from forum.models import Role, Stance
    classroom = make_class()
    student, admin = make_user(), make_user(role=Role.ADMIN)
    classes.join_class(student, classroom.join_code)
    topic = make_class_debate(classroom)
    classes.set_sides(topic, {student.id: Stance.PRO})
    open_phase(topic, "opening")
    for reader in (student, admin):
        opening = posting.create_post(reader, topic, "An opening.", stance=Stance.PRO)
        posting.create_post(classroom.instructor, topic, "A question for you.", parent=opening)
    db.session.commit()
    return classroom, student, admin


def test_the_count_sees_class_topics_as_each_reader_does(told_in_class):
    """The count's statement is built once for every member (and once for admins);
    whose classes count is bound per reader."""
    from forum.domain import classes
    classroom, student, admin = told_in_class
    told = notifications.unread_count(admin)
    assert notifications.unread_count(student) >= 1 and told >= 1  # replies, and the watched topic
    classes.remove_student(classroom, student)
    db.session.commit()
    assert notifications.unread_count(student) == 0 and notifications.unread_count(admin) == told


def _badge(page: str) -> int:
    found = re.search(r'<span class="badge">(\d+)<span class="visually-hidden"> unread', page)
    return int(found.group(1)) if found else 0


def test_the_header_count_comes_with_the_member_and_is_the_count(client, told_in_class, count_queries):
    """On a page a member reads, the user loader brings their unread count (no query of
    its own); an admin's, who sees more, is counted for them. Either way the header
    shows what `unread_count` says, and a class left behind stops counting at once."""
    from forum.domain import classes
    classroom, student, admin = told_in_class
    for reader in (student, admin):
        expected = notifications.unread_count(reader)
        client.login(reader)
        with count_queries() as queries:
            page = client.get("/settings").text
        assert expected >= 1 and _badge(page) == expected
        counted = [q for q in queries if q.startswith("SELECT count(") and "notifications" in q]
        assert len(counted) == (1 if reader is admin else 0)  # the student's came with them
    classes.remove_student(classroom, student)
    db.session.commit()
    assert _badge(client.login(student).get("/settings").text) == 0


def test_notifications_hide_what_became_private_or_deleted(client, make_user, make_topic, make_post, hide_topics):
    maya, tom = make_user(), make_user()
    secret, open_ = make_topic(), make_topic()
    make_post(parent=make_post(topic=secret, author=maya), author=tom, body="secret reply")
    gone = make_post(parent=make_post(topic=open_, author=maya), author=tom, body="deleted reply")
    assert notifications.unread_count(maya) == 2
    hide_topics(secret)
    posting.delete_post(gone, tom)
    db.session.commit()
    assert notifications.unread_count(maya) == 0 and notifications.groups(maya) == []
    page = client.login(maya).get("/notifications").get_data(as_text=True)
    assert secret.title not in page and open_.title not in page


def test_groups_say_how_many(make_user, make_post):
    maya = make_user()
    parent = make_post(author=maya)
    for _ in range(3):
        make_post(parent=parent, author=make_user())
    [group] = notifications.groups(maya)
    assert group.summary == "3 replies to your posts" and len(group.actors) == 3 and group.unread


def test_notifications_page_marks_read(client, make_user, make_post):
    maya, tom = make_user(), make_user()
    parent = make_post(author=maya)
    make_post(parent=parent, author=tom)
    client.login(maya)
    page = client.get("/notifications").get_data(as_text=True)
    assert "replied to your post" in page and parent.topic.title in page
    assert '<span class="badge">1<' in page
    [note] = _notes(maya)
    assert client.post("/notifications/read", data={"ids": [str(note.id)]}).status_code == 302
    db.session.expire_all()
    assert _notes(maya)[0].read_at is not None
    assert 'class="badge"' not in client.get("/notifications").get_data(as_text=True)


def test_mark_read_ignores_other_peoples_notifications(client, make_user, make_post):
    maya, tom = make_user(), make_user()
    make_post(parent=make_post(author=maya), author=tom)
    [note] = _notes(maya)
    client.login(tom).post("/notifications/read", data={"ids": [str(note.id)]})
    db.session.expire_all()
    assert _notes(maya)[0].read_at is None


def test_mark_all_read(client, make_user, make_post):
    maya = make_user()
    parent = make_post(author=maya)
    for _ in range(2):
        make_post(parent=parent, author=make_user())
    client.login(maya).post("/notifications/read-all")
    db.session.expire_all()
    assert all(n.read_at for n in _notes(maya)) and len(_notes(maya)) == 2


@pytest.mark.parametrize("method, path", [("get", "/notifications"), ("post", "/notifications/read"),
                                          ("post", "/notifications/read-all"), ("post", "/t/1/watch")])
def test_guests_are_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code in (302, 401)
    assert "/auth/login" in response.headers.get("Location", "/auth/login")


def test_mark_read_needs_a_csrf_token(csrf_app, client, make_user, make_post):
    maya = make_user()
    make_post(parent=make_post(author=maya), author=make_user())
    assert client.login(maya).post("/notifications/read-all").status_code == 400
    db.session.expire_all()
    assert _notes(maya)[0].read_at is None


@pytest.mark.parametrize("level, expected", [("watching", "watching"), ("muted", "muted"), ("none", None)])
def test_watch_route(client, make_user, make_topic, level, expected):
    maya = make_user()
    topic = make_topic()
    response = client.login(maya).post(f"/t/{topic.id}/watch", data={"level": level})
    assert response.status_code == 302
    db.session.expire_all()
    watch = db.session.get(TopicWatch, (maya.id, topic.id))
    assert (watch.level if watch else None) == expected
    page = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert {"watching": "Stop watching", "muted": "Unmute", None: 'value="watching"'}[expected] in page


def test_suspended_member_may_still_watch(client, make_user, make_topic):
    from datetime import timedelta

    from forum.models import utcnow
    maya = make_user(suspended_until=utcnow() + timedelta(days=3))
    topic = make_topic()
    client.login(maya).post(f"/t/{topic.id}/watch", data={"level": "watching"})
    assert db.session.get(TopicWatch, (maya.id, topic.id)) is not None


def test_watching_a_private_topic_is_a_404(client, make_user, make_topic, hide_topics):
    topic = make_topic()
    hide_topics(topic)
    assert client.login(make_user()).post(f"/t/{topic.id}/watch", data={"level": "watching"}).status_code == 404


def test_notifications_page_queries_do_not_grow(client, make_user, make_post, count_queries):
    small, big = make_user(), make_user()
    for person, n in ((small, 2), (big, 40)):
        parent = make_post(author=person)
        for _ in range(n):
            make_post(parent=parent, author=make_user())
    counts = []
    for person in (small, big):
        client.login(person)
        with count_queries() as q:
            assert client.get("/notifications").status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1] <= 10
