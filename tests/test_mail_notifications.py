"""Notifications by mail (forum/domain/mail_notifications.py): per kind and per
member, at once or in a daily digest; one-click unsubscribe; nothing mailed that
the member could not read on the site; pseudonyms in anonymous debates."""
import re
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import delete, func, select

from forum.domain import (anonymity, classes, grading, mail, mail_notifications, moderation, notifications,
                          password_reset, posting)
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import (ClassDebate, MailDigest, MailDigestItem, MailMode, MailPreference, Notification, NotificationKind,
                          OutboxMessage, PhaseKind, PostStatus, Role, utcnow)
from tests.conftest import students_of
from tests.smtp_server import smtp_server  # noqa: F401 - a fixture

K = NotificationKind


@pytest.fixture
def make_user(make_user):
    """Members whose address is confirmed, as mail goes to no other (domain/addresses.py);
    `make_user(confirmed=False)` for one who has not confirmed theirs yet."""
    def make(*args, confirmed: bool = True, **fields):
        user = make_user(*args, **fields)
        if confirmed:
            user.email_verified_at = utcnow()
            db.session.commit()
        return user
    return make


def _outbox(user=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if user is not None:
        query = query.where(OutboxMessage.user_id == user.id)
    return list(db.session.scalars(query))


def _waiting(user) -> list[MailDigestItem]:
    return list(db.session.scalars(select(MailDigestItem).where(MailDigestItem.user_id == user.id,
                                                                MailDigestItem.digest_id.is_(None))))


def _only(*members) -> None:
    """Drop what waits for anyone else's digest (the posters' own watched topics)."""
    db.session.execute(delete(MailDigestItem).where(MailDigestItem.user_id.not_in([m.id for m in members])))
    db.session.commit()


def _choose(user, **modes) -> None:
    mail_notifications.save_preferences(user, modes)
    db.session.commit()


def _path(url: str) -> str:
    return urlsplit(url).path


# --- Preferences -----------------------------------------------------------------------

def test_the_defaults_and_saving_a_choice(make_user):
    maya = make_user()
    prefs = mail_notifications.preferences(maya)
    assert list(prefs) == list(mail_notifications.MAIL_KINDS)
    assert prefs[K.REPLY] == prefs[K.MENTION] == prefs[K.GRADE_RELEASED] == prefs[K.MODERATION] == MailMode.NOW
    assert prefs[K.WATCHED] == MailMode.DIGEST
    saved = mail_notifications.save_preferences(maya, {K.REPLY: "digest", K.WATCHED: "off"})
    assert (saved[K.REPLY], saved[K.WATCHED], saved[K.MENTION]) == (MailMode.DIGEST, MailMode.OFF, MailMode.NOW)
    assert mail_notifications.preferences(make_user())[K.REPLY] == MailMode.NOW  # another member's are theirs


@pytest.mark.parametrize("choices, says", [({"reply": "weekly"}, "Choose Off, At once or Daily digest"),
                                           ({"delta": "now"}, "Unknown kind"),
                                           ({"nonsense": "off"}, "Unknown kind")])
def test_bad_choices_are_refused_and_change_nothing(make_user, choices, says):
    maya = make_user()
    _choose(maya, reply="digest")
    with pytest.raises(RuleError, match=says):
        mail_notifications.save_preferences(maya, {"mention": "off", **choices})
    db.session.rollback()
    prefs = mail_notifications.preferences(maya)
    assert (prefs[K.REPLY], prefs[K.MENTION]) == (MailMode.DIGEST, MailMode.NOW)


@pytest.mark.parametrize("mode, mailed, waiting", [("now", 1, 0), ("digest", 0, 1), ("off", 0, 0)])
def test_a_reply_follows_the_members_choice(make_user, make_post, mode, mailed, waiting):
    maya, tom = make_user(), make_user()
    _choose(maya, reply=mode)
    make_post(parent=make_post(author=maya), author=tom)
    assert (len(_outbox(maya)), len(_waiting(maya))) == (mailed, waiting)
    assert len(notifications.groups(maya)) == 1  # on the site whatever the mail


def test_each_kind_is_chosen_on_its_own(make_user, make_post, make_topic):
    maya, tom = make_user("maya"), make_user()
    _choose(maya, reply="off", mention="now")
    topic = make_topic(author=tom)
    make_post(parent=make_post(topic=topic, author=maya), author=tom, body="Agreed, @maya.")  # a reply: off
    assert _outbox(maya) == []
    make_post(topic=topic, author=tom, body="What do you think, @maya?")  # a mention: at once
    [message] = _outbox(maya)
    assert message.kind == "notify_mention" and message.subject.startswith(f"{tom.name} mentioned you")


def test_the_mail_at_once_says_who_what_where(app, make_user, make_post, make_topic):
    maya, tom = make_user("maya"), make_user("tom", display_name="Tom T.")
    topic = make_topic(title="Who owns a leaked model?")
    parent = make_post(topic=topic, author=maya)
    reply = make_post(parent=parent, author=tom, body="I think **the artists** do.\n\nSecond thought.")
    [message] = _outbox(maya)
    assert message.to_address == maya.email and message.status == "pending"
    assert message.subject == "Tom T. replied to your post in “Who owns a leaked model?”"
    site = app.config["SITE_URL"]
    assert f"{site}/p/{reply.id}" in message.body_text and f'href="{site}/p/{reply.id}"' in message.body_html
    assert "I think **the artists** do." in message.body_text and "<p>Second thought.</p>" in message.body_html
    assert message.unsubscribe_url.startswith(site + mail_notifications.UNSUBSCRIBE_PATH)
    assert message.unsubscribe_url in message.body_text and message.unsubscribe_url in message.body_html
    assert f"{site}/settings#mail-h" in message.body_text


def test_html_in_a_post_is_escaped_in_the_mail(make_user, make_post):
    maya = make_user()
    make_post(parent=make_post(author=maya), author=make_user(), body="<script>alert(1)</script> & more")
    [message] = _outbox(maya)
    assert "<script>" not in message.body_html and "&lt;script&gt;" in message.body_html


def test_no_address_no_mail(make_user, make_post):
    """A class account may have no address: nothing is mailed, nothing waits."""
    maya = make_user()
    _choose(maya, watched="digest")
    maya.email = ""
    db.session.commit()
    make_post(parent=make_post(author=maya), author=make_user())
    assert _outbox(maya) == [] and _waiting(maya) == []


def test_a_kind_turned_off_on_the_site_is_not_mailed(make_user, make_post):
    maya = make_user()
    notifications.save_settings(maya, enabled_kinds=set(K) - {K.REPLY}, auto_watch=True)
    db.session.commit()
    make_post(parent=make_post(author=maya), author=make_user())
    assert _outbox(maya) == []


def test_kinds_not_offered_by_mail_stay_on_the_site(make_user, make_post):
    from forum.domain import reactions
    maya, tom = make_user(), make_user()
    post = make_post(author=maya)
    reactions.award_delta(post, tom, "This changed how I see the whole question of payment, honestly.")
    db.session.commit()
    assert _outbox(maya) == [] and any(g.kind == K.DELTA for g in notifications.groups(maya))


# --- What may not be mailed ------------------------------------------------------------

def test_a_post_that_cannot_be_read_is_not_mailed_at_once(make_user, make_post):
    """mail_for checks again, whatever called it: a hidden, held or deleted post is not mailed."""
    maya, tom = make_user(), make_user()
    post = make_post(author=tom)
    for status in (PostStatus.HIDDEN, PostStatus.HELD, PostStatus.REMOVED):
        post.status = status
        assert mail_notifications.mail_for(Notification(recipient_id=maya.id, kind=K.MENTION, actor_id=tom.id,
                                                        post_id=post.id, topic_id=post.topic_id)) is None
    post.status, post.deleted_at = PostStatus.VISIBLE, utcnow()
    assert mail_notifications.mail_for(Notification(recipient_id=maya.id, kind=K.MENTION, actor_id=tom.id,
                                                    post_id=post.id, topic_id=post.topic_id)) is None
    post.deleted_at = None
    assert mail_notifications.mail_for(Notification(recipient_id=maya.id, kind=K.MENTION, actor_id=tom.id,
                                                    post_id=post.id, topic_id=post.topic_id)) is not None


def test_class_content_is_never_mailed_to_an_outsider(make_user, make_class, make_class_debate):
    classroom = make_class(students=1)
    [student] = students_of(classroom)
    outsider = make_user()
    topic = make_class_debate(classroom, title="Private motion of the class")
    for who in (outsider, student):
        made = mail_notifications.mail_for(Notification(recipient_id=who.id, kind=K.PHASE_OPEN, topic_id=topic.id))
        assert (made is None) == (who is outsider)
    assert _outbox(outsider) == [] and "Private motion of the class" in _outbox(student)[0].subject


def test_a_class_announcement_is_mailed_to_the_class_only(make_user, make_class, make_article):
    classroom = make_class(students=2)
    make_article()
    make_user()  # not in the class
    classes.post_announcement(classroom, classroom.instructor, title="Essay due Friday",
                              body="Bring **two** sources.")
    db.session.commit()
    mailed = {m.to_address for m in _outbox()}
    assert mailed == {s.email for s in students_of(classroom)}
    assert all("Essay due Friday" in m.subject and "Bring **two** sources." in m.body_text for m in _outbox())


def test_an_anonymous_debate_names_the_actor_by_pseudonym(make_anonymous_debate):
    topic, post, alice, bruno, classroom = make_anonymous_debate("Pay the testers for their work.")
    _choose(alice, watched="now")  # she watches the debate she wrote in
    posting.create_post(bruno, topic, "They volunteered, though.", stance="con")
    db.session.commit()
    [message] = _outbox(alice)
    alias = anonymity.pseudonyms(topic.id, [alice.id, bruno.id])[bruno.id]
    assert message.subject.startswith(f"{alias} posted in a topic you watch")
    for text in (message.subject, message.body_text, message.body_html):
        assert "bruno" not in text.lower()
    assert alias in message.body_html and "They volunteered, though." in message.body_text


def test_the_instructor_sees_the_real_name_beside_the_pseudonym(make_anonymous_debate):
    """Exactly as the site shows it (`Shown.full`): pseudonym, and for those who teach, the name."""
    topic, post, alice, bruno, classroom = make_anonymous_debate("Pay the testers for their work.")
    teacher = classroom.created_by
    notifications.set_watch(teacher, topic, "watching")
    _choose(teacher, watched="now")
    posting.create_post(bruno, topic, "They volunteered, though.", stance="con")
    db.session.commit()
    [message] = _outbox(teacher)
    alias = anonymity.pseudonyms(topic.id, [alice.id, bruno.id])[bruno.id]
    assert message.subject.startswith(f"{alias} ({bruno.name}) posted in a topic you watch")


# --- Other kinds ------------------------------------------------------------------------

def test_grades_released_tells_each_graded_student_once(make_class, make_class_debate):
    classroom = make_class(students=2)
    graded, ungraded = students_of(classroom)
    topic = make_class_debate(classroom, title="Motion graded")
    criterion = grading.rubric(topic.id)[0]
    grading.save_grades(topic, graded, {criterion.id: (4, "Well argued.")})
    debate = db.session.get(ClassDebate, topic.id)
    grading.set_released(debate, True)
    grading.set_released(debate, True)  # already released: nobody told again
    db.session.commit()
    [message] = _outbox()
    assert message.to_address == graded.email and message.subject == "Your grades are released in “Motion graded”"
    assert "Well argued" not in message.body_text  # the grades themselves stay on the site
    assert [g.kind for g in notifications.groups(graded)] == [K.GRADE_RELEASED] and not _outbox(ungraded)
    assert [g.summary for g in notifications.groups(graded)] == ["your grades were released"]


def test_a_moderators_message_and_a_phase_opening_are_mailed(make_user, make_post, make_class,
                                                             make_class_debate, open_phase):
    maya = make_user()
    post = make_post(author=maya)
    moderation.tell(maya, "Please keep to the topic.", post)
    db.session.commit()
    [told] = _outbox(maya)
    assert told.subject.startswith("A moderator acted on your content")
    classroom = make_class(students=1)
    [student] = students_of(classroom)
    topic = make_class_debate(classroom, title="Phased motion")
    open_phase(topic, PhaseKind.OPENING)
    classes.notify_opened_phases(utcnow())
    db.session.commit()
    assert [m.subject for m in _outbox(student)] == ["A debate phase is open in “Phased motion”"]


# --- The daily digest --------------------------------------------------------------------

def test_the_digest_groups_by_topic_one_mail_a_day_never_twice(app, make_user, make_topic, make_post):
    maya = make_user()
    _choose(maya, reply="digest")
    first, second = make_topic(title="First topic"), make_topic(title="Second topic")
    p1, p2 = make_post(topic=first, author=maya), make_post(topic=second, author=maya)
    for parent in (p1, p2, p1):
        make_post(parent=parent, author=make_user())
    assert _outbox(maya) == [] and len(_waiting(maya)) == 3
    _only(maya)
    now = utcnow()
    report = mail_notifications.digest(now)
    db.session.commit()
    assert (report.mailed, report.notifications, report.left_out) == (1, 3, 0)
    [message] = _outbox(maya)
    assert message.kind == "digest" and message.subject.endswith("3 notifications in 2 topics")
    text = message.body_text
    assert text.index("== First topic ==") < text.index("== Second topic ==")
    assert text.count("replied to your post") == 3
    assert text[text.index("== First topic =="):text.index("== Second topic ==")].count("replied to your post") == 2
    assert "<h2><a href=" in message.body_html and message.body_html.count("replied to your post") == 3
    assert message.unsubscribe_url == mail_notifications.unsubscribe_link(maya, "digest")

    # Again the same day: nothing twice; what comes later waits for the next day.
    assert mail_notifications.digest(now + timedelta(minutes=5)).mailed == 0
    make_post(parent=p2, author=make_user())
    _only(maya)
    assert mail_notifications.digest(now + timedelta(hours=1)).mailed == 0
    assert len(_outbox(maya)) == 1
    tomorrow = mail_notifications.digest(now + timedelta(days=1))
    assert (tomorrow.mailed, tomorrow.notifications) == (1, 1)
    assert "1 notification in 1 topic" in _outbox(maya)[-1].subject
    assert db.session.scalar(select(func.count()).select_from(MailDigest)) == 2


def test_the_digest_is_per_member(make_user, make_post):
    maya, tom = make_user(), make_user()
    for person in (maya, tom):
        _choose(person, reply="digest")
        make_post(parent=make_post(author=person), author=make_user())
    _only(maya, tom)
    assert mail_notifications.digest(utcnow()).mailed == 2
    assert [len(_outbox(maya)), len(_outbox(tom))] == [1, 1]
    assert _outbox(maya)[0].to_address == maya.email


def test_the_digest_leaves_out_what_can_no_longer_be_read(make_user, make_post, make_topic):
    maya, tom = make_user(), make_user()
    _choose(maya, reply="digest")
    parent = make_post(author=maya, topic=make_topic(title="Open topic"))
    deleted = make_post(parent=parent, author=tom, body="Deleted before the digest.")
    hidden = make_post(parent=parent, author=tom, body="Hidden before the digest.")
    make_post(parent=parent, author=tom, body="Still here.")
    posting.delete_post(deleted, tom)
    moderation.hide_post(hidden, make_user(role=Role.MODERATOR), "spam")
    db.session.commit()
    _only(maya)
    report = mail_notifications.digest(utcnow())
    assert (report.notifications, report.left_out) == (1, 2)
    [message] = _outbox(maya)
    assert "Still here." in message.body_text
    assert "Deleted before" not in message.body_text and "Hidden before" not in message.body_text


def test_a_member_removed_from_the_class_gets_no_class_content_in_the_digest(make_class, make_class_debate,
                                                                             make_user, open_phase):
    classroom = make_class(students=2)
    leaver, stayer = students_of(classroom)
    topic = make_class_debate(classroom, title="Secret class motion")
    for student in (leaver, stayer):
        _choose(student, phase_open="digest")
    open_phase(topic, PhaseKind.OPENING)
    classes.notify_opened_phases(utcnow())
    db.session.commit()
    assert len(_waiting(leaver)) == len(_waiting(stayer)) == 1
    classes.remove_student(classroom, leaver)
    db.session.commit()
    _only(leaver, stayer)
    report = mail_notifications.digest(utcnow())
    assert (report.mailed, report.left_out) == (1, 1)
    assert _outbox(leaver) == [] and _waiting(leaver) == []  # not mailed later either
    assert "Secret class motion" in _outbox(stayer)[0].body_text


def test_a_kind_turned_off_since_is_left_out_of_the_digest(make_user, make_post):
    maya = make_user()
    _choose(maya, reply="digest")
    make_post(parent=make_post(author=maya), author=make_user())
    _choose(maya, reply="off")
    _only(maya)
    assert mail_notifications.digest(utcnow()).left_out == 1 and _outbox(maya) == []


def test_the_digest_names_pseudonyms(make_anonymous_debate):
    topic, post, alice, bruno, classroom = make_anonymous_debate("Pay the testers for their work.")
    posting.create_post(bruno, topic, "They volunteered, though.", stance="con")
    db.session.commit()
    _only(alice)
    mail_notifications.digest(utcnow())
    [message] = _outbox(alice)
    alias = anonymity.pseudonyms(topic.id, [alice.id, bruno.id])[bruno.id]
    assert f"{alias} posted in a topic you watch" in message.body_text
    assert "bruno" not in (message.body_text + message.body_html + message.subject).lower()


def test_mail_digest_command(app, make_user, make_post):
    maya = make_user()
    _choose(maya, reply="digest")
    make_post(parent=make_post(author=maya), author=make_user())
    _only(maya)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["mail", "digest"])
    assert first.exit_code == 0 and "1 mail with 1 notification" in first.output
    again = runner.invoke(args=["mail", "digest"])
    assert again.exit_code == 0 and "0 mails with 0 notifications" in again.output
    assert len(_outbox(maya)) == 1


# --- Unsubscribing -----------------------------------------------------------------------

def test_the_route_is_where_the_links_point(app):
    with app.test_request_context():
        assert url_for("settings.unsubscribe", token="abc") == mail_notifications.UNSUBSCRIBE_PATH + "abc"


def test_get_asks_first_and_changes_nothing(client, make_user):
    maya = make_user("maya")
    link = mail_notifications.unsubscribe_link(maya, K.REPLY)
    page = client.get(_path(link))
    assert page.status_code == 200
    assert "Stop mail about replies to my posts" in page.text and "maya" in page.text
    assert f'action="{_path(link)}"' in page.text and 'method="post"' in page.text
    assert mail_notifications.preferences(maya)[K.REPLY] == MailMode.NOW


def test_one_click_post_unsubscribes_without_sign_in_or_token(csrf_app, make_user, make_post):
    """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, from outside the site."""
    maya = make_user()
    client = csrf_app.test_client()
    link = mail_notifications.unsubscribe_link(maya, K.REPLY)
    response = client.post(_path(link), data={"List-Unsubscribe": "One-Click"},
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200 and "no more mail about replies to my posts" in response.text
    db.session.expire_all()
    prefs = mail_notifications.preferences(maya)
    assert prefs[K.REPLY] == MailMode.OFF and prefs[K.MENTION] == MailMode.NOW
    make_post(parent=make_post(author=maya), author=make_user())
    assert _outbox(maya) == []


def test_the_digest_link_turns_off_every_kind_in_the_digest(client, make_user):
    maya = make_user()
    _choose(maya, reply="digest")
    client.post(_path(mail_notifications.unsubscribe_link(maya, "digest")))
    db.session.expire_all()
    prefs = mail_notifications.preferences(maya)
    assert (prefs[K.REPLY], prefs[K.WATCHED], prefs[K.MENTION]) == (MailMode.OFF, MailMode.OFF, MailMode.NOW)


def _tampered(token: str) -> str:
    payload, signature = token.rsplit(".", 1)
    return payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]


def test_a_tampered_or_foreign_link_is_refused_and_changes_nothing(app, client, make_user):
    maya, tom = make_user(), make_user()
    token = mail_notifications.unsubscribe_token(maya, K.REPLY)
    # maya's signature on a payload naming tom: the signature no longer fits.
    toms_payload = mail_notifications.unsubscribe_token(tom, K.REPLY).rsplit(".", 1)[0]
    forged = toms_payload + "." + token.rsplit(".", 1)[1]
    reset_token = password_reset.issue_token(tom)  # signed by the site, for another use
    for bad in (_tampered(token), forged, reset_token, "garbage", token[:-3]):
        for method in ("get", "post"):
            response = getattr(client, method)(mail_notifications.UNSUBSCRIBE_PATH + bad)
            assert response.status_code == 400 and "not a valid one" in response.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(MailPreference)) == 0
    with pytest.raises(RuleError):
        mail_notifications.check_unsubscribe_token(forged)


def test_a_link_names_its_member_not_whoever_is_signed_in(client, make_user):
    maya, tom = make_user(), make_user()
    client.login(tom).post(_path(mail_notifications.unsubscribe_link(maya, K.MENTION)))
    db.session.expire_all()
    assert mail_notifications.preferences(maya)[K.MENTION] == MailMode.OFF
    assert mail_notifications.preferences(tom)[K.MENTION] == MailMode.NOW


# --- The settings page -----------------------------------------------------------------

def _checked(page: str, name: str) -> str:
    """The value of the checked radio button named `name`."""
    [value] = re.findall(rf'<input checked id="[^"]+" name="{name}" type="radio" value="([^"]+)">', page)
    return value


def test_the_settings_page_shows_and_saves_the_choices(client, make_user):
    maya = make_user()
    _choose(maya, watched="off")
    client.login(maya)
    page = client.get("/settings").text
    assert '<h2 id="mail-h">E-mail</h2>' in page
    assert _checked(page, "mail_watched") == "off" and _checked(page, "mail_reply") == "now"
    assert _checked(page, "mail_grade_released") == "now"
    data = {f"mail_{kind}": "now" for kind in mail_notifications.MAIL_KINDS} | {"mail_reply": "digest"}
    response = client.post("/settings/mail", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    prefs = mail_notifications.preferences(maya)
    assert prefs[K.REPLY] == MailMode.DIGEST and prefs[K.WATCHED] == MailMode.NOW


def test_the_settings_page_refuses_a_made_up_mode(client, make_user):
    maya = make_user()
    client.login(maya)
    data = {f"mail_{kind}": "now" for kind in mail_notifications.MAIL_KINDS} | {"mail_reply": "hourly"}
    response = client.post("/settings/mail", data=data)
    assert response.status_code == 400 and "Not a valid choice" in response.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(MailPreference)) == 0


def test_a_guest_cannot_save_mail_settings(client):
    response = client.post("/settings/mail", data={"mail_reply": "off"})
    assert response.status_code in (302, 401) and "/auth/login" in response.headers.get("Location", "/auth/login")
    assert db.session.scalar(select(func.count()).select_from(MailPreference)) == 0


def test_an_unconfirmed_address_gets_no_mail_but_the_notification_stays(make_user, make_post):
    maya = make_user(confirmed=False)
    _only(maya)
    make_post(parent=make_post(author=maya), author=make_user())
    db.session.commit()
    assert _outbox(maya) == [] and _waiting(maya) == []
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.recipient_id == maya.id)) == 1
    maya.email_verified_at = utcnow()  # confirmed: the next one is mailed
    make_post(parent=make_post(author=maya), author=make_user())
    db.session.commit()
    assert len(_outbox(maya)) == 1


def test_a_member_without_an_address_is_told(client, make_user):
    maya = make_user()
    maya.email = ""
    db.session.commit()
    assert "has no e-mail address" in client.login(maya).get("/settings").text


# --- Cost ----------------------------------------------------------------------------------

def test_the_hook_costs_a_fixed_number_of_queries_per_recipient(make_user, make_topic, count_queries):
    """A post mentioning n members: the mail adds at most two queries a recipient (their
    choice, the outbox row) to what the notification costs without an address."""
    author, topic = make_user(), make_topic()
    people = [make_user(f"reader{i}") for i in range(6)]

    def cost(names: list[str]) -> int:
        with count_queries() as queries:
            posting.create_post(author, topic, " ".join(f"@{name}" for name in names))
            db.session.flush()
        return len(queries)

    with_mail = [cost([p.username for p in people[:n]]) for n in (2, 4)]
    for person in people:
        person.email = ""
    db.session.commit()
    without = [cost([p.username for p in people[:n]]) for n in (2, 4)]
    per_recipient = (with_mail[1] - with_mail[0]) / 2
    assert per_recipient == int(per_recipient)  # linear: nothing grows with the others
    assert per_recipient - (without[1] - without[0]) / 2 <= 2


# --- A real SMTP server ------------------------------------------------------------------

def test_the_mail_arrives_with_unsubscribe_headers_both_parts_and_a_working_link(app, make_user, make_post,
                                                                                smtp_server):
    maya, tom = make_user("maya"), make_user("tom")
    reply = make_post(parent=make_post(author=maya), author=tom, body="A reply worth reading.")
    saved = {key: app.config[key] for key in ("MAIL_HOST", "MAIL_PORT", "MAIL_SECURITY", "MAIL_TIMEOUT")}
    app.config.update(smtp_server.settings())
    try:
        assert mail.deliver_pending().sent == 1
    finally:
        app.config.update(saved)
    [got] = smtp_server.inbox.messages
    link = mail_notifications.unsubscribe_link(maya, K.REPLY)
    assert got["To"] == maya.email and got["Subject"].startswith("tom replied to your post")
    assert got["List-Unsubscribe"] == f"<{link}>"
    assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On one line as it is (not RFC 2047 encoded words, which clients don't read as a URL).
    assert f"List-Unsubscribe: <{link}>\r\n".encode() in smtp_server.inbox.envelopes[0].original_content
    assert got.get_content_type() == "multipart/alternative"
    text, html = got.get_body(("plain",)).get_content(), got.get_body(("html",)).get_content()
    assert "A reply worth reading." in text and "A reply worth reading." in html
    assert f"/p/{reply.id}" in text and f'href="{link}"' in html
    # The header's link, as a mail client uses it: a POST, not signed in.
    response = app.test_client().post(_path(link), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert mail_notifications.preferences(maya)[K.REPLY] == MailMode.OFF


def test_a_digest_as_an_eml_file_has_its_headers(app, make_user, make_post, tmp_path):
    maya = make_user()
    _choose(maya, reply="digest")
    make_post(parent=make_post(author=maya), author=make_user())
    _only(maya)
    mail_notifications.digest(utcnow())
    db.session.commit()
    saved = {key: app.config[key] for key in ("MAIL_HOST", "MAIL_DIR")}
    app.config.update(MAIL_HOST=None, MAIL_DIR=str(tmp_path))
    try:
        assert mail.deliver_pending().sent == 1
    finally:
        app.config.update(saved)
    [path] = tmp_path.glob("*.eml")
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["List-Unsubscribe"] == f"<{mail_notifications.unsubscribe_link(maya, 'digest')}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.committing
def test_two_digest_runs_at_once_mail_each_member_once(app, make_user, make_post):
    """Two cron runs at once (threads, each with its own connection): each member's
    digest of the day is made by one of them, never both. On PostgreSQL the second
    waits for the first's row and skips the member; SQLite's single writer may refuse
    the second run outright (then it wrote nothing)."""
    import threading

    from sqlalchemy.exc import OperationalError
    members = [make_user() for _ in range(4)]
    for member in members:
        _choose(member, reply="digest")
        make_post(parent=make_post(author=member), author=make_user())
    _only(*members)
    now, start, reports, refused = utcnow(), threading.Barrier(2), [], []

    def run():
        with app.app_context():
            start.wait()
            try:
                reports.append(mail_notifications.digest(now))
                db.session.commit()
            except OperationalError:
                db.session.rollback()
                refused.append(True)
            finally:
                db.session.remove()
    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=120)
    assert len(reports) + len(refused) == 2 and sum(report.mailed for report in reports) == 4
    if db.engine.dialect.name == "postgresql":
        assert not refused
    for member in members:
        assert [m.kind for m in _outbox(member)] == ["digest"]


def test_the_demo_seed_mails_nobody_about_its_made_up_history(make_user, make_post):
    from forum.seed.demo import seed_demo
    maya = make_user()
    _choose(maya, watched="digest")
    make_post(parent=make_post(author=maya), author=make_user())  # real mail, pending before the seed
    before, waiting = _outbox(), {item.notification_id for item in db.session.scalars(select(MailDigestItem))}
    assert before and waiting
    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)) > 100  # the seed made many
    assert _outbox() == before
    assert {item.notification_id for item in db.session.scalars(select(MailDigestItem))} == waiting
