"""Quotes anchored in an article: a sentence or phrase a topic or a post quotes.

A quote is kept as the W3C Web Annotation TextQuoteSelector keeps one: its exact
text, with up to `CONTEXT` characters before it (prefix) and after it (suffix),
over the article's plain text. The plain text is what a reader sees of the
article's passages: their rendered Markdown without its tags, each block apart
from the next, every run of white space one space, the passages one after the
other (`article_text`). A selection in the browser, its white space collapsed
the same way, is the same text; a Markdown edit that changes no visible word
(`*a*` to `**a**`, lines wrapped anew) changes none of it.

After an admin edits the article, every anchor is found again by its text
(`resolve`): where its exact text occurs once, there; where it occurs more than
once, where the text around it matches its prefix and suffix best; and when the
text is gone, or occurs more than once with no context telling which, nowhere:
the anchor is orphaned, and its topics and posts say the passage was removed.
An anchor is never moved to some other text.
"""
import html
import re
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Article, Post, QuoteAnchor, Topic, User
from .errors import RuleError

CONTEXT = 32
EXACT_MIN = 3
EXACT_MAX = 2_000

# Sanitized HTML (markup.render) only: bleach quotes every attribute value and
# leaves no comment, so a tag is "<", a name, quoted or plain attribute text, ">".
_TAG_RE = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
# Elements a browser lays out apart: their edges part the words on either side.
BLOCK_TAGS = frozenset({"p", "br", "hr", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5",
                        "h6", "div", "table", "tr", "td", "th"})


@dataclass(frozen=True)
class Selector:
    """What a quote is: its exact text, and some of the text before and after it."""
    exact: str
    prefix: str = ""
    suffix: str = ""


def normalize(text: str) -> str:
    """`text` as the article's plain text has it: each run of white space one space, trimmed."""
    return " ".join(text.split())


def _collapse(text: str) -> str:
    # A prefix may end, and a suffix begin, with the space between words: keep it.
    return re.sub(r"\s+", " ", text)


# --- The plain text of sanitized HTML ----------------------------------------

@dataclass
class Node:
    """One piece of an HTML fragment: a tag as written (`tag`, `name`, `closing`),
    or text (`text`, unescaped), with, for each of its characters, where it went in
    the plain text (`offsets`: None for white space the plain text dropped)."""
    tag: str | None = None
    name: str = ""
    closing: bool = False
    text: str = ""
    offsets: list | None = None


class Layout:
    """An HTML fragment's plain text (`text`), and its nodes with where each
    character of their text went in it."""

    def __init__(self, fragment: str):
        self.nodes: list[Node] = []
        self._chars: list[str] = []
        self._spaces: list[tuple[list, int]] = []  # white space seen since the last character kept
        self._space = False
        position = 0
        for match in _TAG_RE.finditer(fragment):
            self._add_text(fragment[position:match.start()])
            name = match.group(2).lower()
            self.nodes.append(Node(tag=match.group(0), name=name, closing=bool(match.group(1))))
            if name in BLOCK_TAGS:
                self._space = True
            position = match.end()
        self._add_text(fragment[position:])
        self.text = "".join(self._chars)

    def _add_text(self, raw: str) -> None:
        if not raw:
            return
        node = Node(text=html.unescape(raw), offsets=[])
        self.nodes.append(node)
        chars = self._chars
        for i, char in enumerate(node.text):
            if char.isspace():
                node.offsets.append(None)
                self._spaces.append((node.offsets, i))
                self._space = True
                continue
            if self._space and chars:
                # The space kept for a run of white space: each of its characters is there.
                for offsets, at in self._spaces:
                    offsets[at] = len(chars)
                chars.append(" ")
            self._spaces.clear()
            self._space = False
            node.offsets.append(len(chars))
            chars.append(char)

    def paragraphs(self) -> list[tuple[int, int]]:
        """Where each top-level paragraph's text is, as (start, end) in `text`."""
        spans, depth, opened = [], 0, None
        for i, node in enumerate(self.nodes):
            if node.tag is None or node.name not in BLOCK_TAGS or node.name in ("br", "hr"):
                continue
            if not node.closing:
                if depth == 0 and node.name == "p":
                    opened = i
                depth += 1
                continue
            depth = max(depth - 1, 0)
            if depth == 0 and node.name == "p" and opened is not None:
                kept = [offset for inner in self.nodes[opened:i] if inner.tag is None
                        for char, offset in zip(inner.text, inner.offsets) if not char.isspace()]
                if kept:
                    spans.append((kept[0], kept[-1] + 1))
                opened = None
        return spans


def text_of_html(fragment: str) -> str:
    """The plain text of a fragment of sanitized HTML."""
    return Layout(fragment).text


# --- An article's plain text ---------------------------------------------------

@dataclass
class ArticleText:
    """An article's plain text: its passages' texts, one space apart, and where each starts."""
    text: str
    starts: list[int]       # where each passage's text starts in `text`
    layouts: list[Layout]   # each passage's, in the order of `article.passages`

    def passage_at(self, start: int, end: int) -> int | None:
        """The index of the passage whose text holds `start`..`end` whole, if one does."""
        for index, (begin, layout) in enumerate(zip(self.starts, self.layouts)):
            if begin <= start and end <= begin + len(layout.text):
                return index
        return None


def article_text(article: Article) -> ArticleText:
    texts, starts, layouts, position = [], [], [], 0
    for passage in article.passages:
        layout = Layout(passage.body_html)
        starts.append(position)
        layouts.append(layout)
        texts.append(layout.text)
        position += len(layout.text) + 1
    return ArticleText(" ".join(texts), starts, layouts)


# --- Finding a quote -------------------------------------------------------------

def _occurrences(text: str, exact: str) -> list[int]:
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def resolve(text: str, selector: Selector) -> tuple[int, int] | None:
    """Where `selector` quotes `text` (an article's plain text), as (start, end), or
    None: its exact text is not there, or is there more than once and neither the
    text before nor the text after it says which (a tie says neither)."""
    exact = normalize(selector.exact)
    if not exact:
        return None
    starts = _occurrences(text, exact)
    if not starts:
        return None
    if len(starts) == 1:
        return starts[0], starts[0] + len(exact)
    prefix, suffix = _collapse(selector.prefix), _collapse(selector.suffix)

    def score(start: int) -> int:
        before = text[max(0, start - len(prefix)):start]
        after = text[start + len(exact):start + len(exact) + len(suffix)]
        return _common_suffix(prefix, before) + _common_prefix(suffix, after)

    scored = sorted(((score(start), start) for start in starts), reverse=True)
    (best, start), (runner_up, _) = scored[0], scored[1]
    if best == 0 or best == runner_up:
        return None
    return start, start + len(exact)


def selector_at(text: str, start: int, end: int) -> Selector:
    """The selector of `text[start:end]`: it, and `CONTEXT` characters either side."""
    return Selector(text[start:end], text[max(0, start - CONTEXT):start], text[end:end + CONTEXT])


def locate(article: Article, selector: Selector, plain: ArticleText | None = None) -> tuple[int, int]:
    """Where a reader's quote is in `article`, checked: its exact text must be the
    article's, inside one passage, and say which place it is. Raises RuleError."""
    exact = normalize(selector.exact)
    if len(exact) < EXACT_MIN:
        raise RuleError(f"Select at least {EXACT_MIN} characters of the article to quote.")
    if len(exact) > EXACT_MAX:
        raise RuleError(f"A quote is at most {EXACT_MAX:,} characters: select a shorter passage.")
    plain = plain or article_text(article)
    span = resolve(plain.text, Selector(exact, selector.prefix, selector.suffix))
    if span is None:
        if exact in plain.text:
            raise RuleError("That text occurs more than once in the article; select a few more words.")
        raise RuleError("That quote is not in the article: quote its text exactly, as it reads now.")
    if plain.passage_at(*span) is None:
        raise RuleError("A quote must lie within one section of the article.")
    return span


def paragraph_selector(article: Article, passage_index: int, paragraph: int) -> Selector:
    """The selector of one paragraph of a passage (what a reader without JavaScript picks)."""
    plain = article_text(article)
    if not 0 <= passage_index < len(plain.layouts):
        raise RuleError("That section is not in the article.")
    spans = plain.layouts[passage_index].paragraphs()
    if not 0 <= paragraph < len(spans):
        raise RuleError("That paragraph is not in the article.")
    offset = plain.starts[passage_index]
    start, end = spans[paragraph]
    return selector_at(plain.text, offset + start, offset + end)


# --- Anchors in the database -------------------------------------------------------

def anchor_quote(article: Article, author: User, selector: Selector) -> QuoteAnchor:
    """The anchor of a reader's quote of `article`: the one already made for the
    same place, or a new one, its prefix and suffix taken from the article itself.
    Refuses (RuleError) a quote that is not the article's text."""
    plain = article_text(article)
    start, end = locate(article, selector, plain)
    existing = db.session.scalar(select(QuoteAnchor).where(
        QuoteAnchor.article_id == article.id, QuoteAnchor.start_offset == start, QuoteAnchor.end_offset == end,
        QuoteAnchor.orphaned.is_(False)).order_by(QuoteAnchor.id).limit(1))
    if existing is not None:
        return existing
    canonical = selector_at(plain.text, start, end)
    anchor = QuoteAnchor(article_id=article.id, exact=canonical.exact, prefix=canonical.prefix,
                         suffix=canonical.suffix, start_offset=start, end_offset=end, created_by_id=author.id)
    db.session.add(anchor)
    db.session.flush()
    return anchor


def passage_of(article: Article, anchor: QuoteAnchor):
    """The passage an anchor lies in (None when orphaned)."""
    if anchor.orphaned:
        return None
    index = article_text(article).passage_at(anchor.start_offset, anchor.end_offset)
    return article.passages[index] if index is not None else None


def reanchor(article: Article) -> list[QuoteAnchor]:
    """After an edit of `article`: find every anchor of it again by its text, keep
    where it now is, or mark it orphaned (and found again, no longer). Returns the
    anchors orphaned by this edit. Called by `articles.save_article`."""
    plain = article_text(article)
    newly_orphaned = []
    for anchor in db.session.scalars(select(QuoteAnchor).where(QuoteAnchor.article_id == article.id)):
        span = resolve(plain.text, Selector(anchor.exact, anchor.prefix, anchor.suffix))
        if span is not None and plain.passage_at(*span) is None:
            span = None
        if span is None:
            if not anchor.orphaned:
                newly_orphaned.append(anchor)
            anchor.orphaned = True
            continue
        anchor.orphaned = False
        anchor.start_offset, anchor.end_offset = span
    return newly_orphaned


@dataclass
class Discussed:
    """How many visible topics and arguments quote one anchor."""
    anchor: QuoteAnchor
    topics: int = 0
    arguments: int = 0

    @property
    def total(self) -> int:
        return self.topics + self.arguments


def discussed(article: Article, topic_filter, post_filter) -> list[Discussed]:
    """The anchors of `article` that something the reader may see quotes, with how
    many topics and posts (`topic_filter`, `post_filter`: what the reader may see),
    in start order: two grouped queries and the anchors."""
    topics = dict(db.session.execute(
        select(Topic.anchor_id, func.count()).where(
            Topic.article_id == article.id, Topic.anchor_id.is_not(None), topic_filter)
        .group_by(Topic.anchor_id)).all())
    posts = dict(db.session.execute(
        select(Post.anchor_id, func.count()).join(Post.topic).where(
            Topic.article_id == article.id, Post.anchor_id.is_not(None), topic_filter, post_filter)
        .group_by(Post.anchor_id)).all())
    ids = set(topics) | set(posts)
    if not ids:
        return []
    anchors = db.session.scalars(select(QuoteAnchor).where(QuoteAnchor.id.in_(ids))
                                 .order_by(QuoteAnchor.start_offset, QuoteAnchor.id))
    return [Discussed(anchor, topics.get(anchor.id, 0), posts.get(anchor.id, 0)) for anchor in anchors]
