"""What changed minds: every poll answer kept, changed answers credit arguments
(domain/minds.py), the counts and the timeline the pages show, and the poll's words."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.domain import debates, minds, moderation, posting
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import PhaseKind, PollAnswer, PollCredit, Stance, StancePoll, Topic
from forum.pages import minds_pages


@pytest.fixture
def scene(make_debate, make_post, make_user):
    debate = make_debate(title="Paying artists is fair", pro_label="Pay them", con_label="Voluntary is fine")
    args = {name: make_post(topic=debate, stance=stance, body=f"The {name} argument about licensing.")
            for name, stance in (("royalty", Stance.PRO), ("consent", Stance.PRO), ("market", Stance.CON),
                                 ("cost", Stance.CON))}
    other = make_debate(title="Another motion")
    elsewhere = make_post(topic=other, stance=Stance.PRO, body="An argument of another debate.")
    reply = make_post(parent=args["royalty"], stance=Stance.CON, body="A reply, not an argument.")
    return dict(debate=debate, other=other, elsewhere=elsewhere, reply=reply,
                reader=make_user("reader"), **args)


def _answers(topic, user):
    return db.session.execute(select(PollAnswer.phase, PollAnswer.value).where(
        PollAnswer.topic_id == topic.id, PollAnswer.user_id == user.id).order_by(PollAnswer.id)).all()


def _current(topic, user):
    return dict(db.session.execute(select(StancePoll.phase, StancePoll.value).where(
        StancePoll.topic_id == topic.id, StancePoll.user_id == user.id)).all())


# --- every answer kept ---------------------------------------------------------------

def test_every_answer_is_kept_with_its_time_and_the_current_one_stays_in_stance_polls(scene):
    s, reader = scene, scene["reader"]
    debates.answer_poll(s["debate"], reader, "before", "-1")
    debates.answer_poll(s["debate"], reader, "after", "1", [str(s["royalty"].id)])
    debates.answer_poll(s["debate"], reader, "after", "2", [str(s["royalty"].id), str(s["consent"].id)])
    assert _answers(s["debate"], reader) == [("before", -1), ("after", 1), ("after", 2)]
    assert _current(s["debate"], reader) == {"before": -1, "after": 2}  # one row a phase, as before
    times = db.session.scalars(select(PollAnswer.answered_at).where(PollAnswer.user_id == reader.id)).all()
    assert all(t is not None for t in times)


def test_the_same_answer_again_adds_nothing_to_the_history(scene):
    s, reader = scene, scene["reader"]
    debates.answer_poll(s["debate"], reader, "before", "0")
    debates.answer_poll(s["debate"], reader, "after", "1", [str(s["royalty"].id)])
    debates.answer_poll(s["debate"], reader, "after", "1", [str(s["royalty"].id)])
    assert len(_answers(s["debate"], reader)) == 2
    # The same answer with other arguments is a new step.
    debates.answer_poll(s["debate"], reader, "after", "1", [str(s["consent"].id)])
    assert len(_answers(s["debate"], reader)) == 3


# --- crediting: the rules, as plain functions --------------------------------------------

def _creditable(post, **changes):
    values = dict(id=post.id, topic_id=post.topic_id, parent_id=post.parent_id, stance=post.stance,
                  deleted=False, status="visible")
    return minds.Creditable(**{**values, **changes})


def test_check_credits_accepts_up_to_three_arguments_of_the_debate_with_a_changed_answer(scene):
    s = scene
    ids = [s["royalty"].id, s["consent"].id, s["market"].id]
    posts = {p.id: _creditable(p) for p in (s["royalty"], s["consent"], s["market"])}
    minds.check_credits(s["debate"], "after", -1, 1, ids, posts)  # no error
    minds.check_credits(s["debate"], "after", 1, 1, [], {})  # nothing credited: always fine


@pytest.mark.parametrize("case, message", [
    ("four", "at most 3"),
    ("unchanged", "same as your “before” answer"),
    ("before phase", "“after” answer"),
    ("no before", "Answer the “before” poll first"),
    ("other debate", "only this debate's arguments"),
    ("missing", "only this debate's arguments"),
    ("reply", "not a reply or a comment"),
    ("comment", "not a reply or a comment"),
    ("deleted", "deleted or hidden"),
    ("hidden", "deleted or hidden"),
])
def test_check_credits_refuses_with_a_clear_sentence(scene, case, message):
    s = scene
    posts = {p.id: _creditable(p) for p in (s["royalty"], s["consent"], s["market"], s["cost"], s["elsewhere"],
                                             s["reply"])}
    phase, before, value, ids = "after", -1, 1, [s["royalty"].id]
    if case == "four":
        ids = [s[n].id for n in ("royalty", "consent", "market", "cost")]
    elif case == "unchanged":
        value = before
    elif case == "before phase":
        phase = "before"
    elif case == "no before":
        before = None
    elif case == "other debate":
        ids = [s["elsewhere"].id]
    elif case == "missing":
        ids = [10 ** 9]
    elif case == "reply":
        ids = [s["reply"].id]
    elif case == "comment":  # a post with no side (debates have none at the top level: a constructed one)
        posts[s["royalty"].id] = _creditable(s["royalty"], stance=None)
    elif case == "deleted":
        posts[s["royalty"].id] = _creditable(s["royalty"], deleted=True)
    elif case == "hidden":
        posts[s["royalty"].id] = _creditable(s["royalty"], status="hidden")
    with pytest.raises(RuleError, match=message):
        minds.check_credits(s["debate"], phase, before, value, ids, posts)


@pytest.mark.parametrize("values", [["abc"], ["1; DROP TABLE posts"], ["-3"], ["1" * 20]])
def test_parse_credits_refuses_what_is_not_an_id(values):
    with pytest.raises(RuleError):
        minds.parse_credits(values)


def test_parse_credits_keeps_each_id_once_in_order():
    assert minds.parse_credits(["5", "", "3", "5"]) == [5, 3]


def test_a_refused_credit_writes_nothing(scene):
    s, reader = scene, scene["reader"]
    debates.answer_poll(s["debate"], reader, "before", "-1")
    db.session.commit()
    with pytest.raises(RuleError):
        debates.answer_poll(s["debate"], reader, "after", "1", [str(s["elsewhere"].id)])
    db.session.rollback()
    assert _current(s["debate"], reader) == {"before": -1}
    assert _answers(s["debate"], reader) == [("before", -1)]


def test_a_post_hidden_by_a_moderator_cannot_be_credited(scene, make_user):
    s = scene
    moderation.hide_post(s["royalty"], make_user(role="moderator"), "Pending review.")
    debates.answer_poll(s["debate"], s["reader"], "before", "-2")
    with pytest.raises(RuleError, match="deleted or hidden"):
        debates.answer_poll(s["debate"], s["reader"], "after", "2", [str(s["royalty"].id)])


def test_a_deleted_post_cannot_be_credited(scene):
    s = scene
    posting.delete_post(s["market"], s["market"].author)
    debates.answer_poll(s["debate"], s["reader"], "before", "2")
    with pytest.raises(RuleError, match="deleted or hidden"):
        debates.answer_poll(s["debate"], s["reader"], "after", "-1", [str(s["market"].id)])


# --- how many readers each argument moved --------------------------------------------------

def _reader_moves(s, user, before, after, credited):
    debates.answer_poll(s["debate"], user, "before", str(before))
    debates.answer_poll(s["debate"], user, "after", str(after), [str(s[name].id) for name in credited])


def test_moved_counts_readers_by_direction_from_their_latest_answer(scene, make_user):
    s = scene
    _reader_moves(s, make_user(), -1, 1, ["royalty", "consent"])   # toward pro
    _reader_moves(s, make_user(), 0, 2, ["royalty"])               # toward pro
    _reader_moves(s, make_user(), 1, -2, ["royalty", "market"])    # toward con
    moved = minds.moved([s["royalty"].id, s["consent"].id, s["market"].id, s["cost"].id])
    assert moved[s["royalty"].id] == minds.Moved(2, 1)
    assert moved[s["consent"].id] == minds.Moved(1, 0)
    assert moved[s["market"].id] == minds.Moved(0, 1)
    assert s["cost"].id not in moved


def test_a_later_answer_replaces_the_credits_and_going_back_moves_nobody(scene, make_user):
    s, reader = scene, make_user()
    _reader_moves(s, reader, -1, 1, ["royalty"])
    assert minds.moved([s["royalty"].id]) == {s["royalty"].id: minds.Moved(1, 0)}
    debates.answer_poll(s["debate"], reader, "after", "2", [str(s["consent"].id)])
    assert minds.moved([s["royalty"].id, s["consent"].id]) == {s["consent"].id: minds.Moved(1, 0)}
    debates.answer_poll(s["debate"], reader, "after", "-1")  # back where they started
    assert minds.moved([s["royalty"].id, s["consent"].id]) == {}


def test_a_credit_moves_the_topic_version_but_a_bare_history_row_does_not(scene):
    s = scene
    debates.answer_poll(s["debate"], s["reader"], "before", "-1")
    db.session.commit()

    def version():
        db.session.expire_all()
        return db.session.get(Topic, s["debate"].id).version
    start = version()
    answer = PollAnswer(topic_id=s["debate"].id, user_id=s["reader"].id, phase="after", value=1)
    db.session.add(answer)
    db.session.commit()
    assert version() == start  # a reader's own history: viewer state, not the shared version
    db.session.add(PollCredit(answer_id=answer.id, post_id=s["royalty"].id))
    db.session.commit()
    credited = version()
    assert credited > start
    db.session.delete(db.session.scalar(select(PollCredit)))
    db.session.commit()
    assert version() > credited


# --- the timeline ----------------------------------------------------------------------------

def test_timeline_lists_before_each_change_and_what_it_credited(scene):
    s, reader = scene, scene["reader"]
    debates.answer_poll(s["debate"], reader, "before", "-1")
    debates.answer_poll(s["debate"], reader, "after", "1", [str(s["royalty"].id), str(s["consent"].id)])
    debates.answer_poll(s["debate"], reader, "after", "-1")
    timeline = minds.timeline(s["debate"].id, reader.id)
    assert [(step.phase, step.value) for step in timeline.steps] == [("before", -1), ("after", 1), ("after", -1)]
    assert [c.id for c in timeline.steps[1].credited] == [s["royalty"].id, s["consent"].id]
    assert timeline.shift(timeline.steps[1]) == 2 and timeline.earlier == 0
    view = minds_pages.timeline_view(s["debate"], timeline)
    assert [step.change for step in view.steps] == [
        "Before reading", "Moved 2 steps toward “Pay them”", "Back where you started"]
    assert view.steps[0].label == "I lean toward “Voluntary is fine”"
    assert view.steps[1].credited[0].text.startswith("The royalty argument")
    assert view.steps[0].when.endswith("UTC")


def test_timeline_in_a_class_zone_and_a_deleted_credit_shows_no_text(scene):
    s, reader = scene, scene["reader"]
    debates.answer_poll(s["debate"], reader, "before", "-1")
    debates.answer_poll(s["debate"], reader, "after", "1", [str(s["royalty"].id)])
    posting.delete_post(s["royalty"], s["royalty"].author)
    view = minds_pages.timeline_view(s["debate"], minds.timeline(s["debate"].id, reader.id), "Europe/Paris")
    assert view.steps[1].credited[0].text is None
    assert view.steps[0].when.endswith("(Europe/Paris)")


def test_timeline_is_bounded_and_says_how_many_are_left_out(scene):
    s, reader = scene, scene["reader"]
    debates.answer_poll(s["debate"], reader, "before", "0")
    for i in range(minds.TIMELINE_MAX + 5):
        debates.answer_poll(s["debate"], reader, "after", str(1 if i % 2 else -1))
    timeline = minds.timeline(s["debate"].id, reader.id)
    assert len(timeline.steps) == minds.TIMELINE_MAX + 1 and timeline.earlier == 5
    assert timeline.steps[0].phase == "before"


def test_timelines_of_several_readers_in_one_query(scene, make_user, count_queries):
    s = scene
    readers = [make_user() for _ in range(3)]
    for i, reader in enumerate(readers[:2]):
        _reader_moves(s, reader, -1, 1 + i, ["royalty"])
    topic_id, ids = s["debate"].id, [r.id for r in readers]
    with count_queries() as queries:
        found = minds.timelines(topic_id, ids)
    assert len(queries) == 1
    assert set(found) == {ids[0], ids[1]}
    assert [step.value for step in found[ids[1]].steps] == [-1, 2]


# --- the picker -------------------------------------------------------------------------------

def test_credit_picker_lists_the_arguments_only_chosen_first_and_filters(scene):
    s = scene
    picker = minds_pages.credit_picker(s["debate"], {}, before=-1, chosen=[s["cost"].id], filter_text=None)
    ids = [o.id for o in picker.options]
    assert ids[0] == s["cost"].id and set(ids) == {s[n].id for n in ("royalty", "consent", "market", "cost")}
    assert picker.matching == 4 and not picker.cut and picker.options[0].checked
    found = minds_pages.credit_picker(s["debate"], {}, before=-1, chosen=[], filter_text="  MARKET  ")
    assert [o.id for o in found.options] == [s["market"].id] and found.filter == "MARKET"
    nothing = minds_pages.credit_picker(s["debate"], {}, before=-1, chosen=[], filter_text="100%_x")
    assert nothing.options == [] and nothing.matching == 0


# --- words that read ----------------------------------------------------------------------------

@pytest.mark.parametrize("pro, con, expected", [
    ("Pay them", "Voluntary is fine",
     ["I strongly agree: “Voluntary is fine”", "I lean toward “Voluntary is fine”", "I'm undecided",
      "I lean toward “Pay them”", "I strongly agree: “Pay them”"]),
    ("For", "Against",
     ["I strongly disagree with the motion", "I lean toward disagreeing with the motion", "I'm undecided",
      "I lean toward agreeing with the motion", "I strongly agree with the motion"]),
    ("Yes", "No",
     ["I strongly disagree with the motion", "I lean toward disagreeing with the motion", "I'm undecided",
      "I lean toward agreeing with the motion", "I strongly agree with the motion"]),
])
def test_poll_choices_read_as_sentences(pro, con, expected):
    topic = Topic(title="A motion", pro_label=pro, con_label=con)
    assert [label for _, label in debates.poll_choices(topic)] == expected
    assert not any(label.startswith(("Strongly", "Leaning")) for _, label in debates.poll_choices(topic))


def test_poll_choices_of_a_class_debate_with_custom_sides(make_class, make_class_debate):
    topic = make_class_debate(make_class(), pro_label="Ban the tool", con_label="Teach the tool")
    labels = dict(debates.poll_choices(topic))
    assert labels[2] == "I strongly agree: “Ban the tool”" and labels[-1] == "I lean toward “Teach the tool”"


def test_results_say_when_the_winner_and_the_net_shift_disagree():
    # Before: 4 strongly con, 6 leaning pro. After: the 4 soften to leaning con and 2 pro become undecided.
    before = {-2: 4, -1: 0, 0: 0, 1: 6, 2: 0}
    after = {-2: 0, -1: 4, 0: 2, 1: 4, 2: 0}
    results = debates.PollResults(before, after, moved_pro=4, moved_con=2, final=True)
    assert results.winner == Stance.CON  # pro lost 20 points, con none: con gained more
    assert results.net_shift > 0  # the average moved toward pro: −2 → −1 outweighs 1 → 0
    assert results.measures_disagree
    assert "percentage points" in results.explain_winner_vs_shift and "average" in results.explain_winner_vs_shift
    agree = debates.PollResults({-1: 5, 1: 5}, {-1: 2, 1: 8}, 3, 0, final=True)
    assert agree.winner == Stance.PRO and not agree.measures_disagree


def test_the_final_vote_of_a_class_debate_keeps_its_phase_rules(sided_debate, open_phase, make_post):
    """The "after" poll (and so any credit) opens with the final vote, as before."""
    _, topic, pro, con = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    open_phase(topic, PhaseKind.FINAL_VOTE, opened=timedelta(hours=-2), closes_in=timedelta(hours=3))
    argument = make_post(topic=topic, author=pro, stance=Stance.PRO, body="Pay the testers.")
    debates.answer_poll(topic, con, "before", "-1")
    db.session.commit()
    with pytest.raises(RuleError, match="final vote"):
        debates.answer_poll(topic, con, "after", "1", [str(argument.id)])
    db.session.rollback()
    assert _answers(topic, con) == [("before", -1)]
