"""Moderation: flags, the audit log, appeals, messages to members, watched words, mutes.

Post.status (PostStatus: visible, hidden, removed, held) lives on the Post, in topics.py;
a topic's opening text has the same status (never held) on the Topic. A flag or an
appeal is about one post or one topic's opening text (`post_id` or `topic_id`).
"""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, and_, cast, event,
                        exists, func, select, text)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .topics import Post, Topic
from .users import User


class FlagReason(StrEnum):
    SPAM = "spam"
    ABUSIVE = "abusive"
    OFF_TOPIC = "off_topic"
    MISLEADING = "misleading"
    OTHER = "other"


FLAG_REASON_LABELS = {
    FlagReason.SPAM: "Spam", FlagReason.ABUSIVE: "Abusive", FlagReason.OFF_TOPIC: "Off-topic",
    FlagReason.MISLEADING: "Misleading", FlagReason.OTHER: "Other",
}


class FlagStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class AppealStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"      # the removal stands
    RESTORED = "restored"  # the post is back


class WordAction(StrEnum):
    BLOCK = "block"
    HOLD = "hold"


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(m.value) for m in enum)})"


class Flag(db.Model):
    __tablename__ = "flags"
    __table_args__ = (
        CheckConstraint(_in("reason", FlagReason), name="reason"),
        CheckConstraint(_in("status", FlagStatus), name="status"),
        CheckConstraint("reason <> 'other' OR length(note) > 0", name="other_has_note"),
        CheckConstraint("(post_id IS NULL) <> (topic_id IS NULL)", name="one_target"),
        # One open flag per member per post (or topic), decided by the database.
        Index("uq_flags_open_post_flagger", "post_id", "flagger_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("uq_flags_open_topic_flagger", "topic_id", "flagger_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_flags_flagger_created", "flagger_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What is flagged: a post, or a topic's opening text (exactly one of the two).
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    flagger_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=FlagStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    post: Mapped[Post | None] = relationship()
    topic: Mapped[Topic | None] = relationship()
    flagger: Mapped[User] = relationship(foreign_keys=[flagger_id])

    @property
    def reason_label(self) -> str:
        return FLAG_REASON_LABELS[FlagReason(self.reason)]


class ModAction(db.Model):
    """One line of the audit log: written with the action, never changed or deleted."""

    __tablename__ = "mod_actions"
    __table_args__ = (
        Index("ix_mod_actions_created", "created_at"),
        Index("ix_mod_actions_actor_created", "actor_id", "created_at"),
        Index("ix_mod_actions_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL when the forum acted by itself (a post hidden by the flag threshold).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    post: Mapped[Post | None] = relationship()
    topic: Mapped[Topic | None] = relationship()


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit log entry."""


@event.listens_for(ModAction, "before_update")
@event.listens_for(ModAction, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AuditLogIsAppendOnly("The moderation log is append-only.")


class Appeal(db.Model):
    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint(_in("status", AppealStatus), name="status"),
        CheckConstraint("(post_id IS NULL) <> (topic_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Once per post, or per topic's opening text, decided by the database.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=AppealStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    post: Mapped[Post | None] = relationship()
    topic: Mapped[Topic | None] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])


class MemberMessage(db.Model):
    """Something a moderator (or the forum) tells one member; shown until dismissed."""

    __tablename__ = "member_messages"
    __table_args__ = (Index("ix_member_messages_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# A signed-in member's unread messages, for the banner every page shows. The user
# loader (forum/__init__.py) reads `has_unread_messages` with the member and, when
# it is false, as it nearly always is, sets the list empty without a query.
User.unread_messages = relationship(
    MemberMessage, viewonly=True, order_by=MemberMessage.id,
    primaryjoin=lambda: and_(MemberMessage.user_id == User.id, MemberMessage.read_at.is_(None)))
User.has_unread_messages = column_property(
    exists().where(MemberMessage.user_id == User.id, MemberMessage.read_at.is_(None)), deferred=True)


class WatchedWord(db.Model):
    __tablename__ = "watched_words"
    __table_args__ = (CheckConstraint(_in("action", WordAction), name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(100), unique=True)
    action: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Mute(db.Model):
    __tablename__ = "mutes"
    __table_args__ = (
        UniqueConstraint("muter_id", "muted_id"),
        CheckConstraint("muter_id <> muted_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    muter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    muted_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Whom a member mutes ("3,17"), loaded with them by the user loader so that the
# pages that ask (moderation.muted_ids) cost no query of their own.
User.muted_list = column_property(
    select(func.aggregate_strings(cast(Mute.muted_id, String), ","))
    .where(Mute.muter_id == User.id).correlate_except(Mute).scalar_subquery(),
    deferred=True)


__all__ = ["Appeal", "AppealStatus", "AuditLogIsAppendOnly", "FLAG_REASON_LABELS", "Flag",
           "FlagReason", "FlagStatus", "MemberMessage", "ModAction", "Mute",
           "WatchedWord", "WordAction"]
