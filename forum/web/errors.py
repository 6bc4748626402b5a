"""The pages for 400/403/404/405/429/500 and an expired CSRF token."""
import contextlib
import time

from flask import after_this_request, g, render_template, request, session
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..extensions import db, limiter, login_manager
from . import security

UNAVAILABLE_RETRY_AFTER = 30  # seconds: a database restart, or a failover


# Fields a refused POST may carry back into a fresh form, so no typed text is lost;
# never the secrets, and the hidden fields a page set (not the person's text) are
# sent again but not shown as theirs.
_TEXT_FIELDS_SKIPPED = {"csrf_token", "password", "confirm", "current_password", "new_password"}
_HIDDEN_FIELDS = {"next", "passage", "stance", "post_id", "ids"}


def resent_fields() -> list[tuple[str, str, bool]]:
    """What a refused POST carried, as (name, value, typed by the person), to put
    in a form sent again; nothing when another site sent it (that is not theirs)."""
    if not security.from_this_site():
        return []
    try:
        form = request.form
    except RequestEntityTooLarge:  # the body was refused unread: there is nothing to give back
        return []
    return [(k, v, k not in _HIDDEN_FIELDS) for k, v in form.items(multi=True) if k not in _TEXT_FIELDS_SKIPPED]


def kept_fields() -> list[tuple[str, str]]:
    """The person's own text of a refused POST, to show them again."""
    return [(name, value) for name, value, typed in resent_fields() if typed]


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


def _retry_after(error) -> str | None:
    """Seconds until a rate limit lets the person try again (Flask-Limiter adds the
    header only after the page is rendered, so ask it directly)."""
    if error.code != 429:
        return None
    limit = limiter.current_limit
    return str(max(1, int(limit.reset_at - time.time()))) if limit is not None else None


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if not security.from_this_site():
            return refuse_cross_site()
        # The token or the session expired while the person was writing: show
        # their text again in a form with a fresh token, posting to the same place.
        return render_template("errors/resubmit.html", reason=error.description,
                               fields=resent_fields(), action=request.full_path.rstrip("?")), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        response = error.get_response()
        retry_after = response.headers.get("Retry-After") or _retry_after(error)
        body = render_template("errors/error.html", error=error, retry_after=retry_after,
                               fields=kept_fields() if request.method == "POST" else [])
        response.set_data(body)
        response.content_type = "text/html; charset=utf-8"
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        # The database is unreachable (or stopped mid-request): a page that asks
        # nothing of it, the person's text kept, one log line and no traceback.
        app.logger.warning("database unavailable: %s %s: %s", request.method, request.path,
                           type(getattr(error, "orig", error)).__name__)
        with contextlib.suppress(DBAPIError):  # a connection that is gone has nothing to roll back
            db.session.rollback()
        # Flask-Login's template context would try to load the member again.
        g._login_user = login_manager.anonymous_user()
        body = render_template("errors/unavailable.html", retry_after=UNAVAILABLE_RETRY_AFTER,
                               fields=kept_fields() if request.method == "POST" else [])
        return body, 503, {"Retry-After": str(UNAVAILABLE_RETRY_AFTER), "Cache-Control": "no-store"}

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/error.html", error=error, retry_after=None, fields=[]), 500
