"""Debates: motions, opening and closing, stance polls and their results."""
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (Article, Passage, PhaseKind, PollPhase, Post, Stance, StancePoll, Topic, TopicKind, User,
                      utcnow)
from . import class_rules, minds, posting, reactions, sent_forms
from .errors import RuleError, unique_or

POLL_VALUES = (-2, -1, 0, 1, 2)


def start_debate(author: User, article: Article, *, title: str, description: str,
                 pro_label: str | None = None, con_label: str | None = None,
                 passage: Passage | None = None, key: str | None = None) -> Topic:
    """A motion: its title is the proposition, with a description and two named sides."""
    return posting.create_topic(author, article, title=title, body=description, passage=passage,
                                kind=TopicKind.DEBATE, pro_label=pro_label, con_label=con_label, key=key)


def check_debate(topic: Topic) -> None:
    if not topic.is_debate:
        raise RuleError("Only a debate has sides, polls and results.")


def close_debate(topic: Topic, actor: User) -> Topic:
    check_debate(topic)
    if topic.closed_at is not None:
        raise RuleError("This debate is already closed.")
    topic.closed_at = utcnow()
    return topic


def reopen_debate(topic: Topic, actor: User) -> Topic:
    check_debate(topic)
    if topic.closed_at is None:
        raise RuleError("This debate is already open.")
    topic.closed_at = None
    return topic


def post_argument(author: User, topic: Topic, body: str, *, stance_value: str | None,
                  parent: Post | None = None, sources_text: str = "", key: str | None = None) -> Post:
    """A post or reply with its stance, and in a debate the sources given with it.
    `key`: the form's one-time key (sent_forms.py): sent again, the post it made."""
    earlier = sent_forms.claim(author, key, "post", topic.id, parent.id if parent else None, stance_value,
                               body, sources_text)
    if earlier is not None:
        return earlier
    stance = posting.parse_stance(stance_value)
    if topic.is_debate and stance_value in (None, "") and parent is not None:
        raise RuleError("Say whether your reply supports, challenges, or comments on the post.")
    sources = reactions.parse_sources(sources_text) if topic.is_debate else []
    post = posting.create_post(author, topic, body, parent=parent, stance=stance)
    for title, url in sources:
        reactions.add_source(post, author, title, url)
    sent_forms.made(author, key, post)
    return post


# --- Stance polls ---------------------------------------------------------

# Side names that say only "this side", not what it holds: the answers then name the motion.
GENERIC_SIDES = frozenset({"for", "against", "pro", "con", "yes", "no", "agree", "disagree", "support",
                           "oppose", "aye", "nay"})


def _names_a_position(label: str | None) -> bool:
    return bool(label) and label.strip().casefold().rstrip(".!") not in GENERIC_SIDES


def poll_choices(topic: Topic) -> list[tuple[int, str]]:
    """The five answers as sentences a reader would say: built from the debate's
    side names when they state positions ("I strongly agree: “Voluntary is fine”"),
    from the motion when they are only "For" and "Against" (or the like)."""
    if _names_a_position(topic.pro_label) and _names_a_position(topic.con_label):
        pro, con = f"“{topic.pro_label.strip()}”", f"“{topic.con_label.strip()}”"
        return [(-2, f"I strongly agree: {con}"), (-1, f"I lean toward {con}"), (0, "I'm undecided"),
                (1, f"I lean toward {pro}"), (2, f"I strongly agree: {pro}")]
    return [(-2, "I strongly disagree with the motion"), (-1, "I lean toward disagreeing with the motion"),
            (0, "I'm undecided"), (1, "I lean toward agreeing with the motion"),
            (2, "I strongly agree with the motion")]


# Why the two measures of the results can point different ways, in one sentence
# (true of `iq2_winner` and `PollResults.net_shift` below: read them before changing it).
WINNER_VS_SHIFT = ("The winner and the net shift can point different ways: the winner is the side whose share "
                   "of answers grew by more percentage points, where only which side of “undecided” an answer "
                   "falls on counts, while the net shift is the change in the average answer on the −2 … +2 "
                   "scale, where a move from “strongly” to “leaning” counts too.")


def parse_poll_value(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number not in POLL_VALUES:
        raise RuleError("Choose where you stand, from −2 to +2.")
    return number


def check_poll_phase(topic: Topic, phase: str) -> None:
    """In a class debate the "before" poll closes with the opening statements and
    the "after" poll is the final vote; public debates leave both open."""
    if topic.class_id is None:
        return
    if phase == PollPhase.BEFORE and not class_rules.poll_open(topic, PhaseKind.OPENING, utcnow()):
        raise RuleError("The “before” poll closed with the opening statements.")
    if phase == PollPhase.AFTER and not class_rules.poll_open(topic, PhaseKind.FINAL_VOTE, utcnow()):
        raise RuleError("The “after” poll is the final vote: it opens in the final-vote phase.")


def answer_poll(topic: Topic, user: User, phase: str, value, credits=()) -> StancePoll:
    """Record a stance. "Before" is asked once, before reading on; "after" can
    change until the debate closes, and when it differs from "before" may credit
    up to three of the debate's arguments with the change (minds.py). The
    current answers stay in `StancePoll`; each answer given is kept in the
    history with its time. A refusal (RuleError) writes nothing."""
    check_debate(topic)
    posting.check_open(topic)
    if phase not in (PollPhase.BEFORE, PollPhase.AFTER):
        raise RuleError("There are only two polls: before and after.")
    check_poll_phase(topic, phase)
    value = parse_poll_value(value)
    current = {row.phase: row for row in db.session.scalars(select(StancePoll).where(
        StancePoll.topic_id == topic.id, StancePoll.user_id == user.id))}
    answer = current.get(phase)
    if answer is not None and phase == PollPhase.BEFORE:
        raise RuleError("Your “before” answer is already recorded; it stays as it was.")
    before = current.get(PollPhase.BEFORE)
    minds.record(topic, user, phase, value, answer.value if answer is not None else None,
                 before.value if before is not None else None, credits)
    if answer is not None:
        answer.value, answer.answered_at = value, utcnow()
        return answer
    answer = StancePoll(topic_id=topic.id, user_id=user.id, phase=phase, value=value)
    with unique_or("Your answer was already recorded."):
        db.session.add(answer)
        db.session.flush()
    return answer


def iq2_winner(before: dict[int, int], after: dict[int, int]) -> Stance | None:
    """The Intelligence Squared rule: the side whose share of the audience grew by
    more percentage points from before to after wins. None on a tie or no votes."""
    gain = {side: share(after, side) - share(before, side) for side in (Stance.PRO, Stance.CON)}
    if not sum(before.values()) or not sum(after.values()) or gain[Stance.PRO] == gain[Stance.CON]:
        return None
    return max(gain, key=gain.get)


def share(counts: dict[int, int], side: Stance) -> float:
    """Percentage of answers on `side` (any positive value is pro, negative con)."""
    total = sum(counts.values())
    if not total:
        return 0.0
    on_side = sum(n for value, n in counts.items() if (value > 0 if side == Stance.PRO else value < 0))
    return 100.0 * on_side / total


def mean(counts: dict[int, int]) -> float | None:
    total = sum(counts.values())
    return sum(value * n for value, n in counts.items()) / total if total else None


@dataclass
class PollResults:
    before: dict[int, int]
    after: dict[int, int]
    moved_pro: int
    moved_con: int
    final: bool
    mine: dict[str, int] = field(default_factory=dict)  # the viewer's own answers, by phase

    @property
    def total_before(self) -> int:
        return sum(self.before.values())

    @property
    def total_after(self) -> int:
        return sum(self.after.values())

    @property
    def net_shift(self) -> float | None:
        """Mean after minus mean before, on the −2 … +2 scale."""
        before, after = mean(self.before), mean(self.after)
        return None if before is None or after is None else after - before

    def shares(self, phase: str) -> dict[str, float]:
        counts = self.before if phase == PollPhase.BEFORE else self.after
        pro, con = share(counts, Stance.PRO), share(counts, Stance.CON)
        return {"pro": pro, "con": con, "undecided": 100.0 - pro - con if sum(counts.values()) else 0.0}

    @property
    def winner(self) -> Stance | None:
        return iq2_winner(self.before, self.after) if self.final else None

    @property
    def ahead_by_points(self) -> Stance | None:
        """The side the Intelligence Squared rule favours now (the winner, once final)."""
        return iq2_winner(self.before, self.after)

    @property
    def measures_disagree(self) -> bool:
        """The side ahead by points is not the side the net shift moved toward."""
        ahead, shift = self.ahead_by_points, self.net_shift
        if ahead is None or shift is None or shift == 0:
            return False
        return (ahead == Stance.PRO) != (shift > 0)

    explain_winner_vs_shift = WINNER_VS_SHIFT


def _poll_statements():
    """Both distributions in one grouped query (with which answers are `:viewer_id`'s),
    who moved in a second; built once."""
    topic_id = bindparam("topic_id")
    mine = func.max(case((StancePoll.user_id == bindparam("viewer_id", type_=StancePoll.user_id.type), 1), else_=0))
    distributions = (select(StancePoll.phase, StancePoll.value, func.count(), mine)
                     .where(StancePoll.topic_id == topic_id).group_by(StancePoll.phase, StancePoll.value))
    before, after = aliased(StancePoll), aliased(StancePoll)
    moved = (select(func.coalesce(func.sum(case((after.value > before.value, 1), else_=0)), 0),
                    func.coalesce(func.sum(case((after.value < before.value, 1), else_=0)), 0))
             .select_from(before)
             .join(after, and_(after.topic_id == before.topic_id, after.user_id == before.user_id,
                               after.phase == PollPhase.AFTER))
             .where(before.topic_id == topic_id, before.phase == PollPhase.BEFORE))
    return distributions, moved


_DISTRIBUTIONS, _MOVED = _poll_statements()


def poll_results(topic: Topic, viewer: User | None = None) -> PollResults:
    """The polls' results, with `viewer`'s own answers in `mine` (in the same query)."""
    counts = {PollPhase.BEFORE: dict.fromkeys(POLL_VALUES, 0), PollPhase.AFTER: dict.fromkeys(POLL_VALUES, 0)}
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
    mine = {}
    for phase, value, n, viewers in db.session.execute(_DISTRIBUTIONS, {"topic_id": topic.id, "viewer_id": viewer_id}):
        counts[phase][value] = n
        if viewers:
            mine[phase] = value
    moved = db.session.execute(_MOVED, {"topic_id": topic.id}).one()
    return PollResults(counts[PollPhase.BEFORE], counts[PollPhase.AFTER], int(moved[0]), int(moved[1]),
                       final=topic.closed_at is not None, mine=mine)
