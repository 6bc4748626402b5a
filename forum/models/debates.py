"""Debates: quality votes, ∆ "changed my view", stance polls, sources, "needs a source"."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .topics import Post, Topic
from .users import User


class PollPhase(StrEnum):
    BEFORE = "before"
    AFTER = "after"


class Vote(db.Model):
    """A "strong argument" vote: quality, not agreement."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    # NULL: given by a member who has since deleted their account (the vote still counts).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delta(db.Model):
    """∆: this post changed the awarder's view, and the explanation says how."""

    __tablename__ = "deltas"
    __table_args__ = (UniqueConstraint("post_id", "awarder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    # NULL: given by a member who has since deleted their account.
    awarder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The post's author, kept here so a profile lists ∆ received in one query.
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    explanation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship()
    awarder: Mapped[User | None] = relationship(foreign_keys=[awarder_id])


class StancePoll(db.Model):
    """Where a member stands on a motion, before reading on or after: -2 … +2."""

    __tablename__ = "stance_polls"
    __table_args__ = (
        UniqueConstraint("topic_id", "user_id", "phase"),
        CheckConstraint("phase IN ('before', 'after')", name="phase"),
        CheckConstraint("value BETWEEN -2 AND 2", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    # NULL: a member who has since deleted their account (the answer still counts).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    phase: Mapped[str] = mapped_column(String(10))
    value: Mapped[int] = mapped_column(SmallInteger)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topic: Mapped[Topic] = relationship()


class PollAnswer(db.Model):
    """Every answer a member gave a stance poll, with its time: `StancePoll` holds
    the current ones, this the whole history (a reader's timeline), and the
    arguments each changed answer credits (`PollCredit`)."""

    __tablename__ = "poll_answers"
    __table_args__ = (
        CheckConstraint("phase IN ('before', 'after')", name="phase"),
        CheckConstraint("value BETWEEN -2 AND 2", name="value"),
        # A reader's answers in a debate, newest last; a debate's latest "after" answers.
        Index("ix_poll_answers_reader", "topic_id", "user_id", "phase", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # NULL: a deleted account's
    phase: Mapped[str] = mapped_column(String(10))
    value: Mapped[int] = mapped_column(SmallInteger)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PollCredit(db.Model):
    """An argument a reader credits with moving them, on the answer that moved."""

    __tablename__ = "poll_credits"
    __table_args__ = (UniqueConstraint("answer_id", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("poll_answers.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)


class Source(db.Model):
    """Evidence under an argument: a title and an http(s) address."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SourceRequest(db.Model):
    """A member's "needs a source" mark on a post."""

    __tablename__ = "source_requests"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    # NULL: a member who has since deleted their account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


__all__ = ["Delta", "PollAnswer", "PollCredit", "PollPhase", "Source", "SourceRequest", "StancePoll", "Vote"]
