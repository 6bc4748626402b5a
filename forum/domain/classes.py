"""Classes: membership, join codes, class debates, sides and phases.

The phase rules are plain functions: `check_post_allowed` is called by
`posting.create_post` for every class topic, and `poll_open` is the hook the
stance polls call.
"""
import random
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (Article, ClassDebate, ClassDebateSide, ClassMembership, ClassRole, Classroom,
                      DebatePhase, PhaseExtension, PhaseKind, Post, SideMode, Stance, Topic, TopicKind, User,
                      utcnow)
from . import posting, visibility
from .accounts import username_key
from .errors import RuleError

# No 0/O, 1/I/L: a code read aloud or copied from a projector still works.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8
NAME_MAX, TERM_MAX, DESCRIPTION_MAX = 120, 60, 2000

PHASE_LABELS = {
    PhaseKind.OPENING: "Opening statements",
    PhaseKind.REBUTTAL: "Rebuttals",
    PhaseKind.CLOSING: "Closing statements",
    PhaseKind.FINAL_VOTE: "Final vote",
}
PHASE_ORDER = list(PHASE_LABELS)


def other_side(side: str) -> str:
    return Stance.CON if side == Stance.PRO else Stance.PRO


# --- Classes and members ---------------------------------------------------------------

def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def check_time_zone(name: str | None) -> str:
    name = (name or "").strip() or "UTC"
    if name not in available_timezones() and name != "UTC":
        raise RuleError(f"“{name}” is not a time zone name; use one like Europe/Paris or America/New_York.")
    return name


def _clean(text: str | None, limit: int, what: str, *, one_line: bool = True, required: bool = False) -> str:
    text = " ".join((text or "").split()) if one_line else (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise RuleError(f"The class needs a {what}.")
    if len(text) > limit:
        raise RuleError(f"The {what} is {len(text)} characters; the limit is {limit}.")
    return text


def create_class(creator: User, *, name: str, term: str = "", description: str = "",
                 time_zone: str = "UTC") -> Classroom:
    classroom = Classroom(name=_clean(name, NAME_MAX, "name", required=True),
                          term=_clean(term, TERM_MAX, "term"),
                          description=_clean(description, DESCRIPTION_MAX, "description", one_line=False),
                          time_zone=check_time_zone(time_zone), join_code=_unused_code(),
                          created_by=creator)
    db.session.add(classroom)
    db.session.flush()
    db.session.add(ClassMembership(class_id=classroom.id, user_id=creator.id, role=ClassRole.INSTRUCTOR))
    db.session.flush()
    return classroom


def _unused_code() -> str:
    while True:
        code = new_join_code()
        if db.session.scalar(select(Classroom.id).where(Classroom.join_code == code)) is None:
            return code


def regenerate_code(classroom: Classroom) -> str:
    classroom.join_code = _unused_code()
    return classroom.join_code


def class_changed(class_id: int) -> None:
    """`posting.touch_topic` for every topic of the class: its roster or its state
    changed, which its debates' pages (pseudonyms, panel, dashboard) show."""
    posting.touch_topics(Topic.class_id == class_id)


def check_writable(classroom: Classroom) -> None:
    if classroom.is_archived:
        raise RuleError("This class is archived: it is read-only.")


def archive_class(classroom: Classroom) -> Classroom:
    check_writable(classroom)
    classroom.archived_at = utcnow()
    class_changed(classroom.id)
    return classroom


def role_of(user, class_id: int) -> str | None:
    return visibility.class_role(user, class_id)


def is_teacher(user, class_id: int) -> bool:
    """Instructors of the class, and admins: they run it."""
    return user.is_authenticated and (user.is_admin or role_of(user, class_id) == ClassRole.INSTRUCTOR)


def join_class(user: User, code: str) -> ClassMembership:
    classroom = db.session.scalar(select(Classroom).where(Classroom.join_code == normalise_code(code)))
    if classroom is None:
        raise RuleError("No class has that code. Check it with your instructor (codes have 8 characters).")
    check_writable(classroom)
    if role_of(user, classroom.id) is not None:
        raise RuleError(f"You are already in {classroom.name}.")
    membership = ClassMembership(class_id=classroom.id, user_id=user.id, role=ClassRole.STUDENT)
    db.session.add(membership)
    db.session.flush()
    class_changed(classroom.id)
    return membership


def remove_student(classroom: Classroom, student: User) -> None:
    membership = db.session.scalar(select(ClassMembership).where(
        ClassMembership.class_id == classroom.id, ClassMembership.user_id == student.id))
    if membership is None:
        raise RuleError(f"{student.username} is not in this class.")
    if membership.role != ClassRole.STUDENT:
        raise RuleError("Only students can be removed; an instructor stays.")
    db.session.delete(membership)
    db.session.execute(delete(ClassDebateSide).where(
        ClassDebateSide.user_id == student.id,
        ClassDebateSide.topic_id.in_(select(Topic.id).where(Topic.class_id == classroom.id))))
    class_changed(classroom.id)


def add_instructor(classroom: Classroom, username: str) -> ClassMembership:
    check_writable(classroom)
    user = db.session.scalar(select(User).where(User.username_key == username_key(username or "")))
    if user is None:
        raise RuleError(f"There is no member called “{(username or '').strip()}”.")
    membership = db.session.scalar(select(ClassMembership).where(
        ClassMembership.class_id == classroom.id, ClassMembership.user_id == user.id))
    if membership is None:
        membership = ClassMembership(class_id=classroom.id, user_id=user.id)
        db.session.add(membership)
    elif membership.role == ClassRole.INSTRUCTOR:
        raise RuleError(f"{user.username} is already an instructor here.")
    membership.role = ClassRole.INSTRUCTOR
    db.session.flush()
    class_changed(classroom.id)
    return membership


def student_ids(class_id: int) -> list[int]:
    return list(db.session.scalars(select(ClassMembership.user_id).where(
        ClassMembership.class_id == class_id, ClassMembership.role == ClassRole.STUDENT)
        .order_by(ClassMembership.user_id)))


# --- Class debates -------------------------------------------------------------------

def create_class_debate(classroom: Classroom, author: User, article: Article, *, title: str, body: str,
                        pro_label: str | None = None, con_label: str | None = None,
                        anonymous: bool = False, side_mode: str = SideMode.MANUAL,
                        side_cap: int | None = None, copy_from: Topic | None = None) -> Topic:
    """A debate private to `classroom`; `copy_from` (a public debate) gives its motion and sides."""
    from . import grading
    check_writable(classroom)
    if copy_from is not None:
        if copy_from.class_id is not None or not copy_from.is_debate:
            raise RuleError("Only a public debate's motion can be copied.")
        title, body = title or copy_from.title, body or copy_from.body_md
        pro_label, con_label = copy_from.pro_label, copy_from.con_label
        article = copy_from.article
    if side_mode not in set(SideMode):
        raise RuleError("Choose how sides are assigned: manually, at random, or by the students.")
    if side_cap is not None and side_cap < 1:
        raise RuleError("A cap per side must be at least 1.")
    topic = posting.create_topic(author, article, title=title, body=body, kind=TopicKind.DEBATE,
                                 pro_label=pro_label, con_label=con_label)
    topic.class_id = classroom.id
    db.session.add(ClassDebate(topic_id=topic.id, anonymous=anonymous, side_mode=side_mode,
                               side_cap=side_cap if side_mode == SideMode.CHOICE else None))
    grading.add_default_rubric(topic)
    db.session.flush()
    return topic


def notify_opened_phases(now: datetime) -> int:
    """Tell the members of each class debate that a phase is open.

    Run every few minutes (`flask --app app notify-phases`, from cron or a
    systemd timer): a phase "opens" at a time, with no request to hang it on.
    Idempotent: whoever was told since the phase opened is not told again.
    Returns how many were told.
    """
    from ..models import Notification, NotificationKind
    from . import notifications
    told = 0
    for phase in db.session.scalars(select(DebatePhase).where(DebatePhase.opens_at <= now,
                                                              DebatePhase.closes_at > now)):
        topic = db.session.get(Topic, phase.topic_id)
        already = set(db.session.scalars(select(Notification.recipient_id).where(
            Notification.topic_id == topic.id, Notification.kind == NotificationKind.PHASE_OPEN,
            Notification.created_at >= phase.opens_at)))
        members = db.session.scalars(select(ClassMembership).where(ClassMembership.class_id == topic.class_id)
                                     .options(joinedload(ClassMembership.user)))
        for member in members:
            if member.user_id not in already and notifications.notify(
                    member.user, NotificationKind.PHASE_OPEN, actor=None, topic=topic):
                told += 1
    return told


def class_debates(class_id: int) -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.class_id == class_id, Topic.kind == TopicKind.DEBATE)
                                   .order_by(Topic.created_at.desc(), Topic.id.desc())))


def class_announcements(class_id: int) -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.class_id == class_id, Topic.kind == TopicKind.DISCUSSION)
                                   .order_by(Topic.created_at.desc(), Topic.id.desc()).limit(20)))


def post_announcement(classroom: Classroom, author: User, *, title: str, body: str) -> Topic:
    """An announcement to the class: a pinned topic only its members see, closed to
    replies, and a notification to every member."""
    from ..models import NotificationKind
    from . import notifications
    check_writable(classroom)
    article = db.session.scalar(select(Article).order_by(Article.created_at, Article.id).limit(1))
    if article is None:
        raise RuleError("There is no article to attach the announcement to yet.")
    topic = posting.create_topic(author, article, title=title, body=body)
    topic.class_id, topic.is_pinned, topic.is_locked = classroom.id, True, True
    db.session.flush()
    members = db.session.scalars(select(ClassMembership).where(ClassMembership.class_id == classroom.id)
                                 .options(joinedload(ClassMembership.user)))
    for member in members:
        notifications.notify(member.user, NotificationKind.CLASS_ANNOUNCEMENT, actor=author, topic=topic)
    return topic


# --- Sides ---------------------------------------------------------------------------

def balanced_sides(user_ids: list[int], seed: int | str | None = None) -> dict[int, str]:
    """Shuffle `user_ids` into pro and con, sizes differing by at most one.

    Pure: the same ids and seed give the same sides (a `None` seed is random).
    Which side gets the odd student is random too.
    """
    rng = random.Random(seed)
    ids = sorted(set(user_ids))
    rng.shuffle(ids)
    first, second = (Stance.PRO, Stance.CON) if rng.random() < 0.5 else (Stance.CON, Stance.PRO)
    return {user_id: (first if i % 2 == 0 else second) for i, user_id in enumerate(ids)}


def sides_of(topic: Topic) -> dict[int, str]:
    return dict(db.session.execute(select(ClassDebateSide.user_id, ClassDebateSide.side)
                                   .where(ClassDebateSide.topic_id == topic.id)).all())


def side_of(topic: Topic, user) -> str | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(ClassDebateSide.side).where(
        ClassDebateSide.topic_id == topic.id, ClassDebateSide.user_id == user.id))


def set_sides(topic: Topic, sides: dict[int, str | None]) -> None:
    """Replace the assignment of the students in `sides` (None: no side)."""
    enrolled = set(student_ids(topic.class_id))
    for user_id, side in sides.items():
        if user_id not in enrolled:
            raise RuleError("Sides can only be given to students of this class.")
        if side not in (None, Stance.PRO, Stance.CON):
            raise RuleError("A side is pro or con.")
    db.session.execute(delete(ClassDebateSide).where(ClassDebateSide.topic_id == topic.id,
                                                     ClassDebateSide.user_id.in_(list(sides))))
    db.session.add_all([ClassDebateSide(topic_id=topic.id, user_id=u, side=s)
                        for u, s in sides.items() if s is not None])
    db.session.flush()
    posting.touch_topic(topic.id)


def assign_random(topic: Topic, seed: int | str | None = None) -> dict[int, str]:
    sides = balanced_sides(student_ids(topic.class_id), seed)
    set_sides(topic, sides)
    return sides


def choose_side(topic: Topic, debate: ClassDebate, student: User, side: str) -> ClassDebateSide:
    if debate.side_mode != SideMode.CHOICE:
        raise RuleError("Your instructor assigns the sides in this debate.")
    if side not in (Stance.PRO, Stance.CON):
        raise RuleError("Choose one of the two sides.")
    if role_of(student, topic.class_id) != ClassRole.STUDENT:
        raise RuleError("Only the class's students choose a side.")
    if side_of(topic, student) is not None:
        raise RuleError("You have already chosen a side; ask your instructor to change it.")
    taken = list(sides_of(topic).values()).count(side)
    if debate.side_cap is not None and taken >= debate.side_cap:
        label = topic.pro_label if side == Stance.PRO else topic.con_label
        raise RuleError(f"“{label}” is full ({debate.side_cap} students); choose the other side.")
    row = ClassDebateSide(topic_id=topic.id, user_id=student.id, side=side)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        raise RuleError("You have already chosen a side.") from None
    posting.touch_topic(topic.id)
    return row


# --- Phases --------------------------------------------------------------------------

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


def set_phase(topic: Topic, kind: str, opens_at: datetime, closes_at: datetime,
              word_limit: int | None = None) -> DebatePhase:
    if kind not in set(PhaseKind):
        raise RuleError("Unknown phase.")
    if closes_at <= opens_at:
        raise RuleError(f"{PHASE_LABELS[kind]} must close after it opens.")
    if word_limit is not None and word_limit < 1:
        raise RuleError("A word limit must be at least 1.")
    phase = db.session.scalar(select(DebatePhase).where(DebatePhase.topic_id == topic.id,
                                                        DebatePhase.kind == kind))
    if phase is None:
        phase = DebatePhase(topic_id=topic.id, kind=kind)
        db.session.add(phase)
    phase.opens_at, phase.closes_at, phase.word_limit = opens_at, closes_at, word_limit
    db.session.flush()
    posting.touch_topic(topic.id)
    return phase


def save_schedule(topic: Topic, zone: str,
                  entries: dict[str, tuple[datetime | None, datetime | None, int | None]]) -> list[DebatePhase]:
    """Set the phases from wall-clock times in `zone`; a phase left without times is removed.

    Phases run one after another, in order, without overlapping.
    """
    check_writable(db.session.get(Classroom, topic.class_id))
    chosen = []
    for kind in PHASE_ORDER:
        opens, closes, words = entries.get(kind, (None, None, None))
        if opens is None and closes is None:
            db.session.execute(delete(DebatePhase).where(DebatePhase.topic_id == topic.id,
                                                         DebatePhase.kind == kind))
            posting.touch_topic(topic.id)
            continue
        if opens is None or closes is None:
            raise RuleError(f"{PHASE_LABELS[kind]} needs both an opening and a closing time.")
        chosen.append((kind, to_utc(opens, zone), to_utc(closes, zone), words))
    for (kind, opens, _, _), (previous, _, closes_before, _) in zip(chosen[1:], chosen):
        if opens < closes_before:
            raise RuleError(f"{PHASE_LABELS[kind]} opens before {PHASE_LABELS[previous]} closes; "
                            "phases run one after another.")
    return [set_phase(topic, kind, opens, closes, words) for kind, opens, closes, words in chosen]


def extend_phase(phase: DebatePhase, student: User, closes_at: datetime) -> PhaseExtension:
    if closes_at <= phase.closes_at:
        raise RuleError("An extension must close after the phase's own close.")
    extension = db.session.scalar(select(PhaseExtension).where(
        PhaseExtension.phase_id == phase.id, PhaseExtension.user_id == student.id))
    if extension is None:
        extension = PhaseExtension(phase_id=phase.id, user_id=student.id)
        db.session.add(extension)
    extension.closes_at = closes_at
    db.session.flush()
    posting.touch_topic(phase.topic_id)
    return extension


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


def check_post_allowed(topic: Topic, user: User, parent: Post | None, stance: str | None,
                       body: str, now: datetime) -> str | None:
    """Raise RuleError unless `user` may write this post in class topic `topic` now.

    Returns the phase the post is written in (None outside phases, for instructors).
    """
    classroom = db.session.get(Classroom, topic.class_id)
    check_writable(classroom)
    role = role_of(user, classroom.id)
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
    if editor.is_admin or role_of(editor, classroom.id) == ClassRole.INSTRUCTOR or post.phase is None:
        return
    view = next((v for v in phases_for(topic.id, editor) if v.kind == post.phase), None)
    if view is None or not view.is_open(now):
        label = PHASE_LABELS.get(post.phase, post.phase)
        raise RuleError(f"{label} is closed: posts written in it can no longer be edited.")
    limit = view.phase.word_limit
    if limit is not None and (words := count_words(body)) > limit:
        raise RuleError(f"{describe(view, classroom.time_zone)} allows {limit} words per post; "
                        f"yours has {words}. Shorten it and save again.")


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
