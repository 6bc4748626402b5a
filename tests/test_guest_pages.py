"""Guests share one rendered copy of a public topic page (forum/caching.py).

Off in the other tests (TEST_CONFIG); each test here turns it on.
"""
import time

import pytest

from forum import caching, posting
from forum.extensions import db
from forum.models import Role


@pytest.fixture
def guest_pages(app, monkeypatch):
    pages = caching.GuestPages(None, 30)
    monkeypatch.setitem(app.extensions, "counterpoint.guest_pages", pages)  # the app is shared
    return pages


@pytest.fixture
def scene(make_user, make_topic, make_post):
    author = make_user(display_name="Ada Original")
    topic = make_topic(title="Shared copies")
    post = make_post(topic=topic, author=author, body="The first argument.")
    return topic, post, author


def test_guests_get_the_copy_the_etag_vouches_for(client, guest_pages, scene, count_queries):
    topic, post, author = scene
    url = f"/t/{topic.id}"
    first = client.get(url)
    assert first.status_code == 200 and "Ada Original" in first.text
    # A change the ETag does not see: guests keep the shared copy (what a 304 would say)...
    author.display_name = "Ada Renamed"
    db.session.commit()
    with count_queries() as queries:
        second = client.get(url)
    assert second.status_code == 200 and "Ada Original" in second.text
    assert len(queries) == 1  # the topic, for its ETag; nothing rendered
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "private" not in second.headers["Cache-Control"]
    assert second.headers.get("Content-Security-Policy") == first.headers.get("Content-Security-Policy")
    # ...until the topic changes, and then they get a fresh page.
    posting.create_post(author, topic, "A second argument.", parent=post)
    db.session.commit()
    third = client.get(url)
    assert "Ada Renamed" in third.text and "A second argument." in third.text


def test_members_never_get_the_guest_copy(client, guest_pages, scene, make_user):
    topic, _, author = scene
    url = f"/t/{topic.id}"
    client.get(url)
    author.display_name = "Ada Renamed"
    db.session.commit()
    for member in (make_user(), make_user(role=Role.MODERATOR), author):
        page = client.login(member).get(url).text
        assert "Ada Renamed" in page and "Ada Original" not in page


def test_each_url_and_query_has_its_own_copy(client, guest_pages, scene):
    topic, post, _ = scene
    client.get(f"/t/{topic.id}")
    permalink = client.get(f"/p/{post.id}")
    assert "The first argument." in permalink.text and 'class="post highlight' in permalink.text
    newest = client.get(f"/t/{topic.id}?sort=new")
    assert 'aria-current="true" class="current">Newest' in newest.text
    assert len(guest_pages.local) == 3


def test_no_copy_for_class_topics_or_members(app, scene, make_user, make_class, make_class_debate):
    topic, _, _ = scene
    classroom = make_class(students=1)
    private = make_class_debate(classroom)
    with app.test_request_context(f"/t/{topic.id}"):
        from flask_login import AnonymousUserMixin
        assert caching._guest_copy_key(AnonymousUserMixin(), topic, "etag")
        assert caching._guest_copy_key(make_user(), topic, "etag") is None
        assert caching._guest_copy_key(AnonymousUserMixin(), private, "etag") is None


def test_copies_expire_and_the_oldest_go_first(monkeypatch):
    pages = caching.GuestPages(None, 30, capacity=2)
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    pages.put("a", b"A")
    pages.put("b", b"B")
    assert pages.get("a") == b"A"  # now the most recently used
    pages.put("c", b"C")
    assert pages.get("b") is None and pages.get("a") == b"A" and pages.get("c") == b"C"
    now[0] += 31
    assert pages.get("a") is None


def test_zero_seconds_keeps_nothing():
    pages = caching.GuestPages(None, 0)
    pages.put("a", b"A")
    assert pages.get("a") is None and not pages.local


def test_redis_keeps_copies_for_every_worker_with_a_ttl():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    one, other = caching.GuestPages(url, 30), caching.GuestPages(url, 30)
    key = f"test-{time.time_ns()}"
    one.put(key, b"<html>shared</html>")
    assert other.get(key) == b"<html>shared</html>"  # another worker, another process: same copy
    assert 0 < one.redis.ttl(f"counterpoint:page:{key}") <= 30
    one.redis.delete(f"counterpoint:page:{key}")


def test_guests_share_the_home_page_until_the_forum_changes(client, guest_pages, scene, make_user,
                                                            make_topic, count_queries):
    topic, post, author = scene
    first = client.get("/")
    assert "Shared copies" in first.text
    with count_queries() as queries:
        second = client.get("/")
    assert second.text == first.text and len(queries) == 1  # the version; nothing rendered
    make_topic(title="A newer topic", article=topic.article)
    assert "A newer topic" in client.get("/").text
    posting.create_post(author, topic, "Moves the topic up.", parent=post)
    db.session.commit()
    assert client.get("/").text != first.text
    # Members always get their own page.
    member = make_user()
    page = client.login(member).get("/").text
    assert "A newer topic" in page and member.username in page
