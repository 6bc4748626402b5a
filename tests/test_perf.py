"""What keeps pages cheap and safe under load: concurrent writers on SQLite,
conditional GET for topic pages, versioned static files, and no Markdown
rendering or sanitizing on any GET."""
import re
import threading
from datetime import timedelta

import bleach
import pytest
from sqlalchemy import func, select

from forum.domain import classes, grading, markup, moderation, posting
from forum.domain.accounts import create_user
from forum.extensions import db
from forum.models import ClassDebate, DebatePhase, PhaseKind, Post, Stance, Topic, TopicWatch, utcnow
from forum.pages import topic_pages
from forum.web import caching
from tests.conftest import new_session

WRITERS, REPLIES_EACH, TABS = 20, 5, 8


@pytest.mark.committing  # threads write through their own connections, which must see its rows
def test_concurrent_replies_are_all_stored(app, make_user, make_topic):
    topic_id = make_topic().id
    cookie_ids = [new_session(make_user()) for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def write(cookie_id: str) -> None:
        with app.app_context():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = cookie_id
            start.wait()
            for n in range(REPLIES_EACH):
                response = client.post(f"/t/{topic_id}/reply", data={"body": f"Reply {n} by {cookie_id}"})
                statuses.append(response.status_code)
            db.session.remove()

    threads = [threading.Thread(target=write, args=(cookie_id,)) for cookie_id in cookie_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.rollback()  # end this session's read snapshot
    assert statuses == [302] * (WRITERS * REPLIES_EACH)
    stored = db.session.scalar(select(func.count()).select_from(Post).where(Post.topic_id == topic_id))
    assert stored == db.session.get(Topic, topic_id).post_count == WRITERS * REPLIES_EACH


@pytest.mark.committing  # threads write through their own connections, which must see its rows
def test_one_member_replying_from_several_tabs_at_once(app, make_user, make_topic):
    """Each first reply finds the member not yet watching the topic and starts
    watching it: the second insert of that watch must not fail the reply."""
    member = make_user()
    topic_id, user_id, cookie_id = make_topic().id, member.id, new_session(member)
    start = threading.Barrier(TABS)
    statuses: list[int] = []

    def write(n: int) -> None:
        with app.app_context():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = cookie_id
            start.wait()
            statuses.append(client.post(f"/t/{topic_id}/reply", data={"body": f"Tab {n}"}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.rollback()
    assert statuses == [302] * TABS
    assert db.session.scalar(select(func.count()).select_from(TopicWatch)
                             .where(TopicWatch.user_id == user_id, TopicWatch.topic_id == topic_id)) == 1


# --- conditional GET ---------------------------------------------------------

def _pages(topic, post):
    return [f"/t/{topic.id}", f"/p/{post.id}"]


@pytest.fixture
def thread(make_topic, make_post):
    topic = make_topic(posts=3)
    return topic, make_post(topic=topic)


@pytest.mark.parametrize("which", [0, 1], ids=["topic", "permalink"])
def test_unchanged_page_is_answered_304_without_rendering(client, thread, count_queries, which):
    url = _pages(*thread)[which]
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    with count_queries() as queries:
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(queries) == 1


@pytest.mark.parametrize("which", [0, 1], ids=["topic", "permalink"])
def test_etag_changes_after_a_reply(client, thread, make_post, which):
    topic, post = thread
    url = _pages(topic, post)[which]
    before = client.get(url).headers["ETag"]
    make_post(parent=post)
    after = client.get(url, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_etag_changes_after_an_edit_or_a_deletion(client, thread, change):
    topic, post = thread
    before = client.get(f"/t/{topic.id}").headers["ETag"]
    if change == "edit":
        posting.edit_post(post, post.author, "Changed my mind.")
    else:
        posting.delete_post(post, post.author)
    db.session.commit()
    after = client.get(f"/t/{topic.id}", headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before


def _close_phase(topic, alice, bruno, classroom):
    now = utcnow()
    classes.set_phase(topic, PhaseKind.OPENING, now - timedelta(hours=3), now - timedelta(hours=2))


def _extend(topic, alice, bruno, classroom):
    phase = db.session.scalar(select(DebatePhase).where(DebatePhase.topic_id == topic.id))
    classes.extend_phase(phase, bruno, phase.closes_at + timedelta(hours=1))


def _swap_sides(topic, alice, bruno, classroom):
    classes.set_sides(topic, {alice.id: Stance.CON, bruno.id: Stance.PRO})


def _new_student(topic, alice, bruno, classroom):
    classes.join_class(create_user("carla_real", "carla@example.org", "correct horse battery"),
                       classroom.join_code)


def _remove_student(topic, alice, bruno, classroom):
    classes.remove_student(classroom, alice)


def _release_grades(topic, alice, bruno, classroom):
    grading.set_released(db.session.get(ClassDebate, topic.id), True)


def _archive(topic, alice, bruno, classroom):
    classes.archive_class(classroom)


@pytest.mark.parametrize("change", [_close_phase, _extend, _swap_sides, _new_student, _remove_student,
                                    _release_grades, _archive])
def test_a_class_debates_etag_changes_with_its_phases_sides_and_roster(client, make_anonymous_debate, change):
    """Not only posts: what an instructor changes in a class debate is on its page at once."""
    topic, _, alice, bruno, classroom = make_anonymous_debate("Alice's opening argument.")
    url = f"/t/{topic.id}"
    client.login(bruno).get(url)  # the first page sets the session's CSRF secret, which the ETag covers
    before = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": before}).status_code == 304
    change(topic, alice, bruno, classroom)
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": before}).status_code == 200


@pytest.mark.parametrize("url", ["/t/{topic}", "/p/{post}"])
def test_a_class_debates_etag_changes_when_a_phase_opens_or_closes_by_the_clock(
        client, make_anonymous_debate, monkeypatch, url):
    topic, post, _, bruno, _ = make_anonymous_debate("Alice's opening argument.")
    url = url.format(topic=topic.id, post=post.id)
    client.login(bruno).get(url)
    before = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": before}).status_code == 304
    later = utcnow() + timedelta(hours=2)  # the opening phase has closed
    monkeypatch.setattr(topic_pages, "utcnow", lambda: later)  # the topic page's and the permalink's query
    db.session.expire_all()  # a new request's session: the topic is loaded again, at this time
    assert client.get(url, headers={"If-None-Match": before}).status_code == 200


def test_etag_differs_per_viewer_and_members_pages_are_private(client, thread, make_user):
    topic, _ = thread
    url = f"/t/{topic.id}"
    guest = client.get(url)
    assert "private" not in guest.headers["Cache-Control"]
    alice, bob = make_user(), make_user()
    as_alice = client.login(alice).get(url)
    assert as_alice.headers["Cache-Control"].replace(" ", "") in ("private,no-cache", "no-cache,private")
    assert "Cookie" in as_alice.headers["Vary"]
    as_bob = client.login(bob).get(url)
    assert len({guest.headers["ETag"], as_alice.headers["ETag"], as_bob.headers["ETag"]}) == 3
    # Bob presenting Alice's ETag gets his own page, never a 304 for hers.
    replay = client.get(url, headers={"If-None-Match": as_alice.headers["ETag"]})
    assert replay.status_code == 200
    assert replay.headers["ETag"] == as_bob.headers["ETag"]


def test_etag_covers_the_query_string(client, thread):
    topic, _ = thread
    old = client.get(f"/t/{topic.id}?sort=old")
    new = client.get(f"/t/{topic.id}?sort=new", headers={"If-None-Match": old.headers["ETag"]})
    assert new.status_code == 200 and new.headers["ETag"] != old.headers["ETag"]


def test_unknown_topic_is_still_404(client):
    assert client.get("/t/999999", headers={"If-None-Match": "*"}).status_code == 404
    assert client.get("/p/999999").status_code == 404


def test_query_count_header_is_off_by_default(client):
    assert "X-Query-Count" not in client.get("/").headers


# --- static files ------------------------------------------------------------

def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client):
    page = client.get("/auth/login").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', page)
    assert css, "the stylesheet link carries ?v=<hash>"
    versioned = client.get(css.group(1))
    assert versioned.status_code == 200
    assert versioned.cache_control.max_age == 365 * 24 * 3600
    assert versioned.cache_control.immutable and versioned.cache_control.public
    versioned.close()
    for url in ("/static/css/site.css", "/static/css/site.css?v=stale"):
        plain = client.get(url)
        assert plain.status_code == 200
        assert plain.cache_control.max_age != 365 * 24 * 3600
        plain.close()


# --- a GET renders no Markdown -------------------------------------------------

def _refuse(*_args, **_kwargs):
    raise AssertionError("a GET rendered or sanitized user text")


def _forbid_rendering(monkeypatch) -> None:
    monkeypatch.setattr(markup, "render", _refuse)
    monkeypatch.setattr(markup, "render_plain", _refuse)
    monkeypatch.setattr(bleach.sanitizer.Cleaner, "clean", _refuse)
    monkeypatch.setattr(bleach.linkifier.Linker, "linkify", _refuse)
    monkeypatch.setattr(bleach, "clean", _refuse)


def test_no_get_renders_markdown(client, make_user, make_article, make_topic, make_post, monkeypatch):
    article = make_article()
    author = make_user(bio="I write about **licences**.")
    topic = make_topic(author=author, article=article, posts=4)
    post = make_post(topic=topic, author=author)
    posting.edit_post(post, author, "Edited *text*.", "typo")
    db.session.commit()
    reply = make_post(parent=post)
    debate = make_topic(author=author, article=article, kind="debate", pro_label="Yes", con_label="No")
    argument = make_post(topic=debate, author=author, stance="pro")
    answer = make_post(topic=debate, parent=argument, stance="con")
    _forbid_rendering(monkeypatch)
    urls = ["/", f"/a/{article.slug}", f"/t/{topic.id}", f"/t/{topic.id}?sort=new", f"/p/{post.id}",
            f"/p/{reply.id}", f"/p/{post.id}/history", f"/t/{topic.id}/history",
            f"/u/{author.username}", "/auth/login", "/auth/register",
            f"/t/{debate.id}", f"/t/{debate.id}?view=thread", f"/t/{debate.id}?sort=deltas&pro_page=2",
            f"/p/{argument.id}", f"/p/{answer.id}", f"/p/{argument.id}?view=thread", f"/p/{argument.id}/deltas",
            f"/t/{debate.id}/poll", "/search?q=edited+text"]
    for viewer in (None, make_user()):
        if viewer is not None:
            client.login(viewer)
        for url in urls:
            assert client.get(url).status_code == 200, url


def test_private_class_pages_are_never_served_from_a_cache_to_an_outsider(
        client, make_user, make_class, make_class_debate, open_phase):
    """A student's cached copy (ETag) of a class debate, its permalinks and its live
    updates never turns into a 304 or a page for a guest, an outsider or a site
    moderator: they get the same 404 as for a topic that does not exist, and the
    student's copies are marked private (no shared cache keeps them)."""
    from forum.domain import classes
    from forum.models import PhaseKind, Role, Stance, User
    classroom = make_class(students=1)
    topic = make_class_debate(classroom, title="Private motion")
    [student] = [db.session.get(User, i) for i in classes.student_ids(classroom.id)]
    classes.set_sides(topic, {student.id: Stance.PRO})
    open_phase(topic, PhaseKind.OPENING)
    post = posting.create_post(student, topic, "A private argument.", stance=Stance.PRO)
    db.session.commit()
    urls = [f"/t/{topic.id}", f"/p/{post.id}", f"/t/{topic.id}/updates?after=0"]
    outsiders = [None, make_user(), make_user(role=Role.MODERATOR)]

    client.login(student)
    client.get("/")  # the session gets its CSRF secret, which member ETags cover
    copies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response.headers["Cache-Control"] and "no-cache" in response.headers["Cache-Control"]
        assert "public" not in response.headers["Cache-Control"]
        copies[url] = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": copies[url]})
        assert again.status_code == 304, url  # the student's own revalidation works

    for outsider in outsiders:
        client.logout()
        if outsider is not None:
            client.login(outsider)
        for url in urls:
            response = client.get(url, headers={"If-None-Match": copies[url]})
            assert response.status_code == 404, (outsider, url)
            assert b"A private argument" not in response.data and b"Private motion" not in response.data
            assert "ETag" not in response.headers


def test_no_get_renders_markdown_on_moderation_and_class_pages(client, make_user, make_post, make_class,
                                                               make_class_debate, open_phase, monkeypatch):
    from forum.domain import classes, moderation
    from forum.models import FlagReason, PhaseKind, Role, Stance
    classroom = make_class()
    student = make_user()
    classes.join_class(student, classroom.join_code)
    topic = make_class_debate(classroom, anonymous=True)
    classes.set_sides(topic, {student.id: Stance.PRO})
    open_phase(topic, PhaseKind.OPENING)
    posting.create_post(student, topic, "An *argument* for paying them.", stance=Stance.PRO)
    flagged = make_post(parent=make_post())
    mod, flaggers = make_user(role=Role.MODERATOR), [make_user() for _ in range(3)]
    for flagger in flaggers:
        moderation.flag_post(flagged, flagger, FlagReason.SPAM)
    removed = make_post()
    moderation.remove_post(removed, mod, "Advertising")
    moderation.appeal_removal(removed, removed.author, "It was a genuine question about licences.")
    db.session.commit()
    debate = f"/classes/{classroom.id}/debates/{topic.id}"
    _forbid_rendering(monkeypatch)
    pages = {mod: ["/mod", "/mod?status=all", "/mod?reason=spam", f"/mod/p/{flagged.id}", "/mod/log"],
             classroom.instructor: [f"{debate}/dashboard", f"{debate}/grades", f"/t/{topic.id}"],
             student: [f"/t/{topic.id}"]}
    for viewer, urls in pages.items():
        client.login(viewer)
        for url in urls:
            assert client.get(url).status_code == 200, url


# --- PostgreSQL: reads end with COMMIT, so psycopg keeps its prepared statements ---

@pytest.fixture
def transaction_ends(app):
    """The statement that ended each transaction on the engine, in order."""
    from sqlalchemy import event
    ends: list[str] = []
    listeners = {"commit": lambda conn: ends.append("COMMIT"), "rollback": lambda conn: ends.append("ROLLBACK")}
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    yield ends
    for name, listener in listeners.items():
        event.remove(db.engine, name, listener)


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements: PostgreSQL only")


@pytest.mark.committing  # asserts on the COMMIT or ROLLBACK that ends a real transaction
def test_a_read_ends_with_commit_on_postgresql(client, thread, transaction_ends):
    _postgresql_only()
    topic, post = thread
    db.session.commit()
    transaction_ends.clear()
    for url in (f"/t/{topic.id}", f"/p/{post.id}", "/", "/no-such-page"):
        client.get(url)
        assert transaction_ends[-1:] == ["COMMIT"], url


@pytest.mark.committing  # asserts on the COMMIT or ROLLBACK that ends a real transaction
def test_a_read_holding_unflushed_changes_is_not_committed(app, thread, transaction_ends):
    _postgresql_only()
    topic, _ = thread
    db.session.commit()
    with app.test_request_context(f"/t/{topic.id}"):
        topic.title = "Changed on a GET"  # a bug this guards against: a GET never writes
        app.do_teardown_request()
    assert "COMMIT" not in transaction_ends
    db.session.remove()  # what the end of the request's app context does: a rollback
    assert transaction_ends == ["ROLLBACK"]
    assert db.session.get(Topic, topic.id).title != "Changed on a GET"


@pytest.mark.committing  # asserts on the COMMIT or ROLLBACK that ends a real transaction
def test_a_form_sent_ends_with_commit_on_postgresql(client, make_user, thread, transaction_ends):
    """A form sent back with an error: the refused reply is rolled back, and the page
    shown again only read, so that transaction is committed, not rolled back, and
    psycopg keeps its prepared statements for the worker's next request. A reply's
    view commits and reads nothing after: the new post's id is taken before the
    commit (after it, reading it would be a query of its own)."""
    _postgresql_only()
    topic, _ = thread
    client.login(make_user())
    db.session.commit()
    transaction_ends.clear()
    assert client.post(f"/t/{topic.id}/reply", data={"body": ""}).status_code == 400
    assert transaction_ends == ["ROLLBACK", "COMMIT"]
    transaction_ends.clear()
    assert client.post(f"/t/{topic.id}/reply", data={"body": "Consent first, then credit."}).status_code == 302
    assert transaction_ends == ["COMMIT"] and not db.session().in_transaction()


@pytest.mark.parametrize("where", ["topic", "post"])
def test_a_reply_reads_neither_the_new_post_back_nor_the_unread_count(client, make_user, thread, count_queries,
                                                                     where):
    """What a reply's redirect needs is known before its commit, and the member's own
    row on a write comes without the header's count (nothing is shown)."""
    topic, post = thread
    client.login(make_user())
    url = f"/t/{topic.id}/reply" if where == "topic" else f"/p/{post.id}/reply"
    with count_queries() as queries:
        assert client.post(url, data={"body": "Consent first, then credit."}).status_code == 302
    inserted = next(i for i, query in enumerate(queries) if query.startswith("INSERT INTO posts"))
    assert not any(query.startswith("SELECT posts.") for query in queries[inserted:])
    assert queries[0].startswith("SELECT users.") and "notifications" not in queries[0]  # the member


@pytest.mark.committing  # asserts on the COMMIT or ROLLBACK that ends a real transaction
def test_a_request_that_wrote_without_committing_is_rolled_back(app, thread, transaction_ends):
    """Whatever the method, a transaction that sent a write its view did not commit
    (here flushed by hand, as a view that then gave up would leave it) is not committed."""
    _postgresql_only()
    topic, _ = thread
    db.session.commit()
    for method in ("POST", "GET"):
        transaction_ends.clear()
        with app.test_request_context(f"/t/{topic.id}", method=method):
            db.session.get(Topic, topic.id).title = f"Changed on a {method}"
            db.session.flush()  # sent, so nothing is left in session.dirty
            app.do_teardown_request()
            assert "COMMIT" not in transaction_ends, method
            db.session.remove()
        assert transaction_ends == ["ROLLBACK"], method
        assert not db.session.get(Topic, topic.id).title.startswith("Changed")


@pytest.mark.committing  # ANALYZE on its own connection waits for the test's write lock on SQLite
@pytest.mark.parametrize("version", ["public", "queue"])
def test_the_versions_of_shared_copies_read_the_version_index(app, make_topic, make_class, version):
    """The newest topic version is one row from the end of an index (ix_topics_version,
    or ix_topics_class_version for public topics), not a read of every topic."""
    from forum.pages import mod_pages
    from forum.web import caching
    for _ in range(20):
        make_topic()
    make_class()
    statement = {"public": lambda: caching._public_version_statement(),
                 "queue": lambda: mod_pages._queue_version_statement()}[version]()
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE topics")
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")  # so few topics would be read whole anyway
            plan = " ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {sql}"))
        else:
            plan = " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "ix_topics_class_version" in plan or "ix_topics_version" in plan


def test_a_topic_page_s_topic_can_be_refreshed_after_it_expires(app, make_user, make_topic):
    """What the topic page's query reads with bound values (the reader's watch, the
    time) is not a loader option stored on the topic: a refresh after a commit, as
    the next request in the same session would make, needs none of them."""
    topic_id, member = make_topic(title="Who owns a style?").id, make_user()
    topic = topic_pages.fetch_topic(member, topic_id)
    assert topic.schedule_passed == 0 and topic.viewer_watch is None
    db.session.commit()  # expires the topic
    db.session.refresh(topic)
    assert topic.title == "Who owns a style?"


def test_a_members_messages_are_read_only_when_they_have_some(client, make_user, count_queries):
    """The banner's messages cost every page a join when they came with the member;
    now whether there are any comes as a column, and only a member who has one
    waits for a query of them."""
    member = make_user()
    client.login(member)
    with count_queries() as without:
        page = client.get("/notifications")
    assert page.status_code == 200 and "A moderator" not in page.text
    assert without[0].startswith("SELECT users.") and "JOIN member_messages" not in without[0]
    assert not any(query.lstrip().startswith("SELECT member_messages.") for query in without)

    moderation.tell(member, "A moderator asks you to cite your sources.")
    db.session.commit()
    client.login(member)
    with count_queries() as with_one:
        page = client.get("/notifications")
    assert "A moderator asks you to cite your sources." in page.text
    assert len(with_one) == len(without) + 1
    assert sum(query.lstrip().startswith("SELECT member_messages.") for query in with_one) == 1
