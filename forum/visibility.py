"""The only answer to "who may see this".

Every listing, search, feed, notification and export builds on
`visible_topics(user)`; single objects are fetched with `get_visible_or_404`,
and what a person may not see is a 404, never a 403, so its existence does not
leak.
"""
from flask import abort
from sqlalchemy import Select, select, true

from .extensions import db
from .models import Post, Topic


def visible_topic_filter(user):
    """A SQL condition on Topic that is true for the topics `user` may see.

    Every topic is public until private spaces exist; they narrow it here.
    """
    return true()


def public_post_filter():
    """A SQL condition on Post true for posts whose text may be listed, searched,
    fed or notified about (a deleted post keeps only its tombstone)."""
    return Post.deleted_at.is_(None)


def visible_topics(user) -> Select:
    return select(Topic).where(visible_topic_filter(user))


def visible_posts(user) -> Select:
    return select(Post).join(Post.topic).where(visible_topic_filter(user))


def can_see_topic(user, topic: Topic) -> bool:
    """The Python twin of `visible_topic_filter`, for an object already loaded."""
    return topic is not None


def get_visible_or_404(user, model, ident: int):
    if model is Topic:
        obj = db.session.get(Topic, ident)
        topic = obj
    elif model is Post:
        obj = db.session.get(Post, ident)
        topic = obj.topic if obj is not None else None
    else:
        raise TypeError(f"no visibility rule for {model.__name__}")
    if obj is None or not can_see_topic(user, topic):
        abort(404)
    return obj
