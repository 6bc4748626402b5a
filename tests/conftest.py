"""Fixtures: an app on SQLite (or TEST_DATABASE_URL), a clean database per test,
factories with keyword knobs, a logged-in client, and a SQL query counter.

Each test runs inside one transaction on one connection, rolled back at its end:
the app's commits and rollbacks become savepoints within it. Tests marked
`committing` (other connections, threads, a live server) commit for real, and
every table is emptied after them instead."""
import functools
import itertools
import os
from contextlib import contextmanager

import flask_migrate
import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import event, text

from forum import create_app
from forum.config import TEST_CONFIG
from forum.domain import accounts, posting, sessions
from forum.domain.accounts import create_user
from forum.extensions import db
from forum.models import Article, Passage, Role, Stance, TopicKind, User

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# Hashing strength is not under test here; scrypt would make every factory user slow.
accounts.HASH_METHOD = "pbkdf2:sha256:1000"
PASSWORD = "correct horse battery"


class Client(FlaskClient):
    """A test client whose requests each see a fresh `current_user`.

    Tests keep one app context pushed (so factories and assertions share the
    session); Flask reuses it for requests, so Flask-Login's cached user in `g`
    is dropped before every request, as a real request would start without it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As a browser says of a form on one of the site's own pages; a test of
        # another site's form says "cross-site" (forum/security.from_this_site).
        self.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)

    def login(self, user: User) -> "Client":
        cookie_id = new_session(user)
        with self.session_transaction() as session:
            session["_user_id"] = cookie_id
            session["_fresh"] = True
        return self

    def logout(self) -> "Client":
        with self.session_transaction() as session:
            session.clear()
        return self


def new_session(user: User) -> str:
    """A server-side session for `user` (as signing in makes one): its cookie id."""
    cookie_id = sessions.start_session(user, remember=False, user_agent="pytest")
    db.session.commit()
    return cookie_id


def _database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory)})
    app.test_client_class = Client
    with app.app_context():
        _drop_everything()
        # The schema comes from the migrations, as in production, so what they
        # add beyond the models (full-text tables, triggers) is there too.
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        _drop_everything()
        db.engine.dispose()


def _drop_everything() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()


def _empty_tables() -> None:
    db.session.rollback()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]  # not alembic_version
    restore_audit_guard = _lift_audit_guard()
    # DELETE, not TRUNCATE, on PostgreSQL too: a test leaves a few rows, and TRUNCATE
    # makes new files for every table and index (posts alone has a dozen indexes).
    for table in tables:
        db.session.execute(text(f"DELETE FROM {table}"))
    if db.engine.dialect.name == "postgresql":  # ids start at 1 again, as after TRUNCATE … RESTART IDENTITY
        db.session.execute(text("SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                                "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"))
    for statement in restore_audit_guard:
        db.session.execute(text(statement))
    db.session.commit()


def _lift_audit_guard() -> list[str]:
    """The audit log's triggers refuse DELETE (migration 0014_audit_append_only), and
    no setting of the application lifts them: the tests do it themselves, for the
    emptying, when the log has rows. On PostgreSQL they are disabled and enabled in
    the same transaction as the DELETE (only the table's owner may); SQLite has no
    switch, so they are dropped and made again from their own SQL. Returns the
    statements that put them back."""
    if not db.session.scalar(text("SELECT EXISTS (SELECT 1 FROM mod_actions)")):
        return []
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE mod_actions DISABLE TRIGGER USER"))
        return ["ALTER TABLE mod_actions ENABLE TRIGGER USER"]
    triggers = db.session.execute(text("SELECT name, sql FROM sqlite_master "
                                       "WHERE type = 'trigger' AND tbl_name = 'mod_actions'")).all()
    for name, _ in triggers:
        db.session.execute(text(f'DROP TRIGGER "{name}"'))
    return [sql for _, sql in triggers]


def pytest_configure(config):
    config.addinivalue_line("markers", "committing: the test commits for real (another connection, "
                                       "a thread, a live server must see its rows); tables are emptied after it")


def _commits_for_real(request) -> bool:
    return any(request.node.get_closest_marker(name) for name in ("committing", "browser"))


@pytest.fixture
def app(_app, request):
    with _app.app_context():
        if _commits_for_real(request):
            yield _app
            _empty_tables()
        else:
            with _one_transaction():
                yield _app
        db.session.remove()


# Flask-SQLAlchemy's sessions pick the app's engine even when given a connection
# to bind to; within a test's transaction they are given one, and take it.
_SessionClass = db.session.session_factory.class_
_engine_bind = _SessionClass.get_bind
_SessionClass.get_bind = lambda session, *args, **kwargs: session.bind or _engine_bind(session, *args, **kwargs)


class _Outer:
    """The test's connection, and the savepoints its sessions made (see count_queries)."""
    connection = None
    savepoints: set[str] = set()


def _a_session_savepoint(conn, statement: str) -> bool:
    """Whether `statement` makes, releases or rolls back a savepoint that stands for
    a session's own transaction on the test's connection (one the app asked for, by
    `begin_nested`, is within one of those)."""
    if conn is not _Outer.connection:
        return False
    words = statement.split()
    if len(words) == 2 and words[0].upper() == "SAVEPOINT" and not conn.in_nested_transaction():
        _Outer.savepoints.add(words[1])
    return 2 <= len(words) <= 4 and words[-1] in _Outer.savepoints


@contextmanager
def _one_transaction():
    """SQLAlchemy's "joining a session into an external transaction": every session
    (each app context has its own) is bound to one connection whose transaction is
    rolled back at the end, and makes a savepoint of its own transactions, so a
    commit releases it and a rollback (a refused form) returns to it."""
    connection = db.engine.connect()
    outer = connection.begin()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins a transaction itself only before a write, and a SAVEPOINT
        # outside one would begin one that its RELEASE commits: begin it here (the
        # workaround in SQLAlchemy's SQLite dialect notes). The app's `begin` listener
        # (forum/web/transactions.py) has just run and chosen pysqlite's handling.
        driver = connection.connection.driver_connection
        driver.isolation_level = None
        driver.execute("BEGIN")
    else:  # ids start at 1, as after the emptying (a sequence is not rolled back)
        connection.execute(text("SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                                "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"))

    _Outer.connection = connection
    event.listen(connection, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: _a_session_savepoint(conn, statement))

    factory = db.session.session_factory
    kw = dict(factory.kw)
    db.session.remove()
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        factory.kw = kw
        outer.rollback()
        if sqlite:
            driver.isolation_level = ""  # pysqlite's default, as the pool expects it
        connection.close()
        _Outer.connection = None
        _Outer.savepoints.clear()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


_counter = itertools.count(1)
_factories_running = [0]


@contextmanager
def _saved():
    """A factory's rows: committed once by the outermost factory, only flushed (for
    their ids) when made by another factory."""
    _factories_running[0] += 1
    try:
        yield
    finally:
        _factories_running[0] -= 1
    if _factories_running[0]:
        db.session.flush()
    else:
        db.session.commit()


def _factory(make):
    """`make` saves its rows as `_saved` says."""
    @functools.wraps(make)
    def saving(*args, **kwargs):
        with _saved():
            return make(*args, **kwargs)
    return saving


@pytest.fixture
def make_user(app):
    @_factory
    def make(username: str | None = None, role: Role = Role.MEMBER, password: str = PASSWORD,
             **fields) -> User:
        username = username or f"user{next(_counter)}"
        user = create_user(username, f"{username}@example.org", password, role)
        for key, value in fields.items():
            setattr(user, key, value)
        return user
    return make


@pytest.fixture
def make_article(app):
    @_factory
    def make(slug: str | None = None, passages: int = 2, **fields) -> Article:
        from forum.domain.articles import save_article
        slug = slug or f"article-{next(_counter)}"
        summary = "\n\n".join(f"## Section {n}\n\nText of section {n}." for n in range(1, passages + 1))
        article = save_article(None, slug=slug, title=fields.pop("title", f"Article {slug}"),
                               question=fields.pop("question", "A question?"),
                               attribution=fields.pop("attribution", "Summarised in our words."),
                               source_url=None, summary_md=summary)
        return article
    return make


@pytest.fixture
def make_topic(app, make_user, make_article):
    @_factory
    def make(author: User | None = None, article: Article | None = None, *, posts: int = 0,
             kind: TopicKind = TopicKind.DISCUSSION, title: str | None = None, body: str = "Opening text.",
             passage: Passage | None = None, **fields):
        author = author or make_user()
        article = article or make_article()
        topic = posting.create_topic(author, article, title=title or f"Topic {next(_counter)}", body=body,
                                     kind=kind, passage=passage,
                                     pro_label=fields.pop("pro_label", None), con_label=fields.pop("con_label", None))
        for key, value in fields.items():
            setattr(topic, key, value)
        db.session.flush()
        if posts:
            _fill(topic, posts, author)
        return topic
    return make


def _fill(topic, n: int, author: User) -> None:
    """n posts: a tenth top-level, the rest replies spread under them."""
    roots = []
    stance = [Stance.PRO, Stance.CON]
    for i in range(n):
        if i % 10 == 0 or not roots:
            roots.append(posting.create_post(author, topic, f"Post {i}", stance=stance[i % 2]))
        else:
            posting.create_post(author, topic, f"Post {i}", parent=roots[-1], stance=stance[i % 2])


@pytest.fixture
def make_post(app, make_user, make_topic):
    @_factory
    def make(topic=None, author: User | None = None, body: str = "A thoughtful reply.", parent=None,
             stance: Stance | None = None):
        author = author or make_user()
        topic = topic or (parent.topic if parent is not None else make_topic())
        post = posting.create_post(author, topic, body, parent=parent, stance=stance)
        return post
    return make


@pytest.fixture
def copies(app, monkeypatch):
    """Shared copies on (TEST_CONFIG turns them off), in this process: the store, to look into."""
    from forum.web import caching
    pages = caching.SharedCopies(None, 30)
    monkeypatch.setitem(app.extensions, "counterpoint.shared_copies", pages)  # the app is shared
    return pages


def page_queries(queries: list[str], *, read_marks: int) -> int:
    """How many statements built a page: `queries` (from `count_queries`) less the
    member's read-mark write (web/read_marks.py: made after the page, in a transaction
    of its own, not part of building it), of which there must be exactly `read_marks`."""
    writes = [q for q in queries if q.startswith("INSERT INTO topic_reads")]
    assert len(writes) == read_marks, writes
    return len(queries) - len(writes)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: ...` then `len(q)` is the number of SQL statements."""
    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            # Within a test's transaction a session's BEGIN and COMMIT are a SAVEPOINT
            # and its RELEASE: not counted, as BEGIN and COMMIT are not.
            if not _a_session_savepoint(conn, statement):
                statements.append(statement)

        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return counting


@pytest.fixture
def fresh_postgres_url():
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine
    if not (TEST_DATABASE_URL or "").startswith("postgresql"):
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield TEST_DATABASE_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
# --- Find and follow ---

@pytest.fixture
def hide_topics(monkeypatch, request):
    """`hide_topics(topic, ...)`: visibility treats those topics as private to everyone.

    Stands in for private class spaces, through the one visibility helper. The
    notification count's statement, built once with the real helper (alone, and in
    the user loader's), is built again with this one, and again after the test."""
    from forum.domain import notifications, visibility
    from forum.models import Topic
    from forum.web import login

    def forget_statements():
        notifications._unread_count_statement.cache_clear()
        login._user_statement.cache_clear()

    def hide(*topics):
        hidden = {t.id for t in topics}
        monkeypatch.setattr(visibility, "visible_topic_filter", lambda user: Topic.id.not_in(hidden))
        monkeypatch.setattr(visibility, "can_see_topic", lambda user, topic: topic is not None and topic.id not in hidden)
        forget_statements()
    request.addfinalizer(forget_statements)
    return hide
# --- Classes ---------------------------------------------------------------------------

@pytest.fixture
def make_class(app, make_user):
    """`make_class(students=3)`: a class with an instructor (`.instructor`) and joined students."""
    from forum.domain import classes

    @_factory
    def make(instructor: User | None = None, *, students: int = 0, name: str | None = None,
             time_zone: str = "UTC", **fields):
        instructor = instructor or make_user(role=Role.INSTRUCTOR)
        classroom = classes.create_class(instructor, name=name or f"Class {next(_counter)}",
                                         time_zone=time_zone, **fields)
        for _ in range(students):
            classes.join_class(make_user(), classroom.join_code)
        classroom.instructor = instructor
        return classroom
    return make


@pytest.fixture
def make_class_debate(app, make_article):
    """`make_class_debate(classroom, anonymous=True)`: a class debate by the class's creator."""
    from forum.domain import classes

    @_factory
    def make(classroom, *, title: str | None = None, article: Article | None = None, **options):
        topic = classes.create_class_debate(
            classroom, classroom.created_by, article or make_article(), title=title or f"Motion {next(_counter)}",
            body="Red-team artists should be paid for their testing work.",
            pro_label=options.pop("pro_label", "Pay them"), con_label=options.pop("con_label", "Volunteer work"),
            **options)
        return topic
    return make


@pytest.fixture
def open_phase(app):
    """`open_phase(topic, "opening", word_limit=50)`: that phase open from an hour ago to an hour ahead."""
    from datetime import timedelta

    from forum.domain import classes
    from forum.models import utcnow

    @_factory
    def make(topic, kind: str, *, word_limit: int | None = None, opened: timedelta = timedelta(hours=1),
             closes_in: timedelta = timedelta(hours=1)):
        now = utcnow()
        phase = classes.set_phase(topic, kind, now - opened, now + closes_in, word_limit)
        return phase
    return make


def students_of(classroom) -> list[User]:
    """A class's students, in id order."""
    from forum.domain import classes
    return [db.session.get(User, i) for i in classes.student_ids(classroom.id)]


@pytest.fixture
def sided_debate(make_class, make_class_debate):
    """A class debate with two students on opposite sides, no phase open:
    (classroom, topic, pro student, con student)."""
    from forum.domain import classes

    with _saved():
        classroom = make_class(students=2)
        topic = make_class_debate(classroom)
        pro, con = students_of(classroom)
        classes.set_sides(topic, {pro.id: Stance.PRO, con.id: Stance.CON})
    return classroom, topic, pro, con


@pytest.fixture
def make_anonymous_debate(make_class, make_class_debate, open_phase, make_user):
    """`make_anonymous_debate("Alice's text")`: an anonymous class debate in its opening
    phase where alice_real (pro) has posted that text and bruno_real argues con.
    Returns (topic, post, alice, bruno, classroom)."""
    from forum.domain import classes
    from forum.models import PhaseKind

    @_factory
    def make(body: str):
        classroom = make_class()
        alice, bruno = make_user("alice_real"), make_user("bruno_real")
        for user in (alice, bruno):
            classes.join_class(user, classroom.join_code)
        topic = make_class_debate(classroom, anonymous=True)
        classes.set_sides(topic, {alice.id: Stance.PRO, bruno.id: Stance.CON})
        open_phase(topic, PhaseKind.OPENING)
        post = posting.create_post(alice, topic, body, stance=Stance.PRO)
        return topic, post, alice, bruno, classroom
    return make
# --- Debates ----------------------------------------------------------------

@pytest.fixture
def make_debate(make_topic, make_user):
    """A debate (motion) started by an instructor, with `arguments` top-level posts alternating pro/con."""
    @_factory
    def make(*, arguments: int = 0, author: User | None = None, **fields):
        author = author or make_user(role=Role.INSTRUCTOR)
        topic = make_topic(author=author, kind=TopicKind.DEBATE, **fields)
        for i in range(arguments):
            posting.create_post(author, topic, f"Argument {i}", stance=(Stance.PRO, Stance.CON)[i % 2])
        return topic
    return make
