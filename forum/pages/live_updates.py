"""Live updates of a topic page: which posts are new since the reader's last one.

Their validator is the topic's version and the viewer's state (views/live.py,
through web/caching.py), so any worker answers an idle topic with a 304
without loading a post.
"""
import functools

from sqlalchemy import bindparam, select

from ..domain import anonymity
from ..extensions import db
from ..models import Post, Topic
from . import class_pages, post_presenter
from .post_presenter import PostView

BATCH = 100


@functools.cache
def _new_posts_statement(member: bool):
    p = post_presenter.posts.c
    # With the parents' authors: a new reply is announced with whom it answers, and
    # its parent is mostly an older post, not among these.
    return post_presenter.statement(p.topic_id == bindparam("topic_id"), p.id > bindparam("after"),
                               order_by=(p.id,), member=member, parents=True).limit(BATCH)


def new_posts(user, topic: Topic, after: int) -> list[PostView]:
    """Posts of `topic` written after the post `after`, oldest first (at most BATCH),
    shown as the topic page shows them to `user` (pseudonyms included)."""
    posts = post_presenter.fetch(user, topic, _new_posts_statement, parents=True, topic_id=topic.id, after=after)
    if posts and topic.class_id is not None and topic.is_debate:
        # As on the debate's pages: its pseudonyms, and the Reply links its open phase allows.
        panel = class_pages.debate_panel(user, topic)
        post_presenter.Presenter(user, topic, panel.names, may_reply=panel.may_reply_to).present(posts)
    else:
        post_presenter.Presenter(user, topic, anonymity.names_for_topic(user, topic)).present(posts)
    return posts


def last_post_id(topic: Topic) -> int:
    return db.session.scalar(select(Post.id).where(Post.topic_id == topic.id)
                             .order_by(Post.id.desc()).limit(1)) or 0
