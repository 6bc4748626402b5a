"""Member sessions that can be ended.

Each sign-in makes one `UserSession` row, and the browser's cookies (Flask's
session cookie and Flask-Login's remember-me cookie) carry `<user id>.<token>`,
its `cookie_id`. The user loader signs a request in only while that row exists
and has not expired, so deleting the row ends the session wherever its cookies
were copied to. Only the token's SHA-256 is stored: the table alone signs
nobody in.
"""
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ..extensions import db
from ..models import User, UserSession, utcnow
from .errors import RuleError

# A session without "keep me signed in" ends with the browser (its cookie has no
# date) and on the server after this long, whichever comes first.
SESSION_DAYS = 14
REMEMBER_DAYS = 30  # config REMEMBER_COOKIE_DURATION is the cookie's side of it
_COOKIE_ID = re.compile(r"(\d{1,18})\.([A-Za-z0-9_-]{20,100})")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_cookie_id(cookie_id: str) -> tuple[int, str] | None:
    """(user id, token hash) of a well-formed cookie id, else None."""
    match = _COOKIE_ID.fullmatch(cookie_id or "")
    return (int(match[1]), token_hash(match[2])) if match else None


def start_session(user: User, *, remember: bool, user_agent: str = "",
                  now: datetime | None = None) -> str:
    """A new session for `user`; returns its cookie id (also set as `user.cookie_id`,
    which Flask-Login's `login_user` reads through `get_id`)."""
    now = now or utcnow()
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, token_hash=token_hash(token), created_at=now, remember=remember,
                      expires_at=now + timedelta(days=REMEMBER_DAYS if remember else SESSION_DAYS),
                      user_agent=(user_agent or "")[:200])
    db.session.add(row)
    db.session.flush()
    user.cookie_id, user.session_row_id = f"{user.id}.{token}", row.id
    return user.cookie_id


def end_session(user: User, session_id: int) -> None:
    """End one of `user`'s sessions (theirs only: another member's id is refused)."""
    ended = db.session.execute(delete(UserSession).where(UserSession.id == session_id,
                                                         UserSession.user_id == user.id))
    if ended.rowcount == 0:
        raise RuleError("That session has already ended.")


def end_this_session(user: User) -> None:
    """Sign-out: the session making this request ends (already ended elsewhere is fine)."""
    db.session.execute(delete(UserSession).where(UserSession.id == user.session_row_id))


def end_other_sessions(user: User) -> int:
    """End every session of `user` but the one making this request; how many ended."""
    ended = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                         UserSession.id != user.session_row_id))
    return ended.rowcount


def active_sessions(user: User, now: datetime | None = None) -> list[UserSession]:
    """The member's sessions, newest first."""
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at > (now or utcnow()))
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())))


_BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari")]
_SYSTEMS = [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]


def device_label(user_agent: str) -> str:
    """"Firefox on Linux": enough for a member to tell their sessions apart."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An unknown browser"
