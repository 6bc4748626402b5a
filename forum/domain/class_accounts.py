"""Class accounts without e-mail: made by an instructor from a list of names, each
with a one-time sign-in code printed on a sheet.

A code is CODE_LENGTH letters of CODE_ALPHABET (no letter that reads as another
or as a digit: no I, L, O), shown in two groups ("ABCDE-FGHJK"), typed in any
case, with or without the dash or spaces. Only its keyed hash (HMAC-SHA256 with
SECRET_KEY) is stored, on the account's `ClassSignInCode` row, which also says
which class made the account. It works once, for CLASS_CODE_DAYS days; a new one
(which the class's instructors may issue for the class's accounts, and nothing
else of them) replaces it. Signing in with a code sets the student's password,
ends any other session of theirs, and uses the code up.

The account has no address ('') until its student adds one in settings, which
then goes through confirmation (addresses.py); once one is confirmed the student
resets their own password by mail, and their instructor can no longer issue a code.
"""
import csv
import hashlib
import hmac
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import ClassMembership, ClassRole, ClassSignInCode, Classroom, Role, User, utcnow
from . import accounts, addresses, class_rules, classes, names
from .errors import RuleError

# Capitals without look-alikes: no I or L (1, l), no O (0).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 23^10: about 45 bits; guessing is limited as failed sign-ins are
NAMES_MAX = 200
NAME_MAX = names.DISPLAY_NAME_MAX
_USERNAME_BASE_MAX = 24  # room for a suffix ("-200") within the 30 a username may have
_CSV_HEADERS = {"name", "names", "student", "students", "student name", "full name"}
NO_MATCH = ("That username and code don't match a class account's current code (a code works once). "
            "Check both on your sheet, or ask your instructor for a new code.")


# --- Codes -----------------------------------------------------------------------------------

def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """As printed: two groups of five."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_code(typed: str | None) -> str:
    """What a person typed, as compared: capitals, without spaces or dashes."""
    return re.sub(r"[\s\-‐-―]", "", typed or "").upper()


def code_hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"class-code:" + normalise_code(code).encode(), hashlib.sha256).hexdigest()


def code_days() -> int:
    return int(current_app.config["CLASS_CODE_DAYS"])


def _give_code(row: ClassSignInCode, issuer: User, now: datetime) -> str:
    code = new_code()
    row.code_hash, row.issued_at, row.expires_at = code_hash(code), now, now + timedelta(days=code_days())
    row.issued_by_id = issuer.id
    return code


# --- Reading the list ------------------------------------------------------------------------

def read_list(text: str | None, csv_data: bytes | None) -> list[str]:
    """The names pasted, or those of an uploaded file (not both)."""
    if csv_data is not None:
        if (text or "").strip():
            raise RuleError("Paste the names or upload a file, not both: nothing was created.")
        return parse_csv(csv_data)
    return parse_names(text)


def parse_names(text: str | None) -> list[str]:
    """One name a line, cleaned as display names are; blank lines skipped."""
    return _checked([(number, line) for number, line in enumerate((text or "").splitlines(), 1)])


def parse_csv(data: bytes) -> list[str]:
    """A one-column CSV (UTF-8, a header row "name" allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RuleError("The file is not UTF-8 text; save it as “CSV UTF-8” and upload it again.") from None
    lines = []
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise RuleError(f"The file could not be read as CSV: {error}.") from None
    for number, row in enumerate(rows, 1):
        cells = [cell for cell in row if cell.strip()]
        if len(cells) > 1:
            raise RuleError(f"Line {number} of the file has {len(cells)} columns; the file must have one "
                            f"column, a student's name on each line.")
        if number == 1 and cells and cells[0].strip().casefold() in _CSV_HEADERS:
            continue
        lines.append((number, cells[0] if cells else ""))
    return _checked(lines)


def _checked(lines: list[tuple[int, str]]) -> list[str]:
    found: dict[str, int] = {}
    result = []
    for number, raw in lines:
        name = names.clean_display_name(raw)
        if not name:
            continue
        if len(name) > NAME_MAX:
            raise RuleError(f"Line {number}: a name is at most {NAME_MAX} characters.")
        key = names.skeleton(name) or name.casefold()
        if key in found:
            raise RuleError(f"Line {number}: “{name}” is on line {found[key]} already (or looks the same). "
                            f"Give each student once; add an initial to tell two apart.")
        found[key] = number
        result.append(name)
    if not result:
        raise RuleError("The list is empty: give one student's name on each line.")
    if len(result) > NAMES_MAX:
        raise RuleError(f"That is {len(result)} names; at most {NAMES_MAX} can be added at once.")
    return result


# --- Making the accounts ---------------------------------------------------------------------

def username_base(name: str) -> str:
    """A username's stem from a person's name: "Zoë O'Brien" gives "zoe-obrien"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.replace("'", "").replace("’", "").lower())
    base = "-".join(words)[:_USERNAME_BASE_MAX].strip("-")
    return base if len(base) >= 3 else (base + "-student" if base else "student")


def _free_username(name: str) -> tuple[str, str]:
    """An unused username for `name` (a suffix when the stem is taken) and its skeleton."""
    base = username_base(name)
    candidates = [base, *(f"{base}-{n}" for n in range(2, NAMES_MAX + 2))]
    for candidate in candidates:
        if accounts.find_user(candidate) is not None:
            continue
        try:
            return candidate, names.check_name_is_free(candidate, what="username")
        except RuleError:
            continue
    raise RuleError("No username could be made from it (it reads as a staff word or as other members' names); "
                    "write the name differently.")


@dataclass(frozen=True)
class Issued:
    """A row of the printed sheet: the code is shown once, here, and never stored."""
    user: User
    code: str
    expires_at: datetime

    @property
    def shown_code(self) -> str:
        return shown_code(self.code)


def add_students(classroom: Classroom, instructor: User, student_names: list[str],
                 now: datetime | None = None) -> list[Issued]:
    """An account for each name, joined to the class, each with a code. A refusal of
    any name (with its line) changes nothing: the caller rolls back."""
    class_rules.check_writable(classroom)
    now = now or utcnow()
    existing = set(db.session.scalars(
        select(User.display_name).join(ClassMembership, ClassMembership.user_id == User.id)
        .where(ClassMembership.class_id == classroom.id)))
    issued = []
    for number, name in enumerate(student_names, 1):
        if name in existing:
            raise RuleError(f"Name {number}: “{name}” is in this class already. To give them a new code, "
                            f"use “New sign-in code” in the roster.")
        try:
            user = _new_account(name, now)
        except RuleError as error:
            raise RuleError(f"Name {number} (“{name}”): {error} Nothing was created.") from None
        db.session.add(ClassMembership(class_id=classroom.id, user_id=user.id, role=ClassRole.STUDENT,
                                       joined_at=now))
        row = ClassSignInCode(user_id=user.id, class_id=classroom.id)
        issued.append(Issued(user, _give_code(row, instructor, now), row.expires_at))
        db.session.add(row)
        db.session.flush()
        classes.seat_latecomer(classroom, user)
    return issued


def _new_account(name: str, now: datetime) -> User:
    """No password anyone knows ("!…" matches none) until the code's first use sets one."""
    username, skeleton = _free_username(name)
    user = User(username=username, username_key=accounts.username_key(username), username_skeleton=skeleton,
                email="", password_hash="!" + secrets.token_hex(16), role=Role.MEMBER, created_at=now)
    db.session.add(user)
    db.session.flush()
    names.set_display_name(user, name)
    return user


def class_account(classroom: Classroom, user_id: int) -> ClassSignInCode | None:
    """The class account `user_id` made for this class and still in it, else None."""
    row = db.session.get(ClassSignInCode, user_id)
    if row is None or row.class_id != classroom.id:
        return None
    if classes.role_of(db.session.get(User, user_id), classroom.id) != ClassRole.STUDENT:
        return None
    return row


def issue_code(classroom: Classroom, instructor: User, row: ClassSignInCode, now: datetime | None = None) -> Issued:
    """A new code for a class account of `classroom` (the old one stops working)."""
    class_rules.check_writable(classroom)
    student = db.session.get(User, row.user_id)
    if addresses.is_confirmed(student):
        raise RuleError(f"{student.username} has a confirmed email address: they can set a new password "
                        f"with “Forgot your password?” on the sign-in page.")
    code = _give_code(row, instructor, now or utcnow())
    return Issued(student, code, row.expires_at)


def sign_in_with_code(username: str, code: str, password: str, now: datetime | None = None) -> User:
    """The account this code is for, its new password set and the code used up, or RuleError."""
    now = now or utcnow()
    user = accounts.find_user((username or "").strip()) if accounts.USERNAME_RE.fullmatch((username or "").strip()) \
        else None
    row = db.session.get(ClassSignInCode, user.id) if user is not None else None
    typed = code_hash(code)
    if row is None or row.code_hash is None or not hmac.compare_digest(row.code_hash, typed):
        raise RuleError(NO_MATCH)
    if row.expires_at is not None and row.expires_at <= now:
        raise RuleError(f"That code has expired (a code works for {code_days()} days). "
                        f"Ask your instructor for a new one.")
    accounts.set_password(user, password)
    row.code_hash, row.expires_at = None, None
    return user


def codes_outstanding(class_id: int) -> dict[int, datetime | None]:
    """{user id: when their code expires (None: used)} for the class's accounts (one query)."""
    return dict(db.session.execute(select(ClassSignInCode.user_id, ClassSignInCode.expires_at)
                                   .where(ClassSignInCode.class_id == class_id)).all())


def class_of(user: User) -> int | None:
    """The id of the class a class account was made for."""
    row = db.session.get(ClassSignInCode, user.id)
    return row.class_id if row is not None else None
