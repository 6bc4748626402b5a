"""Counterpoint: a discussion-and-debate forum anchored on an article."""
import functools
from datetime import timedelta
from pathlib import Path

from flask import Flask, has_request_context, redirect, render_template, request, session, url_for
from sqlalchemy import bindparam, event, null, select
from sqlalchemy.orm import undefer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.engine import Engine

from . import caching, config, errors, hostile, notifications, perf, permissions, security, sessions
from .extensions import csrf, db, limiter, login_manager, migrate
from .models import UTCDateTime, utcnow

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.load(app)
    if overrides:
        app.config.update(overrides)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    with app.app_context():
        _tune_sqlite(db.engine)
        if db.engine.dialect.name == "postgresql":
            _end_reads_with_commit(app)

    hostile.init_app(app)
    from .views import articles, auth, classes, debates, home, mod, posts, topics, users
    from .views import feeds, live, notifications, search, settings
    for blueprint in (home.bp, auth.bp, articles.bp, topics.bp, posts.bp, users.bp, debates.bp, classes.bp,
                      mod.bp, mod.safety, search.bp, notifications.bp, settings.bp, feeds.bp, live.bp):
        app.register_blueprint(blueprint)

    errors.register(app)
    security.init_app(app)
    _init_templates(app)
    perf.init_app(app)
    caching.init_app(app)
    from . import cli
    cli.register(app)
    return app


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to do that."
    login_manager.login_message_category = "info"
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
        reading = not _may_write()
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
            if not security.from_this_site():
                return errors.refuse_cross_site()
            # Signed out mid-post (an expired session): keep the text on screen.
            from .forms import LoginForm
            back = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else None
            form = LoginForm(formdata=None, next=back and back[len(request.host_url) - 1:])
            # A session that ended still names its member in the cookie; a guest's never did.
            return render_template("auth/login.html", form=form, signed_out="_user_id" in session,
                                   kept=errors.kept_fields()), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _end_reads_with_commit(app: Flask) -> None:
    """A request's transaction that only read ends with COMMIT, not ROLLBACK.

    psycopg forgets every prepared statement of a connection at each ROLLBACK (it
    cannot tell whether the transaction changed the schema), and prepares a query
    only once it has run it 5 times. A read ended by the session's rollback, so no
    query was ever prepared and PostgreSQL planned every query of every page again:
    half of its CPU on a topic page (bench/RESULTS.md). So did every form sent: its
    view commits, then reads again (the new post's id for the redirect), and that
    read was rolled back, so a worker taking replies planned all their queries anew
    (the member's own query: 3 ms of planning for 0.3 of work).

    Committing a transaction that wrote nothing changes nothing. One that sent
    anything but a SELECT since it began (`_note_writes`), or holds unflushed
    changes (on a GET, a bug: a GET never writes), is still rolled back.
    """
    @event.listens_for(db.engine, "before_cursor_execute")
    def _note_writes(conn, cursor, statement, parameters, context, executemany):
        if has_request_context() and statement.lstrip()[:6].upper() != "SELECT":
            request.environ["counterpoint.wrote"] = True

    @event.listens_for(db.engine, "commit")
    @event.listens_for(db.engine, "rollback")
    def _transaction_ended(conn):
        if has_request_context():
            request.environ.pop("counterpoint.wrote", None)

    @app.teardown_request
    def commit_reads(error):
        session = db.session()  # this request's session, not the scoped proxy
        if (error is None and session.in_transaction() and not request.environ.get("counterpoint.wrote")
                and not (session.new or session.dirty or session.deleted)):
            session.commit()


def _tune_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # a user never sees "locked"
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # A request that may write takes the write lock up front (BEGIN IMMEDIATE),
    # waiting up to busy_timeout for it. A deferred transaction that reads and
    # then writes fails at once with "database is locked" when another writer
    # committed meanwhile, and no timeout helps. GETs stay deferred so readers
    # never queue behind each other.
    @event.listens_for(engine, "begin")
    def on_begin(connection):
        driver = connection.connection.driver_connection
        if _may_write():
            driver.isolation_level = None
            _begin_immediate(driver)
        else:
            # GETs, the CLI and background threads: pysqlite's own handling, which
            # begins just before the first write, so reads never hold a lock that a
            # later write would have to upgrade.
            driver.isolation_level = ""


BUSY_TIMEOUT_MS = 30_000  # SQLite waits this long for a lock (writers: see _begin_immediate)
WRITE_LOCK_POLL = 0.002


def _begin_immediate(driver) -> None:
    """BEGIN IMMEDIATE, waiting for the write lock by polling every 2 ms.

    SQLite's own busy handler backs off to sleeps of 50 and 100 ms, so a writer
    queued behind a 20 ms request often slept far past the moment the lock came
    free: that was the reply POST's p99. Straight to the driver, as pysqlite's
    own BEGIN is: not a query to count."""
    import sqlite3
    import time
    driver.execute("PRAGMA busy_timeout=0")
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    try:
        while True:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(WRITE_LOCK_POLL)
    finally:
        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


@functools.cache
def _user_statement(with_unread_count: bool):
    """The signed-in member, loaded on every request they make: built once. Whether
    the moderators left them an unread message comes as a column; the messages
    themselves are read only when there are some (a join for them cost every
    member's every page 0.1-0.2 ms on PostgreSQL, bench/RESULTS.md)."""
    from .models import User, UserSession
    unread = notifications.unread_count_of_a_member() if with_unread_count else null()
    return (select(User, unread, UserSession.id)
            .join(UserSession, (UserSession.user_id == User.id)
                  & (UserSession.token_hash == bindparam("token_hash"))
                  & (UserSession.expires_at > bindparam("now", type_=UTCDateTime())))
            .where(User.id == bindparam("user_id"))
            .options(undefer(User.muted_list), undefer(User.has_unread_messages))
            .execution_options(populate_existing=True))


def _may_write() -> bool:
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


def _init_templates(app: Flask) -> None:
    from . import display
    app.jinja_env.globals.update(permissions.JINJA_GLOBALS)
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    app.jinja_env.globals["central_question"] = app.config["CENTRAL_QUESTION"]
    app.jinja_env.filters.update(display.FILTERS)
    app.jinja_env.globals.update(display.GLOBALS, field_attrs=display.field_attrs)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
