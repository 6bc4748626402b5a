"""Rules of classes: join codes, membership, side balancing, phase gating, word limits, extensions."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from forum.domain import class_rules, classes, posting, visibility
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import ClassRole, PhaseKind, Post, Role, SideMode, Stance, User, utcnow


def students(classroom) -> list[User]:
    return [db.session.get(User, i) for i in classes.student_ids(classroom.id)]


def test_join_code_is_eight_unambiguous_characters(make_class):
    code = make_class().join_code
    assert len(code) == 8
    assert set(code) <= set(classes.JOIN_ALPHABET)
    assert not set("01OIL") & set(classes.JOIN_ALPHABET)


def test_regenerate_code_retires_the_old_one(make_class, make_user):
    classroom = make_class()
    old = classroom.join_code
    new = classes.regenerate_code(classroom)
    db.session.commit()
    assert new != old
    with pytest.raises(RuleError, match="No class has that code"):
        classes.join_class(make_user(), old)
    assert classes.join_class(make_user(), new.lower()).role == ClassRole.STUDENT


def test_create_class_checks_time_zone_and_name(make_user):
    teacher = make_user(role=Role.INSTRUCTOR)
    with pytest.raises(RuleError, match="not a time zone"):
        classes.create_class(teacher, name="Ethics", time_zone="Mars/Olympus")
    with pytest.raises(RuleError, match="needs a name"):
        classes.create_class(teacher, name="   ")
    classroom = classes.create_class(teacher, name="Ethics", time_zone="Europe/Paris")
    assert classes.role_of(teacher, classroom.id) == ClassRole.INSTRUCTOR


def test_join_twice_or_archived_is_refused(make_class, make_user):
    classroom = make_class()
    student = make_user()
    classes.join_class(student, classroom.join_code)
    with pytest.raises(RuleError, match="already in"):
        classes.join_class(student, classroom.join_code)
    classes.archive_class(classroom)
    with pytest.raises(RuleError, match="archived"):
        classes.join_class(make_user(), classroom.join_code)


def test_a_student_can_be_in_several_classes(make_class, make_user):
    student = make_user()
    first, second = make_class(), make_class()
    classes.join_class(student, first.join_code)
    classes.join_class(student, second.join_code)
    assert classes.role_of(student, first.id) == classes.role_of(student, second.id) == ClassRole.STUDENT


def test_remove_student_and_add_co_instructor(make_class, make_user, make_class_debate):
    classroom = make_class(students=2)
    topic = make_class_debate(classroom)
    first, second = students(classroom)
    classes.set_sides(topic, {first.id: Stance.PRO, second.id: Stance.CON})
    classes.remove_student(classroom, first)
    assert classes.role_of(first, classroom.id) is None
    assert first.id not in class_rules.sides_of(topic)
    with pytest.raises(RuleError, match="Only students"):
        classes.remove_student(classroom, classroom.instructor)
    colleague = make_user("colleague")
    classes.add_instructor(classroom, "Colleague")
    assert visibility.is_teacher(colleague, classroom.id)
    classes.add_instructor(classroom, second.username)  # a student promoted
    assert classes.role_of(second, classroom.id) == ClassRole.INSTRUCTOR
    with pytest.raises(RuleError, match="no member called"):
        classes.add_instructor(classroom, "nobody-here")


# --- Sides ---------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 2, 5, 28, 101])
def test_balanced_sides_differ_by_at_most_one(n):
    sides = classes.balanced_sides(list(range(1, n + 1)), seed=n)
    assert set(sides) == set(range(1, n + 1))
    counts = Counter(sides.values())
    assert abs(counts[Stance.PRO] - counts[Stance.CON]) <= 1


def test_balanced_sides_are_seedable_and_vary():
    ids = list(range(1, 29))
    assert classes.balanced_sides(ids, seed=7) == classes.balanced_sides(list(reversed(ids)), seed=7)
    assert len({tuple(sorted(classes.balanced_sides(ids, seed=s).items())) for s in range(10)}) > 1


def test_assign_random_covers_every_student(make_class, make_class_debate):
    classroom = make_class(students=5)
    topic = make_class_debate(classroom, side_mode=SideMode.RANDOM)
    sides = classes.assign_random(topic, seed=1)
    db.session.commit()
    assert class_rules.sides_of(topic) == sides and len(sides) == 5


def test_set_sides_only_for_students_of_the_class(make_class, make_class_debate, make_user):
    topic = make_class_debate(make_class(students=1))
    with pytest.raises(RuleError, match="students of this class"):
        classes.set_sides(topic, {make_user().id: Stance.PRO})


def test_choose_side_respects_the_cap(make_class, make_class_debate):
    classroom = make_class(students=3)
    topic = make_class_debate(classroom, side_mode=SideMode.CHOICE, side_cap=1)
    debate = db.session.get(classes.ClassDebate, topic.id)
    a, b, c = students(classroom)
    classes.choose_side(topic, debate, a, Stance.PRO)
    with pytest.raises(RuleError, match="is full"):
        classes.choose_side(topic, debate, b, Stance.PRO)
    classes.choose_side(topic, debate, b, Stance.CON)
    with pytest.raises(RuleError, match="already chosen"):
        classes.choose_side(topic, debate, a, Stance.CON)
    with pytest.raises(RuleError, match="Only the class's students"):
        classes.choose_side(topic, debate, classroom.instructor, Stance.CON)


def test_choose_side_refused_when_instructor_assigns(make_class, make_class_debate):
    classroom = make_class(students=1)
    topic = make_class_debate(classroom)
    debate = db.session.get(classes.ClassDebate, topic.id)
    with pytest.raises(RuleError, match="assigns the sides"):
        classes.choose_side(topic, debate, students(classroom)[0], Stance.PRO)


# --- Phases --------------------------------------------------------------------------

@pytest.fixture
def debate(make_class, make_class_debate):
    """A class debate with two students, one per side."""
    classroom = make_class(students=2, time_zone="Europe/Paris")
    topic = make_class_debate(classroom)
    pro, con = students(classroom)
    classes.set_sides(topic, {pro.id: Stance.PRO, con.id: Stance.CON})
    db.session.commit()
    return topic, pro, con, classroom.instructor


def check(topic, user, *, parent=None, stance=None, body="My argument.", now=None):
    return class_rules.check_post_allowed(topic, user, parent, stance, body, now or utcnow())


def test_no_post_before_any_phase(debate):
    topic, pro, _, _ = debate
    with pytest.raises(RuleError, match="not opened any phase"):
        check(topic, pro, stance=Stance.PRO)


def test_outside_phases_names_the_next_one_in_the_class_zone(debate):
    topic, pro, _, _ = debate
    opens = datetime(2030, 3, 2, 8, 0, tzinfo=timezone.utc)
    classes.set_phase(topic, PhaseKind.OPENING, opens, opens + timedelta(days=2))
    with pytest.raises(RuleError) as error:
        check(topic, pro, stance=Stance.PRO, now=opens - timedelta(minutes=1))
    assert "Opening statements (2 Mar 2030 09:00 – 4 Mar 2030 09:00, Europe/Paris)" in str(error.value)
    with pytest.raises(RuleError, match="phases are over"):
        check(topic, pro, stance=Stance.PRO, now=opens + timedelta(days=3))


def test_opening_takes_top_level_arguments_for_my_side_only(debate, open_phase, make_post):
    topic, pro, con, _ = debate
    open_phase(topic, PhaseKind.OPENING)
    assert check(topic, pro, stance=Stance.PRO) == PhaseKind.OPENING
    with pytest.raises(RuleError, match="Your side is “Pay them”"):
        check(topic, pro, stance=Stance.CON)
    with pytest.raises(RuleError, match="Your side is"):
        check(topic, pro, stance=None)
    root = posting.create_post(con, topic, "Con opening.", stance=Stance.CON)
    with pytest.raises(RuleError, match="top-level statements only"):
        check(topic, pro, parent=root)


def test_rebuttal_answers_the_other_side_only(debate, open_phase):
    topic, pro, con, teacher = debate
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=3), closes_in=timedelta(hours=-2))
    phase = open_phase(topic, PhaseKind.REBUTTAL)
    con_root = posting.create_post(teacher, topic, "Con view from the teacher.", stance=Stance.CON)
    pro_root = posting.create_post(teacher, topic, "Pro view from the teacher.", stance=Stance.PRO)
    assert check(topic, pro, parent=con_root) == PhaseKind.REBUTTAL
    with pytest.raises(RuleError, match=r"During Rebuttals \(.*\) you answer the other side"):
        check(topic, pro, parent=pro_root)
    with pytest.raises(RuleError, match="answer the other side"):
        check(topic, pro, stance=Stance.PRO)
    # A reply by the con student counts as con, whatever the thread.
    con_reply = posting.create_post(con, topic, "Con answers pro.", parent=pro_root)
    assert con_reply.phase == phase.kind
    assert check(topic, pro, parent=con_reply) == PhaseKind.REBUTTAL


def test_closing_statements_are_marked(debate, open_phase):
    topic, pro, _, _ = debate
    open_phase(topic, PhaseKind.CLOSING)
    post = posting.create_post(pro, topic, "In closing, pay them.", stance=Stance.PRO)
    assert post.phase == PhaseKind.CLOSING and post.parent_id is None


def test_final_vote_takes_no_posts(debate, open_phase):
    topic, pro, _, _ = debate
    open_phase(topic, PhaseKind.FINAL_VOTE)
    with pytest.raises(RuleError, match="Final vote .* stance poll only"):
        check(topic, pro, stance=Stance.PRO)


def test_word_limit_counts_words_of_the_source(debate, open_phase):
    topic, pro, _, _ = debate
    open_phase(topic, PhaseKind.OPENING, word_limit=5)
    assert check(topic, pro, stance=Stance.PRO, body="**One** two [three](https://x.example/a-b-c) four five")
    with pytest.raises(RuleError, match="allows 5 words per post; yours has 6"):
        check(topic, pro, stance=Stance.PRO, body="one two three four five six")


@pytest.mark.parametrize("text, words", [
    ("", 0), ("Hello", 1), ("don't stop-gap", 2), ("# Title\n\n- a\n- b", 3),
    ("[link text](https://example.org/path)", 2), ("Ça va, très bien", 4), ("1,000 people", 3),
])
def test_count_words(text, words):
    assert class_rules.count_words(text) == words


def test_extension_keeps_a_phase_open_for_one_student(debate, open_phase):
    topic, pro, con, _ = debate
    phase = open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=2), closes_in=timedelta(hours=-1))
    with pytest.raises(RuleError, match="phases are over"):
        check(topic, pro, stance=Stance.PRO)
    classes.extend_phase(phase, pro, utcnow() + timedelta(hours=1))
    assert check(topic, pro, stance=Stance.PRO) == PhaseKind.OPENING
    with pytest.raises(RuleError):
        check(topic, con, stance=Stance.CON)
    with pytest.raises(RuleError, match="after the phase's own close"):
        classes.extend_phase(phase, con, phase.closes_at - timedelta(minutes=1))


def test_instructors_are_not_bound_by_phases(debate):
    topic, _, _, teacher = debate
    post = posting.create_post(teacher, topic, "Framing question.", stance=Stance.PRO)
    assert post.phase is None


def test_outsiders_and_archived_classes_cannot_post(debate, open_phase, make_user):
    topic, pro, _, _ = debate
    open_phase(topic, PhaseKind.OPENING)
    with pytest.raises(RuleError, match="Only members"):
        check(topic, make_user(), stance=Stance.PRO)
    classes.archive_class(db.session.get(classes.Classroom, topic.class_id))
    with pytest.raises(RuleError, match="archived"):
        check(topic, pro, stance=Stance.PRO)


def test_create_post_stores_nothing_when_refused(debate):
    topic, pro, _, _ = debate
    with pytest.raises(RuleError):
        posting.create_post(pro, topic, "Too early.", stance=Stance.PRO)
    db.session.rollback()
    assert db.session.query(Post).count() == 0


def test_save_schedule_in_the_class_zone(debate):
    topic, *_ = debate
    local = datetime(2030, 7, 1, 9, 0)
    phases = classes.save_schedule(topic, "Europe/Paris", {
        PhaseKind.OPENING: (local, local + timedelta(days=1), 300),
        PhaseKind.REBUTTAL: (local + timedelta(days=1), local + timedelta(days=2), None)})
    assert phases[0].opens_at == datetime(2030, 7, 1, 7, 0, tzinfo=timezone.utc)
    assert phases[0].word_limit == 300
    with pytest.raises(RuleError, match="opens before Opening statements closes"):
        classes.save_schedule(topic, "UTC", {PhaseKind.OPENING: (local, local + timedelta(days=2), None),
                                             PhaseKind.REBUTTAL: (local + timedelta(days=1), local + timedelta(days=3), None)})
    with pytest.raises(RuleError, match="needs both"):
        classes.save_schedule(topic, "UTC", {PhaseKind.OPENING: (local, None, None)})
    with pytest.raises(RuleError, match="must close after it opens"):
        classes.save_schedule(topic, "UTC", {PhaseKind.OPENING: (local, local, None)})


def test_poll_open_before_opening_closes_and_during_final_vote(debate, make_topic):
    topic, *_ = debate
    now = utcnow()
    assert class_rules.poll_open(make_topic(), PhaseKind.FINAL_VOTE, now)  # public: always
    assert class_rules.poll_open(topic, PhaseKind.FINAL_VOTE, now)  # no phase set: not gated
    classes.set_phase(topic, PhaseKind.OPENING, now + timedelta(hours=1), now + timedelta(hours=2))
    classes.set_phase(topic, PhaseKind.FINAL_VOTE, now + timedelta(hours=5), now + timedelta(hours=6))
    assert class_rules.poll_open(topic, PhaseKind.OPENING, now)
    assert not class_rules.poll_open(topic, PhaseKind.OPENING, now + timedelta(hours=2))
    assert not class_rules.poll_open(topic, PhaseKind.FINAL_VOTE, now)
    assert class_rules.poll_open(topic, PhaseKind.FINAL_VOTE, now + timedelta(hours=5, minutes=1))


def test_copying_a_public_debate_takes_its_motion_and_sides(make_class, make_topic, make_user):
    public = make_topic(kind="debate", title="Should testers be paid?", pro_label="Yes", con_label="No")
    classroom = make_class()
    topic = classes.create_class_debate(classroom, classroom.instructor, None, title="", body="",
                                        copy_from=public)
    assert (topic.title, topic.pro_label, topic.con_label, topic.class_id) == \
        ("Should testers be paid?", "Yes", "No", classroom.id)
    with pytest.raises(RuleError, match="public debate"):
        classes.create_class_debate(classroom, classroom.instructor, None, title="", body="", copy_from=topic)


def test_can_moderate_class_topic(make_class, make_class_debate, make_user, make_topic):
    from forum.domain.permissions import can_moderate_class_topic
    classroom = make_class(students=1)
    topic = make_class_debate(classroom)
    co = make_user()
    classes.add_instructor(classroom, co.username)
    suspended = make_user(suspended_until=utcnow() + timedelta(days=1))
    classes.add_instructor(classroom, suspended.username)
    db.session.commit()
    assert can_moderate_class_topic(classroom.instructor, topic)
    assert can_moderate_class_topic(co, topic)
    assert can_moderate_class_topic(make_user(role=Role.ADMIN), topic)
    assert not can_moderate_class_topic(students(classroom)[0], topic)
    assert not can_moderate_class_topic(make_user(role=Role.MODERATOR), topic)
    assert not can_moderate_class_topic(make_class().instructor, topic)
    assert not can_moderate_class_topic(suspended, topic)
    assert not can_moderate_class_topic(classroom.instructor, make_topic())  # public spaces are not a class's


def test_archived_class_takes_no_new_debates_or_phases(make_class, make_class_debate, make_article):
    classroom = make_class()
    topic = make_class_debate(classroom)
    classes.archive_class(classroom)
    with pytest.raises(RuleError, match="archived"):
        classes.create_class_debate(classroom, classroom.instructor, make_article(), title="New", body="Text")
    with pytest.raises(RuleError, match="archived"):
        classes.save_schedule(topic, "UTC", {})


def test_edits_keep_to_the_phase_and_its_word_limit(debate, open_phase):
    topic, pro, _, teacher = debate
    phase = open_phase(topic, PhaseKind.OPENING, word_limit=4)
    post = posting.create_post(pro, topic, "Pay the testers.", stance=Stance.PRO)
    posting.edit_post(post, pro, "Pay the testers now.")
    with pytest.raises(RuleError, match="allows 4 words per post; yours has 5"):
        posting.edit_post(post, pro, "Pay the testers right now.")
    phase.closes_at = utcnow() - timedelta(minutes=1)
    phase.opens_at = utcnow() - timedelta(hours=2)
    with pytest.raises(RuleError, match="Opening statements is closed"):
        posting.edit_post(post, pro, "A sneaky late rewrite.")
    classes.extend_phase(phase, pro, utcnow() + timedelta(hours=1))
    posting.edit_post(post, pro, "An allowed late edit.")
    posting.edit_post(post, teacher, "The instructor fixes a typo in it.")  # instructors are not bound
