"""What a class debate's page offers now (class_rules.allowance), and sides for latecomers
(classes.latecomer_side, classes.seat_latecomer): the domain rules, called directly."""
import random
from datetime import timedelta

import pytest

from forum.domain import class_rules, classes, posting
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import PhaseKind, Stance, utcnow
from tests.conftest import students_of


def _allowance(topic, user, *, teacher=False, writable=True, side=None):
    return class_rules.allowance(topic, class_rules.phases_for(topic.id, user), utcnow(), side=side,
                                 teacher=teacher, writable=writable)


# --- What each phase offers ----------------------------------------------------------------

def test_allowance_opening_offers_statements_for_the_students_side(sided_debate, open_phase):
    _, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING, word_limit=150)
    allow = _allowance(topic, pro, side=Stance.PRO)
    assert allow.statements == (Stance.PRO,) and allow.replies is None
    assert allow.word_limit == 150 and allow.before_poll and allow.may_post
    assert "Pay them" in allow.summary and "replies wait for the rebuttals" in allow.summary


def test_allowance_rebuttal_offers_replies_to_the_other_side_only(sided_debate, open_phase):
    classroom, topic, pro, con = sided_debate
    theirs = posting.create_post(classroom.instructor, topic, "Con framing", stance=Stance.CON)
    ours = posting.create_post(classroom.instructor, topic, "Pro framing", stance=Stance.PRO)
    open_phase(topic, PhaseKind.REBUTTAL, word_limit=80)
    allow = _allowance(topic, pro, side=Stance.PRO)
    sides = class_rules.sides_of(topic)
    assert allow.statements == () and allow.replies == Stance.CON and allow.word_limit == 80
    assert allow.may_reply_to(theirs, sides) and not allow.may_reply_to(ours, sides)
    # A reply is on the side of its author: con's own answer to a pro post is con's.
    answer = posting.create_post(con, topic, "Con answers", parent=ours, stance=Stance.CON)
    assert allow.may_reply_to(answer, sides)
    assert "Answer the other side" in allow.summary


def test_allowance_final_vote_offers_the_after_poll_only(sided_debate, open_phase):
    _, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=5), closes_in=-timedelta(hours=4))
    open_phase(topic, PhaseKind.FINAL_VOTE)
    allow = _allowance(topic, pro, side=Stance.PRO)
    assert not allow.may_post and allow.after_poll and not allow.before_poll
    assert "final vote" in allow.summary


def test_allowance_closes_the_after_poll_until_the_final_vote(sided_debate, open_phase):
    _, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    open_phase(topic, PhaseKind.FINAL_VOTE, opened=-timedelta(hours=3), closes_in=timedelta(hours=5))
    allow = _allowance(topic, pro, side=Stance.PRO)
    assert allow.before_poll and not allow.after_poll


@pytest.mark.parametrize("schedule, says", [
    ([], "has not opened any phase"),
    ([(PhaseKind.OPENING, -timedelta(hours=1), timedelta(hours=3))], "No phase is open right now."),
    ([(PhaseKind.OPENING, timedelta(hours=3), -timedelta(hours=1))], "phases are over"),
])
def test_allowance_outside_the_phases_says_why(sided_debate, open_phase, schedule, says):
    _, topic, pro, _ = sided_debate
    for kind, opened, closes_in in schedule:
        open_phase(topic, kind, opened=opened, closes_in=closes_in)
    allow = _allowance(topic, pro, side=Stance.PRO)
    assert not allow.may_post and says in allow.refusal


def test_allowance_without_a_side_asks_for_one(sided_debate, open_phase):
    _, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    allow = _allowance(topic, pro, side=None)
    assert not allow.may_post and "side" in allow.refusal


def test_allowance_teachers_are_not_bound_by_phases(sided_debate):
    classroom, topic, _, _ = sided_debate
    allow = _allowance(topic, classroom.instructor, teacher=True)
    assert allow.statements == (Stance.PRO, Stance.CON) and allow.replies == class_rules.ANY_SIDE
    assert allow.word_limit is None and allow.may_reply_to(object(), {})


def test_allowance_offers_nothing_to_who_may_not_write(sided_debate, open_phase):
    _, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    allow = _allowance(topic, pro, side=Stance.PRO, writable=False)
    assert not allow.may_post and not allow.before_poll and not allow.after_poll


@pytest.mark.parametrize("kind", list(PhaseKind))
def test_allowance_agrees_with_check_post_allowed(sided_debate, open_phase, kind):
    """What the page offers is what the server accepts, phase by phase."""
    classroom, topic, pro, _ = sided_debate
    theirs = posting.create_post(classroom.instructor, topic, "Con framing", stance=Stance.CON)
    ours = posting.create_post(classroom.instructor, topic, "Pro framing", stance=Stance.PRO)
    open_phase(topic, kind)
    allow = _allowance(topic, pro, side=Stance.PRO)
    sides = class_rules.sides_of(topic)

    def accepted(parent, stance):
        try:
            class_rules.check_post_allowed(topic, pro, parent, stance, "A few words.", utcnow())
        except RuleError:
            return False
        return True
    assert accepted(None, Stance.PRO) == (Stance.PRO in allow.statements)
    assert accepted(None, Stance.CON) == (Stance.CON in allow.statements)
    assert accepted(theirs, Stance.CON) == allow.may_reply_to(theirs, sides)
    assert accepted(ours, Stance.CON) == allow.may_reply_to(ours, sides)


# --- Sides for latecomers ---------------------------------------------------------------------

@pytest.mark.parametrize("counts, side", [({}, None), ({"pro": 3, "con": 2}, "con"), ({"pro": 1, "con": 4}, "pro"),
                                          ({"pro": 2, "con": 2}, None)])
def test_latecomer_side_takes_the_smaller_side(counts, side):
    chosen = {classes.latecomer_side(counts, random.Random(seed)) for seed in range(20)}
    assert chosen == ({side} if side else {"pro", "con"})


def test_a_random_debate_draws_sides_for_those_already_in_the_class(make_class, make_class_debate):
    classroom = make_class(students=5)
    topic = make_class_debate(classroom, side_mode="random")
    sides = list(class_rules.sides_of(topic).values())
    assert len(sides) == 5 and abs(sides.count("pro") - sides.count("con")) <= 1


def test_latecomers_get_a_side_at_once_keeping_the_sides_within_one(make_class, make_class_debate, make_user):
    classroom = make_class(students=3)
    topic = make_class_debate(classroom, side_mode="random")
    for _ in range(7):
        latecomer = make_user()
        classes.join_class(latecomer, classroom.join_code)
        sides = list(class_rules.sides_of(topic).values())
        assert class_rules.side_of(topic, latecomer) in ("pro", "con")
        assert abs(sides.count("pro") - sides.count("con")) <= 1
    assert len(class_rules.sides_of(topic)) == 10


def test_latecomers_get_no_side_under_choice_or_manual_or_once_closed(make_class, make_class_debate, make_user):
    from forum.domain import debates
    classroom = make_class(students=2)
    choice = make_class_debate(classroom, side_mode="choice")
    manual = make_class_debate(classroom, side_mode="manual")
    closed = make_class_debate(classroom, side_mode="random")
    debates.close_debate(closed, classroom.instructor)
    db.session.flush()
    latecomer = make_user()
    classes.join_class(latecomer, classroom.join_code)
    assert [class_rules.side_of(t, latecomer) for t in (choice, manual, closed)] == [None, None, None]
    assert len(students_of(classroom)) == 3
