"""The pages for 400/403/404/405/429/500 and a refused CSRF token."""
import contextlib
import time

from flask import g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import db, limiter, login_manager
from . import kept_forms, security

UNAVAILABLE_RETRY_AFTER = 30  # seconds: a database restart, or a failover


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
            return security.refuse_cross_site()
        # Not signed in (a guest, whose pages carry no token, or a member whose
        # session is gone): the form needs an account, so sign in first, the text kept.
        if not current_user.is_authenticated and request.blueprint != "auth":
            return kept_forms.ask_to_sign_in()
        # The token expired while the person was writing: show their text again
        # in a form with a fresh token, posting to the same place.
        return render_template("errors/resubmit.html", reason=error.description,
                               fields=kept_forms.resent_fields(), action=request.full_path.rstrip("?")), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        response = error.get_response()
        retry_after = response.headers.get("Retry-After") or _retry_after(error)
        body = render_template("errors/error.html", error=error, retry_after=retry_after,
                               fields=kept_forms.kept_fields() if request.method == "POST" else [])
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
                               fields=kept_forms.kept_fields() if request.method == "POST" else [])
        return body, 503, {"Retry-After": str(UNAVAILABLE_RETRY_AFTER), "Cache-Control": "no-store"}

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/error.html", error=error, retry_after=None, fields=[]), 500
