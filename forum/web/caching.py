"""Conditional GET for topic pages, and rendered copies that readers share.

A topic page that has not changed since the reader last loaded it is answered
304 Not Modified without being built. The ETag covers what the page shows and
who is looking: the topic's counters and last activity (a reply, a vote, an
edit, a deletion or a moderator's action moves it; in a class debate, a change
to its phases, sides, grades or class roster too: `posting.touch_topic`), its own
edit and lock state, how many of a class debate's phase openings and closings
have passed (the clock changes its page), the query string (page, sort), and
the viewer: their id, role, suspension and CSRF secret for a member, "guest"
otherwise. Two members never share an ETag, and a member's page is
`Cache-Control: private`, so no cache can hand one member's page to another.

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
- Members share a topic page's reply tree (`thread_key`), family by family (a
  top-level post with the replies shown under it): a member who may write and
  moderates nothing there (in a class debate: its students, never its
  instructors) gets from the copy every family they wrote nothing in and mute
  no author of, and the rest rendered for them (their Edit and Delete links,
  "you", their hidden post's text, a collapsed post). The rest of their page
  (header, follow and reply forms, CSRF tokens) is theirs too. A family is
  kept only as a reader with no part in it saw it, and never if it holds a
  form. A class debate's copy is reached only through its page, after the
  visibility check: only the class's members ever get to it.
- A member who views the same page again and again, their own way (a
  moderator's queue, an instructor's dashboard), gets the whole page from their
  own copy while its version and what its header shows of them are unchanged
  (`own_page`).

Whatever the ETag does not see (an author renaming themselves, "3 minutes ago"
ageing) is at most that many seconds stale in a copy.
"""
import functools
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from flask import current_app, make_response, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import bindparam, func, select

from ..domain import moderation, notifications, permissions, visibility
from ..extensions import db
from ..models import Post, Topic, utcnow
from ..pages import class_pages


def topic_etag(user, topic: Topic) -> str:
    if user.is_authenticated:
        secret = hashlib.sha256(str(session.get("csrf_token", "")).encode()).hexdigest()[:12]
        viewer = f"user:{user.id}:{user.role}:{user.is_suspended}:{secret}"
    else:
        viewer = "guest"
    parts = (topic.id, topic.post_count, topic.last_activity_at.isoformat(), topic.edited_at,
             topic.is_locked, topic.closed_at, topic.schedule_passed, viewer, request.query_string)
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


def _key(*parts) -> str:
    """A copy's key: what it is a version of, hashed."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def init_app(app) -> None:
    app.extensions["counterpoint.shared_copies"] = SharedCopies(
        app.config.get("REDIS_URL"), int(app.config.get("SHARED_COPY_SECONDS", 30)))


def _copies() -> SharedCopies:
    return current_app.extensions["counterpoint.shared_copies"]


def _guest_copy_key(user, topic: Topic, etag: str) -> str | None:
    """The shared copy's key, when this request may share one."""
    if user.is_authenticated or topic.class_id is not None:
        return None
    return _key(request.path, etag)


def public_version() -> str:
    """What a guest may see of the forum changes only with these: the newest
    activity in a public topic (posts, edits of posts and topics, votes, ∆ and
    moderation all move it), the number of public topics and the newest article
    edit. One query, from indexes."""
    return repr(tuple(db.session.execute(_public_version_statement()).one()))


@functools.cache
def _public_version_statement():
    from ..models import Article
    return select(
        select(func.max(Topic.last_activity_at)).where(Topic.class_id.is_(None)).scalar_subquery(),
        select(func.count()).select_from(Topic).where(Topic.class_id.is_(None)).scalar_subquery(),
        select(func.max(Article.updated_at)).scalar_subquery())


def guest_copy(render):
    """For a guest without a pending flash message: the shared copy of this page
    (path and query string) at this `public_version`, else `render()`, kept as the
    copy when it is a 200. For pages that show guests only public content."""
    if current_user.is_authenticated or session.get("_flashes"):
        return render()
    guest_pages = _copies()
    key = _key(request.full_path, public_version())
    body = guest_pages.get(key)
    if body is not None:
        return make_response(body)
    response = make_response(render())
    if response.status_code == 200 and not session.get("_flashes"):
        guest_pages.put(key, response.get_data())
    return response


# Rendered where a form's CSRF token goes in a member's own copy (`own_page`), and
# replaced by the token when served. Nothing a member writes can put it in a page:
# their text is escaped and their posts' HTML sanitized, so a raw "<" never comes
# from them.
CSRF_PLACEHOLDER = "<csrf-token/>"


def _csrf_placeholder() -> Markup:
    return Markup(CSRF_PLACEHOLDER)


def own_page(version, template: str, load) -> str:
    """The signed-in member's page that `template` renders from `load()`'s context,
    kept whole for this member alone at this `version` of what it shows, this path
    and query string, and all its header and banners show of the member
    (`_member_state`), so that loading the page again while nothing changed costs
    only finding the version. For the pages that only a few members view again and
    again, each their own way: the moderation queue, a class dashboard. The caller
    checks who may see the page first.

    The copy is rendered with `CSRF_PLACEHOLDER` for the CSRF token, which is put
    back each time: a copy never holds a token. A page with a message to show once
    (a flash) is rendered and not kept."""
    if session.get("_flashes"):
        return render_template(template, **load())
    key = "own:" + _key(template, *_member_state(current_user), request.full_path, version)
    body = _copies().get(key)
    if body is None:
        html = render_template(template, csrf_token=_csrf_placeholder, **load())
        _copies().put(key, html.encode())
    else:
        html = body.decode()
    return html.replace(CSRF_PLACEHOLDER, generate_csrf())


def _member_state(user) -> tuple:
    """What base.html shows of the signed-in member: their name and links (the
    Moderation link goes with role and suspension), the suspension notice, the
    unread count and the moderators' unread messages (both loaded with them)."""
    messages = tuple(message.id for message in moderation.unread_messages(user))
    return (user.id, user.username, user.role, user.is_suspended, user.suspended_until,
            user.suspension_reason, notifications.header_unread_count(user), messages)


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


def thread_key(user, topic: Topic, sort: str, page: int, names: dict | None = None) -> str | None:
    """The key under which readers share this topic page's reply tree, when `user`
    may be one: a member who may write and moderates nothing here (in a class: a
    student). The tree is then the same for all of them (Reply and Flag on every
    post, no Edit, Delete or Moderate, nothing collapsed, the same pseudonyms)
    save in the families where they wrote a post or mute its author, which are
    rendered for them (`shared_thread`). `names`: the page's pseudonyms."""
    if not permissions.can_write(user) or permissions.can_moderate(user, topic) or not topic.root_count:
        return None
    aliases = sorted((author_id, shown.label, shown.real) for author_id, shown in (names or {}).items())
    version = (topic.id, topic.post_count, topic.last_activity_at.isoformat(), topic.edited_at,
               topic.is_locked, topic.closed_at, topic.schedule_passed, sort, page, aliases)
    # "families:" names the stored format (see keep_thread): a copy left in Redis by
    # an older release is never read as this one.
    return "thread:families:" + _key(*version)


@dataclass
class SharedTree:
    """The families (a top-level post with the replies shown under it) of a topic
    page's reply tree that are the same for every reader who had no part in them,
    as stored under a `thread_key`; `complete` when it holds all the page's
    families. `mine`: those the reader at hand wrote in or mutes an author of,
    which differ for them (their Edit and Delete links, "you", their hidden
    post's text, a collapsed post) and are rendered for them."""
    html: str
    families: dict[int, tuple[int, int, frozenset[int]]]  # root id -> start, end in html, authors
    complete: bool
    mine: frozenset[int] = frozenset()
    replies_until: tuple | None = None  # the page's (`topic_pages.TopicPage.replies_until`)

    @property
    def whole(self) -> bool:
        """All the page's families, none of them the reader's: the tree as it is."""
        return self.complete and not self.mine

    def reusable(self) -> dict[int, tuple[frozenset[int], str]]:
        """root id -> (authors, html): the families the reader gets as they are."""
        return {root_id: (authors, self.html[start:end]) for root_id, (start, end, authors) in self.families.items()
                if root_id not in self.mine}


def shared_thread(key: str | None, user) -> SharedTree | None:
    """The shared reply tree under `key`, with the families `user` must have rendered."""
    stored = _copies().get(key) if key else None
    if stored is None:
        return None
    complete, authors, until, index, html = stored.split(b"\n", 4)
    complete, authors, muted = complete == b"1", _ids(authors), moderation.muted_ids(user)
    if complete and user.id not in authors and not authors & muted:
        return SharedTree(html.decode(), {}, True)  # a plain reader: no need to read the rest
    families, mine = {}, set()
    for entry in filter(None, index.decode().split(";")):
        root_id, start, end, ids = entry.split(":")
        family_authors = _ids(ids.encode())
        families[int(root_id)] = (int(start), int(end), family_authors)
        if user.id in family_authors or family_authors & muted:
            mine.add(int(root_id))
    at, _, reply_id = until.decode().partition("|")
    return SharedTree(html.decode(), families, complete, frozenset(mine),
                      (datetime.fromisoformat(at), int(reply_id)) if at else None)


def _ids(text: bytes) -> frozenset[int]:
    return frozenset(int(i) for i in text.split(b",") if i)


def keep_thread(key: str, user, families: list[tuple[int, frozenset[int], str]],
                shared: SharedTree | None, replies_until: tuple | None = None) -> None:
    """Add to the copy under `key` (`shared`, as fetched) the families of the page
    just rendered for `user`, as (root id, authors, html) in page order, that are
    what every reader with no part in them gets: `user` wrote none of their posts
    nor mutes any of their authors, and they hold no form (whose CSRF token is
    theirs alone). Readers who wrote on the page fill in the families they had no
    part in, so the copy grows complete even where everyone wrote something.
    `replies_until`: the page's, kept for the readers who render some families.

    Stored as four lines and the HTML: "1" if complete, the authors of all its
    families, `replies_until` ("at|id" or empty), the index ("root:start:end:
    authors" per family, ";"-separated), then the families' HTML in page order."""
    muted = moderation.muted_ids(user)
    kept = []
    for root_id, authors, html in families:
        if shared is not None and root_id in shared.families:
            start, end, authors = shared.families[root_id]
            kept.append((root_id, authors, shared.html[start:end]))
        elif user.id not in authors and not authors & muted and 'name="csrf_token"' not in html:
            kept.append((root_id, authors, html))
    if not kept or shared is not None and len(kept) == len(shared.families):
        return  # nothing to add
    index, offset = [], 0
    for root_id, authors, html in kept:
        index.append(f"{root_id}:{offset}:{offset + len(html)}:{','.join(map(str, sorted(authors)))}")
        offset += len(html)
    everyone = frozenset().union(*(authors for _, authors, _ in kept))
    until = f"{replies_until[0].isoformat()}|{replies_until[1]}" if replies_until else ""
    _copies().put(key, b"\n".join([
        b"1" if len(kept) == len(families) else b"0", ",".join(map(str, sorted(everyone))).encode(),
        until.encode(), ";".join(index).encode(), "".join(html for _, _, html in kept).encode()]))


def topic_by_id(topic_id: int) -> Topic | None:
    # Loaded as the page builder wants it, and remembered for it (one query, not two).
    from ..pages.topic_pages import fetch_topic
    topic = fetch_topic(current_user, topic_id)
    request.environ["counterpoint.topic"] = topic
    return topic


def topic_of_post(post_id: int) -> Topic | None:
    """A permalink's topic, with the reader's role in its class (see `topic_pages.fetch_topic`)."""
    user = current_user._get_current_object()
    params = {"post_id": post_id, "now": utcnow(), "viewer_id": user.id if user.is_authenticated else None}
    row = db.session.execute(_topic_of_post_statement(), params).first()
    if row is None:
        return None
    topic, role, topic.schedule_passed = row
    visibility.remember_class_role(user, topic.class_id, role)
    return topic


@functools.cache
def _topic_of_post_statement():
    role = visibility.class_role_column(Topic.class_id, bindparam("viewer_id"))
    return (select(Topic, role, class_pages.schedule_passed()).join(Post, Post.topic_id == Topic.id)
            .where(Post.id == bindparam("post_id")))
