"""The transaction policy: how a request's database transaction begins and ends.

- SQLite: WAL, foreign keys, a busy timeout; a request that may write takes the
  write lock up front (BEGIN IMMEDIATE), so it never fails half-way with
  "database is locked" (`tune_sqlite`).
- PostgreSQL: a request that only read ends with COMMIT, which keeps psycopg's
  prepared statements (`end_reads_with_commit`).
- Views commit once, through `views.attempt`; a request that raises is rolled
  back by Flask-SQLAlchemy's teardown.
"""
import contextlib
import sqlite3
import time

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from ..extensions import db


def init_app(app: Flask) -> None:
    with app.app_context():
        tune_sqlite(db.engine)
        if db.engine.dialect.name == "postgresql":
            end_reads_with_commit(app)


def end_reads_with_commit(app: Flask) -> None:
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
            g.wrote_in_transaction = True

    @event.listens_for(db.engine, "commit")
    @event.listens_for(db.engine, "rollback")
    def _transaction_ended(conn):
        if has_request_context():
            g.pop("wrote_in_transaction", None)

    @app.teardown_request
    def commit_reads(error):
        session = db.session()  # this request's session, not the scoped proxy
        if (error is None and session.in_transaction() and not g.get("wrote_in_transaction")
                and not (session.new or session.dirty or session.deleted)):
            try:
                session.commit()
            except (OperationalError, InterfaceError) as failure:
                # The database went away after the page was read (a restart, a
                # failover): the reader has their page, and a read has nothing to
                # lose. Raised here, it would replace the page with the server's
                # bare 500 and a traceback (bench/soak.py --outage found it).
                app.logger.warning("database unavailable at the end of a read: %s %s: %s", request.method,
                                   request.path, type(getattr(failure, "orig", failure)).__name__)
                with contextlib.suppress(DBAPIError):
                    session.rollback()


def tune_sqlite(engine: Engine) -> None:
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
        if may_write():
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


def may_write() -> bool:
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
