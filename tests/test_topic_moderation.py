"""A topic's opening text is flagged, hidden, removed, restored and appealed like a
post (issue 18, item 4); admins hear of appeals that wait for them; a warning names
who gave it by role; phases govern topic edits in class debates."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum.domain import classes, moderation, posting
from forum.domain.errors import RuleError
from forum.domain.permissions import can_edit_topic, can_see_topic_text
from forum.extensions import db
from forum.models import (Appeal, AppealStatus, Flag, FlagReason, FlagStatus, MemberMessage, ModAction,
                          Notification, NotificationKind, PhaseKind, PostStatus, Role, Topic, utcnow)


def _log(action=None):
    query = select(ModAction).order_by(ModAction.id)
    if action:
        query = query.where(ModAction.action == action)
    return list(db.session.scalars(query))


def _appeal_notes():
    return list(db.session.scalars(select(Notification).where(Notification.kind == NotificationKind.APPEAL)))


@pytest.fixture
def spam(make_topic):
    return make_topic(title="Cheap watches here", body="Buy cheap watches at example.com")


# --- Flags ------------------------------------------------------------------------------

def test_flag_topic_records_a_flag_on_the_topic(spam, make_user):
    flag = moderation.flag_topic(spam, make_user(), FlagReason.SPAM)
    db.session.commit()
    assert (flag.topic_id, flag.post_id, flag.status) == (spam.id, None, FlagStatus.OPEN)
    assert spam.status == PostStatus.VISIBLE


def test_flag_topic_refuses_the_author(spam):
    with pytest.raises(RuleError, match="can't flag your own topic"):
        moderation.flag_topic(spam, spam.author, FlagReason.SPAM)


def test_flag_topic_refuses_a_second_open_flag(spam, make_user):
    flagger = make_user()
    moderation.flag_topic(spam, flagger, FlagReason.SPAM)
    with pytest.raises(RuleError, match="already flagged this topic"):
        moderation.flag_topic(spam, flagger, FlagReason.ABUSIVE)


@pytest.mark.parametrize("reason, note, message", [
    (FlagReason.OTHER, "  ", "Say in a note"),
    (FlagReason.SPAM, "x" * (moderation.NOTE_MAX + 1), "Keep the note under"),
])
def test_flag_topic_refuses_bad_notes_and_changes_nothing(spam, make_user, reason, note, message):
    with pytest.raises(RuleError, match=message):
        moderation.flag_topic(spam, make_user(), reason, note)
    assert db.session.scalars(select(Flag)).all() == []


def test_a_flag_names_exactly_one_target_in_the_database(spam, make_post, make_user):
    post = make_post(topic=spam)
    db.session.add(Flag(post_id=post.id, topic_id=spam.id, flagger_id=make_user().id, reason="spam"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_weighted_flags_hide_a_topic(app, spam, make_user):
    for _ in range(app.config["FLAG_HIDE_THRESHOLD"]):
        assert spam.status == PostStatus.VISIBLE
        moderation.flag_topic(spam, make_user(), FlagReason.SPAM)
    db.session.commit()
    assert spam.status == PostStatus.HIDDEN and spam.hidden_at is not None
    [entry] = _log("auto_hide")
    assert (entry.actor_id, entry.topic_id, entry.post_id, entry.user_id) == (None, spam.id, None, spam.author_id)


def test_new_accounts_alone_never_hide_a_topic(app, spam, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "TRUST_LEVELS", [{"days": 3}, {"days": 30}, {"days": 90}])
    for _ in range(6):
        moderation.flag_topic(spam, make_user(), FlagReason.SPAM)
    assert spam.status == PostStatus.VISIBLE


def test_a_moderator_flag_hides_a_topic_at_once(spam, make_user):
    mod = make_user(role=Role.MODERATOR)
    moderation.flag_topic(spam, mod, FlagReason.SPAM, "Advertising")
    db.session.commit()
    assert spam.status == PostStatus.HIDDEN
    [entry] = _log("hide_topic")
    assert entry.actor_id == mod.id and entry.topic_id == spam.id and "Advertising" in entry.reason


def test_flagging_a_topic_moves_its_version(spam, make_user):
    before = db.session.scalar(select(Topic.version).where(Topic.id == spam.id))
    moderation.flag_topic(spam, make_user(), FlagReason.SPAM)
    db.session.flush()
    assert db.session.scalar(select(Topic.version).where(Topic.id == spam.id)) > before


# --- Actions ----------------------------------------------------------------------------

def test_hidden_topic_text_is_for_its_author_and_moderators(spam, make_user):
    mod, reader = make_user(role=Role.MODERATOR), make_user()
    moderation.hide_topic(spam, mod, "Looks like spam")
    assert can_see_topic_text(spam.author, spam) and can_see_topic_text(mod, spam)
    assert not can_see_topic_text(reader, spam)


def test_remove_topic_needs_a_reason_and_changes_nothing_without_one(spam, make_user):
    with pytest.raises(RuleError, match="Give the reason for removing it"):
        moderation.remove_topic(spam, make_user(role=Role.MODERATOR), "  ")
    assert spam.status == PostStatus.VISIBLE and _log() == []


def test_remove_topic_upholds_flags_logs_and_tells_the_author(spam, make_user):
    mod, flagger = make_user(role=Role.MODERATOR), make_user()
    moderation.flag_topic(spam, flagger, FlagReason.SPAM)
    moderation.remove_topic(spam, mod, "Advertising")
    db.session.commit()
    assert (spam.status, spam.removal_reason, spam.removed_by_id) == (PostStatus.REMOVED, "Advertising", mod.id)
    assert db.session.scalar(select(Flag.status)) == FlagStatus.UPHELD
    [entry] = _log("remove_topic")
    assert entry.topic_id == spam.id and entry.user_id == spam.author_id and entry.post_id is None
    [message] = db.session.scalars(select(MemberMessage).where(MemberMessage.user_id == spam.author_id))
    assert message.text == f"A moderator removed your topic “{spam.title}”: Advertising. You may appeal once."
    assert not can_see_topic_text(spam.author, spam) and can_see_topic_text(mod, spam)
    with pytest.raises(RuleError, match="no longer shown"):
        moderation.flag_topic(spam, make_user(), FlagReason.SPAM)


def test_restore_and_dismiss_show_a_topic_again(spam, make_user):
    mod = make_user(role=Role.MODERATOR)
    moderation.remove_topic(spam, mod, "Advertising")
    moderation.restore_topic(spam, mod)
    assert (spam.status, spam.removal_reason, spam.removed_by_id) == (PostStatus.VISIBLE, None, None)
    moderation.flag_topic(spam, mod, FlagReason.SPAM)
    assert spam.status == PostStatus.HIDDEN
    moderation.dismiss_flags(spam, mod, "Not spam")
    assert spam.status == PostStatus.VISIBLE
    assert [e.action for e in _log()] == ["remove_topic", "restore_topic", "hide_topic", "dismiss"]
    with pytest.raises(RuleError, match="already shown"):
        moderation.restore_topic(spam, mod)


def test_a_removed_or_hidden_topic_cannot_be_edited_by_its_author(spam, make_user):
    mod = make_user(role=Role.MODERATOR)
    moderation.hide_topic(spam, mod)
    with pytest.raises(RuleError, match="hidden pending review"):
        posting.edit_topic(spam, spam.author, title="Fine watches", body="Nothing to see")
    moderation.remove_topic(spam, mod, "Advertising")
    with pytest.raises(RuleError, match="removed this topic"):
        posting.edit_topic(spam, spam.author, title="Fine watches", body="Nothing to see")
    assert spam.title == "Cheap watches here"


# --- Appeals ------------------------------------------------------------------------------

@pytest.fixture
def removed(spam, make_user):
    mod = make_user(role=Role.MODERATOR)
    moderation.remove_topic(spam, mod, "Advertising")
    return spam, mod


def test_appeal_topic_removal_once_by_its_author(removed, make_user):
    topic, mod = removed
    with pytest.raises(RuleError, match="Only the author"):
        moderation.appeal_topic_removal(topic, make_user(), "It is a real topic about watches, honestly.")
    with pytest.raises(RuleError, match="Explain your appeal"):
        moderation.appeal_topic_removal(topic, topic.author, "short")
    appeal = moderation.appeal_topic_removal(topic, topic.author, "It is a real topic about watches, honestly.")
    assert (appeal.topic_id, appeal.post_id) == (topic.id, None)
    with pytest.raises(RuleError, match="a topic can be appealed once"):
        moderation.appeal_topic_removal(topic, topic.author, "Please, it really is a real topic about watches.")


def test_only_a_removed_topic_can_be_appealed(spam):
    with pytest.raises(RuleError, match="Only a removed topic"):
        moderation.appeal_topic_removal(spam, spam.author, "It is a real topic about watches, honestly.")


def test_the_remover_never_decides_a_topic_appeal(removed, make_user):
    topic, mod = removed
    other = make_user(role=Role.MODERATOR)
    appeal = moderation.appeal_topic_removal(topic, topic.author, "It is a real topic about watches, honestly.")
    assert moderation.appeal_waits_for(topic) == "another moderator"
    with pytest.raises(RuleError, match="you removed the topic"):
        moderation.decide_appeal(appeal, mod, restore=True)
    moderation.decide_appeal(appeal, other, restore=True, reason="Fair enough")
    db.session.commit()
    assert appeal.status == AppealStatus.RESTORED and topic.status == PostStatus.VISIBLE
    [entry] = _log("appeal_restored")
    assert entry.topic_id == topic.id and entry.post_id is None and entry.user_id == topic.author_id
    assert db.session.scalars(select(MemberMessage.text).where(MemberMessage.user_id == topic.author_id)).all()[-1] \
        == "Your appeal was accepted: your topic is shown again. Fair enough"


# --- Admins hear of appeals that wait for them -----------------------------------------------

def test_an_appeal_of_the_only_moderator_removal_notifies_the_admins(make_post, make_user):
    admins = [make_user(role=Role.ADMIN), make_user(role=Role.ADMIN)]
    mod = make_user(role=Role.MODERATOR)
    post = make_post()
    moderation.remove_post(post, mod, "Off-topic")
    assert moderation.appeal_waits_for(post) == "an admin"
    appeal = moderation.appeal_removal(post, post.author, "It answered the article's central question.")
    db.session.commit()
    notes = _appeal_notes()
    assert sorted(n.recipient_id for n in notes) == sorted(a.id for a in admins)
    assert {(n.actor_id, n.topic_id, n.post_id) for n in notes} == {(appeal.author_id, post.topic_id, None)}


def test_an_appeal_another_moderator_can_decide_notifies_no_admin(removed, make_user):
    topic, mod = removed
    make_user(role=Role.ADMIN), make_user(role=Role.MODERATOR)
    moderation.appeal_topic_removal(topic, topic.author, "It is a real topic about watches, honestly.")
    assert _appeal_notes() == []


def test_an_appeal_never_notifies_the_admin_who_removed(make_topic, make_user):
    remover, other = make_user(role=Role.ADMIN), make_user(role=Role.ADMIN)
    topic = make_topic()
    moderation.remove_topic(topic, remover, "Spam")
    moderation.appeal_topic_removal(topic, topic.author, "It is a real topic about watches, honestly.")
    assert [n.recipient_id for n in _appeal_notes()] == [other.id]


def test_an_appeal_of_the_only_instructor_removal_notifies_the_admins(make_class, make_class_debate, make_user):
    admin = make_user(role=Role.ADMIN)
    make_user(role=Role.MODERATOR)  # site moderators do not decide in a class
    classroom = make_class(students=1)
    topic = make_class_debate(classroom)
    [student_id] = classes.student_ids(classroom.id)
    post = posting.create_post(classroom.instructor, topic, "A statement", stance="pro")
    post.author_id = student_id
    db.session.flush()
    db.session.expire(post, ["author"])
    moderation.remove_post(post, classroom.instructor, "Personal attack")
    moderation.appeal_removal(post, post.author, "I did not attack anyone in this statement.")
    assert [n.recipient_id for n in _appeal_notes()] == [admin.id]


# --- Warnings name their giver by role ---------------------------------------------------------

@pytest.mark.parametrize("role, said", [(Role.ADMIN, "An admin warned you: Mind your tone"),
                                        (Role.MODERATOR, "A moderator warned you: Mind your tone")])
def test_a_warning_names_the_role_of_its_giver(make_post, make_user, role, said):
    post = make_post()
    moderation.warn_member(post.author, make_user(role=role), "Mind your tone", post)
    [message] = db.session.scalars(select(MemberMessage))
    assert message.text == said


def test_an_admin_warning_about_a_class_post_says_an_admin(sided_debate, open_phase, make_user):
    classroom, topic, pro, con = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    post = posting.create_post(pro, topic, "A statement", stance="pro")
    moderation.warn_member(pro, make_user(role=Role.ADMIN), "Cite your sources", post)
    [message] = db.session.scalars(select(MemberMessage))
    assert message.text == "An admin warned you: Cite your sources"


# --- Phases govern topic edits in class debates ---------------------------------------------------

def test_the_author_edits_a_class_motion_before_its_first_phase(sided_debate):
    classroom, topic, pro, con = sided_debate
    posting.edit_topic(topic, classroom.instructor, title="A clearer motion", body="Clearer words.")
    assert topic.title == "A clearer motion"


def test_the_author_cannot_edit_a_class_motion_once_a_phase_opened(sided_debate, open_phase):
    classroom, topic, pro, con = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    with pytest.raises(RuleError, match="Opening statements .* has opened, so the motion can no longer be edited"):
        posting.edit_topic(topic, classroom.instructor, title="Another motion", body="Other words.")
    db.session.refresh(topic)
    assert topic.title != "Another motion"


def test_the_author_cannot_edit_a_class_motion_after_its_phases(sided_debate, open_phase):
    classroom, topic, pro, con = sided_debate
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(days=2), closes_in=-timedelta(days=1))
    with pytest.raises(RuleError, match="can no longer be edited"):
        posting.edit_topic(topic, classroom.instructor, title="Another motion", body="Other words.")


def test_another_instructor_corrects_a_running_motion_with_a_reason(sided_debate, open_phase, make_user):
    classroom, topic, pro, con = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    colleague = make_user(role=Role.INSTRUCTOR)
    classes.add_instructor(classroom, colleague.username)
    with pytest.raises(RuleError, match="reason"):
        moderation.edit_topic(topic, colleague, title=topic.title, body="Corrected words.", reason="")
    moderation.edit_topic(topic, colleague, title=topic.title, body="Corrected words.", reason="A typo")
    assert topic.body_md == "Corrected words." and _log("edit_topic")[0].reason == "A typo"


def test_an_archived_class_topic_cannot_be_edited(sided_debate):
    classroom, topic, pro, con = sided_debate
    classes.archive_class(classroom)
    with pytest.raises(RuleError, match="archived"):
        posting.edit_topic(topic, classroom.instructor, title="Another motion", body="Other words.")


def test_a_site_moderator_who_is_a_student_may_not_edit_the_class_motion(sided_debate, make_user):
    classroom, topic, pro, con = sided_debate
    mod = make_user(role=Role.MODERATOR)
    classes.join_class(mod, classroom.join_code)
    assert not can_edit_topic(mod, topic)
    assert can_edit_topic(classroom.instructor, topic)


def test_topic_appeals_are_once_per_topic_in_the_database(removed, make_user):
    topic, mod = removed
    db.session.add_all([Appeal(topic_id=topic.id, author_id=topic.author_id, text="x" * 30, created_at=utcnow()),
                        Appeal(topic_id=topic.id, author_id=topic.author_id, text="y" * 30, created_at=utcnow())])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
