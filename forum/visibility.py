"""The only answer to "who may see this".

Every listing, search, feed, notification and export builds on
`visible_topics(user)`; single objects are fetched with `get_visible_or_404`,
and what a person may not see is a 404, never a 403, so its existence does not
leak.

A topic with a `class_id` is private: only the class's members (students and
instructors) and admins see it. Site moderators get no exception.
"""
from flask import abort
from sqlalchemy import Select, false, or_, select, true

from .extensions import db
from .models import ClassMembership, Classroom, Post, Topic


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
    fed or notified about (a deleted post keeps only its tombstone)."""
    return Post.deleted_at.is_(None)


def visible_topics(user) -> Select:
    return select(Topic).where(visible_topic_filter(user))


def visible_posts(user) -> Select:
    return select(Post).join(Post.topic).where(visible_topic_filter(user))


def can_see_class(user, class_id: int) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return db.session.scalar(
        select(ClassMembership.id).where(ClassMembership.class_id == class_id,
                                         ClassMembership.user_id == user.id)) is not None


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
