"""A member's own copies (caching.own_page): the moderation queue is kept whole for
each moderator at the queue's version, and a class debate's dashboard for each of
its instructors at the debate's, so loading them again while nothing changed costs
two queries. Whatever changes what it shows is there on the next load, the header
and banners included; no moderator is ever given another's copy; a copy never
holds a CSRF token or a message to show once.

Copies are off in the other tests (TEST_CONFIG): the `copies` fixture turns them on.
"""
import re
from datetime import timedelta

import pytest

from forum.domain import classes, moderation, notifications, posting
from forum.extensions import db
from forum.models import FlagReason, NotificationKind, PhaseKind, Role, Stance, User, WordAction, utcnow
from forum.pages import class_pages
from forum.web import caching

SECRET = "Words only moderators may read"


@pytest.fixture
def queue(make_user, make_topic, make_post):
    """A flagged reply by `author`, a moderator and an admin."""
    author = make_user("writer")
    topic = make_topic(title="Sora and the artists")
    parent = make_post(topic=topic, body="The parent post.")
    post = make_post(parent=parent, author=author, body=SECRET)
    moderation.flag_post(post, make_user(), FlagReason.SPAM)
    db.session.commit()
    return dict(author=author, topic=topic, parent=parent, post=post,
                mod=make_user("moddy", role=Role.MODERATOR), admin=make_user("boss", role=Role.ADMIN))


def _tokens(page: str) -> list[str]:
    return re.findall(r'name="csrf_token" value="([^"]*)"', page)


def _untokened(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def test_a_moderator_gets_their_queue_again_from_their_copy(csrf_app, copies, queue, count_queries):
    client = csrf_app.test_client().login(queue["mod"])
    first = client.get("/mod").text
    assert SECRET in first and "1 open flag" in first
    with count_queries() as queries:
        second = client.get("/mod").text
    assert len(queries) == 2  # the moderator (with their unread count), the queue's version
    assert _untokened(second) == _untokened(first)
    # The forms carry the moderator's own token, put in when served: it works.
    tokens = _tokens(second)
    assert tokens and all(tokens) and caching.CSRF_PLACEHOLDER not in second
    response = client.post(f"/mod/p/{queue['post'].id}/dismiss", data={"csrf_token": tokens[0], "reason": ""})
    assert response.status_code == 302
    assert "The queue is clear" in client.get("/mod").text


def test_a_copy_never_holds_a_csrf_token(csrf_app, copies, queue):
    client = csrf_app.test_client().login(queue["mod"])
    page = client.get("/mod").text
    stored = [body.decode() for _, body in copies.local.values()]
    assert len(stored) == 1 and caching.CSRF_PLACEHOLDER in stored[0]
    assert not any(token in stored[0] for token in _tokens(page))


def _flag_another(s, make_user, make_post):
    post = make_post(topic=s["topic"], body="A second flagged post.")
    moderation.flag_post(post, make_user(), FlagReason.ABUSIVE)
    return "A second flagged post."


def _edit(s, make_user, make_post):
    posting.edit_post(s["post"], s["author"], "The author rewrote it while flagged.")
    return "The author rewrote it while flagged."


def _delete(s, make_user, make_post):
    posting.delete_post(s["post"], s["author"])
    return "Deleted by author"


def _another_flag(s, make_user, make_post):
    moderation.flag_post(s["post"], make_user(), FlagReason.OTHER, "Copied from a blog")
    return "Copied from a blog"


def _dismiss(s, make_user, make_post):
    moderation.dismiss_flags(s["post"], s["admin"])
    return "The queue is clear"


def _remove_and_appeal(s, make_user, make_post):
    moderation.remove_post(s["post"], s["admin"], "Spam link")
    moderation.appeal_removal(s["post"], s["author"], "It was not spam, please look again.")
    return "It was not spam, please look again."


def _suspend(s, make_user, make_post):
    moderation.suspend_member(s["author"], s["admin"], 2, "Repeated spam")
    return "suspended now"


def _held(s, make_user, make_post):
    moderation.add_watched_word(s["admin"], "lawsuit", WordAction.HOLD)
    posting.create_post(make_user(), s["topic"], "A lawsuit will follow.")
    return "A lawsuit will follow."


def _retitle(s, make_user, make_post):
    topic = s["topic"]
    posting.edit_topic(topic, topic.author, title="Sora, artists and the leak", body=topic.body_md)
    return "Sora, artists and the leak"


@pytest.mark.parametrize("change", [_flag_another, _edit, _delete, _another_flag, _dismiss, _remove_and_appeal,
                                    _suspend, _held, _retitle])
def test_whatever_changes_the_queue_shows_on_the_next_load(client, copies, queue, make_user, make_post, change):
    client.login(queue["mod"])
    client.get("/mod")
    expected = change(queue, make_user, make_post)
    db.session.commit()
    assert expected not in client.get("/mod?status=resolved").text or change is _dismiss
    assert expected in client.get("/mod").text


def test_moderators_never_share_a_copy(client, copies, queue, make_user, make_class):
    post = queue["post"]
    moderation.remove_post(post, queue["mod"], "Spam link")
    moderation.appeal_removal(post, queue["author"], "It was not spam, please look again.")
    db.session.commit()
    remover = client.login(queue["mod"]).get("/mod").text
    assert "You removed this post" in remover
    other = client.login(make_user(role=Role.MODERATOR)).get("/mod").text
    assert "It was not spam" in other and "You removed this post" not in other
    # An instructor's queue is their classes': the forum's flags are not in it.
    instructor = make_class().instructor
    assert "The queue is clear" in client.login(instructor).get("/mod").text
    assert len(copies.local) == 3


def test_an_instructors_queue_shows_their_class_at_once(client, copies, make_class, make_class_debate,
                                                       open_phase):
    classroom = make_class(students=2)
    topic = make_class_debate(classroom)
    writer, flagger = (db.session.get(User, i) for i in classes.student_ids(classroom.id))
    classes.set_sides(topic, {writer.id: Stance.PRO, flagger.id: Stance.CON})
    open_phase(topic, PhaseKind.OPENING)
    client.login(classroom.instructor)
    assert "The queue is clear" in client.get("/mod").text
    post = posting.create_post(writer, topic, "An opening argument in the class.", stance=Stance.PRO)
    moderation.flag_post(post, flagger, FlagReason.ABUSIVE)
    db.session.commit()
    assert "An opening argument in the class." in client.get("/mod").text


# --- What the page's header and banners show of the member --------------------------------

def test_a_new_notification_shows_in_the_header_of_the_kept_page(client, copies, queue):
    client.login(queue["mod"])
    assert 'class="badge"' not in client.get("/mod").text
    notifications.notify(queue["mod"], NotificationKind.REPLY, actor=queue["author"], post=queue["post"])
    db.session.commit()
    assert '<span class="badge">1<span class="visually-hidden"> unread</span>' in client.get("/mod").text


def test_a_moderators_message_shows_and_goes_away_on_the_kept_page(client, copies, queue, make_user):
    """The message alone changes (its notification read): the page still shows it."""
    client.login(queue["mod"])
    client.get("/mod")
    message = moderation.tell(queue["mod"], "Please keep the queue notes civil.")
    db.session.commit()
    notifications.mark_all_read(queue["mod"])
    db.session.commit()
    assert "Please keep the queue notes civil." in client.get("/mod").text
    moderation.dismiss_message(message, queue["mod"])
    db.session.commit()
    assert "Please keep the queue notes civil." not in client.get("/mod").text


def test_a_suspension_and_its_change_show_on_the_kept_dashboard(client, copies, debate, make_user):
    """A suspended instructor still reads their dashboard, under the notice, whose end date is theirs."""
    classroom, topic, _, _ = debate
    client.login(classroom.instructor)
    assert "Your account is suspended" not in client.get(_dashboard(classroom, topic)).text
    moderation.suspend_member(classroom.instructor, make_user(role=Role.ADMIN), 3, "Posting answers early.")
    db.session.commit()
    page = client.get(_dashboard(classroom, topic)).text
    assert "Your account is suspended" in page and "Posting answers early." in page
    classroom.instructor.suspended_until += timedelta(days=30)
    db.session.commit()
    later = classroom.instructor.suspended_until
    assert f'{later.year}' in client.get(_dashboard(classroom, topic)).text
    assert client.get(_dashboard(classroom, topic)).text != page


def test_a_message_to_show_once_is_shown_and_never_kept(client, copies, queue):
    client.login(queue["mod"])
    client.get("/mod")
    kept = dict(copies.local)
    client.post(f"/mod/p/{queue['post'].id}/dismiss", data={"reason": ""})
    flashed = client.get("/mod").text
    assert "Done; it is in the moderation log." in flashed
    assert not any("Done; it is in the moderation log." in body.decode() for _, body in copies.local.values())
    assert len(copies.local) == len(kept)
    again = client.get("/mod").text
    assert "Done; it is in the moderation log." not in again and "The queue is clear" in again
    assert len(copies.local) == len(kept) + 1


# --- A class debate's dashboard ---------------------------------------------------------

@pytest.fixture
def debate(make_class, make_class_debate, open_phase):
    """A class debate in its opening phase with two students on sides, nobody posted yet."""
    classroom = make_class(students=2)
    topic = make_class_debate(classroom)
    ada, bo = (db.session.get(User, i) for i in classes.student_ids(classroom.id))
    classes.set_sides(topic, {ada.id: Stance.PRO, bo.id: Stance.CON})
    open_phase(topic, PhaseKind.OPENING)
    return classroom, topic, ada, bo


def _dashboard(classroom, topic) -> str:
    return f"/classes/{classroom.id}/debates/{topic.id}/dashboard"


def test_an_instructor_gets_their_dashboard_again_from_their_copy(client, copies, debate, count_queries):
    classroom, topic, _, _ = debate
    url = _dashboard(classroom, topic)
    client.login(classroom.instructor)
    first = client.get(url).text
    assert "2 students have not posted yet" in first
    with count_queries() as queries:
        second = client.get(url).text
    # The instructor (with their unread count); the debate with their role in its class: who may
    # see the page is decided by the same query on a copy's load as on a new copy's.
    assert len(queries) == 2
    assert "class_debates" in queries[1] and "class_memberships.role" in queries[1]
    assert second == first


def _post(classroom, topic, ada, bo):
    posting.create_post(ada, topic, "Ada's opening argument for paying them.", stance=Stance.PRO)
    return "1 student has not posted yet"


def _join(classroom, topic, ada, bo):
    from forum.domain.accounts import create_user
    classes.join_class(create_user("carla", "carla@example.org", "correct horse battery"), classroom.join_code)
    return "3 students have not posted yet"


def _rebuttals_phase(classroom, topic, ada, bo):
    now = utcnow()
    classes.set_phase(topic, PhaseKind.REBUTTAL, now + timedelta(hours=2), now + timedelta(hours=3))
    return 'title="Posts in Rebuttals"'


@pytest.mark.parametrize("change", [_post, _join, _rebuttals_phase])
def test_whatever_changes_the_dashboard_shows_on_the_next_load(client, copies, debate, change):
    classroom, topic, ada, bo = debate
    client.login(classroom.instructor)
    first = client.get(_dashboard(classroom, topic)).text
    expected = change(classroom, topic, ada, bo)
    db.session.commit()
    assert expected not in first
    assert expected in client.get(_dashboard(classroom, topic)).text


def test_a_side_change_shows_on_the_next_load(client, copies, debate):
    classroom, topic, ada, _ = debate
    client.login(classroom.instructor)
    before = client.get(_dashboard(classroom, topic)).text
    classes.set_sides(topic, {ada.id: None})
    db.session.commit()
    after = client.get(_dashboard(classroom, topic)).text
    assert after.count("Pay them") == before.count("Pay them") - 1


def test_the_dashboards_version_moves_when_a_phase_closes_by_the_clock(client, copies, debate, monkeypatch):
    classroom, topic, _, _ = debate
    client.login(classroom.instructor)
    before = client.get(_dashboard(classroom, topic)).text
    client.get(_dashboard(classroom, topic))
    assert len(copies.local) == 1
    later = utcnow() + timedelta(hours=2)  # the opening phase has closed
    monkeypatch.setattr(class_pages, "utcnow", lambda: later)
    after = client.get(_dashboard(classroom, topic)).text
    assert len(copies.local) == 2 and after  # a new copy, made at the new time


def test_the_dashboards_copy_is_only_for_the_class_s_instructors(client, copies, debate, make_user):
    classroom, topic, ada, _ = debate
    client.login(classroom.instructor).get(_dashboard(classroom, topic))
    assert client.login(ada).get(_dashboard(classroom, topic)).status_code == 403
    assert client.login(make_user()).get(_dashboard(classroom, topic)).status_code == 404
    assert client.logout().get(_dashboard(classroom, topic)).status_code in (302, 401)
    assert len(copies.local) == 1


def test_the_dashboard_is_reached_only_under_its_own_class(client, copies, debate, make_class):
    """Its instructor's other class in the URL: 404, copy or no copy."""
    classroom, topic, _, _ = debate
    other = make_class(classroom.instructor)
    client.login(classroom.instructor)
    assert client.get(_dashboard(classroom, topic)).status_code == 200
    assert client.get(_dashboard(other, topic)).status_code == 404


def test_a_suspended_moderator_is_refused_the_queue_they_kept(client, copies, queue):
    client.login(queue["mod"])
    assert client.get("/mod").status_code == 200
    queue["mod"].suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    assert client.get("/mod").status_code == 403
    assert len(copies.local) == 1  # nothing more was kept
