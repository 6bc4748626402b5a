"""Notifications by mail: each member's choice per kind, and the daily digests
(domain/mail_notifications.py)."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, enum_values, utcnow
from .follow import Notification, NotificationKind


class MailMode(StrEnum):
    OFF = "off"
    NOW = "now"  # a mail at once, for each notification
    DIGEST = "digest"  # in the day's digest


def _in(column: str, enum) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in enum_values(enum))})"


class MailPreference(db.Model):
    """How a member is mailed about one kind of notification; no row means the kind's default."""

    __tablename__ = "mail_preferences"
    __table_args__ = (CheckConstraint(_in("kind", NotificationKind), name="kind"),
                      CheckConstraint(_in("mode", MailMode), name="mode"))

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10))


class MailDigest(db.Model):
    """One member's digest of one (UTC) day: made once, whatever runs `mail digest` again."""

    __tablename__ = "mail_digests"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The mail it became; None when nothing was left to tell (all of it unreadable now).
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("mail_outbox.id", ondelete="SET NULL"))


class MailDigestItem(db.Model):
    """A notification waiting for its member's next digest (`digest_id` None), or gone into one
    (or left out of it: unreadable by then, or its kind turned off)."""

    __tablename__ = "mail_digest_items"
    __table_args__ = (Index("ix_mail_digest_items_waiting", "user_id", "digest_id"),)

    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"),
                                                 primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("mail_digests.id", ondelete="CASCADE"), index=True)

    notification: Mapped[Notification] = relationship()
