"""Who is signed in: the user loader (one query per request) and what a guest
is told when a page needs an account."""
import functools
from datetime import timedelta

from flask import Flask, redirect, request, url_for
from sqlalchemy import bindparam, null, select
from sqlalchemy.orm import undefer
from sqlalchemy.orm.attributes import set_committed_value

from ..domain import notifications, sessions
from ..extensions import db, login_manager
from ..models import User, UserSession, UTCDateTime, utcnow
from . import kept_forms, transactions


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to do that."
    login_manager.login_message_category = "info"
    kept_forms.init_app(app)
    # The cookie lasts as long as the session it names (forum/sessions.py).
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=sessions.REMEMBER_DAYS)

    @login_manager.user_loader
    def load_user(cookie_id: str):
        # The member of a session that has not ended (forum/sessions.py), with
        # whether the moderators left them an unread message (the banner asks
        # only when they did) and, on a page they read, their unread-notification
        # count (the header's); a write redirects, or counts when it shows a form again.
        parsed = sessions.parse_cookie_id(cookie_id)
        if parsed is None:
            return None
        user_id, token_hash = parsed
        reading = not transactions.may_write()
        row = db.session.execute(_user_statement(reading), {"user_id": user_id, "viewer_id": user_id,
                                                            "token_hash": token_hash, "now": utcnow()}).first()
        if row is None:
            return None
        user, unread, session_row_id = row
        user.cookie_id, user.session_row_id = cookie_id, session_row_id
        if not user.has_unread_messages:  # as good as always: the banner asks nothing
            set_committed_value(user, "unread_messages", [])
        if reading and not user.is_admin:  # an admin sees more: counted for them
            notifications.remember_unread_count(unread)
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.method == "POST":
            # Signed out mid-post (an expired session), or a guest: sign in, the text kept.
            return kept_forms.ask_to_sign_in()
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?"), asked=1))


@functools.cache
def _user_statement(with_unread_count: bool):
    """The signed-in member, loaded on every request they make: built once. Whether
    the moderators left them an unread message comes as a column; the messages
    themselves are read only when there are some (a join for them cost every
    member's every page 0.1-0.2 ms on PostgreSQL, bench/RESULTS.md)."""
    unread = notifications.unread_count_of_a_member() if with_unread_count else null()
    return (select(User, unread, UserSession.id)
            .join(UserSession, (UserSession.user_id == User.id)
                  & (UserSession.token_hash == bindparam("token_hash"))
                  & (UserSession.expires_at > bindparam("now", type_=UTCDateTime())))
            .where(User.id == bindparam("user_id"))
            .options(undefer(User.muted_list), undefer(User.has_unread_messages))
            .execution_options(populate_existing=True))
