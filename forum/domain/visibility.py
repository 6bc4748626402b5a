"""The only answer to "who may see this".

Every listing, search, feed, notification and export builds on
`visible_topics(user)`; single objects are fetched with `get_visible_or_404`,
and what a person may not see is a 404, never a 403, so its existence does not
leak.

A topic with a `class_id` is private: only the class's members (students and
instructors) and admins see it. Site moderators get no exception.
"""
from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, bindparam, false, or_, select, true

from ..extensions import db
from ..models import ClassMembership, ClassRole, Classroom, Post, PostStatus, Topic
from . import per_request


@dataclass(frozen=True)
class BoundViewer:
    """Stands in for a signed-in member when a statement that filters by who is
    looking is built once for all members alike (their roles as given): their id
    is bound each time it runs, as `viewer_id`."""
    is_admin: bool = False
    is_moderator: bool = False
    is_suspended: bool = False
    is_authenticated = True
    id = bindparam("viewer_id")

    @classmethod
    def like(cls, user) -> "BoundViewer":
        return cls(user.is_admin, user.is_moderator, user.is_suspended)


def _my_class_ids(user) -> Select:
    return select(ClassMembership.class_id).where(ClassMembership.user_id == user.id)


def visible_topic_filter(user):
    """A SQL condition on Topic that is true for the topics `user` may see."""
    if not user.is_authenticated:
        return Topic.class_id.is_(None)
    if user.is_admin:
        return true()
    return or_(Topic.class_id.is_(None), Topic.class_id.in_(_my_class_ids(user)))


def visible_class_filter(user):
    """A SQL condition on Classroom: the classes `user` belongs to (admins: all)."""
    if not user.is_authenticated:
        return false()
    if user.is_admin:
        return true()
    return Classroom.id.in_(_my_class_ids(user))


def public_post_filter():
    """A SQL condition on Post true for posts whose text may be listed, searched,
    fed or notified about: not deleted by its author (a tombstone), and not
    hidden, held or removed by moderation."""
    return Post.deleted_at.is_(None) & (Post.status == PostStatus.VISIBLE)


def public_topic_filter():
    """A SQL condition on Topic true for topics whose title may be listed, searched
    or fed: not hidden or removed by moderation (its page shows a tombstone)."""
    return Topic.status == PostStatus.VISIBLE


def moderation_scope(user):
    """A SQL condition on Topic true where `user` may moderate (the twin of
    `permissions.can_moderate`): admins everywhere; site moderators on public
    topics; instructors in their own classes. Queues and logs filter by it, so a
    site moderator never sees into a private class."""
    if not user.is_authenticated or user.is_suspended:
        return false()
    if user.is_admin:
        return true()
    taught = Topic.class_id.in_(select(ClassMembership.class_id).where(
        ClassMembership.user_id == user.id, ClassMembership.role == "instructor"))
    return or_(Topic.class_id.is_(None), taught) if user.is_moderator else taught


def visible_topics(user) -> Select:
    return select(Topic).where(visible_topic_filter(user))


def visible_posts(user) -> Select:
    return select(Post).join(Post.topic).where(visible_topic_filter(user))


def class_role(user, class_id: int) -> str | None:
    """The user's role in the class (student, instructor) or None.

    Asked for every post a page shows, so a GET remembers each answer for the
    rest of that request; a write request always asks the database, since it
    may change the answer (joining, leaving).
    """
    if not user.is_authenticated:
        return None
    memo = _class_roles()
    key = (user.id, class_id)
    if key not in memo:
        memo[key] = db.session.scalar(_role_select(class_id, user.id))
    return memo[key]


def is_teacher(user, class_id: int) -> bool:
    """Instructors of the class, and admins: they run it."""
    return user.is_authenticated and (user.is_admin or class_role(user, class_id) == ClassRole.INSTRUCTOR)


def remember_class_role(user, class_id: int | None, role: str | None) -> None:
    """`class_role`'s answer, read with something else (`class_role_column`): for a
    signed-in member and a class topic's `class_id`; nothing otherwise."""
    if class_id is not None and user.is_authenticated:
        _class_roles()[(user.id, class_id)] = role


def class_role_column(class_id, user_id):
    """The member's role in the class as a column of another query (None outside it)."""
    return _role_select(class_id, user_id).scalar_subquery()


def _role_select(class_id, user_id):
    return select(ClassMembership.role).where(ClassMembership.class_id == class_id,
                                              ClassMembership.user_id == user_id)


def _class_roles() -> dict:
    """This GET's answers; a write request keeps none."""
    return per_request.class_roles()


def can_see_class(user, class_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_admin or class_role(user, class_id) is not None


def can_see_topic(user, topic: Topic) -> bool:
    """The Python twin of `visible_topic_filter`, for an object already loaded."""
    if topic is None:
        return False
    return topic.class_id is None or can_see_class(user, topic.class_id)


def get_visible_or_404(user, model, ident: int):
    if model is Topic:
        obj = db.session.get(Topic, ident)
        visible = can_see_topic(user, obj)
    elif model is Post:
        obj = db.session.get(Post, ident)
        visible = obj is not None and can_see_topic(user, obj.topic)
    elif model is Classroom:
        obj = db.session.get(Classroom, ident)
        visible = obj is not None and can_see_class(user, obj.id)
    else:
        raise TypeError(f"no visibility rule for {model.__name__}")
    if obj is None or not visible:
        abort(404)
    return obj
