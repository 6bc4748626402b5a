"""Rubric grading of class debates: criteria per debate, a grade per criterion and student."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..models import ClassDebate, Grade, NotificationKind, RubricCriterion, Topic, User, utcnow
from . import notifications, posting
from .errors import RuleError

DEFAULT_RUBRIC = [
    ("Evidence", "Claims are backed by sources, facts or examples from the article.", 5),
    ("Reasoning", "The argument follows: premises, steps and conclusion hold together.", 5),
    ("Engagement with the other side", "Answers the strongest opposing points fairly and directly.", 5),
    ("Civility", "Argues with ideas, not people; charitable reading of others.", 5),
]
COMMENT_MAX = 2000


def add_default_rubric(topic: Topic) -> list[RubricCriterion]:
    criteria = [RubricCriterion(topic_id=topic.id, position=i, name=name, description=text, max_points=points)
                for i, (name, text, points) in enumerate(DEFAULT_RUBRIC)]
    db.session.add_all(criteria)
    return criteria


def rubric(topic_id: int) -> list[RubricCriterion]:
    return list(db.session.scalars(select(RubricCriterion).where(RubricCriterion.topic_id == topic_id)
                                   .order_by(RubricCriterion.position, RubricCriterion.id)))


def add_criterion(topic: Topic, *, name: str, description: str, max_points: int) -> RubricCriterion:
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise RuleError("A criterion needs a name of at most 80 characters.")
    if not 1 <= max_points <= 100:
        raise RuleError("A criterion's maximum is between 1 and 100 points.")
    position = db.session.scalar(select(func.coalesce(func.max(RubricCriterion.position), -1) + 1)
                                 .where(RubricCriterion.topic_id == topic.id))
    criterion = RubricCriterion(topic_id=topic.id, position=position, name=name,
                                description=(description or "").strip(), max_points=max_points)
    db.session.add(criterion)
    db.session.flush()
    return criterion


def remove_criterion(topic: Topic, criterion: RubricCriterion) -> None:
    if criterion.topic_id != topic.id:
        raise RuleError("That criterion belongs to another debate.")
    db.session.delete(criterion)


def save_grades(topic: Topic, student: User, marks: dict[int, tuple[int | None, str]]) -> list[Grade]:
    """Set `student`'s points and comment per criterion id; None points clears that grade."""
    criteria = {c.id: c for c in rubric(topic.id)}
    existing = {g.criterion_id: g for g in db.session.scalars(
        select(Grade).where(Grade.topic_id == topic.id, Grade.student_id == student.id))}
    saved = []
    for criterion_id, (points, comment) in marks.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise RuleError("That criterion is not in this debate's rubric.")
        comment = (comment or "").strip()
        if len(comment) > COMMENT_MAX:
            raise RuleError(f"A comment is at most {COMMENT_MAX} characters ({criterion.name}).")
        grade = existing.get(criterion_id)
        if points is None:
            if comment:
                raise RuleError(f"Give points for “{criterion.name}” with the comment.")
            if grade is not None:
                db.session.delete(grade)
            continue
        if not 0 <= points <= criterion.max_points:
            raise RuleError(f"“{criterion.name}” takes 0 to {criterion.max_points} points; {points} is outside.")
        if grade is None:
            grade = Grade(topic_id=topic.id, student_id=student.id, criterion_id=criterion_id)
            db.session.add(grade)
        grade.points, grade.comment, grade.graded_at = points, comment, utcnow()
        saved.append(grade)
    db.session.flush()
    return saved


def set_released(debate: ClassDebate, released: bool) -> ClassDebate:
    """Show students their grades (or hide them again). On release each graded
    student is told (`grade_released`, by mail too if they chose)."""
    was = debate.grades_released
    debate.grades_released = released
    if released and not was:
        topic = db.session.get(Topic, debate.topic_id)
        graded = select(Grade.student_id).where(Grade.topic_id == debate.topic_id).distinct()
        for student in db.session.scalars(select(User).where(User.id.in_(graded)).order_by(User.id)):
            notifications.notify(student, NotificationKind.GRADE_RELEASED, actor=None, topic=topic)
    return debate


@dataclass
class StudentGrades:
    student_id: int
    by_criterion: dict[int, Grade] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(g.points for g in self.by_criterion.values())


def grades_by_student(topic_id: int, student_id: int | None = None) -> dict[int, StudentGrades]:
    query = select(Grade).where(Grade.topic_id == topic_id)
    if student_id is not None:
        query = query.where(Grade.student_id == student_id)
    result: dict[int, StudentGrades] = {}
    for grade in db.session.scalars(query):
        result.setdefault(grade.student_id, StudentGrades(grade.student_id)).by_criterion[grade.criterion_id] = grade
    return result


def released_grades_for(debate: ClassDebate, student: User) -> StudentGrades | None:
    """A student's own grades, once released; never anyone else's."""
    if not debate.grades_released or not student.is_authenticated:
        return None
    return grades_by_student(debate.topic_id, student.id).get(student.id, StudentGrades(student.id))
