"""Conditional GET for topic pages, and rendered copies that readers share.

A topic page that has not changed since the reader last loaded it is answered
304 Not Modified without being built. The ETag covers what the page shows and
who is looking: the topic's counters and last activity (a reply, a vote, an
edit, a deletion or a moderator's action moves it), its own edit and lock
state, the query string (page, sort), and the viewer: their id, role,
suspension and CSRF secret for a member, "guest" otherwise. Two members never
share an ETag, and a member's page is `Cache-Control: private`, so no cache
can hand one member's page to another.

Shared copies (`SharedCopies`), kept `SHARED_COPY_SECONDS` (30 by default, 0
turns them off) in Redis when REDIS_URL is set (shared by every worker and
machine) or in a small per-process LRU:

- Guests share one rendered copy of a public topic page: a guest who has never
  seen the page gets the copy the ETag vouches for, exactly what a guest
  revalidating it would be told is current (304). Only for guests, only for
  public topics, only 200 pages without a pending flash message.
- Guests also share the home page, profiles and search results (`guest_copy`),
  keyed by the page's path and query string and `public_version`: what any
  guest may see of the forum, which every post, edit, vote and moderator's
  action moves.
- Plain readers among members share a topic page's reply tree (`thread_key`):
  the rest of their page (header, follow and reply forms, CSRF tokens) is
  rendered for them. Only where the tree is the same whoever reads it: a
  public topic, a member who may write and moderates nothing there, and who
  neither wrote nor muted the author of any post in it; never a tree holding
  a form.

Whatever the ETag does not see (an author renaming themselves, "3 minutes ago"
ageing) is at most that many seconds stale in a copy.
"""
import hashlib
import time
from collections import OrderedDict
from functools import wraps

from flask import current_app, make_response, request, session
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from . import moderation, permissions, visibility
from .extensions import db
from .models import Post, Topic


def topic_etag(user, topic: Topic) -> str:
    if user.is_authenticated:
        secret = hashlib.sha256(str(session.get("csrf_token", "")).encode()).hexdigest()[:12]
        viewer = f"user:{user.id}:{user.role}:{user.is_suspended}:{secret}"
    else:
        viewer = "guest"
    parts = (topic.id, topic.post_count, topic.last_activity_at.isoformat(), topic.edited_at,
             topic.is_locked, topic.closed_at, viewer, request.query_string)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _cache_headers(response, user, etag: str):
    response.set_etag(etag)
    response.cache_control.no_cache = True
    response.cache_control.private = user.is_authenticated or None
    response.vary.add("Cookie")
    return response


class SharedCopies:
    """Rendered pages and reply trees by key: Redis with a TTL, or an in-process LRU.

    With Redis, the LRU also keeps what this worker fetched, until Redis would
    expire it: a reply tree is 130 KB, and fetching it again on every request cost
    a worker more than rendering half of it. Keys name a version of their content
    (nothing is ever invalidated), so a worker's copy is the one Redis holds.
    """

    def __init__(self, redis_url: str | None, seconds: int, capacity: int = 64):
        self.seconds, self.capacity = seconds, capacity
        self.redis = None
        if redis_url and seconds:
            import redis
            self.redis = redis.Redis.from_url(redis_url)
        self.local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        if not self.seconds:
            return None
        entry = self.local.get(key)
        if entry is not None and entry[0] >= time.monotonic():
            self.local.move_to_end(key)
            return entry[1]
        if self.redis is None:
            return None
        body, milliseconds = self.redis.pipeline().get(self._redis_key(key)).pttl(self._redis_key(key)).execute()
        if body is not None and milliseconds > 0:
            self._keep(key, body, milliseconds / 1000)
        return body

    def put(self, key: str, body: bytes) -> None:
        if not self.seconds:
            return
        if self.redis is not None:
            self.redis.set(self._redis_key(key), body, ex=self.seconds)
        self._keep(key, body, self.seconds)

    def _keep(self, key: str, body: bytes, seconds: float) -> None:
        self.local[key] = (time.monotonic() + seconds, body)
        self.local.move_to_end(key)
        while len(self.local) > self.capacity:
            self.local.popitem(last=False)

    @staticmethod
    def _redis_key(key: str) -> str:
        return f"counterpoint:page:{key}"


def init_app(app) -> None:
    app.extensions["counterpoint.shared_copies"] = SharedCopies(
        app.config.get("REDIS_URL"), int(app.config.get("SHARED_COPY_SECONDS", 30)))


def _copies() -> SharedCopies:
    return current_app.extensions["counterpoint.shared_copies"]


def _guest_copy_key(user, topic: Topic, etag: str) -> str | None:
    """The shared copy's key, when this request may share one."""
    if user.is_authenticated or topic.class_id is not None:
        return None
    return hashlib.sha256(f"{request.path}|{etag}".encode()).hexdigest()[:40]


def public_version() -> str:
    """What a guest may see of the forum changes only with these: the newest
    activity in a public topic (posts, edits of posts and topics, votes, ∆ and
    moderation all move it), the number of public topics and the newest article
    edit. One query, from indexes."""
    from .models import Article
    row = db.session.execute(select(
        select(func.max(Topic.last_activity_at)).where(Topic.class_id.is_(None)).scalar_subquery(),
        select(func.count()).select_from(Topic).where(Topic.class_id.is_(None)).scalar_subquery(),
        select(func.max(Article.updated_at)).scalar_subquery())).one()
    return repr(tuple(row))


def guest_copy(render):
    """For a guest without a pending flash message: the shared copy of this page
    (path and query string) at this `public_version`, else `render()`, kept as the
    copy when it is a 200. For pages that show guests only public content."""
    if current_user.is_authenticated or session.get("_flashes"):
        return render()
    guest_pages = _copies()
    key = hashlib.sha256(f"{request.full_path}|{public_version()}".encode()).hexdigest()[:40]
    body = guest_pages.get(key)
    if body is not None:
        return make_response(body)
    response = make_response(render())
    if response.status_code == 200 and not session.get("_flashes"):
        guest_pages.put(key, response.get_data())
    return response


def conditional(load_topic):
    """Decorate a topic page's GET view; `load_topic(**view_args)` fetches its topic in one query."""
    def decorate(view):
        @wraps(view)
        def wrapper(**kwargs):
            topic = load_topic(**kwargs)
            # Unknown or hidden: the view says 404. A pending flash message must be shown.
            if topic is None or not visibility.can_see_topic(current_user, topic) or session.get("_flashes"):
                return view(**kwargs)
            etag = topic_etag(current_user, topic)
            if etag in request.if_none_match:
                return _cache_headers(make_response("", 304), current_user, etag)
            guest_pages = _copies()
            key = _guest_copy_key(current_user, topic, etag)
            body = guest_pages.get(key) if key else None
            if body is not None:
                return _cache_headers(make_response(body), current_user, etag)
            response = make_response(view(**kwargs))
            if response.status_code == 200:
                _cache_headers(response, current_user, etag)
                if key and not session.get("_flashes"):
                    guest_pages.put(key, response.get_data())
            return response
        return wrapper
    return decorate


def thread_key(user, topic: Topic, sort: str, page: int) -> str | None:
    """The key under which plain readers share this topic page's reply tree, when
    `user` may be one: a member who may write and moderates nothing here, in a
    public topic. The tree is the same for all of them (Reply and Flag on every
    post, no Edit, Delete or Moderate, nothing collapsed) save those who wrote or
    muted the author of one of its posts: the copy keeps its authors to check."""
    if (not permissions.can_write(user) or permissions.can_moderate(user, topic)
            or topic.class_id is not None or not topic.root_count):
        return None
    version = (topic.id, topic.post_count, topic.last_activity_at.isoformat(), topic.edited_at,
               topic.is_locked, topic.closed_at, sort, page)
    return "thread:" + hashlib.sha256(repr(version).encode()).hexdigest()[:40]


def shared_thread(key: str | None, user) -> Markup | None:
    """The shared reply tree under `key`, unless `user` wrote or muted one of its authors."""
    stored = _copies().get(key) if key else None
    if stored is None:
        return None
    authors, html = stored.split(b"\n", 1)
    author_ids = {int(i) for i in authors.split(b",") if i}
    if user.id in author_ids or author_ids & moderation.muted_ids(user):
        return None
    return Markup(html.decode())


def keep_thread(key: str, user, author_ids: frozenset[int], muted: bool, html: str) -> None:
    """Keep the tree just rendered for `user` as the shared one, if it is what every
    plain reader gets: `user` wrote none of its posts and collapsed none (`muted`),
    and it holds no form (whose CSRF token is theirs alone)."""
    if user.id in author_ids or muted or 'name="csrf_token"' in html:
        return
    _copies().put(key, ",".join(map(str, sorted(author_ids))).encode() + b"\n" + html.encode())


def topic_by_id(topic_id: int) -> Topic | None:
    # Loaded as the page builder wants it, and remembered for it (one query, not two).
    from .pages import fetch_topic
    topic = fetch_topic(current_user, topic_id)
    request.environ["counterpoint.topic"] = topic
    return topic


def topic_of_post(post_id: int) -> Topic | None:
    return db.session.scalar(select(Topic).join(Post, Post.topic_id == Topic.id).where(Post.id == post_id))
