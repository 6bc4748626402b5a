"""What a page shows of a member's read marks (domain/reads.py): "3 new" on topic
lists, "New" on the posts written since their last visit, and a link to the first.

A topic page's reply tree is shared between readers (web/shared_threads.py), so
the "New" marks are put into it here, after it is rendered or fetched, never
into the shared copy; the page's ETag carries the read mark they come from
(pages/viewer.py). A guest gets none of it: no query, not a byte.
"""
import re
from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup

from ..domain import reads
from ..models import Topic

# Put before a post's byline: read first by a screen reader ("New, Reply, level 2, ...").
NEW_TAG = '<span class="tag tag-new">New<span class="visually-hidden">,</span></span> '


@dataclass(frozen=True)
class NewMarks:
    """The posts of a page new to its reader, and where the page's "Jump to the
    first unread post" link goes (None: nothing new in the topic)."""
    ids: frozenset[int] = frozenset()
    first_href: str | None = None

    @property
    def count(self) -> int:
        return len(self.ids)


NOTHING_NEW = NewMarks()


def _first_href(topic: Topic, shown: set[int], anchor: str) -> str:
    """The first new post: on this page (`anchor` % its id), else its own page."""
    first = topic.viewer_first_new
    return f"#{anchor % first}" if first in shown else url_for("posts.show", post_id=first)


_BYLINE = re.compile(r'id="p(\d+)-by">')


def thread_marks(user, topic: Topic, html: str, roots) -> tuple[Markup, NewMarks]:
    """A topic page's reply tree (`html`, shared or not, of the posts under `roots`)
    with the posts new to `user` marked "New", and the marks. No query: the topic's
    query brought the read mark and the first new post (topic_pages.fetch_topic).
    A family shared with other readers (web/shared_threads.py) holds no post of
    the reader's; those of the families rendered for them are in `roots`, and
    their own posts or tombstones there are not marked."""
    mark = reads.shown_mark(topic)
    if mark is None:
        return Markup(html), NOTHING_NEW
    # A reused family's top-level post is in `roots` unpresented: no `is_plain`, and none of the reader's.
    skip = {post.id for post in _walk(roots) if post.author_id == user.id or not getattr(post, "is_plain", True)}
    shown = {int(post_id) for post_id in _BYLINE.findall(str(html))}
    new = {post_id for post_id in shown if reads.is_new(post_id, None, mark, user.id) and post_id not in skip}
    marked = _BYLINE.sub(lambda found: found[0] + NEW_TAG if int(found[1]) in new else found[0], str(html))
    return Markup(marked), NewMarks(frozenset(new), _first_href(topic, shown, "p%s"))


def _walk(roots):
    stack = list(roots)
    while stack:
        post = stack.pop()
        yield post
        stack.extend(post.children)


def card_marks(user, topic: Topic, cards) -> NewMarks:
    """The columns view's: the template marks its cards whose id is in `ids`."""
    mark = reads.shown_mark(topic)
    if mark is None:
        return NOTHING_NEW
    new = {card.id for card in cards if card.notice is None and reads.is_new(card.id, card.author_id, mark, user.id)}
    return NewMarks(frozenset(new), _first_href(topic, {card.id for card in cards}, "card%s-by"))


def list_counts(user, topics) -> dict[int, int]:
    """{topic id: posts new to `user`} for a list of topics they may see: one query, none for a guest."""
    return reads.unread_counts(user, [topic.id for topic in topics])
