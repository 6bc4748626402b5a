"""What each page shows, loaded in a fixed number of queries whatever its size.

Templates get everything from here and never trigger a lazy load.
"""
import functools
import math
from collections.abc import Callable
from typing import NamedTuple
from dataclasses import dataclass, field

from flask import abort, current_app, url_for
from markupsafe import Markup
from sqlalchemy import Integer, and_, bindparam, func, literal, null, or_, select
from sqlalchemy.orm import aliased, contains_eager, defer, joinedload, selectinload, with_expression

from ..domain import anonymity, articles, minds, moderation, permissions, reads, visibility
from ..domain.accounts import username_key
from ..extensions import db
from ..models import Article, Passage, PollAnswer, Post, Topic, TopicRead, TopicWatch, User, utcnow
from . import class_pages, post_presenter, unread
from .post_presenter import PostView

P = post_presenter.posts.c

SORTS = ("old", "new", "best")


def thread_sort(sort: str | None) -> str:
    return sort if sort in SORTS else "old"


@dataclass
class Pagination:
    page: int
    per_page: int
    total: int | None  # None: not counted; `more` says whether a next page exists
    more: bool = False

    @property
    def pages(self) -> int | None:
        return None if self.total is None else max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.more if self.total is None else self.page < self.pages


@functools.cache
def _topic_statement(member: bool, by_post: bool = False):
    """A topic page's topic with its article, author, passage, newest post id (where
    live updates start), the reader's watch level, read mark and first unread post
    (domain/reads.py), their role in its class (a class
    debate's visibility check then costs no query) and its phase boundaries passed
    (class debates): one query, built once. By `:topic_id`, or `by_post`, the
    topic of `:post_id` (a permalink's)."""
    if member:
        viewer = bindparam("viewer_id")
        watch = (select(TopicWatch.level).where(TopicWatch.topic_id == Topic.id, TopicWatch.user_id == viewer)
                 .scalar_subquery())
        role = visibility.class_role_column(Topic.class_id, viewer)
        # Correlated to the topic row even inside first_new_post's subquery.
        seen = (select(TopicRead.last_seen_post_id).where(TopicRead.topic_id == Topic.id, TopicRead.user_id == viewer)
                .correlate(Topic).scalar_subquery())
        first_new = reads.first_new_post(Topic.id, seen, viewer)
        # The reader's newest poll answer here: what their timeline is a version of (pages/viewer.py).
        answered = func.coalesce(select(func.max(PollAnswer.id))
                                 .where(PollAnswer.topic_id == Topic.id, PollAnswer.user_id == viewer)
                                 .scalar_subquery(), 0)
    else:
        watch = role = seen = first_new = answered = null()
    topic_id = (select(Post.topic_id).where(Post.id == bindparam("post_id")).scalar_subquery() if by_post
                else bindparam("topic_id"))
    return select(Topic, watch, role, class_pages.schedule_passed(), seen, first_new, answered).where(
        Topic.id == topic_id).options(
        joinedload(Topic.article), joinedload(Topic.author), joinedload(Topic.passage), joinedload(Topic.anchor),
        with_expression(Topic.last_post_id,
                        select(func.max(Post.id)).where(Post.topic_id == Topic.id).scalar_subquery()))


def fetch_topic(user, topic_id: int) -> Topic | None:
    """A topic as its pages show it (`_topic_statement`), or None. Whether `user`
    may see it is the caller's check (`visibility.can_see_topic`, which asks the
    database nothing more)."""
    return _fetch(user, {"topic_id": topic_id}, by_post=False)


def fetch_topic_of_post(user, post_id: int) -> Topic | None:
    """The topic of a post, as `fetch_topic` loads it (a permalink's page)."""
    return _fetch(user, {"post_id": post_id}, by_post=True)


def _fetch(user, params: dict, *, by_post: bool) -> Topic | None:
    params["now"] = utcnow()
    if user.is_authenticated:
        params["viewer_id"] = user.id
    row = db.session.execute(_topic_statement(user.is_authenticated, by_post), params).first()
    if row is None:
        return None
    (topic, topic.viewer_watch, role, topic.schedule_passed, topic.viewer_last_seen, topic.viewer_first_new,
     topic.viewer_last_answer) = row
    visibility.remember_class_role(user, topic.class_id, role)
    return topic


def load_topic(user, topic_id: int) -> Topic:
    """`fetch_topic`, or a 404 for a topic that isn't there or that `user` may not see."""
    topic = fetch_topic(user, topic_id)
    if topic is None or not visibility.can_see_topic(user, topic):
        abort(404)
    return topic


@dataclass
class TopicPage:
    topic: Topic
    roots: list[PostView]
    sort: str
    pagination: Pagination
    # Live updates start after this post; the reader's watch or mute, if any.
    last_post_id: int = 0
    watch_level: str | None = None
    # Class debates: sides, phases and grades above the thread, and pseudonyms.
    debate: "class_pages.DebatePanel | None" = None
    names: dict = field(default_factory=dict)
    # The reply tree rendered (views.topics: whole from a shared copy, or family by family).
    thread_html: Markup | None = None
    # The last reply shown (created_at, id) when REPLIES_PER_PAGE cut the replies off.
    replies_until: tuple | None = None




@functools.cache
def _roots_statement(sort: str, member: bool):
    order = (P.created_at.desc(), P.id.desc()) if sort == "new" else (P.created_at, P.id)
    if sort == "best":
        order = (P.vote_count.desc(), *order)
    # A debate's arguments also say how many readers each moved (domain/minds.py: PostView.moved).
    moved_pro, moved_con = minds.moved_columns(P.id)
    return (post_presenter.statement(P.topic_id == bindparam("topic_id"), P.parent_id.is_(None),
                                order_by=order, member=member)
            .add_columns(moved_pro.label("moved_pro"), moved_con.label("moved_con"))
            .limit(bindparam("limit")).offset(bindparam("offset")))


@functools.cache
def _replies_statement(member: bool, until: bool = False):
    """The oldest replies under `root_ids`, at most `cap`. With `until`, only those up
    to the last reply the whole page showed (`until_at`, `until_id`): what the whole
    page's query gives of those roots' replies, when it met its cap."""
    criteria = [P.root_id.in_(bindparam("root_ids", expanding=True)), P.depth < bindparam("depth_limit")]
    if until:
        until_at = bindparam("until_at", type_=P.created_at.type)
        criteria.append(or_(P.created_at < until_at, and_(P.created_at == until_at, P.id <= bindparam("until_id"))))
    return (post_presenter.statement(*criteria, order_by=(P.created_at, P.id), member=member)
            .limit(bindparam("cap")))


def topic_page(user, topic_id: int, *, sort: str = "old", page: int = 1, per_page: int = 20,
               topic: Topic | None = None, posts: bool = True) -> TopicPage:
    """One page of top-level posts with their replies down to the thread depth limit
    (deeper ones are a "Continue this thread" link away) and up to REPLIES_PER_PAGE
    of them: three queries with the topic. With `posts=False`, all but the posts
    (`load_thread` adds them)."""
    topic = topic or load_topic(user, topic_id)
    sort = thread_sort(sort)
    pagination = Pagination(page=max(page, 1), per_page=per_page, total=topic.root_count)
    page = TopicPage(topic, [], sort, pagination, topic.last_post_id or 0, topic.viewer_watch)
    if topic.class_id is not None:
        page.debate = class_pages.debate_panel(user, topic)
        page.names = page.debate.names if page.debate else anonymity.names_for_topic(user, topic)
    if posts:
        load_thread(user, page)
    return page


def load_thread(user, page: TopicPage, *, rendered: frozenset[int] = frozenset(),
                replies_until: tuple | None = None) -> None:
    """The page's posts, as a tree under `page.roots`. The families in `rendered`
    (top-level post ids whose family comes already rendered) are left out but for
    their top-level post; `replies_until` is then the whole page's
    `page.replies_until`, so that the others get the replies the whole page would."""
    topic, pagination = page.topic, page.pagination
    roots = post_presenter.fetch(user, topic, functools.partial(_roots_statement, page.sort), topic_id=topic.id,
                            limit=pagination.per_page, offset=(pagination.page - 1) * pagination.per_page)
    root_ids = [p.id for p in roots]
    wanted = [i for i in root_ids if i not in rendered]
    # The oldest replies, down to the depth limit and at most REPLIES_PER_PAGE: a page's
    # size does not depend on how busy one thread is ("N more replies" link to the rest).
    cap, depth_limit = current_app.config["REPLIES_PER_PAGE"], current_app.config["THREAD_DEPTH_LIMIT"]
    replies = []
    if not rendered:
        if root_ids:
            replies = post_presenter.fetch(user, topic, _replies_statement, root_ids=root_ids, cap=cap,
                                      depth_limit=depth_limit)
        page.replies_until = (replies[-1].created_at, replies[-1].id) if len(replies) == cap else None
    else:
        page.replies_until = replies_until
        until = {"until_at": replies_until[0], "until_id": replies_until[1]} if replies_until else {}
        if wanted:
            replies = post_presenter.fetch(user, topic, functools.partial(_replies_statement, until=bool(until)),
                                      root_ids=wanted, cap=cap, depth_limit=depth_limit, **until)
    page.roots = post_presenter.tree(roots + replies, root_ids, newest_first=page.sort == "new",
                                best_first=page.sort == "best")
    post_presenter.Presenter(user, topic, page.names,
                             may_reply=page.debate.may_reply_to if page.debate else None).present(
        p for p in roots + replies if (p.root_id or p.id) not in rendered)


class Landing(NamedTuple):
    url: str
    what: str  # "argument", "post" or "reply": what the confirmation calls it


def where_shown(post: Post) -> Landing:
    """Where the author of a post just written sees it in its place, as the reader
    they were: a debate's argument at the top of its column, newest first; an
    answer in a debate among the answers to what it answers (the argument page),
    newest first; a discussion's post on the thread page that shows it. A post the
    thread cannot show (beyond the depth limit, or past the replies a page shows)
    on its own page. Every address ends at the post (#card… or #p…).

    Asked before the post's commit, while it is loaded: nothing is read back."""
    topic = post.topic
    what = "reply" if post.parent_id is not None else ("argument" if topic.is_debate else "post")
    if topic.is_debate:
        if post.parent_id is None:
            return Landing(url_for("topics.show", topic_id=topic.id, sort="new", _anchor=f"card{post.id}"), what)
        return Landing(url_for("posts.show", post_id=post.parent_id, sort="new", _anchor=f"card{post.id}"), what)
    config = current_app.config
    per_page, cap, depth_limit = config["POSTS_PER_PAGE"], config["REPLIES_PER_PAGE"], config["THREAD_DEPTH_LIMIT"]
    if post.depth >= depth_limit:
        return Landing(url_for("posts.show", post_id=post.id), what)
    root = aliased(Post)
    root_id = post.root_id or post.id
    roots_until_it = (select(func.count()).select_from(Post).join(root, root.id == root_id)
                      .where(Post.topic_id == topic.id, Post.parent_id.is_(None),
                             or_(Post.created_at < root.created_at,
                                 and_(Post.created_at == root.created_at, Post.id <= root.id))))
    number = max(1, math.ceil(db.session.scalar(roots_until_it) / per_page))
    if post.parent_id is not None:
        page_roots = (select(Post.id).where(Post.topic_id == topic.id, Post.parent_id.is_(None))
                      .order_by(Post.created_at, Post.id).limit(per_page).offset((number - 1) * per_page))
        replies = db.session.scalar(select(func.count()).select_from(Post).where(
            Post.root_id.in_(page_roots.scalar_subquery()), Post.depth < depth_limit))
        if replies > cap:
            return Landing(url_for("posts.show", post_id=post.id), what)
    return Landing(url_for("topics.show", topic_id=topic.id, page=number if number > 1 else None,
                           _anchor=f"p{post.id}"), what)


@dataclass
class PostPage:
    topic: Topic
    post: PostView
    parent: PostView | None
    names: dict = field(default_factory=dict)


@functools.cache
def _post_family_statement(member: bool):
    """A post, its replies `levels` deep and its parent (`parent_id`, NULL for none).

    Levels are counted in the CTE: a filter on posts.depth in there makes SQLite
    build a Bloom filter over the whole table at every step (100 ms at 100,000 posts)."""
    below = (select(P.id, literal(1).label("level")).where(P.id == bindparam("post_id"))
             .cte("below", recursive=True))
    below = below.union_all(select(P.id, below.c.level + 1).where(
        P.parent_id == below.c.id, below.c.level < bindparam("levels")))
    shown = select(below.c.id).union_all(select(bindparam("parent_id", type_=Integer)))
    # Level by level, oldest first, at most `cap`: as bounded as a topic page.
    return (post_presenter.statement(P.id.in_(shown), order_by=(P.depth, P.created_at, P.id), member=member)
            .limit(bindparam("cap")))


def post_page(user, post_id: int, post: Post | None = None) -> PostPage:
    """A post with its replies down to the depth limit below it, and the post it answers."""
    post = post or db.session.scalar(select(Post).where(Post.id == post_id).options(
        joinedload(Post.topic).joinedload(Topic.article)))
    if post is None or not visibility.can_see_topic(user, post.topic):
        abort(404)
    topic = post.topic
    family = post_presenter.fetch(user, topic, _post_family_statement, post_id=post.id, parent_id=post.parent_id,
                             levels=current_app.config["THREAD_DEPTH_LIMIT"],
                             cap=current_app.config["REPLIES_PER_PAGE"] + 2)
    [shown] = post_presenter.tree(family, [post.id])
    parent = next((p for p in family if p.id == post.parent_id), None)
    # A class debate's: its pseudonyms, and the Reply links its open phase allows.
    panel = class_pages.debate_panel(user, topic)
    names = panel.names if panel else anonymity.names_for_topic(user, topic)
    post_presenter.Presenter(user, topic, names, may_reply=panel.may_reply_to if panel else None).present(family)
    return PostPage(topic, shown, parent, names)


# What a list of topics shows: never their bodies.
TOPIC_LIST_COLUMNS = (defer(Topic.body_md), defer(Topic.body_html))


def topic_list(user, *, article: Article | None = None, passage: Passage | None = None,
               limit: int = 50) -> list[Topic]:
    # A topic moderation hid or removed is not listed (its page shows a tombstone).
    query = (visibility.visible_topics(user).where(visibility.public_topic_filter())
             .order_by(Topic.is_pinned.desc(), Topic.last_activity_at.desc())
             .limit(limit).options(*TOPIC_LIST_COLUMNS, joinedload(Topic.author), joinedload(Topic.passage),
                                   joinedload(Topic.classroom)))
    if article is not None:
        query = query.where(Topic.article_id == article.id)
    if passage is not None:
        query = query.where(Topic.passage_id == passage.id)
    return list(db.session.scalars(query))


def listed_topic_filter(user):
    """The topics a list shows `user`: those they may see, but for those moderation hid or removed."""
    return visibility.visible_topic_filter(user) & visibility.public_topic_filter()


@dataclass
class HomePage:
    article: Article | None
    passage_counts: dict[int, int]
    debates: list[Topic]
    discussions: list[Topic]
    unread: dict[int, int] = field(default_factory=dict)  # a member's "N new" by topic id (pages/unread.py)


def home_page(user) -> HomePage:
    article = db.session.scalar(
        select(Article).order_by(Article.created_at, Article.id).limit(1)
        .options(selectinload(Article.passages)))
    if article is None:
        return HomePage(None, {}, [], [])
    counts = articles.passage_topic_counts(article, listed_topic_filter(user))
    topics = topic_list(user, article=article)
    return HomePage(article, counts, [t for t in topics if t.is_debate], [t for t in topics if not t.is_debate],
                    unread.list_counts(user, topics))


@dataclass
class ArticlePage:
    article: Article
    passage_counts: dict[int, int]
    topics: list[Topic]
    passage: Passage | None
    unread: dict[int, int] = field(default_factory=dict)  # as on HomePage


def article_page(user, slug: str, passage_anchor: str | None = None) -> ArticlePage:
    article = db.session.scalar(
        select(Article).where(Article.slug == slug).options(selectinload(Article.passages)))
    if article is None:
        abort(404)
    passage = next((p for p in article.passages if p.anchor == passage_anchor), None)
    counts = articles.passage_topic_counts(article, listed_topic_filter(user))
    topics = topic_list(user, article=article, passage=passage, limit=200)
    return ArticlePage(article, counts, topics, passage, unread.list_counts(user, topics))


@dataclass
class ProfilePage:
    person: User
    posts: list[Post]
    topics: list  # rows: id, title, kind, created_at, status
    pagination: Pagination  # without a total: "Older posts" while there are more
    # Debates the person argued in: (topic row: id, title, pro_label, con_label,
    # {stance: number of their top-level posts}).
    debates: list[tuple] = field(default_factory=list)
    muted: bool = False  # whether the reader has muted this person
    # A hundred links a page: from patterns built once (post_presenter.url_pattern).
    topic_url: Callable[[int], str] | None = None
    post_url: Callable[[int], str] | None = None


def profile_page(user, username: str, *, page: int = 1, per_page: int = 30) -> ProfilePage:
    """A person's posts, newest first. The number shown is their public post count
    (a counter on the user); the list is paged without counting it."""
    person = db.session.scalar(select(User).where(User.username_key == username_key(username)))
    if person is None:
        abort(404)
    # Deleted posts are never listed; hidden, held and removed ones only to their
    # author and moderators.
    own_or_mod = permissions.can_moderate(user) or (user.is_authenticated and user.id == person.id)
    seen = visibility.visible_topic_filter(user) & (
        Post.deleted_at.is_(None) if own_or_mod else visibility.public_post_filter())
    unmasked = anonymity.profile_post_filter(user, person)
    page = max(page, 1)
    posts = list(db.session.scalars(
        select(Post).join(Post.topic)
        .where(Post.author_id == person.id, seen, unmasked)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(per_page + 1).offset((page - 1) * per_page)
        .options(defer(Post.body_md), contains_eager(Post.topic))))
    pagination = Pagination(page=page, per_page=per_page, total=None, more=len(posts) > per_page)
    # Topics moderation hid or removed: listed, marked, only to their author and moderators.
    topics = db.session.execute(
        select(Topic.id, Topic.title, Topic.kind, Topic.created_at, Topic.status)
        .where(Topic.author_id == person.id, visibility.visible_topic_filter(user),
               *(() if own_or_mod else (visibility.public_topic_filter(),)))
        .order_by(Topic.created_at.desc()).limit(20)).all()
    return ProfilePage(person, posts[:per_page], topics, pagination, _debate_stances(person, seen, unmasked),
                       person.id in moderation.muted_ids(user),
                       topic_url=post_presenter.url_pattern("topics.show", topic_id=post_presenter.SENTINEL),
                       post_url=post_presenter.url_pattern("posts.show", post_id=post_presenter.SENTINEL))


DEBATES_LISTED = 50


def _debate_stances(person: User, seen, unmasked) -> list[tuple]:
    """The person's sides in their latest debates: counted as plain rows from one
    covering index, then the (at most 50) topics' titles and labels in a second query."""
    rows = db.session.execute(
        select(Post.topic_id, Post.stance, func.count()).join(Post.topic)
        .where(Post.author_id == person.id, Post.parent_id.is_(None), Post.stance.is_not(None),
               Topic.kind == "debate", seen, unmasked)
        .group_by(Post.topic_id, Post.stance).order_by(Post.topic_id.desc()))
    stances: dict[int, dict[str, int]] = {}
    for topic_id, stance, count in rows:
        if topic_id not in stances and len(stances) == DEBATES_LISTED:
            break
        stances.setdefault(topic_id, {})[stance] = count
    if not stances:
        return []
    topics = db.session.execute(select(Topic.id, Topic.title, Topic.pro_label, Topic.con_label)
                                .where(Topic.id.in_(stances)))
    return sorted(((topic, stances[topic.id]) for topic in topics), key=lambda item: -item[0].id)
