"""Conditional GET for topic pages: a page that has not changed since the
reader last loaded it is answered 304 Not Modified without being built.

The ETag covers what the page shows and who is looking: the topic's counters
and last activity (a reply, an edit or a deletion moves it), its own edit and
lock state, the query string (page, sort), and the viewer: their id, role,
suspension and CSRF secret for a member, "guest" otherwise. Two members never
share an ETag, and a member's page is `Cache-Control: private`, so no cache
can hand one member's page to another.
"""
import hashlib
from functools import wraps

from flask import make_response, request, session
from flask_login import current_user
from sqlalchemy import select

from . import visibility
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
            response = make_response(view(**kwargs))
            if response.status_code == 200:
                _cache_headers(response, current_user, etag)
            return response
        return wrapper
    return decorate


def topic_by_id(topic_id: int) -> Topic | None:
    # Loaded as the page builder wants it, and remembered for it (one query, not two).
    from .pages import fetch_topic
    topic = fetch_topic(current_user, topic_id)
    request.environ["counterpoint.topic"] = topic
    return topic


def topic_of_post(post_id: int) -> Topic | None:
    return db.session.scalar(select(Topic).join(Post, Post.topic_id == Topic.id).where(Post.id == post_id))
