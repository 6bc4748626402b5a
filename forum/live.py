"""Live updates of a topic page: which posts are new since the reader's last one.

The validator (ETag) comes from the topic's counters in the database, so any
worker answers an idle topic with a 304 without loading a post.
"""
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import Post, Topic

BATCH = 100


def etag(topic: Topic, after: int, user) -> str:
    # The fragment shows the reader's own actions (edit, delete), so who asks is part of it.
    reader = user.get_id() if user.is_authenticated else "guest"
    stamp = topic.last_activity_at.isoformat() if topic.last_activity_at else ""
    key = f"{topic.id}:{topic.post_count}:{stamp}:{after}:{reader}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def new_posts(topic: Topic, after: int) -> list[Post]:
    """Posts of `topic` written after the post `after`, oldest first (at most BATCH)."""
    return list(db.session.scalars(
        select(Post).where(Post.topic_id == topic.id, Post.id > after)
        .order_by(Post.id).limit(BATCH).options(joinedload(Post.author))))


def last_post_id(topic: Topic) -> int:
    return db.session.scalar(select(Post.id).where(Post.topic_id == topic.id)
                             .order_by(Post.id.desc()).limit(1)) or 0
