"""What changed minds: every poll answer kept with its time, and the arguments a
changed answer credits.

`StancePoll` keeps a member's current answers (one per phase); `PollAnswer`
keeps each answer given, and `PollCredit` the arguments (at most three) that a
reader says moved them when their "after" answer differs from their "before".

An argument *moved* a reader when the reader's latest "after" answer differs
from their "before" answer and credits it; toward pro when the answer rose on
the −2 … +2 scale, toward con when it fell. A later answer replaces the credits
of an earlier one (the form offers the last ones again), and a reader who comes
back to where they started moved nobody's count.
"""
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Integer, and_, bindparam, case, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import PollAnswer, PollCredit, PollPhase, Post, PostStatus, StancePoll, Topic, User
from .errors import RuleError

MAX_CREDITS = 3
TIMELINE_MAX = 40  # the latest answers a timeline lists (with the "before" one, always)


# --- crediting ----------------------------------------------------------------

def parse_credits(values) -> list[int]:
    """The post ids a form sent, in order and once each; RuleError for anything else."""
    ids = []
    for value in values or ():
        value = str(value).strip()
        if not value:
            continue
        if not value.isdecimal() or len(value) > 12:
            raise RuleError("That is not one of this debate's arguments: choose from the list.")
        if int(value) not in ids:
            ids.append(int(value))
    return ids


@dataclass(frozen=True)
class Creditable:
    """What crediting needs to know of a post."""
    id: int
    topic_id: int
    parent_id: int | None
    stance: str | None
    deleted: bool
    status: str


def check_credits(topic: Topic, phase: str, before: int | None, value: int, post_ids: list[int],
                  posts: dict[int, Creditable]) -> None:
    """Whether an answer of `value` may credit `post_ids` (`posts`: those found by id).
    Nothing to credit is always fine; RuleError says what is wrong otherwise."""
    if not post_ids:
        return
    if len(post_ids) > MAX_CREDITS:
        raise RuleError(f"Credit at most {MAX_CREDITS} arguments: you chose {len(post_ids)}.")
    if phase != PollPhase.AFTER:
        raise RuleError("Arguments are credited with your “after” answer, once it differs from your first one.")
    if before is None:
        raise RuleError("Answer the “before” poll first: arguments are credited with a change from it.")
    if value == before:
        raise RuleError("Your answer is the same as your “before” answer, so no argument moved you: "
                        "untick the arguments, or choose the answer that changed.")
    for post_id in post_ids:
        post = posts.get(post_id)
        if post is None or post.topic_id != topic.id:
            raise RuleError("You can credit only this debate's arguments: one you chose is from elsewhere.")
        if post.parent_id is not None or post.stance is None:
            raise RuleError("You can credit only the debate's arguments (its posts for a side), not a reply "
                            "or a comment.")
        if post.deleted or post.status != PostStatus.VISIBLE:
            raise RuleError("An argument you chose was deleted or hidden: it can't be credited.")


def _creditable(post_ids: list[int]) -> dict[int, Creditable]:
    if not post_ids:
        return {}
    rows = db.session.execute(select(Post.id, Post.topic_id, Post.parent_id, Post.stance,
                                     Post.deleted_at.is_not(None), Post.status).where(Post.id.in_(post_ids)))
    return {row[0]: Creditable(*row) for row in rows}


def current_credits(topic: Topic, user: User) -> list[int]:
    """The arguments the member's latest "after" answer credits (the form ticks them again)."""
    latest = _latest_after(topic.id, user.id)
    return list(db.session.scalars(select(PollCredit.post_id).where(PollCredit.answer_id == latest)
                                   .order_by(PollCredit.id)))


def _latest_after(topic_id, user_id):
    return (select(func.max(PollAnswer.id))
            .where(PollAnswer.topic_id == topic_id, PollAnswer.user_id == user_id,
                   PollAnswer.phase == PollPhase.AFTER).scalar_subquery())


def record(topic: Topic, user: User, phase: str, value: int, previous: int | None, before: int | None,
           credits) -> PollAnswer | None:
    """Keep an answer in the history, with the arguments it credits (checked first:
    a refusal writes nothing). `previous`: the current answer of this phase, if any;
    `before`: the member's "before" answer. An answer the same as the current one
    and crediting the same arguments adds nothing."""
    post_ids = parse_credits(credits)
    check_credits(topic, phase, before, value, post_ids, _creditable(post_ids))
    if previous == value and (phase == PollPhase.BEFORE or post_ids == current_credits(topic, user)):
        return None
    answer = PollAnswer(topic_id=topic.id, user_id=user.id, phase=phase, value=value)
    db.session.add(answer)
    db.session.flush()
    for post_id in post_ids:
        db.session.add(PollCredit(answer_id=answer.id, post_id=post_id))
    db.session.flush()
    return answer


# --- how many readers each argument moved ---------------------------------------

@dataclass(frozen=True)
class Moved:
    toward_pro: int = 0
    toward_con: int = 0

    @property
    def total(self) -> int:
        return self.toward_pro + self.toward_con


NOBODY = Moved()


def _moved_statement(by_topic: bool):
    """Per credited post: the readers its credit moved toward pro and toward con.
    Only each reader's latest "after" answer counts, and only while it differs
    from their "before" answer."""
    answer, latest, before = PollAnswer, aliased(PollAnswer), aliased(StancePoll)
    newest = (select(func.max(latest.id)).where(latest.topic_id == answer.topic_id, latest.user_id == answer.user_id,
                                                latest.phase == PollPhase.AFTER).scalar_subquery())
    query = (select(PollCredit.post_id,
                    func.coalesce(func.sum(case((answer.value > before.value, 1), else_=0)), 0).label("toward_pro"),
                    func.coalesce(func.sum(case((answer.value < before.value, 1), else_=0)), 0).label("toward_con"))
             .join(answer, answer.id == PollCredit.answer_id)
             .join(before, and_(before.topic_id == answer.topic_id, before.user_id == answer.user_id,
                                before.phase == PollPhase.BEFORE))
             .where(answer.id == newest, answer.value != before.value)
             .group_by(PollCredit.post_id))
    if by_topic:
        return query.where(answer.topic_id == bindparam("topic_id", type_=Integer))
    return query.where(PollCredit.post_id.in_(bindparam("post_ids", expanding=True)))


_MOVED_BY_POSTS = _moved_statement(by_topic=False)
_MOVED_BY_TOPIC = _moved_statement(by_topic=True)


def moved_columns(post_id) -> tuple:
    """SQL: (readers moved toward pro, toward con) by the post whose id is `post_id`,
    as two correlated counts (a page of cards reads them with its rows)."""
    answer, latest, before = aliased(PollAnswer), aliased(PollAnswer), aliased(StancePoll)
    newest = (select(func.max(latest.id)).where(latest.topic_id == answer.topic_id, latest.user_id == answer.user_id,
                                                latest.phase == PollPhase.AFTER).scalar_subquery())

    def count(direction):
        return (select(func.count()).select_from(PollCredit)
                .join(answer, answer.id == PollCredit.answer_id)
                .join(before, and_(before.topic_id == answer.topic_id, before.user_id == answer.user_id,
                                   before.phase == PollPhase.BEFORE))
                .where(PollCredit.post_id == post_id, answer.id == newest, direction(answer.value, before.value))
                .scalar_subquery())
    return count(lambda a, b: a > b), count(lambda a, b: a < b)


def moved_by_topic():
    """The statement of a topic's moved counts (`:topic_id`), to join to a query of its posts."""
    return _MOVED_BY_TOPIC


def moved(post_ids) -> dict[int, Moved]:
    """How many readers each post moved, in one query (posts that moved none are left out)."""
    post_ids = list(post_ids)
    if not post_ids:
        return {}
    return {row.post_id: Moved(int(row.toward_pro), int(row.toward_con))
            for row in db.session.execute(_MOVED_BY_POSTS, {"post_ids": post_ids})}


# --- a reader's timeline ---------------------------------------------------------

class Credited(NamedTuple):
    """An argument a step credited: its text only while it is shown to all."""
    id: int
    stance: str | None
    body_html: str | None  # None once it was deleted or hidden


@dataclass
class Step:
    """One answer of a reader's timeline, with the arguments it credited."""
    id: int
    phase: str
    value: int
    answered_at: datetime
    credited: list[Credited] = field(default_factory=list)  # in the order given


@dataclass
class Timeline:
    steps: list[Step]
    earlier: int = 0  # answers older than those listed (the "before" one is always listed)

    @property
    def before(self) -> Step | None:
        return next((s for s in self.steps if s.phase == PollPhase.BEFORE), None)

    def shift(self, step: Step) -> int | None:
        """How far an "after" answer is from the "before" one (None without one)."""
        before = self.before
        return None if before is None or step.phase != PollPhase.AFTER else step.value - before.value


def timeline(topic_id: int, user_id: int) -> Timeline:
    """A reader's answers in a debate, oldest first, with what each credited: one query."""
    ranked = (select(PollAnswer.id, PollAnswer.phase, PollAnswer.value, PollAnswer.answered_at,
                     func.row_number().over(partition_by=PollAnswer.phase, order_by=PollAnswer.id.desc())
                     .label("recent"),
                     func.count().over().label("total"))
              .where(PollAnswer.topic_id == topic_id, PollAnswer.user_id == user_id).subquery())
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.phase, ranked.c.value, ranked.c.answered_at, ranked.c.total, *_CREDITED)
        .outerjoin(PollCredit, PollCredit.answer_id == ranked.c.id).outerjoin(Post, Post.id == PollCredit.post_id)
        .where((ranked.c.phase == PollPhase.BEFORE) | (ranked.c.recent <= TIMELINE_MAX))
        .order_by(ranked.c.id, PollCredit.id)).all()
    steps: dict[int, Step] = {}
    total = 0
    for row in rows:
        total = row.total
        step = steps.setdefault(row.id, Step(row.id, row.phase, row.value, row.answered_at))
        _credit(step, row)
    return Timeline(list(steps.values()), earlier=total - len(steps))


# A credited post's columns: its text only while it is shown to everyone.
_CREDITED = (PollCredit.post_id, Post.stance,
             case((and_(Post.deleted_at.is_(None), Post.status == PostStatus.VISIBLE), Post.body_html))
             .label("post_html"))


def _credit(step: Step, row) -> None:
    if row.post_id is not None:
        step.credited.append(Credited(row.post_id, row.stance, row.post_html))


def timelines(topic_id: int, user_ids: list[int]) -> dict[int, Timeline]:
    """Several readers' timelines in one query (an instructor's dashboard): each
    reader's "before" answer and their latest `TIMELINE_MAX` "after" answers."""
    if not user_ids:
        return {}
    ranked = (select(PollAnswer.id, PollAnswer.user_id, PollAnswer.phase, PollAnswer.value, PollAnswer.answered_at,
                     func.row_number().over(partition_by=(PollAnswer.user_id, PollAnswer.phase),
                                            order_by=PollAnswer.id.desc()).label("recent"),
                     func.count().over(partition_by=PollAnswer.user_id).label("total"))
              .where(PollAnswer.topic_id == topic_id, PollAnswer.user_id.in_(user_ids)).subquery())
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.user_id, ranked.c.phase, ranked.c.value, ranked.c.answered_at,
               ranked.c.total, *_CREDITED)
        .outerjoin(PollCredit, PollCredit.answer_id == ranked.c.id).outerjoin(Post, Post.id == PollCredit.post_id)
        .where((ranked.c.phase == PollPhase.BEFORE) | (ranked.c.recent <= TIMELINE_MAX))
        .order_by(ranked.c.user_id, ranked.c.id, PollCredit.id)).all()
    found: dict[int, dict[int, Step]] = {}
    totals: dict[int, int] = {}
    for row in rows:
        totals[row.user_id] = row.total
        step = found.setdefault(row.user_id, {}).setdefault(
            row.id, Step(row.id, row.phase, row.value, row.answered_at))
        _credit(step, row)
    return {user_id: Timeline(list(steps.values()), earlier=totals[user_id] - len(steps))
            for user_id, steps in found.items()}


def timeline_marker(topic_id: int, user_id: int) -> tuple:
    """What a reader's timeline in a debate is a version of (pages/viewer.py): how
    many answers they gave and the newest one's id, in one indexed query."""
    count, newest = db.session.execute(
        select(func.count(), func.max(PollAnswer.id))
        .where(PollAnswer.topic_id == topic_id, PollAnswer.user_id == user_id)).one()
    return count, newest
