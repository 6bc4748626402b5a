"""What keeps pages cheap and safe under load: concurrent writers on SQLite,
conditional GET for topic pages, versioned static files, and no Markdown
rendering or sanitizing on any GET."""
import re
import threading

import bleach
import pytest
from sqlalchemy import func, select

from forum import markup, posting
from forum.extensions import db
from forum.models import Post, Topic

WRITERS, REPLIES_EACH = 20, 5


def test_concurrent_replies_are_all_stored(app, make_user, make_topic):
    topic_id = make_topic().id
    user_ids = [make_user().id for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def write(user_id: int) -> None:
        with app.app_context():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = str(user_id)
            start.wait()
            for n in range(REPLIES_EACH):
                response = client.post(f"/t/{topic_id}/reply", data={"body": f"Reply {n} by {user_id}"})
                statuses.append(response.status_code)
            db.session.remove()

    threads = [threading.Thread(target=write, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.rollback()  # end this session's read snapshot
    assert statuses == [302] * (WRITERS * REPLIES_EACH)
    stored = db.session.scalar(select(func.count()).select_from(Post).where(Post.topic_id == topic_id))
    assert stored == db.session.get(Topic, topic_id).post_count == WRITERS * REPLIES_EACH


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


def test_no_get_renders_markdown(client, make_user, make_article, make_topic, make_post, monkeypatch):
    article = make_article()
    author = make_user(bio="I write about **licences**.")
    topic = make_topic(author=author, article=article, posts=4)
    post = make_post(topic=topic, author=author)
    posting.edit_post(post, author, "Edited *text*.", "typo")
    db.session.commit()
    reply = make_post(parent=post)
    monkeypatch.setattr(markup, "render", _refuse)
    monkeypatch.setattr(markup, "render_plain", _refuse)
    monkeypatch.setattr(bleach.sanitizer.Cleaner, "clean", _refuse)
    monkeypatch.setattr(bleach.linkifier.Linker, "linkify", _refuse)
    monkeypatch.setattr(bleach, "clean", _refuse)
    urls = ["/", f"/a/{article.slug}", f"/t/{topic.id}", f"/t/{topic.id}?sort=new", f"/p/{post.id}",
            f"/p/{reply.id}", f"/p/{post.id}/history", f"/t/{topic.id}/history",
            f"/u/{author.username}", "/auth/login", "/auth/register", "/search?q=edited+text"]
    for viewer in (None, make_user()):
        if viewer is not None:
            client.login(viewer)
        for url in urls:
            assert client.get(url).status_code == 200, url
