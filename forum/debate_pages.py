"""What the debate pages show, each in a fixed number of queries.

The columns view of a motion (its pro and con arguments side by side), the
same view one level down for any argument, and the ∆ lists.
"""
from dataclasses import dataclass

from flask import abort
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from . import debates, visibility
from .debates import PollResults
from .extensions import db
from .models import Delta, Post, SourceRequest, Stance, StancePoll, Topic, User, Vote

CARD_SORTS = {"votes": "Most votes", "new": "Newest", "deltas": "Most ∆"}
MINDS_LISTED = 10


def _card_order(sort: str):
    newest = (Post.created_at.desc(), Post.id.desc())
    if sort == "new":
        return newest
    if sort == "deltas":
        return (Post.delta_count.desc(), Post.vote_count.desc(), *newest)
    return (Post.vote_count.desc(), Post.delta_count.desc(), *newest)


def clean_sort(sort: str | None) -> str:
    return sort if sort in CARD_SORTS else "votes"


def _split(posts: list[Post]) -> tuple[list[Post], list[Post], list[Post]]:
    return ([p for p in posts if p.stance == Stance.PRO], [p for p in posts if p.stance == Stance.CON],
            [p for p in posts if p.stance is None])


@dataclass
class ColumnsPage:
    topic: Topic
    pro: list[Post]
    con: list[Post]
    sort: str
    results: PollResults
    my_poll: dict[str, int]
    minds: list[Post]
    sorts = CARD_SORTS


def my_poll(user, topic: Topic) -> dict[str, int]:
    if not user.is_authenticated:
        return {}
    return dict(db.session.execute(select(StancePoll.phase, StancePoll.value).where(
        StancePoll.topic_id == topic.id, StancePoll.user_id == user.id)).all())


def columns_page(user, topic: Topic, *, sort: str | None = None) -> ColumnsPage:
    """`topic` is a debate already loaded (and checked visible) by `pages.load_topic`."""
    sort = clean_sort(sort)
    arguments = list(db.session.scalars(
        select(Post).where(Post.topic_id == topic.id, Post.parent_id.is_(None))
        .order_by(*_card_order(sort)).options(joinedload(Post.author))))
    pro, con, _ = _split(arguments)
    minds = list(db.session.scalars(
        select(Post).where(Post.topic_id == topic.id, Post.delta_count > 0, Post.deleted_at.is_(None))
        .order_by(Post.delta_count.desc(), Post.vote_count.desc(), Post.id).limit(MINDS_LISTED)
        .options(joinedload(Post.author))))
    return ColumnsPage(topic, pro, con, sort, debates.poll_results(topic), my_poll(user, topic), minds)


@dataclass
class ArgumentPage:
    topic: Topic
    post: Post
    ancestors: list[Post]
    pro: list[Post]
    con: list[Post]
    comments: list[Post]
    sort: str
    mine: set[tuple[str, int]]
    deltas: list[Delta]
    sorts = CARD_SORTS


def load_post(user, post_id: int) -> Post:
    post = db.session.scalar(select(Post).where(Post.id == post_id).options(
        joinedload(Post.author), joinedload(Post.topic).joinedload(Topic.article),
        selectinload(Post.sources)))
    if post is None or not visibility.can_see_topic(user, post.topic):
        abort(404)
    return post


def _ancestors(post: Post) -> list[Post]:
    """From the top-level argument down to the parent, in one recursive query."""
    if post.parent_id is None:
        return []
    chain = select(Post.id, Post.parent_id).where(Post.id == post.parent_id).cte("chain", recursive=True)
    chain = chain.union_all(select(Post.id, Post.parent_id).join(chain, Post.id == chain.c.parent_id))
    return list(db.session.scalars(select(Post).join(chain, Post.id == chain.c.id)
                                   .order_by(Post.depth).options(joinedload(Post.author))))


def _mine(user, post: Post, answers: list[Post]) -> set[tuple[str, int]]:
    """What the viewer already did here: ("vote", id), ("delta", id), ("needs_source", id)."""
    if not user.is_authenticated:
        return set()
    ids = [post.id] + [p.id for p in answers]
    rows = db.session.execute(union_all(
        select(literal("vote"), Vote.post_id).where(Vote.user_id == user.id, Vote.post_id.in_(ids)),
        select(literal("delta"), Delta.post_id).where(Delta.awarder_id == user.id, Delta.post_id == post.id),
        select(literal("needs_source"), SourceRequest.post_id)
        .where(SourceRequest.user_id == user.id, SourceRequest.post_id == post.id)))
    return {(kind, post_id) for kind, post_id in rows}


def argument_page(user, post: Post, *, sort: str | None = None) -> ArgumentPage:
    """One argument with its own pro and con answers side by side."""
    sort = clean_sort(sort)
    answers = list(db.session.scalars(
        select(Post).where(Post.parent_id == post.id).order_by(*_card_order(sort))
        .options(joinedload(Post.author))))
    pro, con, comments = _split(answers)
    return ArgumentPage(post.topic, post, _ancestors(post), pro, con, comments, sort,
                        _mine(user, post, answers), post_deltas(post))


def post_deltas(post: Post) -> list[Delta]:
    return list(db.session.scalars(select(Delta).where(Delta.post_id == post.id)
                                   .order_by(Delta.created_at, Delta.id).options(joinedload(Delta.awarder))))


@dataclass
class DeltasReceived:
    total: int
    recent: list[Delta]


def deltas_received(user, person: User, *, limit: int = 20) -> DeltasReceived:
    """∆ awarded to `person`'s posts, in topics `user` may see."""
    seen = (select(Delta).join(Delta.post).join(Post.topic)
            .where(Delta.recipient_id == person.id, visibility.visible_topic_filter(user)))
    total = db.session.scalar(select(func.count()).select_from(seen.subquery()))
    recent = list(db.session.scalars(
        seen.order_by(Delta.created_at.desc(), Delta.id.desc()).limit(limit)
        .options(joinedload(Delta.awarder), joinedload(Delta.post).joinedload(Post.topic))))
    return DeltasReceived(total, recent)
