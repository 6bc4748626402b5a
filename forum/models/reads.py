"""What each member has read: per topic, the newest post there when they last opened it."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class TopicRead(db.Model):
    """A member's read mark on a topic: posts after `last_seen_post_id` are new to them.

    Only its member ever sees it: it is in their viewer state (pages/viewer.py),
    never in a topic's version (no trigger of 0015 watches this table)."""

    __tablename__ = "topic_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True)
    # A high-water mark, not a reference: the post may be deleted since.
    last_seen_post_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


__all__ = ["TopicRead"]
