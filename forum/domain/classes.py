"""Classes: membership, join codes, class debates, sides and phases.

The verbs that change them. What the state allows (the phases each member sees,
the sides, the checks `posting.create_post` runs for every class topic) is read
in `class_rules`, below `posting`, since these verbs create topics through it.
"""
import functools
import random
import re
import secrets
from datetime import datetime
from zoneinfo import available_timezones

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (Article, ClassDebate, ClassDebateSide, ClassMembership, ClassRole, Classroom,
                      DebatePhase, Notification, NotificationKind, PhaseExtension, PhaseKind, SideMode, Stance,
                      Topic, TopicKind, User, utcnow)
from . import class_rules, grading, notifications, posting, visibility
from .accounts import username_key
from .errors import RuleError, unique_or

# No 0/O, 1/I/L: a code read aloud or copied from a projector still works.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8
NAME_MAX, TERM_MAX, DESCRIPTION_MAX = 120, 60, 2000


# --- Classes and members ---------------------------------------------------------------

def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The IANA time zone names this machine knows, sorted: what the picker offers."""
    return tuple(sorted(available_timezones() | {"UTC"}))


@functools.cache
def _zones_by_key() -> dict[str, str]:
    return {zone.casefold(): zone for zone in time_zones()}


def check_time_zone(name: str | None) -> str:
    """The IANA name `name` spells, in any case ("europe/paris" is Europe/Paris),
    with spaces as the underscores they stand for; UTC when empty."""
    typed = " ".join((name or "").split()) or "UTC"
    zone = _zones_by_key().get(typed.replace(" ", "_").casefold())
    if zone is None:
        raise RuleError(f"“{typed}” is not a time zone name; use one like Europe/Paris or America/New_York.")
    return zone


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


def archive_class(classroom: Classroom) -> Classroom:
    class_rules.check_writable(classroom)
    classroom.archived_at = utcnow()
    return classroom


def role_of(user, class_id: int) -> str | None:
    return visibility.class_role(user, class_id)


def join_class(user: User, code: str) -> ClassMembership:
    classroom = db.session.scalar(select(Classroom).where(Classroom.join_code == normalise_code(code)))
    if classroom is None:
        raise RuleError("No class has that code. Check it with your instructor (codes have 8 characters).")
    class_rules.check_writable(classroom)
    if role_of(user, classroom.id) is not None:
        raise RuleError(f"You are already in {classroom.name}.")
    membership = ClassMembership(class_id=classroom.id, user_id=user.id, role=ClassRole.STUDENT)
    db.session.add(membership)
    db.session.flush()
    seat_latecomer(classroom, user)
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


def add_instructor(classroom: Classroom, username: str) -> ClassMembership:
    class_rules.check_writable(classroom)
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
    class_rules.check_writable(classroom)
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
    if side_mode == SideMode.RANDOM:  # those already in the class get their sides now, latecomers as they join
        assign_random(topic)
    return topic


def notify_opened_phases(now: datetime) -> int:
    """Tell the members of each class debate that a phase is open.

    Run every few minutes (`flask --app app notify-phases`, from cron or a
    systemd timer): a phase "opens" at a time, with no request to hang it on.
    Idempotent: whoever was told since the phase opened is not told again.
    Returns how many were told.
    """
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


def post_announcement(classroom: Classroom, author: User, *, title: str, body: str,
                      replies: bool = False) -> Topic:
    """An announcement to the class: a pinned topic only its members see, closed to
    replies unless its author allows them (its instructors may lock or unlock it
    later, as moderators of the class's topics), and a notification to every member."""
    class_rules.check_writable(classroom)
    article = db.session.scalar(select(Article).order_by(Article.created_at, Article.id).limit(1))
    if article is None:
        raise RuleError("There is no article to attach the announcement to yet.")
    topic = posting.create_topic(author, article, title=title, body=body)
    topic.class_id, topic.is_pinned, topic.is_locked = classroom.id, True, not replies
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


def assign_random(topic: Topic, seed: int | str | None = None) -> dict[int, str]:
    sides = balanced_sides(student_ids(topic.class_id), seed)
    set_sides(topic, sides)
    return sides


def latecomer_side(counts: dict[str, int], rng: random.Random | None = None) -> str:
    """The side for a student who arrives after the draw: the smaller one, either
    at random when they are equal. Pure. Sides within one of each other stay so."""
    pro, con = counts.get(Stance.PRO, 0), counts.get(Stance.CON, 0)
    if pro != con:
        return Stance.PRO if pro < con else Stance.CON
    return (rng or random).choice((Stance.PRO, Stance.CON))


def seat_latecomer(classroom: Classroom, student: User) -> dict[int, str]:
    """Give a student who just joined a side in each open debate of the class whose
    sides are "balanced at random" ({topic id: side}). Under "student choice"
    they choose on the debate's page; under "manual" their instructor assigns.

    The debates' rows are locked first (on PostgreSQL; SQLite's writers take turns),
    so that students joining at the same moment are counted one after another."""
    debates = list(db.session.scalars(
        select(ClassDebate.topic_id).join(Topic, Topic.id == ClassDebate.topic_id)
        .where(Topic.class_id == classroom.id, Topic.closed_at.is_(None), ClassDebate.side_mode == SideMode.RANDOM)
        .order_by(ClassDebate.topic_id).with_for_update(of=ClassDebate)))
    if not debates:
        return {}
    rows = db.session.execute(
        select(ClassDebate.topic_id, ClassDebateSide.side, func.count(ClassDebateSide.user_id))
        .outerjoin(ClassDebateSide, ClassDebateSide.topic_id == ClassDebate.topic_id)
        .where(ClassDebate.topic_id.in_(debates)).group_by(ClassDebate.topic_id, ClassDebateSide.side)).all()
    counts: dict[int, dict[str, int]] = {}
    for topic_id, side, n in rows:
        counts.setdefault(topic_id, {})[side] = n
    seats = {topic_id: latecomer_side(sides) for topic_id, sides in sorted(counts.items())}
    db.session.add_all([ClassDebateSide(topic_id=topic_id, user_id=student.id, side=side)
                        for topic_id, side in seats.items()])
    db.session.flush()
    return seats


def choose_side(topic: Topic, debate: ClassDebate, student: User, side: str) -> ClassDebateSide:
    if debate.side_mode != SideMode.CHOICE:
        raise RuleError("Your instructor assigns the sides in this debate.")
    if side not in (Stance.PRO, Stance.CON):
        raise RuleError("Choose one of the two sides.")
    if role_of(student, topic.class_id) != ClassRole.STUDENT:
        raise RuleError("Only the class's students choose a side.")
    if class_rules.side_of(topic, student) is not None:
        raise RuleError("You have already chosen a side; ask your instructor to change it.")
    taken = list(class_rules.sides_of(topic).values()).count(side)
    if debate.side_cap is not None and taken >= debate.side_cap:
        label = topic.pro_label if side == Stance.PRO else topic.con_label
        raise RuleError(f"“{label}” is full ({debate.side_cap} students); choose the other side.")
    row = ClassDebateSide(topic_id=topic.id, user_id=student.id, side=side)
    with unique_or("You have already chosen a side."):
        db.session.add(row)
        db.session.flush()
    return row


# --- Phases --------------------------------------------------------------------------


def set_phase(topic: Topic, kind: str, opens_at: datetime, closes_at: datetime,
              word_limit: int | None = None) -> DebatePhase:
    if kind not in set(PhaseKind):
        raise RuleError("Unknown phase.")
    if closes_at <= opens_at:
        raise RuleError(f"{class_rules.PHASE_LABELS[kind]} must close after it opens.")
    if word_limit is not None and word_limit < 1:
        raise RuleError("A word limit must be at least 1.")
    phase = db.session.scalar(select(DebatePhase).where(DebatePhase.topic_id == topic.id,
                                                        DebatePhase.kind == kind))
    if phase is None:
        phase = DebatePhase(topic_id=topic.id, kind=kind)
        db.session.add(phase)
    phase.opens_at, phase.closes_at, phase.word_limit = opens_at, closes_at, word_limit
    db.session.flush()
    return phase


def save_schedule(topic: Topic, zone: str,
                  entries: dict[str, tuple[datetime | None, datetime | None, int | None]]) -> list[DebatePhase]:
    """Set the phases from wall-clock times in `zone`; a phase left without times is removed.

    Phases run one after another, in order, without overlapping.
    """
    class_rules.check_writable(db.session.get(Classroom, topic.class_id))
    chosen = []
    for kind in class_rules.PHASE_ORDER:
        opens, closes, words = entries.get(kind, (None, None, None))
        if opens is None and closes is None:
            db.session.execute(delete(DebatePhase).where(DebatePhase.topic_id == topic.id,
                                                         DebatePhase.kind == kind))
            continue
        if opens is None or closes is None:
            raise RuleError(f"{class_rules.PHASE_LABELS[kind]} needs both an opening and a closing time.")
        chosen.append((kind, class_rules.to_utc(opens, zone), class_rules.to_utc(closes, zone), words))
    for (kind, opens, _, _), (previous, _, closes_before, _) in zip(chosen[1:], chosen):
        if opens < closes_before:
            raise RuleError(f"{class_rules.PHASE_LABELS[kind]} opens before "
                            f"{class_rules.PHASE_LABELS[previous]} closes; phases run one after another.")
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
    return extension


