"""What a class debate allows right now, read from its state: whether the class is
writable, the sides, the phases each member sees (with their own extensions), and
the checks that follow from them: `check_post_allowed` and `check_edit_allowed`,
which `posting` runs on every post in a class topic, `check_topic_edit_allowed` on
every edit of a class topic, and `poll_open`, which the
stance polls ask; and `allowance`, the same answers for the pages to offer only
what the open phase allows. Below `posting`; the verbs that change a class
(`classes`) build on it.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, select

from ..extensions import db
from ..models import (ClassDebateSide, ClassRole, Classroom, DebatePhase, PhaseExtension, PhaseKind, Post, Stance,
                      Topic, User)
from . import visibility
from .errors import RuleError

PHASE_LABELS = {
    PhaseKind.OPENING: "Opening statements",
    PhaseKind.REBUTTAL: "Rebuttals",
    PhaseKind.CLOSING: "Closing statements",
    PhaseKind.FINAL_VOTE: "Final vote",
}
PHASE_ORDER = list(PHASE_LABELS)


def other_side(side: str) -> str:
    return Stance.CON if side == Stance.PRO else Stance.PRO


def check_writable(classroom: Classroom) -> None:
    if classroom.is_archived:
        raise RuleError("This class is archived: it is read-only.")


def sides_of(topic: Topic) -> dict[int, str]:
    return dict(db.session.execute(select(ClassDebateSide.user_id, ClassDebateSide.side)
                                   .where(ClassDebateSide.topic_id == topic.id)).all())


def side_of(topic: Topic, user) -> str | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(ClassDebateSide.side).where(
        ClassDebateSide.topic_id == topic.id, ClassDebateSide.user_id == user.id))


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in the class's zone (naive) as an aware UTC datetime."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def in_zone(moment: datetime, zone: str) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(zone))
    except ZoneInfoNotFoundError:
        return moment


def format_in_zone(moment: datetime, zone: str) -> str:
    return in_zone(moment, zone).strftime("%-d %b %Y %H:%M")


@dataclass
class PhaseView:
    """A phase as one person sees it: with their own extension, if any."""

    phase: DebatePhase
    closes_for_me: datetime

    @property
    def kind(self) -> str:
        return self.phase.kind

    @property
    def label(self) -> str:
        return PHASE_LABELS[self.phase.kind]

    @property
    def extended(self) -> bool:
        return self.closes_for_me != self.phase.closes_at

    def is_open(self, now: datetime) -> bool:
        return self.phase.opens_at <= now < self.closes_for_me


def phases_for(topic_id: int, user) -> list[PhaseView]:
    """The debate's phases in order, with `user`'s extensions (one query)."""
    user_id = user.id if user.is_authenticated else -1
    rows = db.session.execute(
        select(DebatePhase, PhaseExtension.closes_at)
        .outerjoin(PhaseExtension, and_(PhaseExtension.phase_id == DebatePhase.id,
                                        PhaseExtension.user_id == user_id))
        .where(DebatePhase.topic_id == topic_id)).all()
    views = [PhaseView(phase, max(extended or phase.closes_at, phase.closes_at)) for phase, extended in rows]
    return sorted(views, key=lambda v: (v.phase.opens_at, PHASE_ORDER.index(v.kind)))


def open_phase(views: list[PhaseView], now: datetime) -> PhaseView | None:
    return next((v for v in views if v.is_open(now)), None)


def describe(view: PhaseView, zone: str) -> str:
    return (f"{view.label} ({format_in_zone(view.phase.opens_at, zone)} – "
            f"{format_in_zone(view.closes_for_me, zone)}, {zone})")


def count_words(markdown_source: str) -> int:
    """Words as a reader counts them: runs of letters or digits in the Markdown source,
    with link targets and markup left out."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown_source or "")
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text))


def _closed_message(views: list[PhaseView], zone: str, now: datetime) -> str:
    if not views:
        return "The instructor has not opened any phase of this debate yet."
    upcoming = [v for v in views if v.phase.opens_at > now]
    if upcoming:
        return f"No phase is open right now. Next: {describe(upcoming[0], zone)}."
    return f"This debate's phases are over; the last was {describe(views[-1], zone)}."


def _nothing_open(views: list[PhaseView], now: datetime) -> str:
    """Why nothing can be posted while no phase is open (the page says when the next opens)."""
    if not views:
        return "The instructor has not opened any phase of this debate yet."
    if any(v.phase.opens_at > now for v in views):
        return "No phase is open right now."
    return "This debate's phases are over."


def check_post_allowed(topic: Topic, user: User, parent: Post | None, stance: str | None,
                       body: str, now: datetime) -> str | None:
    """Raise RuleError unless `user` may write this post in class topic `topic` now.

    Returns the phase the post is written in (None outside phases, for instructors).
    """
    classroom = db.session.get(Classroom, topic.class_id)
    check_writable(classroom)
    role = visibility.class_role(user, classroom.id)
    views = phases_for(topic.id, user) if topic.is_debate else []
    current = open_phase(views, now)
    if user.is_admin or role == ClassRole.INSTRUCTOR:
        return current.kind if current else None  # instructors are not bound by phases
    if role is None:
        raise RuleError("Only members of this class can post here.")
    if not topic.is_debate:
        return None
    zone = classroom.time_zone
    if current is None:
        raise RuleError(_closed_message(views, zone, now))
    where = describe(current, zone)
    if current.kind == PhaseKind.FINAL_VOTE:
        raise RuleError(f"{where} is for the final stance poll only: no new posts.")
    side = side_of(topic, user)
    if side is None:
        raise RuleError("You have no side in this debate yet; your instructor assigns it.")
    if current.kind in (PhaseKind.OPENING, PhaseKind.CLOSING):
        if parent is not None:
            raise RuleError(f"During {where} you post top-level statements only; replies wait for the rebuttals.")
        if stance != side:
            label = topic.pro_label if side == Stance.PRO else topic.con_label
            raise RuleError(f"Your side is “{label}”: your arguments must be for it.")
    elif current.kind == PhaseKind.REBUTTAL:
        if parent is None or post_side(parent, sides_of(topic)) != other_side(side):
            raise RuleError(f"During {where} you answer the other side: reply to one of its posts.")
    limit = current.phase.word_limit
    if limit is not None and (words := count_words(body)) > limit:
        raise RuleError(f"{where} allows {limit} words per post; yours has {words}. Shorten it and post again.")
    return current.kind


def post_side(post: Post, sides: dict[int, str]) -> str | None:
    """The side a post argues for: its author's assigned side, else a top-level post's stance."""
    return sides.get(post.author_id) or (post.stance if post.parent_id is None else None)


def check_edit_allowed(post: Post, editor: User, body: str, now: datetime) -> None:
    """A student edits a class post only while its phase is open for them, within its word
    limit, so an edit cannot dodge a deadline or a limit. Instructors are not bound."""
    topic = post.topic
    classroom = db.session.get(Classroom, topic.class_id)
    check_writable(classroom)
    if editor.is_admin or visibility.class_role(editor, classroom.id) == ClassRole.INSTRUCTOR or post.phase is None:
        return
    view = next((v for v in phases_for(topic.id, editor) if v.kind == post.phase), None)
    if view is None or not view.is_open(now):
        label = PHASE_LABELS.get(post.phase, post.phase)
        raise RuleError(f"{label} is closed: posts written in it can no longer be edited.")
    limit = view.phase.word_limit
    if limit is not None and (words := count_words(body)) > limit:
        raise RuleError(f"{describe(view, classroom.time_zone)} allows {limit} words per post; "
                        f"yours has {words}. Shorten it and save again.")


def check_topic_edit_allowed(topic: Topic, editor: User, now: datetime) -> None:
    """A class topic is edited only while its class is writable, and a class
    debate's motion (its title and opening text) by its author only until the
    first phase opens: from then on students argue for and against its words, and
    an edit would change what they answered. An instructor or admin correcting
    someone else's motion does it with a reason, in the log (`moderation.edit_topic`)."""
    classroom = db.session.get(Classroom, topic.class_id)
    check_writable(classroom)
    if not topic.is_debate or editor.id != topic.author_id:
        return
    started = [v for v in phases_for(topic.id, editor) if v.phase.opens_at <= now]
    if started:
        raise RuleError(f"{describe(started[0], classroom.time_zone)} has opened, so the motion can no longer be "
                        "edited: students are arguing for and against its words. Post a class announcement to "
                        "clarify it.")


def poll_open(topic: Topic, phase_kind: str, now: datetime) -> bool:
    """Whether a stance poll may be answered now.

    The "before" poll (phase_kind "opening") is open until the opening phase
    closes; the "after" poll (phase_kind "final_vote") while the final vote is
    open. A public topic, or a class debate without that phase, leaves polls open.
    """
    if topic.class_id is None:
        return True
    phase = db.session.scalar(select(DebatePhase).where(DebatePhase.topic_id == topic.id,
                                                        DebatePhase.kind == phase_kind))
    if phase is None:
        return True
    if phase_kind == PhaseKind.OPENING:
        return now < phase.closes_at
    return phase.opens_at <= now < phase.closes_at


# --- What a page offers now ------------------------------------------------------------

ANY_SIDE = "any"


@dataclass(frozen=True)
class Allowance:
    """What a class debate's pages offer their reader right now, read from state a
    page has already loaded (no query): the same answers as `check_post_allowed`
    and `poll_open`, which the server asks again when the form comes back.

    `statements`: the stances a top-level post may take (their side for a student
    in openings and closings, both for those who teach); `replies`: whose posts may
    be answered (the other side, in rebuttals; `ANY_SIDE` for those who teach;
    None: no replies); `summary`: what the open phase allows, in a sentence;
    `refusal`: why nothing can be posted, when that is so."""
    phase: PhaseView | None
    statements: tuple[str, ...] = ()
    replies: str | None = None
    before_poll: bool = False
    after_poll: bool = False
    summary: str = ""
    refusal: str | None = None

    @property
    def word_limit(self) -> int | None:
        """The open phase's limit, where the reader is bound by it."""
        bound = self.replies != ANY_SIDE
        return self.phase.phase.word_limit if self.phase is not None and bound else None

    @property
    def may_post(self) -> bool:
        return bool(self.statements) or self.replies is not None

    def may_reply_to(self, post, sides: dict[int, str]) -> bool:
        """Whether `post` (a `Post` or a row with author_id, parent_id, stance) may be answered now."""
        if self.replies is None:
            return False
        return self.replies == ANY_SIDE or post_side(post, sides) == self.replies

    @property
    def key(self) -> tuple:
        """What decides the Reply links of a page, for a copy readers share (shared_threads):
        in an opening all students have none, in rebuttals each side its own."""
        return (self.replies,)


def allowance(topic: Topic, views: list[PhaseView], now: datetime, *, side: str | None, teacher: bool,
              writable: bool) -> Allowance:
    """What `check_post_allowed` and `poll_open` would let a member do now in class
    debate `topic`: `views` are the phases as they see them, `side` their side,
    `teacher` whether they teach the class (or are an admin), `writable` whether
    they may write at all (signed in, not suspended, a member, the class not
    archived, the debate neither locked nor closed)."""
    current = open_phase(views, now)
    if not writable:
        return Allowance(current)
    by_kind = {view.kind: view.phase for view in views}
    opening, final = by_kind.get(PhaseKind.OPENING), by_kind.get(PhaseKind.FINAL_VOTE)
    polls = {"before_poll": opening is None or now < opening.closes_at,
             "after_poll": final is None or final.opens_at <= now < final.closes_at}
    if teacher:
        return Allowance(current, (Stance.PRO, Stance.CON), ANY_SIDE, **polls,
                         summary="You are not bound by the phases: you may post and reply at any time.")
    if current is None:
        return Allowance(current, **polls, refusal=_nothing_open(views, now))
    if current.kind == PhaseKind.FINAL_VOTE:
        return Allowance(current, **polls, summary="Say where you stand now, in the final vote; no new posts.")
    if side is None:
        return Allowance(current, **polls, refusal="You need a side before you can post.")
    label = topic.pro_label if side == Stance.PRO else topic.con_label
    if current.kind in (PhaseKind.OPENING, PhaseKind.CLOSING):
        what = "opening" if current.kind == PhaseKind.OPENING else "closing"
        return Allowance(current, (side,), None, **polls,
                         summary=f"Post {what} statements for your side, “{label}”; replies wait for the rebuttals.")
    return Allowance(current, (), other_side(side), **polls,
                     summary="Answer the other side: open one of its arguments and reply to it.")
