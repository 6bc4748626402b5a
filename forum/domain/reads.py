"""What a member has read: "New since your last visit".

One read mark per member and topic (`TopicRead`): the newest post of the topic
when the member last opened one of its pages. The posts after it, written by
someone else and shown to everyone (not deleted, hidden or removed), are new to
them: counted on topic lists, marked "New" on the topic's page. A topic they
never opened has no mark and shows no count (a new member is not greeted with
every post of the forum as "new"); "Mark all read" gives every topic they may
see a mark.

Only the member sees their marks: nothing here moves a topic's version, and a
page that shows them has them in its viewer state (pages/viewer.py).
"""
from sqlalchemy import func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Post, Topic, TopicRead, utcnow
from . import visibility


def _new_posts(user_id, seen) -> tuple:
    """The conditions on Post for posts new to `user_id` after the read mark `seen`."""
    return Post.id > seen, Post.author_id != user_id, visibility.public_post_filter()


def _upsert(rows):
    """INSERT of read marks that moves an existing mark instead (SQLite and PostgreSQL alike)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(TopicRead)
    statement = statement.from_select(["user_id", "topic_id", "last_seen_post_id", "seen_at"], rows) \
        if not isinstance(rows, dict) else statement.values(**rows)
    return statement.on_conflict_do_update(
        index_elements=["user_id", "topic_id"],
        set_={"last_seen_post_id": statement.excluded.last_seen_post_id, "seen_at": statement.excluded.seen_at})


def shown_mark(topic: Topic) -> int | None:
    """The reader's read mark on `topic` as its page shows it (loaded by
    `topic_pages.fetch_topic`): the mark while others wrote posts after it, else None.
    A first visit and a visit with nothing new show the same page, so their
    pages share an ETag (pages/viewer.py)."""
    return topic.viewer_last_seen if topic.viewer_first_new is not None else None


def needs_recording(user, topic: Topic) -> bool:
    """Whether opening `topic` (loaded by `topic_pages.fetch_topic`) moves `user`'s read mark."""
    return user.is_authenticated and (topic.viewer_last_seen is None
                                      or (topic.last_post_id or 0) > topic.viewer_last_seen)


def record_visit(user_id: int, topic_id: int, newest_post_id: int | None) -> None:
    """A member opened a topic whose newest post was `newest_post_id`: everything up
    to it is read. One statement; the caller checks `needs_recording` first (most
    visits change nothing). Plain ids: the page's objects may be expired by then."""
    db.session.execute(_upsert({"user_id": user_id, "topic_id": topic_id,
                                "last_seen_post_id": newest_post_id or 0, "seen_at": utcnow()}))


def mark_all_read(user) -> None:
    """Every topic `user` may see is read up to its newest post: one statement."""
    newest = func.coalesce(select(func.max(Post.id)).where(Post.topic_id == Topic.id).scalar_subquery(), 0)
    # `Topic.id > 0` keeps a WHERE even for an admin (true()): SQLite's upsert needs one after a SELECT.
    rows = select(literal(user.id), Topic.id, newest, literal(utcnow(), TopicRead.seen_at.type)).where(
        Topic.id > 0, visibility.visible_topic_filter(user))
    db.session.execute(_upsert(rows))


def unread_counts(user, topic_ids) -> dict[int, int]:
    """{topic id: number of posts new to `user`} for those of `topic_ids` they have
    a read mark on, may see, and have something new in. One grouped query; {} for a guest."""
    topic_ids = list(topic_ids)
    if not user.is_authenticated or not topic_ids:
        return {}
    rows = db.session.execute(
        select(TopicRead.topic_id, func.count(Post.id))
        .join(Topic, Topic.id == TopicRead.topic_id)
        .join(Post, Post.topic_id == TopicRead.topic_id)
        .where(TopicRead.user_id == user.id, TopicRead.topic_id.in_(topic_ids),
               visibility.visible_topic_filter(user), *_new_posts(user.id, TopicRead.last_seen_post_id))
        .group_by(TopicRead.topic_id))
    return {topic_id: count for topic_id, count in rows}


def first_new_post(topic_id, seen, user_id):
    """SQL: the first post of `topic_id` new to `user_id` after the read mark `seen`
    (NULL: none, or no mark). A topic page's query carries it (topic_pages.fetch_topic),
    read from the index on posts (topic_id, id)."""
    return select(func.min(Post.id)).where(Post.topic_id == topic_id, *_new_posts(user_id, seen)).scalar_subquery()


def is_new(post_id: int, author_id: int | None, mark: int | None, user_id: int) -> bool:
    """Whether a post is new to `user_id` whose read mark is `mark` (None: nothing is)."""
    return mark is not None and post_id > mark and author_id != user_id
