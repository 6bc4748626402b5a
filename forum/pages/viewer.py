"""What a page shows of its viewer, said once.

Every cached or conditional page (web/caching.py) is a version of two things:
what it shows of its subject (a topic's `version`, the queue's, the public
forum's) and what it shows of whoever is looking. This module is the second,
for every page: a feature that shows something new of the viewer adds it here,
and every ETag and kept copy follows.
"""
import hashlib

from flask import session
from flask_wtf.csrf import generate_csrf

from ..domain import addresses, moderation, notifications, reads, visibility
from ..models import Topic

GUEST = ("guest",)


def state(user, topic: Topic | None = None) -> tuple:
    """Everything a page shows of `user`: for a member, who they are (id, username,
    display name), their role and suspension (the header's links, the notice),
    their unread notifications and moderators' messages (the header, the banner),
    whom they mute (collapsed posts), the secret their forms' tokens are made
    from, whether they must confirm their address before posting (the forms'
    notice); on a topic's pages, also their watch level, their role in its
    class and their read mark there (domain/reads.py: the posts marked "New"),
    and their newest poll answer there (their timeline, domain/minds.py).
    Guests all look the same."""
    if not user.is_authenticated:
        return GUEST
    parts = (user.id, user.username, user.display_name, user.role, user.is_suspended, user.suspended_until,
             user.suspension_reason, notifications.header_unread_count(user),
             tuple(message.id for message in moderation.unread_messages(user)),
             tuple(sorted(moderation.muted_ids(user))), _form_secret(), addresses.must_confirm(user))
    if topic is None:
        return parts
    role = visibility.class_role(user, topic.class_id) if topic.class_id is not None else None
    return parts + (topic.viewer_watch, role, reads.shown_mark(topic), topic.viewer_last_answer)


def _form_secret() -> str:
    """A digest of the session's CSRF secret: a page kept by the browser carries
    tokens made from it, which stop working when it is renewed (at sign-in).
    Made now if the session has none yet: a member's page carries forms, and its
    first version must be the one the next visit finds."""
    if "csrf_token" not in session:
        generate_csrf()
    return hashlib.sha256(str(session.get("csrf_token", "")).encode()).hexdigest()[:12]
