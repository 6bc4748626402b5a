from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


# What a deleted account is called wherever a name is shown (domain/leaving.py): its
# username from then on, which no one can register (not a valid username) or link to.
DELETED_NAME = "[deleted member]"

# The badge beside the name of each kind of staff (templates/_macros/names.html has the same).
STAFF_BADGES = {Role.MODERATOR: "Moderator", Role.ADMIN: "Admin", Role.INSTRUCTOR: "Instructor"}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    # NFKC + casefold of the username: the unique key, so "Maya" and "maya" clash.
    username_key: Mapped[str] = mapped_column(String(30), unique=True)
    # '': no address, as a class account has (domain/class_accounts.py) until its student adds one.
    email: Mapped[str] = mapped_column(String(254))
    # When the address was confirmed by its link (domain/addresses.py); None: not yet, or
    # no address. Accounts older than confirmation links were marked confirmed (0020).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    # What the username and display name look like (domain/names.py): another
    # member's name may not look the same. NULL: no display name.
    username_skeleton: Mapped[str] = mapped_column(String(255), index=True, default="", server_default="")
    display_skeleton: Mapped[str | None] = mapped_column(String(255), index=True)
    # Where the account was registered from, as a keyed hash of the address (web/limits.py
    # address_tag): moderators see accounts made from one address within a day. NULL: unknown.
    registration_tag: Mapped[str | None] = mapped_column(String(32))
    bio: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    # Posts everyone can read (a public topic, not deleted, not hidden, held or removed),
    # kept by posting.count_public in the transaction of every write that changes it.
    post_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the member deleted their account (domain/leaving.py): the row stays, emptied,
    # for what points at it (posts, grades, the audit log), and shows DELETED_NAME.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @hybrid_property
    def name(self) -> str:
        """What the forum shows for this person."""
        return self.display_name or self.username

    @name.inplace.expression
    @classmethod
    def _name_expression(cls):
        return func.coalesce(func.nullif(cls.display_name, ""), cls.username)

    @property
    def staff_badge(self) -> str | None:
        """The badge shown beside a staff member's name wherever it appears."""
        return STAFF_BADGES.get(self.role)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_instructor(self) -> bool:
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)

    # This request's session (sessions.start_session, or the user loader): what the
    # cookies carry and the row that ending the session deletes. Not columns.
    cookie_id = None
    session_row_id = None

    def get_id(self) -> str:
        """What Flask-Login puts in the session and remember-me cookies: the
        session's cookie id, never the bare user id, so that ending the session
        ends every copy of its cookies."""
        if self.cookie_id is None:
            raise RuntimeError("A member signs in through sessions.start_session.")
        return self.cookie_id

    # UserMixin compares members by get_id, which only the signed-in one has.
    def __eq__(self, other):
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserSession(db.Model):
    """One signed-in browser: the server's half of a session cookie and of a
    remember-me cookie. Both carry `<user id>.<token>`; only the token's SHA-256
    is stored. Deleting the row ends that browser's session, whatever cookies it
    kept (sign-out, a password change, "end this session" in settings)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the member sees to tell their sessions apart ("Firefox on Linux").
    user_agent: Mapped[str] = mapped_column(String(200), default="")
