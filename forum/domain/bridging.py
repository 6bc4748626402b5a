"""“Valued by both sides”: strong-argument votes weighed by the side their voters are on.

The idea of bridging-based ranking: an argument that readers of the other side
find strong says more than one its own side applauds. For a motion's argument
(top-level, pro or con), each "strong argument" vote is sorted by its voter's
current poll answer in that debate (their "after" answer if they gave one,
else their "before"; +1/+2 is for the motion, -1/-2 against, 0 or no answer
is neither):

- own side: the voter stands on the argument's side;
- other side: the voter stands on the other side;
- neither: undecided, or never answered.

Arguments rank first by the smaller of their own-side and other-side counts
(support from both sides, which one side alone cannot raise), then by their
votes with each other-side vote counting three times, then newest first.
An argument with at least two votes from each side is marked "Valued by both
sides".

The voter's answer is the current one, not the one they had when voting: a
vote from a reader the debate has since moved counts for the side they are on
now. Both votes and poll answers move the topic's version (migration 0015), so
every cached page follows.
"""
from typing import NamedTuple

from sqlalchemy import bindparam, case, func, select

from ..models import PollPhase, StancePoll, Vote

OTHER_SIDE_WEIGHT = 3
VALUED_THRESHOLD = 2  # votes from each side for the mark
LABEL = "Valued by both sides"
EXPLANATION = ("“Valued by both sides” ranks arguments first by the smaller of two counts of “strong argument” "
               "votes, from readers whose current poll answer is on the argument's side and from readers on the "
               "other side, then by all their votes with each vote from the other side counting three times; "
               f"an argument with at least {VALUED_THRESHOLD} votes from each side is marked.")


def side_of(answer: int | None) -> str | None:
    """The side a poll answer stands on: "pro", "con", or None (undecided or no answer)."""
    if answer is None or answer == 0:
        return None
    return "pro" if answer > 0 else "con"


def current_answer(before: int | None, after: int | None) -> int | None:
    """A reader's current poll answer: their "after" answer if any, else their "before"."""
    return after if after is not None else before


class CrossSide(NamedTuple):
    """An argument's votes by the side of their voters."""
    own: int
    other: int
    neither: int

    @property
    def votes(self) -> int:
        return self.own + self.other + self.neither

    @property
    def both_sides(self) -> int:
        """The support both sides give it: the smaller of the two counts."""
        return min(self.own, self.other)

    @property
    def weighted(self) -> int:
        """Every vote once, and each vote from the other side OTHER_SIDE_WEIGHT times."""
        return self.votes + (OTHER_SIDE_WEIGHT - 1) * self.other

    @property
    def rank(self) -> tuple[int, int]:
        """What the sort orders by (descending), before the newest-first tie-break."""
        return self.both_sides, self.weighted

    @property
    def valued(self) -> bool:
        return self.both_sides >= VALUED_THRESHOLD


def cross_side(stance: str, answers) -> CrossSide:
    """The votes on an argument of `stance` ("pro"/"con"), given each voter's current answer."""
    own = other = neither = 0
    for answer in answers:
        side = side_of(answer)
        if side is None:
            neither += 1
        elif side == stance:
            own += 1
        else:
            other += 1
    return CrossSide(own, other, neither)


# --- the same in SQL, for the columns page's one query ------------------------------------

def _answer(user_id, phase: str):
    return (select(StancePoll.value)
            .where(StancePoll.topic_id == bindparam("topic_id"), StancePoll.user_id == user_id,
                   StancePoll.phase == phase).scalar_subquery())


def leaning_votes(post_id, sign: int):
    """SQL: how many votes on `post_id` come from voters whose current answer in the
    debate (`:topic_id`) has the sign of `sign` (+1: for the motion, -1: against).
    Read from the unique indexes on votes (post, user) and stance_polls (topic, user, phase)."""
    answer = func.coalesce(_answer(Vote.user_id, PollPhase.AFTER), _answer(Vote.user_id, PollPhase.BEFORE))
    return (select(func.count()).select_from(Vote)
            .where(Vote.post_id == post_id, answer * sign > 0).scalar_subquery())


def own_and_other(stance: str, post_id) -> tuple:
    """SQL: (own-side votes, other-side votes) of an argument of `stance` whose id is `post_id`."""
    sign = 1 if stance == "pro" else -1
    return leaning_votes(post_id, sign), leaning_votes(post_id, -sign)


def rank_columns(own, other, votes) -> tuple:
    """SQL: what the sort orders by, descending: `CrossSide.rank`."""
    both = case((own < other, own), else_=other)
    return both, votes + (OTHER_SIDE_WEIGHT - 1) * other
