"""Notifications raised by other areas: ∆, vote milestones, moderator actions, and
never an unmasked pseudonym."""
from sqlalchemy import select

from forum.domain import classes, moderation, reactions
from forum.extensions import db
from forum.models import Notification, NotificationKind, Stance, TopicKind

EXPLANATION = "This made me see that paying testers changes who can afford to take part at all."


def _kinds(user):
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.recipient_id == user.id))]


def test_delta_notifies_the_author_with_who(make_user, make_topic, make_post):
    author, awarder = make_user(), make_user()
    post = make_post(topic=make_topic(kind=TopicKind.DEBATE), author=author, stance=Stance.PRO)
    reactions.award_delta(post, awarder, EXPLANATION)
    db.session.commit()
    [note] = db.session.scalars(select(Notification).where(Notification.recipient_id == author.id))
    assert note.kind == NotificationKind.DELTA and note.actor_id == awarder.id


def test_vote_milestone_notifies_once_at_five(make_user, make_topic, make_post):
    author = make_user()
    post = make_post(topic=make_topic(kind=TopicKind.DEBATE), author=author, stance=Stance.PRO)
    for _ in range(6):
        reactions.vote(post, make_user())
    db.session.commit()
    assert _kinds(author).count(NotificationKind.VOTE_MILESTONE) == 1


def test_moderator_removal_notifies_the_author(make_user, make_post):
    from forum.models import Role
    author = make_user()
    post = make_post(author=author)
    moderation.remove_post(post, make_user(role=Role.MODERATOR), "Off-topic")
    db.session.commit()
    assert NotificationKind.MODERATION in _kinds(author)


def test_notifications_in_anonymous_debates_name_the_actor_by_pseudonym(make_user, make_class, make_class_debate):
    from forum.domain import notifications
    classroom = make_class(students=0)
    topic = make_class_debate(classroom, anonymous=True)
    alice, bob = make_user(), make_user()
    for student in (alice, bob):
        classes.join_class(student, classroom.join_code)
    db.session.commit()
    notifications.notify(alice, NotificationKind.REPLY, actor=bob, topic=topic)
    notifications.notify(classroom.instructor, NotificationKind.REPLY, actor=bob, topic=topic)
    db.session.commit()
    from forum.domain import anonymity
    alias = anonymity.pseudonyms(topic.id, [alice.id, bob.id])[bob.id]
    [to_alice] = notifications.groups(alice)
    [to_teacher] = notifications.groups(classroom.instructor)
    assert [a.full for a in to_alice.actors_shown] == [alias]  # a classmate sees the pseudonym
    assert [a.full for a in to_teacher.actors_shown] == [f"{alias} ({bob.name})"]  # the instructor knows who


def test_notifications_in_named_class_debates_say_who(make_user, make_class, make_class_debate):
    from forum.domain import notifications
    classroom = make_class(students=0)
    topic = make_class_debate(classroom, anonymous=False)
    alice, bob = make_user(), make_user()
    for student in (alice, bob):
        classes.join_class(student, classroom.join_code)
    db.session.commit()
    assert notifications.notify(alice, NotificationKind.REPLY, actor=bob, topic=topic).actor_id == bob.id


def test_class_polls_follow_the_phases(make_user, make_class, make_class_debate, open_phase):
    from datetime import timedelta

    import pytest

    from forum.domain import debates
    from forum.domain.errors import RuleError
    from forum.models import PhaseKind
    classroom = make_class(students=0)
    topic = make_class_debate(classroom)
    student = make_user()
    classes.join_class(student, classroom.join_code)
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=3), closes_in=timedelta(hours=-2))
    open_phase(topic, PhaseKind.FINAL_VOTE, opened=timedelta(hours=-1), closes_in=timedelta(hours=5))
    with pytest.raises(RuleError, match="closed with the opening"):
        debates.answer_poll(topic, student, "before", 1)
    with pytest.raises(RuleError, match="final vote"):
        debates.answer_poll(topic, student, "after", 1)
    open_phase(topic, PhaseKind.FINAL_VOTE)  # now open
    assert debates.answer_poll(topic, student, "after", 2).value == 2


def test_phase_opening_tells_the_class_once(app, make_user, make_class, make_class_debate, open_phase):
    from datetime import timedelta

    from forum.models import PhaseKind, utcnow
    classroom = make_class(students=3)
    topic = make_class_debate(classroom)
    outsider = make_user()
    open_phase(topic, PhaseKind.REBUTTAL, opened=timedelta(hours=-2), closes_in=timedelta(hours=5))  # later
    assert classes.notify_opened_phases(utcnow()) == 0
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(minutes=5))
    assert classes.notify_opened_phases(utcnow()) == 4  # three students and the instructor
    db.session.commit()
    assert classes.notify_opened_phases(utcnow()) == 0  # run again: nobody told twice
    assert NotificationKind.PHASE_OPEN not in _kinds(outsider)
    result = app.test_cli_runner().invoke(args=["notify-phases"])
    assert result.exit_code == 0 and "Told 0 members" in result.output
