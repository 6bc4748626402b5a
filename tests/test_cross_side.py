"""“Valued by both sides” (domain/bridging.py): votes weighed by their voters' sides."""
import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from forum.domain import bridging, debates, reactions
from forum.extensions import db
from forum.models import PollPhase, Post, Stance, StancePoll, Vote
from forum.pages import debate_pages


# --- the formula, as plain functions -------------------------------------------------------

@pytest.mark.parametrize("answer, side", [(2, "pro"), (1, "pro"), (0, None), (None, None), (-1, "con"), (-2, "con")])
def test_side_of_an_answer(answer, side):
    assert bridging.side_of(answer) == side


def test_current_answer_is_after_else_before():
    assert bridging.current_answer(before=-2, after=1) == 1
    assert bridging.current_answer(before=-2, after=None) == -2
    assert bridging.current_answer(before=None, after=None) is None


def test_a_one_sided_favourite_ranks_below_fewer_votes_from_both_sides():
    favourite = bridging.cross_side("pro", [2, 1, 2, 1, 2, 1])  # six votes, all from its own side
    bridged = bridging.cross_side("pro", [2, 1, -1, -2])       # two from each side
    assert favourite == (6, 0, 0) and bridged == (2, 2, 0)
    assert bridged.rank > favourite.rank
    assert bridged.valued and not favourite.valued


def test_other_side_votes_count_three_times_and_no_answer_counts_once():
    persuasive = bridging.cross_side("con", [1, 2, 1])        # three readers for the motion back a con argument
    applauded = bridging.cross_side("con", [-2, -1, -2, -1, -2, -1, -2, -1])
    assert persuasive.weighted == 9 and applauded.weighted == 8
    assert persuasive.rank > applauded.rank  # neither has both sides: the other side's votes weigh more
    unanswered = bridging.cross_side("pro", [None, 0, None])
    assert unanswered == (0, 0, 3) and unanswered.weighted == 3 and not unanswered.valued


def test_ties_on_both_sides_are_broken_by_the_weighted_votes():
    a = bridging.cross_side("pro", [1, 1, -1, -1, None])       # 2 and 2, and one undecided
    b = bridging.cross_side("pro", [1, 1, 1, -1, -1])          # 3 and 2
    c = bridging.cross_side("pro", [1, 1, -1, -1, -1])         # 2 and 3
    assert a.both_sides == b.both_sides == c.both_sides == 2
    assert (a.weighted, b.weighted, c.weighted) == (9, 9, 11)
    assert c.rank > a.rank == b.rank


def test_the_threshold_needs_two_votes_from_each_side():
    assert not bridging.cross_side("pro", [1, -1, -1, -1]).valued
    assert bridging.cross_side("pro", [1, 1, -1, -1]).valued


# --- in the columns page's SQL ----------------------------------------------------------------

@pytest.fixture
def constructed(make_debate, make_user, make_post):
    """A debate with three pro arguments: a one-sided favourite (6 votes from its own
    side), one with 2 votes from each side, and one with 4 votes from readers who
    never answered the poll; and a con argument with 2 pro and 2 con voters."""
    topic = make_debate(arguments=0)
    favourite = make_post(topic=topic, body="The favourite.", stance=Stance.PRO)
    bridged = make_post(topic=topic, body="The bridge.", stance=Stance.PRO)
    silent = make_post(topic=topic, body="Backed by the silent.", stance=Stance.PRO)
    con_bridged = make_post(topic=topic, body="A con bridge.", stance=Stance.CON)

    def voter(answer: int | None, *, after: int | None = None):
        user = make_user()
        if answer is not None:
            debates.answer_poll(topic, user, PollPhase.BEFORE, answer)
        if after is not None:
            debates.answer_poll(topic, user, PollPhase.AFTER, after)
        return user

    for value in (2, 1, 2, 1, 2, 1):
        reactions.vote(favourite, voter(value))
    for value in (2, 1, -1, -2):
        reactions.vote(bridged, voter(value))
    for _ in range(4):
        reactions.vote(silent, voter(None))
    # Two readers who started against the motion and now stand for it count as "for" (current answer).
    for value in (-1, -2):
        reactions.vote(con_bridged, voter(value))
    for value in (-2, 1):
        reactions.vote(con_bridged, voter(value, after=2))
    db.session.commit()
    return topic, favourite, bridged, silent, con_bridged


def _page(user, topic, sort):
    return debate_pages.columns_page(user, topic, sort=sort)


def test_the_valued_sort_ranks_the_bridge_above_the_favourite(client, constructed, make_user):
    topic, favourite, bridged, silent, con_bridged = constructed
    with client.application.test_request_context():
        page = _page(AnonymousUserMixin(), topic, "valued")
        by_votes = _page(AnonymousUserMixin(), topic, "votes")
    assert [card.id for card in page.pro.cards] == [bridged.id, favourite.id, silent.id]
    assert by_votes.pro.cards[0].id == favourite.id  # most votes: the favourite leads
    cards = {card.id: card for card in page.pro.cards + page.con.cards}
    assert (cards[favourite.id].own_votes, cards[favourite.id].other_votes) == (6, 0)
    assert (cards[bridged.id].own_votes, cards[bridged.id].other_votes) == (2, 2)
    assert (cards[silent.id].own_votes, cards[silent.id].other_votes) == (0, 0)
    # The con argument: two voters against the motion (its side), two now for it (after answers).
    assert (cards[con_bridged.id].own_votes, cards[con_bridged.id].other_votes) == (2, 2)
    assert [card.id for card in page.pro.cards + page.con.cards if card.valued_by_both] == [bridged.id, con_bridged.id]
    # Every sort shows the mark: the counts come with the cards.
    assert {card.id for card in by_votes.pro.cards + by_votes.con.cards if card.valued_by_both} == {
        bridged.id, con_bridged.id}


def test_sql_and_python_agree_on_the_order(client, constructed):
    topic = constructed[0]
    with client.application.test_request_context():
        page = _page(AnonymousUserMixin(), topic, "valued")
    ranks = [(*card.cross_side.rank, card.created_at, card.id) for card in page.pro.cards]
    assert ranks == sorted(ranks, reverse=True)


def test_a_changed_answer_moves_the_score(client, constructed):
    """The score uses each voter's current answer, not the one they had when voting."""
    topic, favourite, *_ = constructed
    voter_id = db.session.scalar(select(Vote.user_id).where(Vote.post_id == favourite.id).limit(1))
    db.session.add(StancePoll(topic_id=topic.id, user_id=voter_id, phase=PollPhase.AFTER, value=-2))
    db.session.commit()
    with client.application.test_request_context():
        page = _page(AnonymousUserMixin(), topic, "valued")
    card = next(card for card in page.pro.cards if card.id == favourite.id)
    assert (card.own_votes, card.other_votes) == (5, 1)


def test_the_columns_page_offers_the_sort_marks_and_explains(client, constructed):
    topic, favourite, bridged, *_ = constructed
    page = client.get(f"/t/{topic.id}?sort=valued")
    assert page.status_code == 200
    html = page.text
    assert '<span aria-current="true" class="current">Valued by both sides</span>' in html
    assert bridging.EXPLANATION.replace("'", "&#39;") in html
    assert html.index("The bridge.") < html.index("The favourite.")
    assert html.count("tag-valued") == 2  # the bridge and the con bridge, in words
    assert "2 strong-argument votes from its side, 2 from the other" in html
    plain = client.get(f"/t/{topic.id}").text
    assert 'href="/t/%d?sort=valued"' % topic.id in plain
    assert plain.index("The favourite.") < plain.index("The bridge.")


def test_the_argument_page_keeps_its_own_sorts(client, constructed):
    topic, favourite, *_ = constructed
    page = client.get(f"/p/{favourite.id}?sort=valued")
    assert page.status_code == 200 and "Valued by both sides" not in page.text


def test_the_valued_sort_costs_the_same_queries_at_two_sizes(client, make_debate, make_user, count_queries):
    small, big = make_debate(arguments=4), make_debate(arguments=60)
    for topic in (small, big):
        voter = make_user()
        debates.answer_poll(topic, voter, PollPhase.BEFORE, -1)
        for post in db.session.scalars(select(Post).where(Post.topic_id == topic.id)):
            reactions.vote(post, voter)
    db.session.commit()
    counts = []
    for topic in (small, big):
        client.get(f"/t/{topic.id}?sort=valued")  # warm: the statements built once
        with count_queries() as queries:
            assert client.get(f"/t/{topic.id}?sort=valued").status_code == 200
        counts.append(len(queries))
    with count_queries() as plain:
        client.get(f"/t/{big.id}")
    assert counts[0] == counts[1] == len(plain)
