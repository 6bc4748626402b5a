"""Following: notifications, watched and muted topics, and each person's settings for them."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, enum_values, utcnow
from .topics import Post, Topic
from .users import User


class NotificationKind(StrEnum):
    REPLY = "reply"
    MENTION = "mention"
    WATCHED = "watched"
    DELTA = "delta"
    VOTE_MILESTONE = "vote_milestone"
    MODERATION = "moderation"
    CLASS_ANNOUNCEMENT = "class_announcement"
    PHASE_OPEN = "phase_open"
    APPEAL = "appeal"  # to admins: an appeal that only an admin can decide
    GRADE_RELEASED = "grade_released"  # to a student: their grades in a class debate are out


class WatchLevel(StrEnum):
    WATCHING = "watching"
    MUTED = "muted"


def _in(column: str, enum) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in enum_values(enum))})"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(_in("kind", NotificationKind), name="kind"),
        # The header's unread count and the list, newest first.
        Index("ix_notifications_recipient_read", "recipient_id", "read_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    post: Mapped[Post | None] = relationship()
    topic: Mapped[Topic | None] = relationship()


class TopicWatch(db.Model):
    """A person watches a topic (told of every new post) or mutes it (told of nothing)."""

    __tablename__ = "topic_watches"
    __table_args__ = (CheckConstraint(_in("level", WatchLevel), name="level"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)
    level: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationOptOut(db.Model):
    """A kind of notification a person turned off (every kind is on until then)."""

    __tablename__ = "notification_opt_outs"
    __table_args__ = (CheckConstraint(_in("kind", NotificationKind), name="kind"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)


class FollowSettings(db.Model):
    """Per-person following settings; no row means the defaults."""

    __tablename__ = "follow_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Watch the topics you start or post in.
    auto_watch: Mapped[bool] = mapped_column(default=True)
