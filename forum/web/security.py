"""Security headers on every response; whether a form came from this site's own
pages, and the refusal of one that did not.

The Content-Security-Policy forbids inline script and style, which is why
templates carry no `<script>` bodies, `style=` or `on*=` attributes.
"""
from urllib.parse import urlsplit

from flask import Flask, after_this_request, render_template, request, session

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "img-src 'self' data:",
])


def init_app(app: Flask) -> None:
    https = bool(app.config.get("SESSION_COOKIE_SECURE"))

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # A member's page that says nothing of caching (settings, notifications,
        # class pages, exports) is theirs alone: no cache keeps it. Pages that
        # revalidate by ETag (forum/caching.py) and static files said already.
        if "Cache-Control" not in headers and session.get("_user_id"):
            response.cache_control.private = True
            response.cache_control.no_store = True
        return response


def from_this_site() -> bool:
    """Whether the browser says this request was sent by one of this site's own
    pages. Browsers say so in Sec-Fetch-Site, or else in Origin or Referer; a
    request that says nothing (no browser of the last years posts a form so) is
    not taken for ours. A form that comes back with the person's text must pass
    this: a page on another site must never get a form sent in someone's name."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    sender = request.headers.get("Origin") or request.headers.get("Referer")
    return bool(sender) and urlsplit(sender).netloc == request.host


def refuse_cross_site():
    """A form sent from another site, with no valid token: done nothing, kept
    nothing, and left this browser's cookies as they were. A cross-site POST
    arrives without the session cookie (SameSite=Lax), so a new session here
    would sign the person out; a page offering to "send again" would let one
    click apply another site's form in their name."""
    @after_this_request
    def leave_the_session_alone(response):
        session.modified = False
        return response
    return render_template("errors/cross_site.html"), 403
