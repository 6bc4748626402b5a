"""Atom feeds: valid, public content only, linked from the pages they follow."""
from xml.etree import ElementTree

import pytest

from forum.domain import posting
from forum.extensions import db

ATOM = "{http://www.w3.org/2005/Atom}"


def _parse(response):
    assert response.status_code == 200
    assert response.content_type.startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{tag}").text
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{tag}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
        assert entry.find(f"{ATOM}content").get("type") == "html"
        assert entry.find(f"{ATOM}author/{ATOM}name").text
    return feed, entries


def test_site_feed_lists_latest_topics(client, make_topic):
    make_topic(title="First & <oldest>")
    make_topic(title="Second")
    feed, entries = _parse(client.get("/feeds/topics.atom"))
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Second", "First & <oldest>"]


def test_topic_feed_has_posts_not_deleted_ones(client, make_topic, make_post):
    topic = make_topic(title="Feed me")
    kept = make_post(topic=topic, body="**Kept** post")
    gone = make_post(topic=topic, body="Gone post")
    posting.delete_post(gone, gone.author)
    db.session.commit()
    _, entries = _parse(client.get(f"/t/{topic.id}/feed.atom"))
    contents = [e.find(f"{ATOM}content").text for e in entries]
    assert "<p><strong>Kept</strong> post</p>\n" in contents
    assert not any("Gone post" in c for c in contents)
    assert any(e.find(f"{ATOM}id").text.endswith(f"/p/{kept.id}") for e in entries)


def test_article_feed_lists_its_topics_only(client, make_article, make_topic):
    mine, other = make_article(slug="mine"), make_article(slug="other")
    make_topic(article=mine, title="Here")
    make_topic(article=other, title="Elsewhere")
    _, entries = _parse(client.get("/a/mine/feed.atom"))
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Here"]


def test_empty_feed_is_still_valid(client, make_article):
    make_article(slug="quiet")
    _, entries = _parse(client.get("/a/quiet/feed.atom"))
    assert entries == []


def test_feeds_leave_out_private_topics(client, make_user, make_topic, hide_topics):
    secret, public = make_topic(title="Secret class"), make_topic(title="Public")
    hide_topics(secret)
    _, entries = _parse(client.get("/feeds/topics.atom"))
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Public"]
    assert client.get(f"/t/{secret.id}/feed.atom").status_code == 404


def test_feeds_show_guests_content_even_to_a_member(client, make_user, make_topic, hide_topics):
    secret = make_topic(title="Members only")
    hide_topics(secret)
    client.login(make_user())
    assert b"Members only" not in client.get("/feeds/topics.atom").data


@pytest.mark.parametrize("path", ["/t/9999/feed.atom", "/a/nope/feed.atom"])
def test_unknown_feed_is_404(client, path):
    assert client.get(path).status_code == 404


def test_pages_link_their_feeds(client, make_article, make_topic):
    article = make_article(slug="sora")
    topic = make_topic(article=article)
    for path, feed in [("/", "/feeds/topics.atom"), ("/a/sora", "/a/sora/feed.atom"),
                       (f"/t/{topic.id}", f"/t/{topic.id}/feed.atom")]:
        page = client.get(path).get_data(as_text=True)
        assert f'<link rel="alternate" type="application/atom+xml"' in page and f'href="{feed}"' in page
