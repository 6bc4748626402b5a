"""Routes for a topic's opening text under moderation (issue 18, item 4): the flag
button and form, tombstones on the topic page, lists and feeds, the queue and its
actions, the log, appeals; admins told of appeals that wait for them; warnings that
name an admin; phases on topic edits; editors named by `shown` on a topic's history."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.domain import classes, moderation
from forum.extensions import db
from forum.models import (Appeal, Flag, FlagReason, ModAction, PhaseKind, PostStatus, Revision, Role, Topic,
                          utcnow)

SECRET = "Buy cheap watches today, only forty dollars"
TITLE = "Cheap watches here"


@pytest.fixture
def scene(make_user, make_topic, make_post):
    author = make_user("watchseller")
    topic = make_topic(author=author, title=TITLE, body=SECRET)
    make_post(topic=topic, body="A reply that stays visible.")
    return dict(author=author, topic=topic, mod=make_user("moddy", role=Role.MODERATOR),
                member=make_user("member"), admin=make_user("boss", role=Role.ADMIN))


def _status(topic_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Topic, topic_id).status


# --- The flag button and form ------------------------------------------------------------

def test_a_member_flags_a_topic_from_its_page(client, scene):
    topic = scene["topic"]
    client.login(scene["member"])
    assert f'href="/t/{topic.id}/flag"' in client.get(f"/t/{topic.id}").text
    page = client.get(f"/t/{topic.id}/flag")
    assert page.status_code == 200 and "Flag a topic for the moderators" in page.text and SECRET in page.text
    response = client.post(f"/t/{topic.id}/flag", data={"reason": "spam", "note": "Advertising"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/t/{topic.id}")
    [flag] = db.session.scalars(select(Flag))
    assert (flag.topic_id, flag.post_id, flag.flagger_id, flag.note) == (topic.id, None, scene["member"].id,
                                                                          "Advertising")
    assert f"The topic “{TITLE}”" in client.get("/flags").text


@pytest.mark.parametrize("data, message", [({"reason": "other", "note": ""}, "Say in a note"),
                                           ({"reason": "bogus"}, "Not a valid choice")])
def test_a_bad_topic_flag_is_refused_with_a_reason_and_nothing_stored(client, scene, data, message):
    topic = scene["topic"]
    response = client.login(scene["member"]).post(f"/t/{topic.id}/flag", data=data)
    assert response.status_code == 400 and message in response.text
    assert db.session.scalars(select(Flag)).all() == []


def test_a_second_open_flag_on_a_topic_is_refused(client, scene):
    topic = scene["topic"]
    client.login(scene["member"])
    assert client.post(f"/t/{topic.id}/flag", data={"reason": "spam"}).status_code == 302
    response = client.post(f"/t/{topic.id}/flag", data={"reason": "spam"})
    assert response.status_code == 400 and "already flagged this topic" in response.text


@pytest.mark.parametrize("who, status", [("guest", 401), ("author", 403), ("suspended", 403)])
def test_topic_flag_refusals(client, scene, make_user, who, status):
    topic = scene["topic"]
    if who == "author":
        client.login(scene["author"])
    elif who == "suspended":
        client.login(make_user(suspended_until=utcnow() + timedelta(days=1), suspension_reason="Spam"))
    assert client.post(f"/t/{topic.id}/flag", data={"reason": "spam"}).status_code == status
    assert db.session.scalars(select(Flag)).all() == []
    if who != "guest":
        assert f'href="/t/{topic.id}/flag"' not in client.get(f"/t/{topic.id}").text


def test_an_outsider_cannot_flag_a_class_topic_but_a_student_can(client, sided_debate, make_user):
    classroom, topic, pro, con = sided_debate
    client.login(make_user())
    assert client.get(f"/t/{topic.id}/flag").status_code == 404
    assert client.post(f"/t/{topic.id}/flag", data={"reason": "spam"}).status_code == 404
    assert db.session.scalars(select(Flag)).all() == []
    assert client.login(pro).post(f"/t/{topic.id}/flag", data={"reason": "off_topic"}).status_code == 302


def test_three_members_flags_hide_a_topic_from_a_fourth(client, scene, make_user):
    topic = scene["topic"]
    for _ in range(3):
        assert client.login(make_user()).post(f"/t/{topic.id}/flag", data={"reason": "spam"}).status_code == 302
    assert _status(topic.id) == PostStatus.HIDDEN
    page = client.login(make_user()).get(f"/t/{topic.id}").text
    assert "This topic's opening text is hidden pending review." in page
    assert SECRET not in page and TITLE not in page and "A reply that stays visible." in page


# --- The topic page, lists and feeds --------------------------------------------------------

def test_a_hidden_topic_is_a_tombstone_but_for_its_author_and_moderators(client, scene):
    topic = scene["topic"]
    moderation.hide_topic(topic, scene["mod"], "Looks like spam")
    db.session.commit()
    guest = client.get(f"/t/{topic.id}").text
    assert "Topic hidden pending review" in guest and SECRET not in guest and TITLE not in guest
    for reader in ("author", "mod"):
        page = client.login(scene[reader]).get(f"/t/{topic.id}").text
        assert SECRET in page and TITLE in page
        assert "Hidden pending review: only its author and moderators see this text." in page
    history = client.logout().get(f"/t/{topic.id}/history").text
    assert "its history is not shown" in history and SECRET not in history


def test_a_removed_topic_shows_its_reason_and_its_author_appeals(client, scene):
    topic, author = scene["topic"], scene["author"]
    moderation.remove_topic(topic, scene["mod"], "Advertising")
    db.session.commit()
    guest = client.get(f"/t/{topic.id}").text
    assert "removed by a moderator: Advertising" in guest and SECRET not in guest and TITLE not in guest
    page = client.login(author).get(f"/t/{topic.id}").text
    assert SECRET not in page and f'href="/t/{topic.id}/appeal"' in page
    appeal_page = client.get(f"/t/{topic.id}/appeal")
    assert appeal_page.status_code == 200 and "Your appeal waits for an admin" in appeal_page.text
    response = client.post(f"/t/{topic.id}/appeal", data={"text": "short"})
    assert response.status_code == 400 and db.session.scalars(select(Appeal)).all() == []
    response = client.post(f"/t/{topic.id}/appeal", data={"text": "These are genuine watch reviews, not ads."})
    assert response.status_code == 302
    [appeal] = db.session.scalars(select(Appeal))
    assert appeal.topic_id == topic.id and appeal.author_id == author.id
    response = client.post(f"/t/{topic.id}/appeal", data={"text": "Please, these are genuine watch reviews."})
    assert response.status_code == 400 and "appealed once" in response.text
    assert client.login(scene["mod"]).get(f"/t/{topic.id}").text.count(SECRET) == 1
    assert client.login(scene["member"]).get(f"/t/{topic.id}/appeal").status_code == 403


def test_lists_search_and_feeds_leave_out_a_hidden_topic(client, scene):
    topic = scene["topic"]
    assert TITLE in client.get("/").text
    moderation.hide_topic(topic, scene["mod"])
    db.session.commit()
    for path in ("/", "/search?q=watches", "/feeds/topics.atom", f"/u/{scene['author'].username}"):
        assert TITLE not in client.get(path).text, path
    assert client.get(f"/t/{topic.id}/feed.atom").status_code == 404
    assert f"/t/{topic.id}/feed.atom" not in client.get(f"/t/{topic.id}").text
    profile = client.login(scene["author"]).get(f"/u/{scene['author'].username}").text
    assert TITLE in profile and "Hidden pending review" in profile


# --- The queue, its actions and the log -----------------------------------------------------------

def test_the_queue_shows_a_flagged_topic_with_its_actions(client, scene):
    topic = scene["topic"]
    moderation.flag_topic(topic, scene["member"], FlagReason.SPAM, "Advertising")
    db.session.commit()
    page = client.login(scene["mod"]).get("/mod").text
    assert f"Topic #{topic.id}" in page and SECRET in page and "Advertising" in page
    for action in ("dismiss", "hide", "remove"):
        assert f"/mod/t/{topic.id}/text/{action}" in page
    assert f"Topic #{topic.id}" in client.get(f"/mod/t/{topic.id}").text


def test_removing_a_topic_needs_a_reason_and_is_logged(client, scene):
    topic = scene["topic"]
    client.login(scene["mod"])
    response = client.post(f"/mod/t/{topic.id}/text/remove", data={"reason": ""})
    assert response.status_code == 400 and "Give the reason for removing it" in response.text
    assert _status(topic.id) == PostStatus.VISIBLE
    assert db.session.scalars(select(ModAction)).all() == []
    assert client.post(f"/mod/t/{topic.id}/text/remove", data={"reason": "Advertising"}).status_code == 302
    assert _status(topic.id) == PostStatus.REMOVED
    [entry] = db.session.scalars(select(ModAction))
    assert (entry.action, entry.actor_id, entry.topic_id) == ("remove_topic", scene["mod"].id, topic.id)
    log = client.get("/mod/log").text
    assert "removed a topic" in log and "Advertising" in log
    assert client.post(f"/mod/t/{topic.id}/text/restore", data={"reason": ""}).status_code == 302
    assert _status(topic.id) == PostStatus.VISIBLE


@pytest.mark.parametrize("who, status", [("member", 403), ("author", 403), ("instructor", 403)])
def test_only_moderators_act_on_a_topic(client, scene, make_user, who, status):
    user = make_user(role=Role.INSTRUCTOR) if who == "instructor" else scene[who]
    response = client.login(user).post(f"/mod/t/{scene['topic'].id}/text/hide", data={"reason": "x"})
    assert response.status_code == status and _status(scene["topic"].id) == PostStatus.VISIBLE


def test_an_instructor_of_another_class_cannot_reach_a_class_topic(client, sided_debate, make_user):
    classroom, topic, pro, con = sided_debate
    other = make_user(role=Role.INSTRUCTOR)
    classes.create_class(other, name="Another class", time_zone="UTC")
    db.session.commit()
    response = client.login(other).post(f"/mod/t/{topic.id}/text/hide", data={"reason": "x"})
    assert response.status_code == 404 and _status(topic.id) == PostStatus.VISIBLE
    assert client.login(classroom.instructor).post(f"/mod/t/{topic.id}/text/hide",
                                                   data={"reason": "x"}).status_code == 302


def test_the_remover_cannot_decide_the_topic_appeal_another_moderator_does(client, scene, make_user):
    topic, mod = scene["topic"], scene["mod"]
    moderation.remove_topic(topic, mod, "Advertising")
    appeal = moderation.appeal_topic_removal(topic, scene["author"], "These are genuine watch reviews, not ads.")
    db.session.commit()
    page = client.login(mod).get(f"/mod/t/{topic.id}").text
    assert "You removed this topic, so you don't decide its appeal" in page
    response = client.post(f"/mod/appeals/{appeal.id}/restore", data={"reason": ""})
    assert response.status_code == 400 and "you removed the topic" in response.text
    assert _status(topic.id) == PostStatus.REMOVED
    other = make_user(role=Role.MODERATOR)
    response = client.login(other).post(f"/mod/appeals/{appeal.id}/restore", data={"reason": "Fair"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/mod/t/{topic.id}")
    assert _status(topic.id) == PostStatus.VISIBLE


# --- Admins, warnings, phases, history ---------------------------------------------------------------

def test_an_admin_is_told_of_an_appeal_that_waits_for_an_admin(client, scene):
    topic = scene["topic"]
    moderation.remove_topic(topic, scene["mod"], "Advertising")  # the only moderator
    db.session.commit()
    client.login(scene["author"])
    assert "Your appeal waits for an admin" in client.get(f"/t/{topic.id}/appeal").text
    assert client.post(f"/t/{topic.id}/appeal",
                       data={"text": "These are genuine watch reviews, not ads."}).status_code == 302
    page = client.login(scene["admin"]).get("/notifications").text
    assert "appealed a removal that waits for an admin" in page and 'href="/mod"' in page
    assert scene["author"].name in page


def test_an_admin_warning_says_an_admin(client, scene, make_post):
    post = make_post(topic=scene["topic"], author=scene["member"], body="Rude words")
    db.session.commit()
    response = client.login(scene["admin"]).post(f"/mod/u/{scene['member'].id}/warn",
                                                  data={"reason": "Mind your tone", "post_id": str(post.id)})
    assert response.status_code == 302
    page = client.login(scene["member"]).get("/").text
    assert "An admin warned you: Mind your tone" in page and "A moderator warned you" not in page


def test_a_class_motion_edit_is_refused_once_its_phase_opened(client, sided_debate, open_phase):
    classroom, topic, pro, con = sided_debate
    title = topic.title
    open_phase(topic, PhaseKind.OPENING)
    db.session.commit()
    response = client.login(classroom.instructor).post(f"/t/{topic.id}/edit",
                                                       data={"title": "A new motion", "body": "New words."})
    assert response.status_code == 400 and "the motion can no longer be edited" in response.text
    assert "New words." in response.text  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).title == title


def test_a_topic_history_names_editors_by_shown(client, make_anonymous_debate):
    topic, post, alice, bruno, classroom = make_anonymous_debate("Alice's argument")
    # An earlier version by a student (say, before an instructor took the motion over).
    db.session.add(Revision(topic_id=topic.id, title="An earlier motion", body_md="Earlier.",
                            body_html="<p>Earlier.</p>", created_at=utcnow(), editor_id=alice.id))
    topic.edited_at, topic.edited_by_id = utcnow(), classroom.instructor.id
    db.session.commit()
    page = client.login(bruno).get(f"/t/{topic.id}/history").text
    assert "An earlier motion" in page and "alice_real" not in page and alice.name not in page
    teacher = client.login(classroom.instructor).get(f"/t/{topic.id}/history").text
    assert alice.name in teacher  # beside the pseudonym, for those who teach the class


def test_a_topic_history_names_a_moderator_with_a_badge(client, scene):
    topic = scene["topic"]
    moderation.edit_topic(topic, scene["mod"], title="Watches", body="Reviews of watches.", reason="Tidy")
    moderation.edit_topic(topic, scene["admin"], title="Watch reviews", body="Reviews.", reason="Tidy")
    db.session.commit()
    page = client.get(f"/t/{topic.id}/history").text
    assert "Version by <bdi>" in page and "role-moderator" in page


def test_the_queue_with_topics_keeps_a_fixed_number_of_queries(client, scene, make_topic, make_post, make_user,
                                                                count_queries):
    flagger = make_user()

    def flag_more(n):
        for _ in range(n):
            topic = make_topic()
            moderation.flag_topic(topic, flagger, FlagReason.SPAM)
            moderation.flag_post(make_post(topic=topic), flagger, FlagReason.SPAM)
        db.session.commit()
    counts = []
    client.login(scene["mod"])
    for n in (1, 6):
        flag_more(n)
        with count_queries() as queries:
            assert client.get("/mod").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts  # as before topics and trust joined the queue


def test_the_transcript_shows_classmates_a_tombstone_for_a_removed_motion(client, sided_debate):
    classroom, topic, pro, con = sided_debate
    body = topic.body_md
    moderation.remove_topic(topic, classroom.instructor, "Leaked a name")
    db.session.commit()
    path = f"/classes/{classroom.id}/debates/{topic.id}/transcript.md"
    text = client.login(pro).get(path).get_data(as_text=True)
    assert "# Topic removed by a moderator" in text and "removed by a moderator: Leaked a name" in text
    assert body not in text
    assert body in client.login(classroom.instructor).get(path).get_data(as_text=True)


@pytest.mark.parametrize("reader", ["guest", "author", "mod"])
def test_a_hidden_topic_page_costs_no_more_queries_than_a_shown_one(client, scene, make_topic, count_queries,
                                                                     reader):
    shown, hidden = make_topic(posts=12), make_topic(author=scene["author"], posts=12)
    moderation.hide_topic(hidden, scene["mod"])
    db.session.commit()
    if reader != "guest":
        client.login(scene[reader])
    counts = []
    for topic in (shown, hidden):
        with count_queries() as queries:
            assert client.get(f"/t/{topic.id}").status_code == 200
        counts.append(len(queries))
    assert counts[1] <= counts[0] <= 10, counts
