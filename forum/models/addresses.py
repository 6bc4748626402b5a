"""Changes of address that can be undone, and the sign-in codes of class accounts."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User


class EmailChange(db.Model):
    """One change of a member's address: what it was (and whether it was confirmed),
    so that the old address's undo link (domain/addresses.py) can put it back."""

    __tablename__ = "email_changes"
    __table_args__ = (Index("ix_email_changes_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    old_address: Mapped[str | None] = mapped_column(String(254))
    old_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_address: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Undone by its link, or closed by an undo of an earlier change: its link no longer works.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ClassSignInCode(db.Model):
    """A class account (made from an instructor's list, domain/class_accounts.py): the
    class it was made for, and its one-time sign-in code, if one is outstanding. Only
    the code's keyed hash is stored; a new code replaces it, using it clears it."""

    __tablename__ = "class_sign_in_codes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
