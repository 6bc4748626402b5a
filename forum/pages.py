"""What each page shows, loaded in a fixed number of queries whatever its size.

Templates get everything from here and never trigger a lazy load.
"""
import math
from collections import defaultdict
from dataclasses import dataclass, field

from flask import abort, has_request_context, request
from sqlalchemy import func, null, select
from sqlalchemy.orm import joinedload, selectinload, with_expression

from . import anonymity, articles, classpages, moderation, permissions, visibility
from .accounts import username_key
from .extensions import db
from .models import Article, Passage, Post, Topic, TopicWatch, User

SORTS = ("old", "new", "best")


@dataclass
class Node:
    post: Post
    children: list["Node"] = field(default_factory=list)


@dataclass
class Pagination:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _tree(posts: list[Post], top_ids: list[int], newest_first: bool, best_first: bool = False) -> list[Node]:
    nodes = {post.id: Node(post) for post in posts}
    children: dict[int, list[Node]] = defaultdict(list)
    for post in posts:
        if post.parent_id in nodes:
            children[post.parent_id].append(nodes[post.id])
    for post_id, kids in children.items():
        kids.sort(key=lambda n: (n.post.created_at, n.post.id), reverse=newest_first)
        if best_first:
            kids.sort(key=lambda n: n.post.vote_count, reverse=True)
        nodes[post_id].children = kids
    return [nodes[i] for i in top_ids if i in nodes]


def topic_load_options(user) -> list:
    """A topic page's topic with its article, author, passage, newest post id (where
    live updates start) and the reader's watch level: one query."""
    watch = (select(TopicWatch.level).where(TopicWatch.topic_id == Topic.id, TopicWatch.user_id == user.id)
             .scalar_subquery() if user.is_authenticated else null())
    return [joinedload(Topic.article), joinedload(Topic.author), joinedload(Topic.passage),
            with_expression(Topic.last_post_id,
                            select(func.max(Post.id)).where(Post.topic_id == Topic.id).scalar_subquery()),
            with_expression(Topic.viewer_watch, watch)]


def _load_topic(user, topic_id: int) -> Topic:
    topic = request.environ.get("counterpoint.topic") if has_request_context() else None
    if topic is None or topic.id != topic_id:  # not already loaded for this request's ETag
        topic = db.session.scalar(select(Topic).where(Topic.id == topic_id)
                                  .options(*topic_load_options(user)))
    if topic is None or not visibility.can_see_topic(user, topic):
        abort(404)
    return topic


@dataclass
class TopicPage:
    topic: Topic
    roots: list[Node]
    sort: str
    pagination: Pagination
    # Live updates start after this post; the reader's watch or mute, if any.
    last_post_id: int = 0
    watch_level: str | None = None
    # Class debates: sides, phases and grades above the thread, and pseudonyms.
    debate: "classpages.DebatePanel | None" = None
    names: dict = field(default_factory=dict)
    muted: frozenset[int] = frozenset()  # authors whose posts collapse for this reader


load_topic = _load_topic


def topic_page(user, topic_id: int, *, sort: str = "old", page: int = 1, per_page: int = 20,
               topic: Topic | None = None) -> TopicPage:
    topic = topic or _load_topic(user, topic_id)
    sort = sort if sort in SORTS else "old"
    newest_first = sort == "new"
    pagination = Pagination(page=max(page, 1), per_page=per_page, total=topic.root_count)
    order = (Post.created_at.desc(), Post.id.desc()) if newest_first else (Post.created_at, Post.id)
    if sort == "best":
        order = (Post.vote_count.desc(), *order)
    # Each query also says which authors the reader muted (no query of its own).
    roots, muted = moderation.load_posts_with_mutes(user, (
        select(Post).where(Post.topic_id == topic.id, Post.parent_id.is_(None))
        .order_by(*order).limit(per_page).offset((pagination.page - 1) * per_page)
        .options(joinedload(Post.author))))
    root_ids = [p.id for p in roots]
    replies, muted_below = moderation.load_posts_with_mutes(user, (
        select(Post).where(Post.root_id.in_(root_ids)).options(joinedload(Post.author)))) if root_ids else ([], set())
    page = TopicPage(topic, _tree(roots + replies, root_ids, newest_first, sort == "best"), sort, pagination,
                     topic.last_post_id or 0, topic.viewer_watch,
                     muted=frozenset(muted | muted_below))
    if topic.class_id is not None:
        page.debate = classpages.debate_panel(user, topic)
        page.names = page.debate.context.names if page.debate else anonymity.names_for_topic(user, topic)
    return page


@dataclass
class PostPage:
    topic: Topic
    node: Node
    ancestors: list[Post]
    names: dict = field(default_factory=dict)
    muted: frozenset[int] = frozenset()


def post_page(user, post_id: int, post: Post | None = None) -> PostPage:
    post = post or db.session.scalar(select(Post).where(Post.id == post_id).options(
        joinedload(Post.author), joinedload(Post.topic).joinedload(Topic.article)))
    if post is None or not visibility.can_see_topic(user, post.topic):
        abort(404)
    root_id = post.root_id or post.id
    family, muted = moderation.load_posts_with_mutes(user, select(Post).where((Post.root_id == root_id) | (Post.id == root_id))
        .options(joinedload(Post.author)))
    by_id = {p.id: p for p in family}
    ancestors = []
    parent_id = post.parent_id
    while parent_id in by_id:
        ancestors.append(by_id[parent_id])
        parent_id = by_id[parent_id].parent_id
    [node] = _tree(family, [post.id], newest_first=False)
    return PostPage(post.topic, node, list(reversed(ancestors)), anonymity.names_for_topic(user, post.topic),
                    frozenset(muted))


def topic_list(user, *, article: Article | None = None, passage: Passage | None = None,
               limit: int = 50) -> list[Topic]:
    query = (visibility.visible_topics(user)
             .order_by(Topic.is_pinned.desc(), Topic.last_activity_at.desc())
             .limit(limit).options(joinedload(Topic.author), joinedload(Topic.passage)))
    if article is not None:
        query = query.where(Topic.article_id == article.id)
    if passage is not None:
        query = query.where(Topic.passage_id == passage.id)
    return list(db.session.scalars(query))


@dataclass
class HomePage:
    article: Article | None
    passage_counts: dict[int, int]
    debates: list[Topic]
    discussions: list[Topic]


def home_page(user) -> HomePage:
    article = db.session.scalar(
        select(Article).order_by(Article.created_at, Article.id).limit(1)
        .options(selectinload(Article.passages)))
    if article is None:
        return HomePage(None, {}, [], [])
    counts = articles.passage_topic_counts(article, visibility.visible_topic_filter(user))
    topics = topic_list(user, article=article)
    return HomePage(article, counts,
                    [t for t in topics if t.is_debate], [t for t in topics if not t.is_debate])


@dataclass
class ArticlePage:
    article: Article
    passage_counts: dict[int, int]
    topics: list[Topic]
    passage: Passage | None


def article_page(user, slug: str, passage_anchor: str | None = None) -> ArticlePage:
    article = db.session.scalar(
        select(Article).where(Article.slug == slug).options(selectinload(Article.passages)))
    if article is None:
        abort(404)
    passage = next((p for p in article.passages if p.anchor == passage_anchor), None)
    counts = articles.passage_topic_counts(article, visibility.visible_topic_filter(user))
    return ArticlePage(article, counts, topic_list(user, article=article, passage=passage, limit=200), passage)


@dataclass
class ProfilePage:
    person: User
    posts: list[Post]
    topics: list[Topic]
    post_total: int
    pagination: Pagination
    # Debates the person argued in: (topic, {stance: number of their top-level posts}).
    debates: list[tuple[Topic, dict[str, int]]] = field(default_factory=list)
    muted: bool = False  # whether the reader has muted this person


def profile_page(user, username: str, *, page: int = 1, per_page: int = 30) -> ProfilePage:
    person = db.session.scalar(select(User).where(User.username_key == username_key(username)))
    if person is None:
        abort(404)
    # Deleted posts are never listed; hidden, held and removed ones only to their
    # author and moderators.
    own_or_mod = permissions.can_moderate(user) or (user.is_authenticated and user.id == person.id)
    seen = visibility.visible_topic_filter(user) & (
        Post.deleted_at.is_(None) if own_or_mod else visibility.public_post_filter())
    unmasked = anonymity.profile_post_filter(user, person)
    total = db.session.scalar(
        select(func.count()).select_from(Post).join(Post.topic)
        .where(Post.author_id == person.id, seen, unmasked))
    pagination = Pagination(page=max(page, 1), per_page=per_page, total=total)
    posts = list(db.session.scalars(
        select(Post).join(Post.topic)
        .where(Post.author_id == person.id, seen, unmasked)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(per_page).offset((pagination.page - 1) * per_page)
        .options(joinedload(Post.topic))))
    topics = list(db.session.scalars(
        visibility.visible_topics(user).where(Topic.author_id == person.id)
        .order_by(Topic.created_at.desc()).limit(20)))
    return ProfilePage(person, posts, topics, total, pagination, _debate_stances(person, seen, unmasked),
                       person.id in moderation.muted_ids(user))


def _debate_stances(person: User, seen, unmasked) -> list[tuple[Topic, dict[str, int]]]:
    rows = db.session.execute(
        select(Topic, Post.stance, func.count()).join(Post.topic)
        .where(Post.author_id == person.id, Post.parent_id.is_(None), Post.stance.is_not(None),
               Topic.kind == "debate", seen, unmasked)
        .group_by(Topic.id, Post.stance).order_by(Topic.id.desc()))
    debates: dict[int, tuple[Topic, dict[str, int]]] = {}
    for topic, stance, count in rows:
        debates.setdefault(topic.id, (topic, {}))[1][stance] = count
    return list(debates.values())[:50]
