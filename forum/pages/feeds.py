"""Atom feeds of public content: the site's latest topics, a topic's posts, an article's topics.

A feed is read by programs that never sign in, so it shows what a guest may
see: everything goes through `visibility` with an anonymous user.
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from xml.etree import ElementTree

from flask import abort, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain import permissions, visibility
from ..extensions import db
from ..models import Article, Post, Topic

ATOM_NS = "http://www.w3.org/2005/Atom"
ENTRIES = 50
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
GUEST = permissions.GUEST


@dataclass
class Entry:
    url: str
    title: str
    author: str
    published: datetime
    updated: datetime
    html: str


@dataclass
class Feed:
    url: str  # the page the feed follows
    self_url: str
    title: str
    entries: list[Entry]
    updated: datetime

    def to_xml(self) -> bytes:
        ElementTree.register_namespace("", ATOM_NS)
        root = ElementTree.Element(f"{{{ATOM_NS}}}feed")
        _text(root, "id", self.self_url)
        _text(root, "title", self.title)
        _text(root, "updated", _stamp(self.updated))
        _link(root, self.url, "alternate", "text/html")
        _link(root, self.self_url, "self", "application/atom+xml")
        for entry in self.entries:
            node = ElementTree.SubElement(root, f"{{{ATOM_NS}}}entry")
            _text(node, "id", entry.url)
            _text(node, "title", entry.title)
            _text(node, "published", _stamp(entry.published))
            _text(node, "updated", _stamp(entry.updated))
            _link(node, entry.url, "alternate", "text/html")
            author = ElementTree.SubElement(node, f"{{{ATOM_NS}}}author")
            _text(author, "name", entry.author)
            _text(node, "content", entry.html).set("type", "html")
        return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _text(parent, tag: str, value: str):
    element = ElementTree.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
    element.text = value
    return element


def _link(parent, href: str, rel: str, type_: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM_NS}}}link", href=href, rel=rel, type=type_)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _topic_entry(topic: Topic) -> Entry:
    return Entry(url_for("topics.show", topic_id=topic.id, _external=True), topic.title, topic.author.name,
                 topic.created_at, topic.edited_at or topic.created_at, topic.body_html)


def _newest(entries: list[Entry], fallback: datetime | None = None) -> datetime:
    return max([e.updated for e in entries] + [fallback or _EPOCH])


def _latest_topics(article: Article | None = None) -> list[Topic]:
    query = (visibility.visible_topics(GUEST).where(visibility.public_topic_filter())
             .order_by(Topic.created_at.desc(), Topic.id.desc())
             .limit(ENTRIES).options(joinedload(Topic.author)))
    if article is not None:
        query = query.where(Topic.article_id == article.id)
    return list(db.session.scalars(query))


def site_feed(site_name: str) -> Feed:
    entries = [_topic_entry(t) for t in _latest_topics()]
    return Feed(url_for("home.index", _external=True), url_for("feeds.topics", _external=True),
                f"{site_name}: latest topics", entries, _newest(entries))


def article_feed(slug: str) -> Feed:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        abort(404)
    entries = [_topic_entry(t) for t in _latest_topics(article)]
    return Feed(url_for("articles.show", slug=slug, _external=True),
                url_for("feeds.article", slug=slug, _external=True),
                f"Topics on “{article.title}”", entries, _newest(entries, article.updated_at))


def topic_feed(topic_id: int) -> Feed:
    topic = db.session.scalar(select(Topic).where(Topic.id == topic_id).options(joinedload(Topic.author)))
    # A topic whose opening text moderation hid or removed has no feed (nor a place in lists).
    if topic is None or not permissions.can_follow_by_feed(topic):
        abort(404)
    posts = db.session.scalars(
        visibility.visible_posts(GUEST).where(Post.topic_id == topic.id, visibility.public_post_filter())
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(ENTRIES).options(joinedload(Post.author)))
    entries = [Entry(url_for("posts.show", post_id=p.id, _external=True), f"{p.author.name} in “{topic.title}”",
                     p.author.name, p.created_at, p.edited_at or p.created_at, p.body_html) for p in posts]
    entries.append(_topic_entry(topic))
    return Feed(url_for("topics.show", topic_id=topic.id, _external=True),
                url_for("feeds.topic", topic_id=topic.id, _external=True),
                topic.title, entries, _newest(entries, topic.last_activity_at))
