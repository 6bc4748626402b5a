"""Debate rules as plain functions: motions, typed replies, polls and results."""
import pytest
from sqlalchemy import func, select

from forum.domain import debates
from forum.domain.debates import iq2_winner
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import Post, Role, Source, Stance, StancePoll, TopicKind


def test_start_debate_names_the_sides(make_user, make_article):
    author, article = make_user(role=Role.INSTRUCTOR), make_article()
    default = debates.start_debate(author, article, title="Testers should be paid", description="Why or why not.")
    named = debates.start_debate(author, article, title="Leaking was right", description="Discuss.",
                                 pro_label="Right to leak", con_label="Wrong way", passage=article.passages[1])
    assert (default.kind, default.pro_label, default.con_label) == (TopicKind.DEBATE, "For", "Against")
    assert (named.pro_label, named.con_label, named.passage) == ("Right to leak", "Wrong way", article.passages[1])


@pytest.mark.parametrize("title, description, message", [
    ("", "Text", "title"), ("Motion", "  ", "text"),
])
def test_start_debate_refuses_empty_fields(make_user, make_article, title, description, message):
    with pytest.raises(RuleError, match=message):
        debates.start_debate(make_user(), make_article(), title=title, description=description)


def test_close_and_reopen_debate(make_debate):
    topic = make_debate()
    debates.close_debate(topic, topic.author)
    assert topic.closed_at is not None
    with pytest.raises(RuleError, match="already closed"):
        debates.close_debate(topic, topic.author)
    debates.reopen_debate(topic, topic.author)
    assert topic.closed_at is None
    with pytest.raises(RuleError, match="already open"):
        debates.reopen_debate(topic, topic.author)


def test_close_debate_refuses_a_discussion(make_topic):
    topic = make_topic()
    with pytest.raises(RuleError, match="Only a debate"):
        debates.close_debate(topic, topic.author)


# --- Typed replies ----------------------------------------------------------

def test_top_level_argument_needs_a_side(make_debate, make_user):
    topic = make_debate(pro_label="Pay", con_label="Don't")
    with pytest.raises(RuleError, match="“Pay” or “Don't”"):
        debates.post_argument(make_user(), topic, "My argument", stance_value="")
    with pytest.raises(RuleError, match="Choose a stance"):
        debates.post_argument(make_user(), topic, "My argument", stance_value="maybe")
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_reply_in_a_debate_needs_an_explicit_choice(make_debate, make_post, make_user):
    topic = make_debate()
    root = make_post(topic=topic, stance=Stance.PRO)
    with pytest.raises(RuleError, match="supports, challenges, or comments"):
        debates.post_argument(make_user(), topic, "Hmm", stance_value=None, parent=root)
    comment = debates.post_argument(make_user(), topic, "A question?", stance_value="comment", parent=root)
    assert comment.stance is None


def test_answers_are_counted_by_stance(make_debate, make_post, make_user):
    topic = make_debate()
    root = make_post(topic=topic, stance=Stance.PRO)
    for value in ("pro", "con", "con", "comment"):
        debates.post_argument(make_user(), topic, f"A {value}", stance_value=value, parent=root)
    db.session.commit()
    db.session.refresh(root)
    assert (root.pro_count, root.con_count, root.comment_count, root.reply_count) == (1, 2, 1, 4)


def test_sources_come_with_the_argument(make_debate, make_user):
    topic = make_debate()
    post = debates.post_argument(make_user(), topic, "Evidence below.", stance_value="pro", sources_text=(
        "Red team (Wikipedia) https://en.wikipedia.org/wiki/Red_team\n\n"
        "Fair use index http://www.copyright.gov/fair-use/"))
    db.session.commit()
    assert [(s.title, s.url) for s in post.sources] == [
        ("Red team (Wikipedia)", "https://en.wikipedia.org/wiki/Red_team"),
        ("Fair use index", "http://www.copyright.gov/fair-use/")]


def test_a_bad_source_refuses_the_whole_post(make_debate, make_user):
    topic = make_debate()
    with pytest.raises(RuleError, match="http:// or https://"):
        debates.post_argument(make_user(), topic, "Evidence.", stance_value="pro",
                              sources_text="Click me javascript:alert(1)")
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0
    assert db.session.scalar(select(func.count()).select_from(Source)) == 0


def test_closed_debate_takes_no_posts(make_debate, make_user):
    topic = make_debate()
    debates.close_debate(topic, topic.author)
    with pytest.raises(RuleError, match="closed"):
        debates.post_argument(make_user(), topic, "Too late", stance_value="pro")


# --- Stance polls -----------------------------------------------------------

def test_before_is_answered_once_after_can_change(make_debate, make_user):
    topic, user = make_debate(), make_user()
    debates.answer_poll(topic, user, "before", "-1")
    with pytest.raises(RuleError, match="already recorded"):
        debates.answer_poll(topic, user, "before", "2")
    debates.answer_poll(topic, user, "after", "1")
    debates.answer_poll(topic, user, "after", "2")
    db.session.commit()
    rows = db.session.execute(select(StancePoll.phase, StancePoll.value).order_by(StancePoll.phase)).all()
    assert [tuple(r) for r in rows] == [("after", 2), ("before", -1)]


@pytest.mark.parametrize("phase, value, message", [
    ("before", "3", "−2 to \\+2"), ("before", "x", "−2 to \\+2"), ("before", None, "−2 to \\+2"),
    ("during", "1", "only two polls"),
])
def test_answer_poll_refuses_bad_input(make_debate, make_user, phase, value, message):
    with pytest.raises(RuleError, match=message):
        debates.answer_poll(make_debate(), make_user(), phase, value)


def test_answer_poll_refuses_closed_debate_and_discussion(make_debate, make_topic, make_user):
    topic = make_debate()
    debates.close_debate(topic, topic.author)
    with pytest.raises(RuleError, match="closed"):
        debates.answer_poll(topic, make_user(), "after", 1)
    with pytest.raises(RuleError, match="Only a debate"):
        debates.answer_poll(make_topic(), make_user(), "before", 1)


def test_poll_results_distributions_shift_and_movers(make_debate, make_user):
    topic = make_debate()
    answers = [(-2, -1), (0, 1), (1, 1), (2, 2)]  # two moved toward pro, none toward con
    for before, after in answers:
        user = make_user()
        debates.answer_poll(topic, user, "before", before)
        debates.answer_poll(topic, user, "after", after)
    debates.answer_poll(topic, make_user(), "before", -1)  # never answered "after"
    db.session.commit()
    results = debates.poll_results(topic)
    assert results.before == {-2: 1, -1: 1, 0: 1, 1: 1, 2: 1}
    assert results.after == {-2: 0, -1: 1, 0: 0, 1: 2, 2: 1}
    assert results.net_shift == pytest.approx(3 / 4 - 0 / 5)
    assert (results.moved_pro, results.moved_con) == (2, 0)
    assert results.winner is None  # only once the debate is closed
    debates.close_debate(topic, topic.author)
    assert debates.poll_results(topic).winner == Stance.PRO


def test_poll_results_without_answers(make_debate):
    results = debates.poll_results(make_debate())
    assert (results.total_before, results.total_after, results.net_shift) == (0, 0, None)
    assert (results.moved_pro, results.moved_con) == (0, 0)


# --- The Intelligence Squared rule ------------------------------------------

def _counts(con: int = 0, undecided: int = 0, pro: int = 0) -> dict[int, int]:
    return {-2: 0, -1: con, 0: undecided, 1: pro, 2: 0}


def test_iq2_the_side_that_gained_more_points_wins():
    # Pro stays ahead in absolute terms (60% → 55%) but con gained 15 points: con wins.
    assert iq2_winner(_counts(con=20, undecided=20, pro=60), _counts(con=35, undecided=10, pro=55)) == Stance.CON
    assert iq2_winner(_counts(con=50, undecided=30, pro=20), _counts(con=50, undecided=10, pro=40)) == Stance.PRO


def test_iq2_counts_strong_and_leaning_answers_alike():
    before = {-2: 1, -1: 1, 0: 2, 1: 0, 2: 0}
    after = {-2: 0, -1: 1, 0: 0, 1: 0, 2: 3}
    assert iq2_winner(before, after) == Stance.PRO


def test_iq2_tie_or_no_answers_has_no_winner():
    assert iq2_winner(_counts(con=1, undecided=2, pro=1), _counts(con=2, undecided=0, pro=2)) is None
    assert iq2_winner(_counts(), _counts(pro=3)) is None
    assert iq2_winner(_counts(pro=3), _counts()) is None
