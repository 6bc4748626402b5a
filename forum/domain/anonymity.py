"""Pseudonyms in anonymous class debates.

A student's pseudonym is a pleasant two-word name ("Amber Heron") drawn from a
hash of (debate, student): stable from page to page, unique within the debate
(collisions move on to the next free name, students taken in id order), never
derived from the username.

Who sees pseudonyms is decided here and nowhere else: `names_for` (and its
wrappers `names_for_topic`, `names_by_topic`) gives a page the `names` mapping
for its reader, and `shown(names, ...)` is the one answer to "how is this person
named here" for every author, flagger, voter, ∆ giver, mentioner and actor — on
pages (the Jinja global `shown`), notifications, lists and exports. Lists that
cover many topics (profiles) leave anonymous debates out with `masked_filter`.
"""
import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, select, true
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ClassDebate, ClassMembership, ClassRole, Post, Topic, User
from ..models.users import DELETED_NAME
from . import markup, visibility
from .errors import RuleError

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
    # The profile a name links to: only someone shown under their own name has one.
    username: str | None = None

    @property
    def full(self) -> str:
        """The label with the real name beside it, for those who may see it."""
        return f"{self.label} ({self.real})" if self.real else self.label


def shown(names: Mapping[int, Shown] | None, user_id: int | None, name: str = "",
          username: str | None = None) -> Shown:
    """How a person (`user_id`, whose own name is `name`) is named where the reader's
    pseudonyms are `names`: the one answer for authors and any actor (flagger,
    voter, ∆ giver, mentioner). Outside anonymous debates `names` is empty and
    the person is shown as themselves, with their profile."""
    alias = names.get(user_id) if names and user_id is not None else None
    if alias is not None:
        return alias
    if username == DELETED_NAME:  # a deleted account (domain/leaving.py) has no profile to link to
        return Shown(DELETED_NAME)
    return Shown(name, username=username)


def names_for(viewer, topic, debate: ClassDebate | None, students: list[tuple[int, str]],
              *, teacher: bool) -> dict[int, Shown]:
    """The `names` mapping of a page of an anonymous debate (empty when not anonymous).
    `students`: the class's students as (user id, name), from `students_of` or a roster."""
    if topic.class_id is None or debate is None or not debate.anonymous:
        return {}
    return _mapping(viewer, topic.id, students, teacher)


def _mapping(viewer, topic_id: int, students: list[tuple[int, str]], teacher: bool) -> dict[int, Shown]:
    """The rule: students under their pseudonyms, with the real name for those who
    teach the class, and "you" for the reader themselves."""
    aliases = pseudonyms(topic_id, [user_id for user_id, _ in students])
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
    return names_for(viewer, topic, debate, students_of(topic.class_id),
                     teacher=visibility.is_teacher(viewer, topic.class_id))


def names_by_topic(viewer, topic_ids: Iterable[int]) -> dict[int, dict[int, Shown]]:
    """The `names` mapping of each anonymous debate among `topic_ids`, for lists that
    span topics (notifications): one query when none is anonymous, three else."""
    debates = db.session.execute(
        select(ClassDebate.topic_id, Topic.class_id).join(Topic, Topic.id == ClassDebate.topic_id)
        .where(ClassDebate.topic_id.in_(set(topic_ids)), ClassDebate.anonymous.is_(True))).all()
    if not debates:
        return {}
    class_ids = {class_id for _, class_id in debates}
    students: dict[int, list[tuple[int, str]]] = {class_id: [] for class_id in class_ids}
    for class_id, user_id, name in db.session.execute(
            select(ClassMembership.class_id, ClassMembership.user_id, User.name)
            .join(User, User.id == ClassMembership.user_id)
            .where(ClassMembership.class_id.in_(class_ids), ClassMembership.role == ClassRole.STUDENT)):
        students[class_id].append((user_id, name))
    taught = _taught(viewer, class_ids)
    return {topic_id: _mapping(viewer, topic_id, students[class_id], class_id in taught)
            for topic_id, class_id in debates}


def _taught(viewer, class_ids: set[int]) -> set[int]:
    """Which of `class_ids` the viewer teaches (all of them for an admin)."""
    if not viewer.is_authenticated:
        return set()
    if viewer.is_admin:
        return set(class_ids)
    return set(db.session.scalars(_classes_taught_by(viewer).where(ClassMembership.class_id.in_(class_ids))))


def _classes_taught_by(viewer):
    return select(ClassMembership.class_id).where(ClassMembership.user_id == viewer.id,
                                                  ClassMembership.role == ClassRole.INSTRUCTOR)


def masked_filter(viewer, topic_id=Post.topic_id):
    """SQL: `topic_id` is not an anonymous debate that `viewer` sees under pseudonyms
    (its instructors and admins see real names; everyone else, its students
    included, would learn who wrote what from a list that spans topics)."""
    if viewer.is_authenticated and viewer.is_admin:
        return true()
    masked = select(ClassDebate.topic_id).where(ClassDebate.anonymous.is_(True))
    if viewer.is_authenticated:
        masked = (masked.join(Topic, Topic.id == ClassDebate.topic_id)
                  .where(Topic.class_id.not_in(_classes_taught_by(viewer))))
    return topic_id.not_in(masked)


def check_no_mentions(topic, body: str) -> None:
    """In an anonymous debate, refuse text that @mentions anyone: "@bruno_real" names
    a classmate by their username, beside posts signed with pseudonyms, and would
    link to their profile and tell them who mentioned them. Refused whatever the
    name (an account or not, so the refusal says nothing of who has one), and for
    everyone who writes there, instructors included. RuleError says what to remove."""
    if topic.class_id is None:
        return
    typed = markup.mentions(body or "")
    if not typed:
        return
    debate = db.session.get(ClassDebate, topic.id)
    if debate is None or not debate.anonymous:
        return
    names = ", ".join(f"@{name}" for name in typed[:5])
    raise RuleError(f"This debate is anonymous, so posts here can't @mention anyone: a username would tell "
                    f"everyone who is behind a pseudonym. Remove the @ from {names}, and name classmates "
                    f"by their pseudonyms.")


def roster_of(class_id: int) -> list[ClassMembership]:
    return list(db.session.scalars(_roster_statement(), {"class_id": class_id}))


@functools.cache
def _roster_statement():
    """Built once (every class page asks for it): putting it together cost more than running it."""
    return (select(ClassMembership).where(ClassMembership.class_id == bindparam("class_id"))
            .options(joinedload(ClassMembership.user)).order_by(ClassMembership.role, ClassMembership.user_id))


def profile_post_filter(viewer, person: User):
    """Profiles must not unmask pseudonyms: posts in anonymous debates stay off a
    profile except for its owner, the debate's instructors and admins."""
    if viewer.is_authenticated and viewer.id == person.id:
        return true()
    return masked_filter(viewer)
