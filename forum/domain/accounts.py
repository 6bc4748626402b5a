"""Accounts: usernames, registration, authentication, roles."""
import re
import unicodedata

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Role, User
from . import names, sessions
from .errors import RuleError, unique_or

USERNAME_RE = re.compile(r"[A-Za-z0-9_-]{3,30}")
PASSWORD_MIN = 8
# Werkzeug's default (scrypt); the test suite swaps in a cheap one for speed.
HASH_METHOD = "scrypt"
# A real hash to compare against when the name is unknown, so that a failed
# login takes as long whether or not the account exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def username_key(username: str) -> str:
    """The form two usernames are compared in: NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", username).casefold()


def check_username(username: str) -> None:
    if not USERNAME_RE.fullmatch(username):
        raise RuleError("A username is 3 to 30 letters, digits, '_' or '-' (no spaces).")


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username_key == username_key(username)))


def create_user(username: str, email: str, password: str, role: Role = Role.MEMBER, *,
                registration_tag: str | None = None) -> User:
    """Every rule on the name is checked before the password is hashed (the costly part)."""
    check_username(username)
    if len(password) < PASSWORD_MIN:
        raise RuleError(f"A password needs at least {PASSWORD_MIN} characters.")
    if role not in Role.__members__.values():
        raise RuleError(f"Unknown role {role!r}; choose one of {', '.join(Role)}.")
    if find_user(username) is not None:
        raise RuleError("That username is taken.")
    skeleton = names.check_name_is_free(username, role=role, what="username")
    user = User(username=username, username_key=username_key(username), username_skeleton=skeleton,
                email=email.strip(), password_hash=generate_password_hash(password, HASH_METHOD), role=Role(role),
                registration_tag=registration_tag)
    with unique_or("That username is taken."):
        db.session.add(user)
        db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The user whose name and password these are, or None (never says which was wrong)."""
    user = find_user(username) if USERNAME_RE.fullmatch(username or "") else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def set_password(user: User, password: str) -> None:
    """A new password, which ends every other session of the member: whoever
    knew the old one and signed in with it is signed out."""
    if len(password) < PASSWORD_MIN:
        raise RuleError(f"A password needs at least {PASSWORD_MIN} characters.")
    user.password_hash = generate_password_hash(password, HASH_METHOD)
    sessions.end_other_sessions(user)
