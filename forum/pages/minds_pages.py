"""What changed minds, as pages show it: the arguments a reader may credit on the
poll form, the reader's own timeline, and an instructor's view of their students'.

The picker is bounded (`CREDIT_OPTIONS` arguments, the ones already chosen
first, then the most voted), searchable on the server with a GET `credit_filter`
and, with JavaScript, live (static/js/minds.js) within what it lists.
"""
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import bindparam, case, func, literal, select

from ..domain import anonymity, class_rules, debates, minds
from ..domain.search import plain_text
from ..extensions import db
from ..models import PollPhase, Post, PostStatus, Topic, User
from .display import fulltime

CREDIT_OPTIONS = 30
FILTER_MAX = 100
FILTER_WORDS = 5
TEXT_CHARS = 140


def clip(text: str, limit: int = TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"


# --- the picker ----------------------------------------------------------------------

@dataclass(frozen=True)
class CreditOption:
    id: int
    stance: str
    side: str    # the side's name
    text: str    # the argument's first words, plain
    author: str  # as the page names them (a pseudonym in an anonymous debate)
    checked: bool


@dataclass
class CreditPicker:
    options: list[CreditOption]
    matching: int        # arguments that match the filter (all of them without one)
    filter: str
    before: int | None   # the reader's "before" answer: a different "after" may credit
    max_credits: int = minds.MAX_CREDITS

    @property
    def cut(self) -> bool:
        """More arguments match than are listed: the filter finds the others."""
        return self.matching > len(self.options)


def clean_filter(text: str | None) -> str:
    return " ".join((text or "").split())[:FILTER_MAX]


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def credit_picker(topic: Topic, names: dict, *, before: int | None, chosen: list[int],
                  filter_text: str | None) -> CreditPicker:
    """The debate's arguments a reader may credit (shown, with a side), in one query:
    those already `chosen` first, then by votes; with `filter_text`, those whose
    text holds every word of it (the chosen ones stay listed)."""
    text = clean_filter(filter_text)
    words = text.casefold().split()[:FILTER_WORDS]
    matches = [func.lower(Post.body_md).like(_like(word), escape="\\") for word in words]
    is_chosen = Post.id.in_(chosen) if chosen else literal(False)
    query = (select(Post.id, Post.stance, Post.body_html, Post.author_id, User.display_name, User.username,
                    func.count().over().label("matching"))
             .join(User, User.id == Post.author_id)
             .where(Post.topic_id == topic.id, Post.parent_id.is_(None), Post.stance.is_not(None),
                    Post.deleted_at.is_(None), Post.status == PostStatus.VISIBLE))
    if matches:
        query = query.where(is_chosen | _all(matches))
    rows = db.session.execute(query.order_by(case((is_chosen, 0), else_=1), Post.vote_count.desc(), Post.id)
                              .limit(CREDIT_OPTIONS)).all()
    labels = {"pro": topic.pro_label, "con": topic.con_label}
    options = [CreditOption(r.id, r.stance, labels.get(r.stance) or r.stance, clip(plain_text(r.body_html)),
                            anonymity.shown(names, r.author_id, r.display_name or r.username, r.username).label,
                            r.id in chosen) for r in rows]
    return CreditPicker(options, rows[0].matching if rows else 0, text, before)


def _all(clauses):
    combined = clauses[0]
    for clause in clauses[1:]:
        combined = combined & clause
    return combined


# --- a reader's timeline ----------------------------------------------------------------

@dataclass(frozen=True)
class CreditedView:
    id: int
    stance: str | None
    text: str | None  # None once deleted or hidden


@dataclass(frozen=True)
class StepView:
    phase: str
    value: int
    label: str          # the answer in words
    at: datetime
    when: str           # in the class's zone for a class debate, else UTC
    change: str         # "Before reading", "Changed: 2 steps toward …", "Back where you started" …
    credited: list[CreditedView]


@dataclass
class TimelineView:
    steps: list[StepView]
    earlier: int = 0
    zone: str = "UTC"

    def __bool__(self) -> bool:
        return bool(self.steps)


def _change(topic: Topic, timeline: minds.Timeline, step: minds.Step, previous: int | None) -> str:
    if step.phase == PollPhase.BEFORE:
        return "Before reading"
    shift = timeline.shift(step)
    if previous is not None and previous == step.value:
        return "Same answer, arguments credited again"
    if shift is None:
        return "After reading"
    if shift == 0:
        return "Back where you started"
    side = topic.pro_label if shift > 0 else topic.con_label
    steps = abs(shift)
    return f"Moved {steps} {'step' if steps == 1 else 'steps'} toward “{side}”"


def timeline_view(topic: Topic, timeline: minds.Timeline, zone: str | None = None) -> TimelineView:
    """A timeline in words: each answer as the poll says it, when, how far from the
    start, and what it credited. `zone`: a class's time zone (else UTC)."""
    labels = dict(debates.poll_choices(topic))
    steps, previous = [], None
    for step in timeline.steps:
        when = f"{class_rules.format_in_zone(step.answered_at, zone)} ({zone})" if zone else fulltime(step.answered_at)
        credited = [CreditedView(c.id, c.stance, clip(plain_text(c.body_html)) if c.body_html is not None else None)
                    for c in step.credited]
        steps.append(StepView(step.phase, step.value, labels.get(step.value, str(step.value)), step.answered_at,
                              when, _change(topic, timeline, step, previous), credited))
        if step.phase == PollPhase.AFTER:
            previous = step.value
    return TimelineView(steps, timeline.earlier, zone or "UTC")


def my_timeline(user, topic: Topic, zone: str | None = None) -> TimelineView | None:
    """The signed-in reader's own timeline in a debate (one query); None for a guest."""
    if not user.is_authenticated:
        return None
    return timeline_view(topic, minds.timeline(topic.id, user.id), zone)


class Student(NamedTuple):
    id: int
    name: str  # as the dashboard shows them
    username: str


@dataclass
class StudentTimeline:
    name: str           # the student's real name: the dashboard is for those who teach
    username: str
    timeline: TimelineView


def student_timelines(topic: Topic, students: list, zone: str | None) -> list[StudentTimeline]:
    """Each student's timeline (`students`: rows with id, name and username), in one query."""
    found = minds.timelines(topic.id, [s.id for s in students])
    return [StudentTimeline(s.name, s.username, timeline_view(topic, found[s.id], zone))
            for s in students if s.id in found]


# --- "what changed minds" ----------------------------------------------------------------

@cache
def minds_statement(limit: int):
    """The arguments ranked by readers moved, then ∆, then votes (shown ones only:
    never a hidden post's text): one query with the moved counts joined."""
    moved = minds.moved_by_topic().subquery("moved")
    toward_pro = func.coalesce(moved.c.toward_pro, 0)
    toward_con = func.coalesce(moved.c.toward_con, 0)
    return (select(Post.id, Post.stance, Post.parent_id, Post.delta_count, Post.body_html,
                   func.coalesce(func.nullif(User.display_name, ""), User.username), Post.author_id,
                   toward_pro.label("toward_pro"), toward_con.label("toward_con"))
            .join(User, User.id == Post.author_id)
            .outerjoin(moved, moved.c.post_id == Post.id)
            .where(Post.topic_id == bindparam("topic_id"), Post.deleted_at.is_(None),
                   Post.status == PostStatus.VISIBLE,
                   (Post.delta_count > 0) | (toward_pro + toward_con > 0))
            .order_by((toward_pro + toward_con).desc(), Post.delta_count.desc(), Post.vote_count.desc(), Post.id)
            .limit(limit))
