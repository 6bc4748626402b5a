"""A form sent by someone who is not signed in: kept while they sign in, then put back.

A guest's page carries no form token (a page kept for guests is shared, and a
token is one browser's), so a guest's form is refused by the CSRF check; a
member whose session ended mid-post is refused by `login_required`. Both get
the same answer, `ask_to_sign_in`: the sign-in page, what they wrote kept. After
signing in (or joining) they come back to the page they were on, where the form
the text was sent from is filled in again (`form`, `put_back`), ready to send.

The kept form lives in the session cookie, for the forms whose pages put it back
(`PUT_BACK`) and while it fits there; it is shown on the sign-in page either
way, and a member's first page after signing in drops what no form took. Only
a form sent by this site's own pages is kept (`security.from_this_site`): another
site can neither plant text in a form nor replace the session.

What any refused form carried (`resent_fields`, `kept_fields`) is read here too,
for every page that gives it back (an expired form, a 413, a 429, a 503).
"""
from flask import after_this_request, current_app, flash, render_template, request, session
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from ..forms.accounts import LoginForm
from . import security
from .navigation import safe_next

KEY = "kept_form"
# The endpoints whose form comes back filled in on the page it was sent from.
PUT_BACK = {"topics.reply", "posts.reply", "debates.award_delta", "debates.poll", "topics.new",
            "debates.new", "posts.edit"}
# A cookie over 4 KB is dropped by the browser, and the session with it.
COOKIE_MAX = 3_300  # leaves room for what signing in adds


# Fields a refused POST may carry back into a fresh form, so no typed text is lost;
# never the secrets. What the page set or the person only chose (where to go
# next, a side, a button's value, a box ticked) is sent again but never shown
# as their text.
_TEXT_FIELDS_SKIPPED = {"csrf_token", "password", "confirm", "current_password", "new_password"}
_CHOSEN_FIELDS = {"next", "passage", "stance", "post_id", "ids", "level", "value", "side", "random", "preview",
                  "remember", "phase", "student", "copy_from", "side_mode", "anonymous", "auto_watch", "form_key"}


def _typed(name: str) -> bool:
    return name not in _CHOSEN_FIELDS and not name.startswith("kind_")


def resent_fields() -> list[tuple[str, str, bool]]:
    """What a refused POST carried, as (name, value, typed by the person), to put
    in a form sent again; nothing when another site sent it (that is not theirs)."""
    if not security.from_this_site():
        return []
    try:
        form = request.form
    except RequestEntityTooLarge:  # the body was refused unread: there is nothing to give back
        return []
    return [(k, v, _typed(k)) for k, v in form.items(multi=True) if k not in _TEXT_FIELDS_SKIPPED]


def kept_fields() -> list[tuple[str, str]]:
    """The person's own text of a refused POST, to show them again."""
    return [(name, value) for name, value, typed in resent_fields() if typed]


def ask_to_sign_in():
    """The answer to a form that needs an account, sent by someone not signed in:
    the sign-in page (401), their text kept and shown, never as hidden fields."""
    if not security.from_this_site():
        return security.refuse_cross_site()
    back = _back()
    kept = _keep(back) if request.endpoint in PUT_BACK else False
    form = LoginForm(formdata=None, next=back)
    # A session that ended still names its member in the cookie; a guest's never did.
    return render_template("auth/login.html", form=form, signed_out="_user_id" in session,
                           kept=kept_fields(), put_back=kept), 401


def _back() -> str:
    """Where the form was sent from: the page's own `next` field, else the page that sent it."""
    referrer = request.referrer or ""
    page = referrer[len(request.host_url) - 1:] if referrer.startswith(request.host_url) else None
    return safe_next(request.form.get("next") or page)


def _keep(back: str) -> bool:
    """Keep the form in the session, if it fits: whether it did."""
    fields = [[name, value] for name, value, _ in resent_fields() if name not in ("next", "preview")]
    session[KEY] = {"to": request.path, "back": back, "fields": fields}
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    if serializer is not None and len(serializer.dumps(dict(session))) > COOKIE_MAX:
        session.pop(KEY)
        return False
    return True


def put_back(action: str) -> MultiDict | None:
    """What a signed-in member sent to `action` before signing in, to fill its form
    in again (once), or None. The page that shows it is theirs alone: never stored."""
    kept = session.get(KEY)
    if kept is None or kept.get("to") != action or not current_user.is_authenticated:
        return None
    session.pop(KEY)

    @after_this_request
    def keep_no_copy(response):
        response.cache_control.no_store = True
        return response
    flash("You are signed in. What you wrote is back in the form: check it, then send it.", "success")
    return MultiDict(kept["fields"])


def form(form_class, action: str | None = None, **kwargs):
    """A `form_class` for a page showing it, filled in with what was kept for
    `action` (by default this page's own URL) when there is such a thing. A
    guest's has no token (nor makes one, which would set a cookie)."""
    if not current_user.is_authenticated:
        kwargs.setdefault("meta", {"csrf": False})
    kept = put_back(action or request.path) if request.method == "GET" else None
    return form_class(formdata=kept, **kwargs) if kept is not None else form_class(**kwargs)


def init_app(app) -> None:
    @app.after_request
    def drop_unclaimed(response):
        # A member's first page after signing in puts the kept form back, or no page will.
        if KEY in session and request.method == "GET" and request.endpoint != "static" \
                and current_user.is_authenticated:
            session.pop(KEY)
        return response

