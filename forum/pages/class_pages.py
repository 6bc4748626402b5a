"""What the class pages show, each loaded in a fixed number of queries.

The class page, the debate panel on a class debate's topic page, the
instructor's dashboard, the grading page and the exports all start from
`_debate_context`, which also decides who may see them (404 for outsiders).
"""
import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import bindparam, case, func, literal_column, null, select, union_all
from sqlalchemy.orm import aliased, joinedload

from ..domain import anonymity, class_rules, classes, debates, grading, permissions, visibility
from ..extensions import db
from ..models import (ClassDebate, ClassDebateSide, ClassMembership, ClassRole, Classroom, DebatePhase, Delta,
                      PhaseExtension, Post, RubricCriterion, Topic, User, utcnow)
from . import minds_pages

DASHBOARD_SORTS = ("name", "arguments", "rebuttals", "comments", "words", "deltas_received", "deltas_given",
                   "votes_received", "late", "last")


@dataclass
class ClassListItem:
    classroom: Classroom
    role: str | None


def classes_index(user) -> list[ClassListItem]:
    rows = db.session.execute(
        select(Classroom, ClassMembership.role)
        .outerjoin(ClassMembership, (ClassMembership.class_id == Classroom.id)
                   & (ClassMembership.user_id == (user.id if user.is_authenticated else -1)))
        .where(visibility.visible_class_filter(user))
        .order_by(Classroom.archived_at.is_not(None), Classroom.created_at.desc())).all()
    return [ClassListItem(c, role) for c, role in rows]


def _roster(class_id: int) -> list[ClassMembership]:
    return anonymity.roster_of(class_id)


def _role_in(user, roster: list[ClassMembership]) -> str | None:
    if not user.is_authenticated:
        return None
    return next((m.role for m in roster if m.user_id == user.id), None)


@dataclass
class ClassPage:
    classroom: Classroom
    roster: list[ClassMembership]
    debates: list[Topic]
    role: str | None
    is_teacher: bool
    announcements: list[Topic] = field(default_factory=list)

    @property
    def students(self) -> list[ClassMembership]:
        return [m for m in self.roster if m.role == ClassRole.STUDENT]

    @property
    def instructors(self) -> list[ClassMembership]:
        return [m for m in self.roster if m.role == ClassRole.INSTRUCTOR]


def class_page(user, class_id: int) -> ClassPage:
    classroom = db.session.get(Classroom, class_id)
    if classroom is None:
        abort(404)
    roster = _roster(class_id)
    role = _role_in(user, roster)
    if role is None and not (user.is_authenticated and user.is_admin):
        abort(404)
    debates = classes.class_debates(class_id)
    teacher = user.is_admin or role == ClassRole.INSTRUCTOR
    return ClassPage(classroom, roster, debates, role, teacher, classes.class_announcements(class_id))


@dataclass
class DebateContext:
    topic: Topic
    debate: ClassDebate
    classroom: Classroom
    roster: list[ClassMembership]
    role: str | None
    is_teacher: bool
    names: dict

    @property
    def students(self) -> list[ClassMembership]:
        return [m for m in self.roster if m.role == ClassRole.STUDENT]

    def shown(self, user_id: int, real_name: str) -> str:
        """A student as the viewer may see them: pseudonym (with the real name for instructors)."""
        return anonymity.shown(self.names, user_id, real_name).full


def schedule_passed(topic_id=Topic.id):
    """How many of a class debate's phase openings and closings, and of its
    extensions' closings, are past at `:now` (none outside class debates): the
    clock changes its pages. A correlated expression, for a query of topics
    (`Topic.schedule_passed`) or of class debates (`DebateAccess`)."""
    now = bindparam("now")
    passed = lambda moment: case((moment <= now, 1), else_=0)  # noqa: E731
    return (select(func.coalesce(func.sum(passed(DebatePhase.opens_at) + passed(DebatePhase.closes_at)), 0))
            .where(DebatePhase.topic_id == topic_id).scalar_subquery()
            + select(func.count()).select_from(PhaseExtension).join(DebatePhase)
            .where(DebatePhase.topic_id == topic_id, PhaseExtension.closes_at <= now).scalar_subquery())


@functools.cache
def _debate_statement(with_topic: bool):
    """The class debate of `:topic_id`, its class, its phase boundaries passed at
    `:now` and the role of `:viewer_id` in its class; with its topic and article
    unless the page has them already. Built once."""
    role = visibility.class_role_column(Classroom.id, bindparam("viewer_id"))
    query = (select(ClassDebate, Classroom, schedule_passed(ClassDebate.topic_id), role)
             .join(Topic, Topic.id == ClassDebate.topic_id)
             .join(Classroom, Classroom.id == Topic.class_id).where(ClassDebate.topic_id == bindparam("topic_id")))
    if with_topic:
        query = query.options(joinedload(ClassDebate.topic).joinedload(Topic.article))
    return query


@dataclass
class DebateAccess:
    """A class debate as far as who may reach it goes (`debate_access`)."""
    topic: Topic
    debate: ClassDebate
    classroom: Classroom
    role: str | None
    is_teacher: bool
    schedule_passed: int


def debate_access(user, topic_id: int, *, teacher_only: bool = False, topic: Topic | None = None,
                  class_id: int | None = None) -> DebateAccess:
    """The debate, its class and the viewer's role in it (1 query); refused as `_reach` says."""
    row = db.session.execute(_debate_statement(with_topic=topic is None), _access_params(user, topic_id)).first()
    if row is None:
        abort(404)
    debate, classroom, passed, role = row
    visibility.remember_class_role(user, classroom.id, role)
    teacher = _reach(user, role, classroom.id, class_id=class_id, teacher_only=teacher_only)
    topic = topic or debate.topic
    topic.schedule_passed = passed  # as `fetch_topic` sets it: what the clock did to its pages
    return DebateAccess(topic, debate, classroom, role, teacher, passed)


def _access_params(user, topic_id: int) -> dict:
    """What the access statements ask of: the debate, the clock, the viewer."""
    return {"topic_id": topic_id, "now": utcnow(), "viewer_id": user.id if user.is_authenticated else None}


def _reach(user, role: str | None, in_class: int, *, class_id: int | None, teacher_only: bool) -> bool:
    """Whether the viewer, of `role` in the debate's class `in_class`, teaches it;
    404 for outsiders (admins excepted) and under another class's URL (`class_id`,
    when the URL names one), 403 for students at an instructor's page."""
    admin = user.is_authenticated and user.is_admin
    if role is None and not admin:
        abort(404)
    teacher = admin or role == ClassRole.INSTRUCTOR
    if teacher_only and not teacher:
        abort(403)
    if class_id is not None and in_class != class_id:
        abort(404)
    return teacher


def _debate_context(user, topic_id: int, *, teacher_only: bool = False,
                    access: DebateAccess | None = None) -> DebateContext:
    """The debate, its class and roster (2 queries, 1 given `access`); 404 for
    outsiders, 403 for students at an instructor's page."""
    access = access or debate_access(user, topic_id, teacher_only=teacher_only)
    roster = _roster(access.classroom.id)
    students = [(m.user_id, m.user.name) for m in roster if m.role == ClassRole.STUDENT]
    names = anonymity.names_for(user, access.topic, access.debate, students, teacher=access.is_teacher)
    return DebateContext(access.topic, access.debate, access.classroom, roster, access.role, access.is_teacher,
                         names)


def context_of(user, access: DebateAccess) -> DebateContext:
    """The whole context of a debate already reached."""
    return _debate_context(user, access.topic.id, access=access)


# --- The panel on a class debate's topic page ------------------------------------------

@dataclass
class DebatePanel:
    context: DebateAccess
    names: dict  # the page's pseudonyms (anonymity.names_for)
    my_side: str | None
    side_counts: Counter
    phases: list[class_rules.PhaseView]
    current: class_rules.PhaseView | None
    now: datetime
    grades: grading.StudentGrades | None = None
    rubric: list[RubricCriterion] = field(default_factory=list)
    sides: dict[int, str] = field(default_factory=dict)  # every student's side
    allowance: class_rules.Allowance | None = None  # what the page offers the reader now

    @property
    def upcoming(self) -> class_rules.PhaseView | None:
        """The next phase to open, if any."""
        return next((v for v in self.phases if v.phase.opens_at > self.now), None)

    def may_reply_to(self, post) -> bool:
        return self.allowance is not None and self.allowance.may_reply_to(post, self.sides)

    @property
    def zone(self) -> str:
        return self.context.classroom.time_zone

    def side_full(self, side: str) -> bool:
        cap = self.context.debate.side_cap
        return cap is not None and self.side_counts[side] >= cap


@functools.cache
def _students_and_sides_statement():
    """A class's students as plain rows (user id, name) with their side in `:topic_id`, if any."""
    return (select(ClassMembership.user_id, User.name, ClassDebateSide.side)
            .join(User, User.id == ClassMembership.user_id)
            .outerjoin(ClassDebateSide, (ClassDebateSide.topic_id == bindparam("topic_id"))
                       & (ClassDebateSide.user_id == ClassMembership.user_id))
            .where(ClassMembership.class_id == bindparam("class_id"), ClassMembership.role == ClassRole.STUDENT))


def debate_panel(user, topic: Topic) -> DebatePanel | None:
    """What a class debate's columns, argument and thread pages add (3 queries, one
    more once grades are out). Its students' names and sides come as plain rows,
    not the roster's objects."""
    if topic.class_id is None or not topic.is_debate:
        return None
    context = debate_access(user, topic.id, topic=topic)
    rows = db.session.execute(_students_and_sides_statement(), {"class_id": context.classroom.id, "topic_id": topic.id})
    students, sides = [], {}
    for user_id, name, side in rows:
        students.append((user_id, name))
        if side is not None:
            sides[user_id] = side
    names = anonymity.names_for(user, topic, context.debate, students, teacher=context.is_teacher)
    phases = class_rules.phases_for(topic.id, user)
    now = utcnow()
    my_side = sides.get(user.id) if user.is_authenticated else None
    panel = DebatePanel(context, names, my_side, Counter(sides.values()), phases, class_rules.open_phase(phases, now),
                        now, sides=sides)
    writable = (permissions.can_write(user) and (context.role is not None or context.is_teacher)
                and not context.classroom.is_archived and not topic.is_locked and topic.closed_at is None)
    panel.allowance = class_rules.allowance(topic, phases, now, side=my_side, teacher=context.is_teacher,
                                            writable=writable)
    if context.role == ClassRole.STUDENT and context.debate.grades_released:
        panel.grades = grading.released_grades_for(context.debate, user)
        panel.rubric = grading.rubric(topic.id)
    return panel


# --- Dashboard -----------------------------------------------------------------------

@dataclass
class StudentActivity:
    membership: ClassMembership
    shown: str
    side: str | None
    arguments: int = 0
    rebuttals: int = 0
    comments: int = 0
    words: int = 0
    late: int = 0
    deltas_received: int = 0
    deltas_given: int = 0
    votes_received: int = 0
    per_phase: Counter = field(default_factory=Counter)
    last_activity: datetime | None = None

    @property
    def posts(self) -> int:
        return self.arguments + self.rebuttals + self.comments

    @property
    def name(self) -> str:
        return self.membership.user.username


@dataclass
class Dashboard:
    context: DebateContext
    rows: list[StudentActivity]
    phases: list[DebatePhase]
    sort: str
    results: "debates.PollResults | None" = None  # the class's opinion shift
    persuasive: list[tuple] = field(default_factory=list)  # (post row, author as shown), most ∆ first
    # Each student's poll answers over time, with what they credited (pages/minds_pages.py).
    timelines: list = field(default_factory=list)

    @property
    def needs_nudge(self) -> list[StudentActivity]:
        return [r for r in self.rows if r.posts == 0]

    @property
    def phase_labels(self) -> list[tuple[str, str]]:
        return [(p.kind, class_rules.PHASE_LABELS[p.kind]) for p in self.phases]


@functools.cache
def _participation_query():
    """What the dashboard counts, grouped in SQL per author and phase, plus one row per
    person with the ∆ they gave (kind "given"): one query, and rows that grow with the
    class, not with the debate.

    A reply is a rebuttal when its author has a side and the post it answers argues for
    the other one (`class_rules.post_side`: its author's side, else a top-level post's
    stance); any other reply is a comment. A post is late when it was written after its
    phase closed by a student with an extension of that phase.

    Built once per process (it is the same for every debate, `:topic_id` aside): putting
    the expression together cost more than running it."""
    topic_id = bindparam("topic_id")
    parent, mine, theirs = aliased(Post), aliased(ClassDebateSide), aliased(ClassDebateSide)
    parent_side = func.coalesce(theirs.side, case((parent.parent_id.is_(None), parent.stance)))
    rebuttal = Post.parent_id.is_not(None) & mine.side.is_not(None) & (parent_side != mine.side)
    late = (Post.created_at > DebatePhase.closes_at) & PhaseExtension.id.is_not(None)
    tally = lambda condition: func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # noqa: E731
    posts = (
        select(literal_column("'posts'").label("kind"), Post.author_id.label("user_id"), Post.phase,
               func.count().label("posts"), tally(Post.parent_id.is_(None)).label("arguments"),
               tally(rebuttal).label("rebuttals"), func.coalesce(func.sum(Post.word_count), 0).label("words"),
               func.coalesce(func.sum(Post.delta_count), 0).label("deltas"),
               func.coalesce(func.sum(Post.vote_count), 0).label("votes"), tally(late).label("late"),
               func.max(Post.created_at).label("last"))
        .outerjoin(parent, parent.id == Post.parent_id)
        .outerjoin(mine, (mine.topic_id == Post.topic_id) & (mine.user_id == Post.author_id))
        .outerjoin(theirs, (theirs.topic_id == Post.topic_id) & (theirs.user_id == parent.author_id))
        .outerjoin(DebatePhase, (DebatePhase.topic_id == Post.topic_id) & (DebatePhase.kind == Post.phase))
        .outerjoin(PhaseExtension, (PhaseExtension.phase_id == DebatePhase.id)
                   & (PhaseExtension.user_id == Post.author_id))
        .where(Post.topic_id == topic_id, Post.deleted_at.is_(None))
        .group_by(Post.author_id, Post.phase))
    # Constants written into the SQL, not bound: PostgreSQL types them from the other branch.
    zero = literal_column("0")
    given = (select(literal_column("'given'"), Delta.awarder_id, null(), func.count(), zero, zero, zero, zero, zero,
                    zero, null())
             .join(Post, Post.id == Delta.post_id).where(Post.topic_id == topic_id).group_by(Delta.awarder_id))
    return union_all(posts, given)


def _participation(topic_id: int) -> list:
    return db.session.execute(_participation_query(), {"topic_id": topic_id}).all()


def activity(context: DebateContext, participation: list) -> list[StudentActivity]:
    """Per-student rows from `_participation_query`'s rows (no queries)."""
    rows = {m.user_id: StudentActivity(m, context.shown(m.user_id, m.user.username), None)
            for m in context.students}
    for part in participation:
        row = rows.get(part.user_id)
        if row is None:
            continue
        if part.kind == "given":
            row.deltas_given += part.posts
            continue
        row.arguments += part.arguments
        row.rebuttals += part.rebuttals
        row.comments += part.posts - part.arguments - part.rebuttals
        row.words += part.words
        row.deltas_received += part.deltas
        row.votes_received += part.votes
        row.late += part.late
        if part.phase:
            row.per_phase[part.phase] += part.posts
        row.last_activity = max(filter(None, [row.last_activity, part.last]))
    return list(rows.values())


def _persuasive(topic_id: int, limit: int = 5) -> list:
    """The posts that won the most ∆ (then votes), as plain rows."""
    return db.session.execute(
        select(Post.id, Post.author_id, Post.body_html, Post.delta_count, Post.vote_count)
        .where(Post.topic_id == topic_id, Post.delta_count > 0, Post.deleted_at.is_(None))
        .order_by(Post.delta_count.desc(), Post.vote_count.desc(), Post.id).limit(limit)).all()


def _sort(rows: list[StudentActivity], sort: str) -> list[StudentActivity]:
    if sort == "name":
        return sorted(rows, key=lambda r: r.shown.casefold())
    if sort == "last":
        return sorted(rows, key=lambda r: (r.last_activity is None, -(r.last_activity.timestamp()
                                                                       if r.last_activity else 0)))
    return sorted(rows, key=lambda r: (-getattr(r, sort), r.shown.casefold()))


def _phases_and_extensions(topic_id: int):
    """The debate's phases and every per-student extension, in one query."""
    phases, extensions = {}, {}
    for phase, extension in db.session.execute(
            select(DebatePhase, PhaseExtension).outerjoin(PhaseExtension, PhaseExtension.phase_id == DebatePhase.id)
            .where(DebatePhase.topic_id == topic_id)):
        phases[phase.id] = phase
        if extension is not None:
            extensions[(extension.phase_id, extension.user_id)] = extension.closes_at
    return sorted(phases.values(), key=lambda p: class_rules.PHASE_ORDER.index(p.kind)), extensions


def dashboard(user, topic_id: int, sort: str = "name", context: DebateContext | None = None) -> Dashboard:
    """`context`: the debate as the view already loaded and checked it."""
    context = context or _debate_context(user, topic_id, teacher_only=True)
    sort = sort if sort in DASHBOARD_SORTS else "name"
    phases, _ = _phases_and_extensions(topic_id)
    rows = activity(context, _participation(topic_id))
    sides = class_rules.sides_of(context.topic)
    for row in rows:
        row.side = sides.get(row.membership.user_id)
    usernames = {m.user_id: m.user.username for m in context.roster}
    persuasive = [(p, context.shown(p.author_id, usernames.get(p.author_id, ""))) for p in _persuasive(topic_id)]
    # Named as the rest of the dashboard names them (a pseudonym with the real name, for those who teach).
    students = [minds_pages.Student(m.user_id, context.shown(m.user_id, m.user.name), m.user.username)
                for m in context.students]
    timelines = minds_pages.student_timelines(context.topic, students, context.classroom.time_zone)
    return Dashboard(context, _sort(rows, sort), phases, sort, debates.poll_results(context.topic), persuasive,
                     timelines)


# --- Grading -------------------------------------------------------------------------

@dataclass
class GradingPage:
    context: DebateContext
    student: ClassMembership
    posts: list[Post]
    rubric: list[RubricCriterion]
    grades: grading.StudentGrades
    side: str | None
    # Where the student stands in the grades table's order (1-based), and who comes
    # after them there ("Save and next student"), if anyone.
    position: int = 1
    next_student: ClassMembership | None = None


def grading_page(user, topic_id: int, student_id: int) -> GradingPage:
    context = _debate_context(user, topic_id, teacher_only=True)
    students = context.students
    index = next((i for i, m in enumerate(students) if m.user_id == student_id), None)
    if index is None:
        abort(404)
    student = students[index]
    posts = list(db.session.scalars(select(Post).where(Post.topic_id == topic_id, Post.author_id == student_id)
                                    .order_by(Post.created_at, Post.id)))
    grades = grading.grades_by_student(topic_id, student_id).get(student_id, grading.StudentGrades(student_id))
    return GradingPage(context, student, posts, grading.rubric(topic_id), grades,
                       class_rules.side_of(context.topic, student.user), index + 1,
                       students[index + 1] if index + 1 < len(students) else None)


@dataclass
class GradesOverview:
    context: DebateContext
    rubric: list[RubricCriterion]
    grades: dict[int, grading.StudentGrades]
    sides: dict[int, str]


def grades_overview(user, topic_id: int) -> GradesOverview:
    context = _debate_context(user, topic_id, teacher_only=True)
    return GradesOverview(context, grading.rubric(topic_id), grading.grades_by_student(topic_id),
                          class_rules.sides_of(context.topic))


def transcript_posts(topic_id: int) -> list[Post]:
    return list(db.session.scalars(select(Post).where(Post.topic_id == topic_id)
                                   .order_by(Post.created_at, Post.id).options(joinedload(Post.author))))


# --- Phases form ---------------------------------------------------------------------

@dataclass
class PhasesPage:
    context: DebateContext
    phases: dict[str, DebatePhase]
    extensions: list[tuple[DebatePhase, ClassMembership, datetime]]
    sides: dict[int, str]


def phases_page(user, topic_id: int) -> PhasesPage:
    context = _debate_context(user, topic_id, teacher_only=True)
    phases, extensions = _phases_and_extensions(topic_id)
    by_id = {p.id: p for p in phases}
    members = {m.user_id: m for m in context.roster}
    listed = [(by_id[pid], members[uid], closes) for (pid, uid), closes in extensions.items() if uid in members]
    return PhasesPage(context, {p.kind: p for p in phases}, listed, class_rules.sides_of(context.topic))

