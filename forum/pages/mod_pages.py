"""What the moderation pages show (/mod, /mod/log, a member's flags), in a fixed
number of queries whatever their size."""
import functools
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, case, func, literal, or_, select, union, union_all
from sqlalchemy.orm import aliased, joinedload

from ..domain import trust, visibility
from ..domain.accounts import username_key
from ..domain.moderation import member_histories
from ..extensions import db
from ..models import (Appeal, AppealStatus, Flag, FlagReason, FlagStatus, ModAction, Post, PostStatus, Topic,
                      User, utcnow)
from .post_presenter import SENTINEL, profile_url_pattern, url_pattern
from .topic_pages import Pagination

QUEUE_STATUSES = ("open", "resolved", "all")


class QueueLinks:
    """A queue item's links, from patterns built once a page (`postviews.url_pattern`):
    a queue of 20 posts has some 200 of them."""

    def __init__(self):
        self.mod_post = url_pattern("mod.post", post_id=SENTINEL)
        self.mod_edit = url_pattern("mod.edit", post_id=SENTINEL)
        self.mod_topic = url_pattern("mod.topic", topic_id=SENTINEL)
        self.topic = url_pattern("topics.show", topic_id=SENTINEL)
        self.post = url_pattern("posts.show", post_id=SENTINEL)
        self.history = url_pattern("posts.history", post_id=SENTINEL)
        self.action = {action: url_pattern("mod.post_action", post_id=SENTINEL, action=action)
                       for action in ("dismiss", "hide", "remove", "restore")}
        self.revoke_delta = url_pattern("mod.revoke_delta", delta_id=SENTINEL)
        self.user = profile_url_pattern()


class Review:
    """What a post, or a topic's opening text, under review shows of its flags and
    appeal (`target`: the one reviewed)."""

    flags: list[Flag]
    appeal: Appeal | None

    @property
    def target(self):
        raise NotImplementedError

    @property
    def open_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.status == FlagStatus.OPEN]

    @property
    def reason_counts(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for flag in self.open_flags or self.flags:
            counts[flag.reason_label] = counts.get(flag.reason_label, 0) + 1
        return sorted(counts.items(), key=lambda kv: -kv[1])

    @property
    def is_open(self) -> bool:
        return (bool(self.open_flags) or self.target.is_pending_review
                or (self.appeal is not None and self.appeal.status == AppealStatus.OPEN))

    @property
    def last_activity(self) -> datetime:
        moments = [f.created_at for f in self.flags] + [self.target.hidden_at or self.target.created_at]
        if self.appeal is not None:
            moments.append(self.appeal.created_at)
        return max(moments)


@dataclass
class QueueItem(Review):
    post: Post
    flags: list[Flag] = field(default_factory=list)
    appeal: Appeal | None = None
    history: dict[str, int] = field(default_factory=dict)
    links: QueueLinks | None = None
    # Its ∆, what its flags weigh, accounts registered from one address (domain/trust.py).
    involved: trust.Involvement | None = None

    @property
    def target(self) -> Post:
        return self.post


@dataclass
class TopicItem(Review):
    """A topic's opening text under review: its flags (with what the open ones weigh,
    on its own moderation page) and its appeal."""
    topic: Topic
    flags: list[Flag] = field(default_factory=list)
    appeal: Appeal | None = None
    flag_weights: dict[int, float] = field(default_factory=dict)
    flag_score: trust.FlagScore | None = None

    @property
    def target(self) -> Topic:
        return self.topic


@dataclass
class QueuePage:
    items: list[QueueItem]
    reason: str
    status: str
    pagination: Pagination
    # Topics whose opening text waits for review (or did), above the posts, on the first page.
    topics: list[TopicItem] = field(default_factory=list)


def _pending():
    """Posts waiting for a moderator by their status. The `<> 'visible'` term lets
    both databases use the small partial index of moderated posts (0006)."""
    return (Post.status != PostStatus.VISIBLE) & Post.status.in_([PostStatus.HIDDEN, PostStatus.HELD])


def _activity(open_only: bool):
    """(post_id, at, open) for every flag, appeal and post waiting for review; with
    `open_only`, only for the posts still waiting, so the default queue costs what
    is open now rather than the whole history of flags."""
    is_open = lambda column, value: case((column == value, 1), else_=0)  # noqa: E731
    flags = select(Flag.post_id.label("post_id"), Flag.created_at.label("at"),
                   is_open(Flag.status, FlagStatus.OPEN).label("open"))
    appeals = select(Appeal.post_id, Appeal.created_at, is_open(Appeal.status, AppealStatus.OPEN))
    if open_only:
        waiting = union(select(Flag.post_id).where(Flag.status == FlagStatus.OPEN),
                        select(Appeal.post_id).where(Appeal.status == AppealStatus.OPEN),
                        select(Post.id).where(_pending())).cte("waiting")
        flags = flags.where(Flag.post_id.in_(select(waiting.c.post_id)))
        appeals = appeals.where(Appeal.post_id.in_(select(waiting.c.post_id)))
    pending = select(Post.id, func.coalesce(Post.hidden_at, Post.created_at), literal(1)).where(_pending())
    return union_all(flags, appeals, pending).subquery()


@functools.cache
def _queue_statement(viewer: visibility.BoundViewer, status: str, by_reason: bool):
    """One page of the queue's post ids (with their number): built once per kind of
    moderator, status and filter (it took longer to put together than to run)."""
    activity = _activity(open_only=status == "open")
    grouped = select(activity.c.post_id, func.max(activity.c.at).label("last"),
                     func.max(activity.c.open).label("open")).group_by(activity.c.post_id)
    if status != "all":
        grouped = grouped.having(func.max(activity.c.open) == (1 if status == "open" else 0))
    grouped = grouped.subquery()
    # The scope is checked on the few grouped posts, not on every post of the forum.
    listed = (select(grouped.c.post_id, func.count().over().label("total"))
              .join(Post, Post.id == grouped.c.post_id).join(Topic, Topic.id == Post.topic_id)
              .where(visibility.moderation_scope(viewer)))
    if by_reason:
        listed = listed.where(grouped.c.post_id.in_(select(Flag.post_id).where(Flag.reason == bindparam("reason"))))
    return (listed.order_by(grouped.c.last.desc(), grouped.c.post_id.desc())
            .limit(bindparam("limit")).offset(bindparam("offset")))


@functools.cache
def _queue_items_statements():
    """The queue's posts of `:ids` with their appeals (and their authors, topics and
    the posts they answer); their flags (newest first, with who flagged) and those of
    the topics of `:topic_ids`, in one query for both kinds."""
    ids, parent = bindparam("ids", expanding=True), aliased(Post)
    topic_ids = bindparam("topic_ids", expanding=True)
    return (select(Post, Appeal).outerjoin(Appeal, Appeal.post_id == Post.id).where(Post.id.in_(ids)).options(
                joinedload(Post.author), joinedload(Post.topic),
                joinedload(Post.parent.of_type(parent)).joinedload(parent.author)),
            select(Flag).where(or_(Flag.post_id.in_(ids), Flag.topic_id.in_(topic_ids)))
            .order_by(Flag.created_at.desc(), Flag.id.desc()).options(joinedload(Flag.flagger)))


TOPICS_LISTED = 20


@functools.cache
def _topic_queue_statement(viewer: visibility.BoundViewer, status: str, by_reason: bool):
    """The topics whose opening text has flags, an appeal or waits hidden, in the
    reader's scope, newest activity first, with their authors: one query, built once
    per kind of moderator, status and filter (as `_queue_statement`)."""
    is_open = lambda column, value: case((column == value, 1), else_=0)  # noqa: E731
    activity = union_all(
        select(Flag.topic_id.label("topic_id"), Flag.created_at.label("at"),
               is_open(Flag.status, FlagStatus.OPEN).label("open")).where(Flag.topic_id.is_not(None)),
        select(Appeal.topic_id, Appeal.created_at, is_open(Appeal.status, AppealStatus.OPEN))
        .where(Appeal.topic_id.is_not(None)),
        select(Topic.id, func.coalesce(Topic.hidden_at, Topic.created_at), literal(1))
        .where(Topic.status != PostStatus.VISIBLE, Topic.status == PostStatus.HIDDEN)).subquery()
    grouped = select(activity.c.topic_id, func.max(activity.c.at).label("last")).group_by(activity.c.topic_id)
    if status != "all":
        grouped = grouped.having(func.max(activity.c.open) == (1 if status == "open" else 0))
    grouped = grouped.subquery()
    listed = (select(Topic, Appeal).join(grouped, grouped.c.topic_id == Topic.id)
              .outerjoin(Appeal, Appeal.topic_id == Topic.id).where(visibility.moderation_scope(viewer))
              .options(joinedload(Topic.author)).order_by(grouped.c.last.desc(), Topic.id.desc())
              .limit(TOPICS_LISTED))
    if by_reason:
        listed = listed.where(Topic.id.in_(select(Flag.topic_id).where(Flag.reason == bindparam("reason"))))
    return listed


def _queue_topics(user, *, reason: str, status: str) -> list[TopicItem]:
    """The queue's topics with their appeals, without their flags (`queue_page` reads
    them with the posts'): one query."""
    params = {"viewer_id": user.id}
    if reason:
        params["reason"] = reason
    return [TopicItem(topic, appeal=appeal) for topic, appeal in db.session.execute(
        _topic_queue_statement(visibility.BoundViewer.like(user), status, bool(reason)), params).unique()]


def topic_item(topic: Topic) -> TopicItem:
    """One topic's opening text under review, for its moderation page: its flags,
    appeal, and what its open flags weigh (domain/trust.py)."""
    item = TopicItem(topic, list(db.session.scalars(
        select(Flag).where(Flag.topic_id == topic.id).order_by(Flag.created_at.desc(), Flag.id.desc())
        .options(joinedload(Flag.flagger)))), db.session.scalar(select(Appeal).where(Appeal.topic_id == topic.id)))
    records = trust.records_of(f.flagger_id for f in item.open_flags)
    now = utcnow()
    item.flag_weights = {i: trust.flag_weight(r, now, current_app.config) for i, r in records.items()}
    if records:
        item.flag_score = trust.flag_score(records.values(), now, current_app.config)
    return item


def queue_filters(reason: str, status: str) -> tuple[str, str]:
    """The queue's filters as asked for, or the defaults where they are not ones it knows."""
    return (reason if reason in FlagReason.__members__.values() else "",
            status if status in QUEUE_STATUSES else "open")


@functools.cache
def _queue_version_statement():
    return select(select(func.max(Topic.version)).scalar_subquery(),
                  select(func.max(Flag.id)).scalar_subquery(),
                  select(func.max(Appeal.id)).scalar_subquery(),
                  select(func.max(ModAction.id)).scalar_subquery())


def queue_version() -> tuple:
    """What any moderator's queue shows changes only with these: the newest
    version of any topic (a post, an edit, a deletion, a vote, a flag and every
    moderator's action on a post or a topic move it), the newest flag, appeal and
    moderator's action (a warning or a suspension has no topic). One query, from
    indexes. Not seen: a member renaming themselves, a suspension running out."""
    return tuple(db.session.execute(_queue_version_statement()).one())


def queue_page(user, *, reason: str = "", status: str = "open", page: int = 1, per_page: int = 20) -> QueuePage:
    reason, status = queue_filters(reason, status)
    page = max(page, 1)
    params = {"viewer_id": user.id, "limit": per_page, "offset": (page - 1) * per_page}
    if reason:
        params["reason"] = reason
    rows = db.session.execute(_queue_statement(visibility.BoundViewer.like(user), status, bool(reason)),
                              params).all()
    ids = [row.post_id for row in rows]
    pagination = Pagination(page=page, per_page=per_page, total=rows[0].total if rows else 0)
    # Topics whose opening text waits for review: above the posts, on the first page.
    topics = {item.topic.id: item for item in _queue_topics(user, reason=reason, status=status)} if page == 1 else {}
    if not ids and not topics:
        return QueuePage([], reason, status, pagination)
    posts_of_page, flags_of_page = _queue_items_statements()
    links = QueueLinks()
    found = {post.id: QueueItem(post, appeal=appeal, links=links)
             for post, appeal in (db.session.execute(posts_of_page, {"ids": ids}) if ids else ())}
    items = {i: found[i] for i in ids}
    posts = {i: item.post for i, item in items.items()}
    for flag in db.session.scalars(flags_of_page, {"ids": ids, "topic_ids": list(topics)}):
        (items[flag.post_id] if flag.post_id is not None else topics[flag.topic_id]).flags.append(flag)
    if not ids:
        return QueuePage([], reason, status, pagination, list(topics.values()))
    histories = member_histories({p.author_id for p in posts.values()})
    involved = trust.involvement(ids, utcnow(), current_app.config)
    for item in items.values():
        item.history = histories[item.post.author_id]
        item.involved = involved[item.post.id]
    return QueuePage([items[i] for i in ids], reason, status, pagination, list(topics.values()))


def queue_item(post: Post) -> QueueItem:
    """The same view of one post, for its moderation page."""
    flags = list(db.session.scalars(select(Flag).where(Flag.post_id == post.id)
                                    .order_by(Flag.created_at.desc()).options(joinedload(Flag.flagger))))
    appeal = db.session.scalar(select(Appeal).where(Appeal.post_id == post.id))
    return QueueItem(post, flags, appeal, member_histories({post.author_id})[post.author_id], QueueLinks(),
                     trust.involvement([post.id], utcnow(), current_app.config)[post.id])


# --- The audit log --------------------------------------------------------------

@dataclass
class LogFilters:
    moderator: str = ""
    action: str = ""
    member: str = ""

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


def log_query(user, filters: LogFilters):
    actor, member = aliased(User), aliased(User)
    # Entries about a topic outside the reader's scope (a private class) stay out.
    in_scope = ModAction.topic_id.in_(select(Topic.id).where(visibility.moderation_scope(user)))
    # Entries about no topic (warnings, suspensions) are site moderators' business,
    # and their giver's (an instructor's warning: moderation.warn_member).
    no_topic = ModAction.topic_id.is_(None)
    query = select(ModAction).where(or_(no_topic, in_scope) if user.is_moderator
                                    else or_(in_scope, no_topic & (ModAction.actor_id == user.id)))
    if filters.moderator:
        query = query.join(actor, ModAction.actor_id == actor.id).where(
            actor.username_key == username_key(filters.moderator))
    if filters.member:
        query = query.join(member, ModAction.user_id == member.id).where(
            member.username_key == username_key(filters.member))
    if filters.action:
        query = query.where(ModAction.action == filters.action)
    return query


def _with_targets(query):
    return query.options(joinedload(ModAction.actor), joinedload(ModAction.user),
                         joinedload(ModAction.topic))


@dataclass
class LogPage:
    entries: list[ModAction]
    filters: LogFilters
    pagination: Pagination


def log_page(user, filters: LogFilters, *, page: int = 1, per_page: int = 50) -> LogPage:
    query = log_query(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pagination = Pagination(page=max(page, 1), per_page=per_page, total=total)
    entries = list(db.session.scalars(_with_targets(
        query.order_by(ModAction.created_at.desc(), ModAction.id.desc())
        .limit(per_page).offset((pagination.page - 1) * per_page))))
    return LogPage(entries, filters, pagination)


def log_rows(user, filters: LogFilters, limit: int = 100_000):
    """Every matching entry, oldest first, for the CSV export."""
    return db.session.scalars(_with_targets(
        log_query(user, filters).order_by(ModAction.created_at, ModAction.id).limit(limit)))
