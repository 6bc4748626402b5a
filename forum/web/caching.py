"""Conditional GET and kept copies of pages: what every cached page is a version of, said once.

Every cached or conditional response names what it is a version of through one
function, `validator(page, version, viewer)`:

- `page`: the kind of page (a topic page, live updates, a dashboard, ...);
- `version`: what the page shows of its subject, read from the database: a
  topic's `version`, which the database moves on every change its pages show
  (migration 0015_topic_version), with how many of a class debate's phase
  boundaries the clock has passed; the queue's and the public forum's versions;
  and the path and query string;
- `viewer`: everything the page shows of who is looking (`pages.viewer.state`).

So a member who mutes an author, reads a notification or is suspended gets a
new page, never a 304 of the old one, and two members never share an ETag.

Access comes first: every page decides who may see it with the same function
whether or not a copy exists, before looking for one (`topic_page` loads the
topic and checks it, the dashboard's view reaches its debate, the queue is for
moderators only), and no version function checks anything.

Kept copies (`SharedCopies`, `SHARED_COPY_SECONDS`, 30 by default, 0 turns them
off), in Redis when REDIS_URL is set or in a small per-process LRU:

- Guests share whole pages of public topics (`topic_page`), and the home page,
  profiles and search results (`guest_copy`, at `public_version`). A guest's
  page carries no form token nor one-time key (sent_forms.py), so no copy does.
- Members who may write and moderate nothing share a topic page's reply tree
  family by family (web/shared_threads.py).
- A member who views the same page again and again their own way (the
  moderation queue, a class dashboard) gets it from their own copy (`own_page`),
  rendered with placeholders where the form token and any form's one-time key go.

Whatever a version does not see (an author renaming themselves, "3 minutes ago"
ageing) is at most that many seconds stale in a copy.
"""
import functools
import hashlib
import time
from collections import OrderedDict

from flask import abort, current_app, make_response, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import func, select

from ..domain import sent_forms, visibility
from ..extensions import db
from ..models import Article, Topic
from ..pages import viewer


def validator(page: str, version, viewer_state: tuple) -> str:
    """The ETag, or the kept copy's key, of a `page` at `version` as `viewer_state` sees it."""
    return hashlib.sha256(repr((page, version, viewer_state)).encode()).hexdigest()[:40]


def topic_version(topic: Topic) -> tuple:
    """What a topic's pages show of it: its version, and the phase boundaries passed."""
    return topic.id, topic.version, topic.schedule_passed


def topic_page(load, render):
    """A topic's page (the thread, the columns, a permalink): `load()` fetches its
    topic in one query; the reader who may not see it gets a 404, before any copy
    is looked for; then a 304 while their copy is current, a guest's shared copy,
    or `render(topic)`, kept for guests when it is a 200."""
    user = current_user._get_current_object()
    topic = load()
    if topic is None or not visibility.can_see_topic(user, topic):
        abort(404)
    if session.get("_flashes"):  # a message to show once: rendered, never kept
        return render(topic)
    etag = validator("topic", (topic_version(topic), request.full_path), viewer.state(user, topic))
    if etag in request.if_none_match:
        return conditional(make_response("", 304), user, etag)
    key = _guest_copy_key(user, topic, etag)
    body = copies().get(key) if key else None
    if body is not None:
        return conditional(make_response(body), user, etag)
    response = make_response(render(topic))
    if response.status_code == 200:
        conditional(response, user, etag)
        if key and not session.get("_flashes"):
            copies().put(key, response.get_data())
    return response


def conditional(response, user, etag: str):
    """`response` marked with `etag`, to be asked again every time, private to a member."""
    response.set_etag(etag)
    response.cache_control.no_cache = True
    response.cache_control.private = user.is_authenticated or None
    response.vary.add("Cookie")
    return response


def _guest_copy_key(user, topic: Topic, etag: str) -> str | None:
    """The shared copy's key, when this request may share one: guests, public topics."""
    if user.is_authenticated or topic.class_id is not None:
        return None
    return "guest-topic:" + etag


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


def copies() -> SharedCopies:
    return current_app.extensions["counterpoint.shared_copies"]



def public_version() -> tuple:
    """What a guest may see of the forum changes only with these: the newest
    version of a public topic (every post, edit, vote, ∆ and moderator's action
    in one moves it), the number of public topics and the newest article edit.
    One query, from indexes."""
    return tuple(db.session.execute(_public_version_statement()).one())


@functools.cache
def _public_version_statement():
    return select(
        select(func.max(Topic.version)).where(Topic.class_id.is_(None)).scalar_subquery(),
        select(func.count()).select_from(Topic).where(Topic.class_id.is_(None)).scalar_subquery(),
        select(func.max(Article.updated_at)).scalar_subquery())


def guest_copy(render):
    """For a guest without a pending flash message: the shared copy of this page
    (path and query string) at this `public_version`, else `render()`, kept as the
    copy when it is a 200. For pages that show guests only public content."""
    if current_user.is_authenticated or session.get("_flashes"):
        return render()
    key = "guest:" + validator("guest", (public_version(), request.full_path), viewer.GUEST)
    body = copies().get(key)
    if body is not None:
        return make_response(body)
    response = make_response(render())
    if response.status_code == 200 and not session.get("_flashes"):
        copies().put(key, response.get_data())
    return response


# Rendered where a form's CSRF token goes in a member's own copy (`own_page`), and
# replaced by the token when served. Nothing a member writes can put it in a page:
# their text is escaped and their posts' HTML sanitized, so a raw "<" never comes
# from them.
CSRF_PLACEHOLDER = "<csrf-token/>"
# Likewise where a form's one-time key goes (sent_forms.py), replaced by a fresh key
# at each place each time the copy is served.
FORM_KEY_PLACEHOLDER = "<form-key/>"


def _csrf_placeholder() -> Markup:
    return Markup(CSRF_PLACEHOLDER)


def _form_key_placeholder() -> Markup:
    return Markup(FORM_KEY_PLACEHOLDER)


def _fill_in(html: str) -> str:
    """A member's own copy with their token, and a fresh key in each form that makes a post."""
    html = html.replace(CSRF_PLACEHOLDER, generate_csrf())
    if FORM_KEY_PLACEHOLDER not in html:
        return html
    pieces = html.split(FORM_KEY_PLACEHOLDER)
    return pieces[0] + "".join(sent_forms.new_key() + piece for piece in pieces[1:])


def own_page(version, template: str, load, topic: Topic | None = None) -> str:
    """The signed-in member's page that `template` renders from `load()`'s context,
    kept whole for this member alone at this `version` of what it shows, this path
    and query string, and all it shows of the member (`viewer.state`), so that
    loading the page again while nothing changed costs only finding the version.
    For the pages that only a few members view again and again, each their own
    way: the moderation queue, a class dashboard. The caller checks who may see
    the page first.

    The copy is rendered with `CSRF_PLACEHOLDER` for the CSRF token, which is put
    back each time: a copy never holds a token (nor a form's one-time key,
    `FORM_KEY_PLACEHOLDER`). A page with a message to show once (a flash) is
    rendered and not kept."""
    if session.get("_flashes"):
        return render_template(template, **load())
    user = current_user._get_current_object()
    key = "own:" + validator(template, (version, request.full_path), viewer.state(user, topic))
    body = copies().get(key)
    if body is None:
        html = render_template(template, csrf_token=_csrf_placeholder, form_key=_form_key_placeholder, **load())
        copies().put(key, html.encode())
    else:
        html = body.decode()
    return _fill_in(html)
