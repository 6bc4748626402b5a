"""Classes: private rooms where an instructor runs debates with sides, phases and grades."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .topics import Topic
from .users import User


class ClassRole(StrEnum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"


class SideMode(StrEnum):
    MANUAL = "manual"
    RANDOM = "random"
    CHOICE = "choice"


class PhaseKind(StrEnum):
    OPENING = "opening"
    REBUTTAL = "rebuttal"
    CLOSING = "closing"
    FINAL_VOTE = "final_vote"


class Classroom(db.Model):
    __tablename__ = "classrooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    term: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # An IANA zone name ("Europe/Paris"): phases are entered in it.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Classroom {self.id} {self.name!r}>"


class ClassMembership(db.Model):
    __tablename__ = "class_memberships"
    __table_args__ = (
        UniqueConstraint("class_id", "user_id"),
        CheckConstraint("role IN ('student', 'instructor')", name="role"),
        Index("ix_class_memberships_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default=ClassRole.STUDENT)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    classroom: Mapped[Classroom] = relationship()
    user: Mapped[User] = relationship()


class ClassDebate(db.Model):
    """The class-only settings of a debate topic (one row per class debate)."""

    __tablename__ = "class_debates"
    __table_args__ = (
        CheckConstraint("side_mode IN ('manual', 'random', 'choice')", name="side_mode"),
        CheckConstraint("side_cap IS NULL OR side_cap > 0", name="side_cap"),
    )

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    side_mode: Mapped[str] = mapped_column(String(10), default=SideMode.MANUAL)
    side_cap: Mapped[int | None] = mapped_column(Integer)
    grades_released: Mapped[bool] = mapped_column(Boolean, default=False)

    topic: Mapped[Topic] = relationship()


class ClassDebateSide(db.Model):
    __tablename__ = "class_debate_sides"
    __table_args__ = (
        UniqueConstraint("topic_id", "user_id"),
        CheckConstraint("side IN ('pro', 'con')", name="side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(10))


class DebatePhase(db.Model):
    __tablename__ = "debate_phases"
    __table_args__ = (
        UniqueConstraint("topic_id", "kind"),
        CheckConstraint("kind IN ('opening', 'rebuttal', 'closing', 'final_vote')", name="kind"),
        CheckConstraint("closes_at > opens_at", name="order"),
        CheckConstraint("word_limit IS NULL OR word_limit > 0", name="word_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    word_limit: Mapped[int | None] = mapped_column(Integer)


class PhaseExtension(db.Model):
    """One student's later close for one phase."""

    __tablename__ = "phase_extensions"
    __table_args__ = (UniqueConstraint("phase_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("debate_phases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RubricCriterion(db.Model):
    __tablename__ = "rubric_criteria"
    __table_args__ = (CheckConstraint("max_points > 0", name="max_points"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[int] = mapped_column(Integer)


class Grade(db.Model):
    __tablename__ = "grades"
    __table_args__ = (
        UniqueConstraint("criterion_id", "student_id"),
        CheckConstraint("points >= 0", name="points"),
        Index("ix_grades_topic_student", "topic_id", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criteria.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    graded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
