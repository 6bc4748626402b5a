"""Setting a new password by a link sent by mail (or printed for an admin).

The link carries a token signed with SECRET_KEY (itsdangerous, salted for this
use): the account's id, the time it was made, and a fingerprint of the account's
password hash and address (an HMAC of them, so the token shows neither). Nothing
is stored. The token is refused when:

- it is more than RESET_SECONDS (an hour) old;
- the password changed since it was made, which includes its own use: setting
  the new password changes the hash, so the link works once, and every other
  link sent before it dies with it; or the address changed;
- a single character of it was changed (the signature).

Asking for a link always answers the same, whether or not an account matches,
and does the same work either way: one query, a token, both parts of the mail
rendered, one limiter count and one outbox row, which for no account (or a
spent allowance) is a void row that is never sent (domain/mail.py).
"""
import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timezone
from types import SimpleNamespace

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import User, utcnow
from . import accounts, mail
from .errors import RuleError

RESET_SECONDS = 3600
RESET_PATH = "/auth/reset/"  # the view's route (tests/test_password_reset.py checks they agree)
MAX_ACCOUNTS = 5  # accounts listed in one mail to an address several share
_SALT = "password-reset"
# Stands in for an account when none matches, so that the same work is done.
_NOBODY = SimpleNamespace(id=0, username="nobody", email="", password_hash="scrypt:32768:8:1$" + "0" * 144)

EXPIRED = "This link has expired: a link to set a new password works for an hour. Ask for a new one below."
USED = ("This link has been used already, or the account's password or address has changed since it "
        "was sent. Ask for a new one below.")
INVALID = "This link is not a valid one (it may have been cut short when copied). Ask for a new one below."


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(user) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    state = f"{user.password_hash}\n{user.email}".encode()
    return hmac.new(key, b"reset:" + state, hashlib.sha256).hexdigest()[:32]


def issue_token(user: User) -> str:
    return _serializer().dumps([user.id, _fingerprint(user)])


def link(token: str) -> str:
    """The page a token opens, at SITE_URL (never the Host a request claimed)."""
    return current_app.config["SITE_URL"].rstrip("/") + RESET_PATH + token


def check_token(token: str, now: datetime | None = None) -> User:
    """The account a token may set a password for, or RuleError saying why not."""
    try:
        (user_id, fingerprint), made = _serializer().loads(token, return_timestamp=True)
    except (BadSignature, TypeError, ValueError):
        raise RuleError(INVALID) from None
    made = made.replace(tzinfo=made.tzinfo or timezone.utc)
    if ((now or utcnow()) - made).total_seconds() > RESET_SECONDS:
        raise RuleError(EXPIRED)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not hmac.compare_digest(str(fingerprint), _fingerprint(user)):
        raise RuleError(USED)
    return user


def reset_password(token: str, password: str, *, keep_session: int | None = None,
                   now: datetime | None = None) -> User:
    """Set the password a valid token is for. Every session of the member ends but
    `keep_session`: the one making the request, when it is the member's own."""
    user = check_token(token, now)
    user.session_row_id = keep_session  # what set_password keeps (sessions.end_other_sessions)
    accounts.set_password(user, password)
    return user


def request_reset(identifier: str, may_send: Callable[[str], bool]) -> None:
    """Mail a link to the account named (by username or address), if one is.

    `may_send(key)` counts one reset mail against the allowance of that address
    and says whether there is any left (forum/web/limits.py); when there is not,
    nothing is sent, and the person is told the same as ever."""
    identifier = (identifier or "").strip()
    found = list(db.session.scalars(
        select(User).where(or_(User.username_key == accounts.username_key(identifier),
                               func.lower(User.email) == identifier.lower()))
        .order_by(User.id).limit(MAX_ACCOUNTS)))
    address = found[0].email if found else ""
    allowed = may_send((address or identifier).casefold())
    links = [(user.username, link(issue_token(user))) for user in (found or [_NOBODY])]
    context = {"links": links, "minutes": RESET_SECONDS // 60, "site_url": current_app.config["SITE_URL"]}
    text = render_template("mail/password_reset.txt", **context)
    html = render_template("mail/password_reset.html", **context)
    mail.enqueue(address, f"Set a new password on {current_app.config['SITE_NAME']}", text, html,
                 kind="password_reset", user=found[0] if found else None,
                 void=not (found and allowed and address))  # a class account may have no address
