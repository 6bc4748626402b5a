"""RuleError, and the pages for 400/403/404/405/429/500 and an expired CSRF token."""
import time

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class RuleError(Exception):
    """The state forbids the action; the message is a sentence a person understands."""


# Fields a refused POST may carry back into a fresh form, so no typed text is lost.
_TEXT_FIELDS_SKIPPED = {"csrf_token", "password", "confirm", "current_password"}


def kept_fields() -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.form.items(multi=True) if k not in _TEXT_FIELDS_SKIPPED]


def _retry_after(error) -> str | None:
    """Seconds until a rate limit lets the person try again (Flask-Limiter adds the
    header only after the page is rendered, so ask it directly)."""
    if error.code != 429:
        return None
    from .extensions import limiter
    limit = limiter.current_limit
    return str(max(1, int(limit.reset_at - time.time()))) if limit is not None else None


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # The token or the session expired while the person was writing: show
        # their text again in a form with a fresh token, posting to the same place.
        return render_template("errors/resubmit.html", reason=error.description,
                               fields=kept_fields(), action=request.full_path.rstrip("?")), 400

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

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/error.html", error=error, retry_after=None, fields=[]), 500
