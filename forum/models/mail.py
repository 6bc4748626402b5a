"""The mail outbox: every message the forum sends, written in the transaction of
the event that causes it and delivered later by a worker (domain/mail.py)."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, enum_values, utcnow


class MailStatus(StrEnum):
    PENDING = "pending"  # to be sent, from next_attempt_at on
    SENT = "sent"
    FAILED = "failed"  # not delivered within MAIL_GIVE_UP_HOURS: given up, kept for the record
    # Never to be sent: written where a message would have been (a password reset for a
    # name no account has), so that the request does the same work either way.
    VOID = "void"


class OutboxMessage(db.Model):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "<…@domain>", chosen when the message is written: every attempt sends the same,
    # so a message sent twice (a crash between sending and marking) is one to a reader.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a pending message is next due; while a worker holds it, the end of its lease
    # (`claimed_by`): no other worker takes it before then.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A notification's one-click unsubscribe (RFC 8058): sent as List-Unsubscribe with
    # List-Unsubscribe-Post (domain/mail_notifications.py). None for other mail.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(v) for v in enum_values(MailStatus))})", name="status"),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
    )
