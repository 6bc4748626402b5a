"""Names no one can borrow: how a display name is cleaned, and when a username or
display name is refused for looking like someone else's, or like staff.

Two names collide when their *skeletons* are equal. A skeleton is the Unicode
confusables mapping of UTS #39 (`disarm.skeleton_key`: NFKC, bidi controls and
invisible characters out, every look-alike to its prototype, case folded),
then a small fold of our own for what that mapping keeps apart on purpose but
a reader of a byline does not: accents (`ó` is `o`), `0` and `o`, `1`, `i`
and `l`, `rn` and `m`, `vv` and `w`, and separators (`sam-mod`, `sam_mod`,
`sam.mod` and `Sam Mod` are one name). The skeletons of every username and
display name are stored (`users.username_skeleton`, `users.display_skeleton`,
indexed), so the check is one query.

Members may not use a staff role word (`ROLE_WORDS`) as a word of their name
(`sam_mod`, `Admin2`, `CounterpointOfficial`); staff may, and carry a badge
beside their name wherever it is shown.
"""
import re
import unicodedata

from disarm import skeleton_key
from sqlalchemy import or_, select

from ..extensions import db
from ..models import Role, User
from .errors import RuleError

ROLE_WORDS = ("admin", "moderator", "mod", "staff", "instructor", "official", "counterpoint")
STAFF_ROLES = (Role.MODERATOR, Role.ADMIN, Role.INSTRUCTOR)
SKELETON_MAX = 255
DISPLAY_NAME_MAX = 60
MARKS_IN_A_ROW_MAX = 2  # a letter may carry two accents; "zalgo" text carries dozens

# Invisible characters that are not format controls (those go by category, Cf).
_INVISIBLE = {
    0x034F,  # combining grapheme joiner
    0x115F, 0x1160, 0x3164, 0xFFA0,  # Hangul fillers
    0x17B4, 0x17B5,  # Khmer inherent vowels
    0x180B, 0x180C, 0x180D, 0x180F,  # Mongolian variation selectors
    0x2800,  # braille pattern blank
    *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0),  # variation selectors
}
# Format controls (bidi overrides, zero-width spaces and joiners, tags), controls,
# surrogates, private use and unassigned code points.
_DROPPED_CATEGORIES = {"Cf", "Cc", "Cs", "Co", "Cn"}

# What UTS #39 keeps apart and a byline does not (applied to the case-folded skeleton).
_CHARACTERS = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})
_SEQUENCES = (("rn", "m"), ("vv", "w"))
_WORD_BREAK = re.compile(r"[\W_]+")


def clean_display_name(raw: str | None) -> str:
    """A display name as it is stored: NFKC, without bidi controls or invisible
    characters, with at most two marks on a letter, spaces collapsed."""
    text = unicodedata.normalize("NFKC", raw or "")
    kept, marks = [], 0
    for char in text:
        category = unicodedata.category(char)
        if ord(char) in _INVISIBLE or category in _DROPPED_CATEGORIES:
            continue
        if category in ("Zs", "Zl", "Zp"):
            char = " "
        marks = marks + 1 if category in ("Mn", "Me") else 0
        if marks <= MARKS_IN_A_ROW_MAX:
            kept.append(char)
    return " ".join("".join(kept).split())


def _words(name: str, *, strip_digits: bool = False) -> list[str]:
    """The skeleton of each word of `name` (camelCase counts as two words);
    `strip_digits`: without the digits at either end of a word ("admin2")."""
    name = clean_display_name(name)
    spaced = "".join(f" {c}" if i and c.isupper() and name[i - 1].islower() else c
                     for i, c in enumerate(name))
    key = unicodedata.normalize("NFD", skeleton_key(spaced))
    key = "".join(c for c in key if not unicodedata.combining(c)).casefold()
    words = []
    for word in _WORD_BREAK.split(key):
        word = (word.strip("0123456789") if strip_digits else word).translate(_CHARACTERS)
        for sequence, single in _SEQUENCES:
            word = word.replace(sequence, single)
        if word:
            words.append(word)
    return words


def skeleton(name: str | None) -> str:
    """What `name` looks like, as stored and compared: '' for no name."""
    return "".join(_words(name or ""))[:SKELETON_MAX]


_ROLE_SKELETONS = {skeleton(word): word for word in ROLE_WORDS}


def role_word_in(name: str) -> str | None:
    """The staff role word that `name` uses as a word (digits around it aside), or None."""
    for words in (_words(name), _words(name, strip_digits=True)):
        for word in [*words, "".join(words)]:
            if word in _ROLE_SKELETONS:
                return _ROLE_SKELETONS[word]
    return None


def is_staff(user) -> bool:
    return user is not None and user.role in STAFF_ROLES


def check_name_is_free(name: str, *, user: User | None = None, role: str = Role.MEMBER,
                       what: str = "name") -> str:
    """Refuse `name` when it looks like a staff role word (unless `role` is staff) or
    like another member's username or display name (`user`'s own names aside).
    Returns its skeleton."""
    key = skeleton(name)
    if not key:
        raise RuleError(f"That {what} has no letters or digits anyone could see.")
    taken = select(User.id).where(or_(User.username_skeleton == key, User.display_skeleton == key))
    if user is not None and user.id is not None:
        taken = taken.where(User.id != user.id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise RuleError(f"That {what} looks too much like another member's name; "
                        f"choose one no one could mistake for theirs.")
    if role not in STAFF_ROLES and (word := role_word_in(name)):
        raise RuleError(f"That {what} reads as “{word}”, a word kept for the forum's staff "
                        f"so that no one is mistaken for them; choose another.")
    return key


def _checked_display_name(user: User, raw: str | None) -> tuple[str, str | None]:
    """The cleaned display name and its skeleton, or a RuleError saying why not."""
    name = clean_display_name(raw)
    if raw and raw.strip() and not name:
        raise RuleError("That display name is made only of invisible characters; "
                        "leave it empty to be shown by your username.")
    if len(name) > DISPLAY_NAME_MAX:
        raise RuleError(f"A display name is at most {DISPLAY_NAME_MAX} characters.")
    if not name or name == (user.display_name or ""):
        return name, user.display_skeleton if name else None
    return name, check_name_is_free(name, user=user, role=user.role, what="display name")


def display_name_refusal(user: User, raw: str | None) -> str | None:
    """Why `user` may not take this display name, or None: for a form to show the
    refusal under the right field."""
    try:
        _checked_display_name(user, raw)
    except RuleError as error:
        return str(error)
    return None


def set_display_name(user: User, raw: str | None) -> User:
    """Give `user` this display name (cleaned), or none ('' shows the username)."""
    name, key = _checked_display_name(user, raw)
    user.display_name, user.display_skeleton = name, key
    return user
