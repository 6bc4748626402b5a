"""Pseudonyms in anonymous class debates.

A student's pseudonym is a pleasant two-word name ("Amber Heron") drawn from a
hash of (debate, student): stable from page to page, unique within the debate
(collisions move on to the next free name, students taken in id order), never
derived from the username. Pages build one `names` mapping per page and the post
macros read it; nothing else decides how an author is shown.
"""
import functools
import hashlib
from dataclasses import dataclass

from sqlalchemy import bindparam, select, true

from .extensions import db
from .models import ClassDebate, ClassMembership, ClassRole, Post, User

ADJECTIVES = [
    "Amber", "Azure", "Bold", "Brisk", "Calm", "Cedar", "Clever", "Coral", "Crimson", "Dawn",
    "Eager", "Emerald", "Fern", "Gentle", "Golden", "Hazel", "Ivory", "Jade", "Keen", "Lively",
    "Lunar", "Maple", "Misty", "Noble", "Olive", "Quiet", "Rapid", "Ruby", "Sage", "Silver",
    "Steady", "Sunny",
]
ANIMALS = [
    "Badger", "Bison", "Crane", "Dolphin", "Eagle", "Falcon", "Finch", "Fox", "Gecko", "Hare",
    "Heron", "Ibis", "Jay", "Kestrel", "Koala", "Lark", "Lynx", "Marten", "Moose", "Newt",
    "Otter", "Owl", "Panda", "Puffin", "Raven", "Robin", "Seal", "Stork", "Swan", "Tern",
    "Wolf", "Wren",
]
NAME_COUNT = len(ADJECTIVES) * len(ANIMALS)


def _name(index: int) -> str:
    adjective, animal = divmod(index % NAME_COUNT, len(ANIMALS))
    return f"{ADJECTIVES[adjective]} {ANIMALS[animal]}"


def pseudonyms(topic_id: int, student_ids: list[int]) -> dict[int, str]:
    """Pure: the same debate and students always give the same names, all distinct."""
    taken: set[int] = set()
    names = {}
    for user_id in sorted(set(student_ids)):
        digest = hashlib.sha256(f"counterpoint-pseudonym:{topic_id}:{user_id}".encode()).digest()
        index = int.from_bytes(digest[:8], "big") % NAME_COUNT
        while index in taken:
            index = (index + 1) % NAME_COUNT
        taken.add(index)
        names[user_id] = _name(index)
    return names


@dataclass(frozen=True)
class Shown:
    """How one author appears: `label` to everyone, `real` only to instructors."""

    label: str
    real: str | None = None
    is_you: bool = False


def names_for(viewer, topic, debate: ClassDebate | None, students: list[tuple[int, str]],
              *, teacher: bool) -> dict[int, Shown]:
    """The `names` mapping of a page of an anonymous debate (empty when not anonymous).
    `students`: the class's students as (user id, name), from `students_of` or a roster."""
    if topic.class_id is None or debate is None or not debate.anonymous:
        return {}
    aliases = pseudonyms(topic.id, [user_id for user_id, _ in students])
    viewer_id = viewer.id if viewer.is_authenticated else None
    return {user_id: Shown(aliases[user_id], name if teacher else None, user_id == viewer_id)
            for user_id, name in students}


def students_of(class_id: int) -> list[tuple[int, str]]:
    """A class's students as (user id, name): plain rows, for the pages that need
    only their pseudonyms and names, not the roster's objects."""
    return [tuple(row) for row in db.session.execute(_students_statement(), {"class_id": class_id})]


@functools.cache
def _students_statement():
    return (select(ClassMembership.user_id, User.name).join(User, User.id == ClassMembership.user_id)
            .where(ClassMembership.class_id == bindparam("class_id"), ClassMembership.role == ClassRole.STUDENT))


def names_for_topic(viewer, topic) -> dict[int, Shown]:
    """The same mapping for pages that have not loaded the roster (two queries)."""
    if topic.class_id is None:
        return {}
    debate = db.session.get(ClassDebate, topic.id)
    if debate is None or not debate.anonymous:
        return {}
    from . import classes
    return names_for(viewer, topic, debate, students_of(topic.class_id),
                     teacher=classes.is_teacher(viewer, topic.class_id))


def hides_names(viewer, topic) -> bool:
    """Whether `viewer` sees `topic`'s participants under pseudonyms (an anonymous
    class debate, seen by anyone but its instructors and admins)."""
    if topic.class_id is None:
        return False
    debate = db.session.get(ClassDebate, topic.id)
    if debate is None or not debate.anonymous:
        return False
    from . import classes
    return not classes.is_teacher(viewer, topic.class_id)


def roster_of(class_id: int) -> list[ClassMembership]:
    return list(db.session.scalars(_roster_statement(), {"class_id": class_id}))


@functools.cache
def _roster_statement():
    """Built once (every class page asks for it): putting it together cost more than running it."""
    from sqlalchemy.orm import joinedload
    return (select(ClassMembership).where(ClassMembership.class_id == bindparam("class_id"))
            .options(joinedload(ClassMembership.user)).order_by(ClassMembership.role, ClassMembership.user_id))


def profile_post_filter(viewer, person: User):
    """Profiles must not unmask pseudonyms: posts in anonymous debates stay off a
    profile except for its owner and admins."""
    if viewer.is_authenticated and (viewer.is_admin or viewer.id == person.id):
        return true()
    return Post.topic_id.not_in(select(ClassDebate.topic_id).where(ClassDebate.anonymous.is_(True)))
