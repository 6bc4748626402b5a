"""Confirmed addresses: a link to confirm a new address, and an undo link for the old one.

A new address (on registering, or changed in settings) is sent a link that
confirms it. The link carries a token signed with SECRET_KEY (itsdangerous,
salted for this use) holding the account's id and a fingerprint (an HMAC) of
its address and of when that was confirmed; nothing is stored. It is refused
when it is more than CONFIRM_HOURS old, when a character of it was changed,
and when the fingerprint no longer matches: once used (the confirmation time
is part of it) and once the address has changed again.

A change of address is kept as an `EmailChange` row (the old address, and
whether it was confirmed), and the old address, if it was confirmed (else it was
never shown to be the member's), is told, with a link that undoes
the change for UNDO_DAYS: the old address comes back (confirmed as it was), the
change and every later one are closed (their links no longer work), and every
session of the member ends but the one making the request, if it is theirs,
because whoever changed the address may have been signed in as them.

Until an address is confirmed an account reads and posts as any other (trust
rules aside); with REQUIRE_VERIFIED_EMAIL on, posting waits for it. A class
account (domain/class_accounts.py) is vouched for by its instructor and needs
no address to post.
"""
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update

from ..extensions import db
from ..models import ClassSignInCode, EmailChange, User, utcnow
from . import mail, sessions
from .errors import RuleError

UNDO_DAYS = 7
CONFIRM_PATH = "/auth/confirm-address/"  # the views' routes (tests check they agree)
UNDO_PATH = "/auth/undo-address/"
ADDRESS_MAX = 254

CONFIRM_EXPIRED = ("This confirmation link has expired: a link works for {hours} hours. "
                   "Sign in and ask for a new one in Settings.")
CONFIRM_USED = ("This confirmation link has been used already, or the account's address has changed since "
                "it was sent. The Settings page says whether your address is confirmed.")
INVALID = "This link is not a valid one (it may have been cut short when copied)."
UNDO_EXPIRED = f"This link has expired: a change of address can be undone for {UNDO_DAYS} days."
UNDO_USED = "This change has been undone already; the link works once."
NEEDS_CONFIRMATION = ("Confirm your email address before posting: this forum asks for it. Use the link we "
                      "mailed you, or “Resend confirmation”. Nothing was posted; your text is kept.")


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=moment.tzinfo or timezone.utc)


def _fingerprint(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    verified = user.email_verified_at.isoformat() if user.email_verified_at else ""
    state = f"{user.email}\n{verified}".encode()
    return hmac.new(key, b"confirm-address:" + state, hashlib.sha256).hexdigest()[:32]


def _link(path: str, token: str) -> str:
    return current_app.config["SITE_URL"].rstrip("/") + path + token


def clean_address(address: str | None) -> str:
    address = (address or "").strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or len(address) > ADDRESS_MAX or any(c.isspace() for c in address):
        raise RuleError("Give an email address like name@example.org.")
    return address


def is_confirmed(user: User) -> bool:
    return bool(user.email) and user.email_verified_at is not None


def is_class_account(user: User) -> bool:
    return db.session.get(ClassSignInCode, user.id) is not None


def must_confirm(user) -> bool:
    """Whether `user` may not post until their address is confirmed (a Jinja global)."""
    if not getattr(user, "is_authenticated", False) or not current_app.config["REQUIRE_VERIFIED_EMAIL"]:
        return False
    return not is_confirmed(user) and not is_class_account(user)


def check_may_post(author: User) -> None:
    """Called where a topic or a post is written (posting.py)."""
    if must_confirm(author):
        raise RuleError(NEEDS_CONFIRMATION)


# --- Confirming --------------------------------------------------------------------------

def confirm_hours() -> int:
    return int(current_app.config["EMAIL_CONFIRM_HOURS"])


def send_confirmation(user: User) -> None:
    """Mail the account's address a link that confirms it (in the caller's transaction)."""
    if not user.email:
        raise RuleError("Your account has no email address to confirm; add one first.")
    if is_confirmed(user):
        raise RuleError("Your address is already confirmed.")
    token = _serializer("confirm-address").dumps([user.id, _fingerprint(user)])
    context = {"username": user.username, "address": user.email, "link": _link(CONFIRM_PATH, token),
               "hours": confirm_hours(), "site_url": current_app.config["SITE_URL"]}
    mail.enqueue(user.email, f"Confirm your address on {current_app.config['SITE_NAME']}",
                 render_template("mail/address_confirm.txt", **context),
                 render_template("mail/address_confirm.html", **context), kind="address_confirm", user=user)


def check_confirm_token(token: str, now: datetime | None = None) -> User:
    """The account a confirmation link is for, or RuleError saying why it no longer works."""
    try:
        (user_id, fingerprint), made = _serializer("confirm-address").loads(token, return_timestamp=True)
    except (BadSignature, TypeError, ValueError):
        raise RuleError(INVALID) from None
    if ((now or utcnow()) - _aware(made)) > timedelta(hours=confirm_hours()):
        raise RuleError(CONFIRM_EXPIRED.format(hours=confirm_hours()))
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not hmac.compare_digest(str(fingerprint), _fingerprint(user)):
        raise RuleError(CONFIRM_USED)
    return user


def vouch_for(user: User) -> None:
    """An address confirmed by whoever set it up, not by a link: the operator who typed
    it on the command line, or the demo's seed."""
    user.email_verified_at = utcnow()


def confirm_address(token: str, now: datetime | None = None) -> User:
    user = check_confirm_token(token, now)
    user.email_verified_at = now or utcnow()
    return user


# --- Changing, and undoing a change ------------------------------------------------------

def change_address(user: User, address: str, now: datetime | None = None) -> EmailChange | None:
    """A new address, not confirmed yet: the new one gets a link to confirm it, the old
    one (if confirmed) is told, with a link that undoes the change. The same address
    in other capitals is kept as typed, still confirmed (None)."""
    address = clean_address(address)
    if address == user.email:
        raise RuleError("That is already your address; nothing was changed.")
    if address.casefold() == (user.email or "").casefold():
        user.email = address  # only the case differs: the same mailbox, still confirmed
        return None
    now = now or utcnow()
    change = EmailChange(user_id=user.id, old_address=user.email or None, old_verified_at=user.email_verified_at,
                         new_address=address, created_at=now)
    db.session.add(change)
    db.session.flush()
    old = user.email
    user.email, user.email_verified_at = address, None
    send_confirmation(user)
    if old and change.old_verified_at is not None:  # an address never confirmed was never shown to be theirs
        token = _serializer("undo-address").dumps([change.id, user.id])
        context = {"username": user.username, "old": old, "new": address, "days": UNDO_DAYS,
                   "link": _link(UNDO_PATH, token), "site_url": current_app.config["SITE_URL"]}
        mail.enqueue(old, f"Your address on {current_app.config['SITE_NAME']} was changed",
                     render_template("mail/address_changed.txt", **context),
                     render_template("mail/address_changed.html", **context), kind="address_changed", user=user)
    return change


def check_undo_token(token: str, now: datetime | None = None) -> EmailChange:
    """The change an undo link is for, or RuleError saying why it no longer works."""
    try:
        change_id, user_id = _serializer("undo-address").loads(token)
    except (BadSignature, TypeError, ValueError):
        raise RuleError(INVALID) from None
    change = db.session.get(EmailChange, change_id) if isinstance(change_id, int) else None
    if change is None or change.user_id != user_id:
        raise RuleError(INVALID)
    if change.closed_at is not None:
        raise RuleError(UNDO_USED)
    if (now or utcnow()) - change.created_at > timedelta(days=UNDO_DAYS):
        raise RuleError(UNDO_EXPIRED)
    return change


def undo_change(token: str, *, keep_session: int | None = None, now: datetime | None = None) -> User:
    """Put the old address back and end every session of the member but `keep_session`."""
    now = now or utcnow()
    change = check_undo_token(token, now)
    user = db.session.get(User, change.user_id)
    user.email, user.email_verified_at = change.old_address or "", change.old_verified_at
    db.session.execute(update(EmailChange).where(EmailChange.user_id == user.id, EmailChange.id >= change.id,
                                                 EmailChange.closed_at.is_(None)).values(closed_at=now))
    user.session_row_id = keep_session
    sessions.end_other_sessions(user)
    return user


def open_changes(user: User) -> list[EmailChange]:
    """The member's changes whose undo links still work (for tests and the record)."""
    since = utcnow() - timedelta(days=UNDO_DAYS)
    return list(db.session.scalars(select(EmailChange).where(
        EmailChange.user_id == user.id, EmailChange.closed_at.is_(None), EmailChange.created_at > since)))
