"""What the article page shows of its quotes, and the page that starts a topic or an argument on one.

The article's passages are shown with each quoted sentence marked (`<mark>`,
named for screen readers) and followed by how many topics and arguments the
reader may see discuss it, a link to them; a quote that only a class's private
debate discusses is not marked for anyone outside the class. Each paragraph
carries a link that quotes it whole, for readers without JavaScript
(static/js/quotes.js lets others quote any selection).

The article page is not cached (no ETag, no kept copy): every load counts afresh.
"""
from dataclasses import dataclass, field

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import select

from ..domain import anchors, permissions, visibility
from ..domain.anchors import Discussed, Layout, Selector
from ..domain.errors import RuleError
from ..extensions import db
from ..models import Article, Post, Topic, TopicKind
from .topic_pages import TOPIC_LIST_COLUMNS, listed_topic_filter


@dataclass
class Mark:
    """A quote to mark in a passage: where (in the passage's text), and what follows it."""
    start: int
    end: int
    anchor_id: int
    after: Markup


# What a screen reader hears where a quote starts; left out of the text a selection quotes.
QUOTE_LABEL = '<span class="visually-hidden" data-quote-skip>Quoted passage: </span>'


def count_label(discussed: Discussed) -> str:
    parts = []
    if discussed.topics:
        parts.append(f"{discussed.topics} topic{'s' if discussed.topics != 1 else ''}")
    if discussed.arguments:
        parts.append(f"{discussed.arguments} argument{'s' if discussed.arguments != 1 else ''}")
    return ", ".join(parts)


def _top_level_p(node, depth: int) -> tuple[int, bool]:
    """The block depth after `node`, and whether it closed a top-level paragraph."""
    if node.tag is None or node.name not in anchors.BLOCK_TAGS or node.name in ("br", "hr"):
        return depth, False
    if not node.closing:
        return depth + 1, False
    depth = max(depth - 1, 0)
    return depth, depth == 0 and node.name == "p"


def weave(layout: Layout, marks: list[Mark], paragraph_links: list[Markup] | None = None) -> Markup:
    """A passage's HTML with each of `marks` marked, and after each top-level
    paragraph its link from `paragraph_links` (in order), if given."""
    out: list[str] = []
    depth, paragraph = 0, 0
    starts: dict[int, list[Mark]] = {}
    ends: dict[int, list[Mark]] = {}
    for mark in marks:
        starts.setdefault(mark.start, []).append(mark)
        ends.setdefault(mark.end - 1, []).append(mark)
    for node in layout.nodes:
        if node.tag is not None:
            out.append(node.tag)
            depth, closed = _top_level_p(node, depth)
            if closed and paragraph_links is not None and paragraph < len(paragraph_links):
                out.append(paragraph_links[paragraph])
                paragraph += 1
            continue
        out.append(_marked_text(node, marks, starts, ends) if marks else str(escape(node.text)))
    return Markup("".join(out))


def _marked_text(node, marks: list[Mark], starts: dict, ends: dict) -> str:
    """One text node, its characters inside quotes in `<mark>`s, split where the
    quotes covering them change; where a quote starts, its target (`#q-<id>`) and
    the words a screen reader hears first; where it ends, its count."""
    pieces: list[str] = []
    run: list[str] = []
    state = {"ids": (), "label": False}

    def flush():
        if run:
            text = str(escape("".join(run)))
            if state["ids"]:
                label = QUOTE_LABEL if state["label"] else ""
                state["label"] = False
                text = f'<mark class="quote">{label}{text}</mark>'
            pieces.append(text)
            run.clear()

    for char, offset in zip(node.text, node.offsets):
        ids = tuple(m.anchor_id for m in marks if offset is not None and m.start <= offset < m.end)
        begins = starts.get(offset, ()) if not char.isspace() else ()
        if ids != state["ids"] or begins:
            flush()
            state["ids"] = ids
        if begins:
            pieces.extend(f'<span class="quote-target" id="q-{mark.anchor_id}"></span>' for mark in begins)
            state["label"] = True
        run.append(char)
        if not char.isspace() and offset in ends:
            flush()
            pieces.extend(str(mark.after) for mark in ends[offset])
    flush()
    return "".join(pieces)


@dataclass
class ArticleQuotes:
    bodies: dict[int, Markup]          # passage id -> its HTML, quotes marked, paragraphs linked
    discussed: list[Discussed]         # quotes in the article the reader may see discussed
    orphaned: list[Discussed] = field(default_factory=list)  # for moderators: quotes whose text is gone
    selected: Discussed | None = None  # ?quote=: the quote whose discussion is listed
    selected_topics: list[Topic] = field(default_factory=list)
    selected_arguments: list = field(default_factory=list)  # rows: post id, stance, topic id, title, labels


def article_quotes(user, article: Article, quote_id: int | None = None) -> ArticleQuotes:
    """The article's passages as its page shows them, with what discusses each quote."""
    topic_filter = listed_topic_filter(user)
    found = anchors.discussed(article, topic_filter, visibility.public_post_filter())
    live = [d for d in found if not d.anchor.orphaned]
    plain = anchors.article_text(article)
    article_url = url_for("articles.show", slug=article.slug)
    marks: dict[int, list[Mark]] = {}
    for item in live:
        index = plain.passage_at(item.anchor.start_offset, item.anchor.end_offset)
        if index is None:
            continue
        offset = plain.starts[index]
        after = Markup(' <a class="quote-count" data-quote-skip href="{}">{}'
                       '<span class="visually-hidden"> on this quote</span></a>').format(f"{article_url}?quote={item.anchor.id}#discussing", count_label(item))
        marks.setdefault(index, []).append(Mark(item.anchor.start_offset - offset,
                                                item.anchor.end_offset - offset, item.anchor.id, after))
    discuss_url = url_for("quotes.discuss", slug=article.slug)
    bodies = {}
    for index, (passage, layout) in enumerate(zip(article.passages, plain.layouts)):
        links = [_paragraph_link(discuss_url, passage.anchor, n, layout.text[start:end])
                 for n, (start, end) in enumerate(layout.paragraphs())]
        bodies[passage.id] = weave(layout, sorted(marks.get(index, []), key=lambda m: m.start), links)
    page = ArticleQuotes(bodies, live)
    if permissions.can_see_orphaned_quotes(user):
        page.orphaned = [d for d in found if d.anchor.orphaned]
    selected = next((d for d in found if d.anchor.id == quote_id), None)
    if selected is not None:
        page.selected = selected
        page.selected_topics = list(db.session.scalars(
            visibility.visible_topics(user).where(visibility.public_topic_filter(), Topic.anchor_id == quote_id)
            .order_by(Topic.last_activity_at.desc()).limit(100).options(*TOPIC_LIST_COLUMNS)))
        page.selected_arguments = db.session.execute(
            select(Post.id, Post.stance, Topic.id.label("topic_id"), Topic.title, Topic.pro_label, Topic.con_label)
            .join(Post.topic).where(Post.anchor_id == quote_id, topic_filter, visibility.public_post_filter())
            .order_by(Post.created_at.desc()).limit(100)).all()
    return page


def _paragraph_link(discuss_url: str, passage_anchor: str, number: int, text: str) -> Markup:
    words = " ".join(text.split()[:6])
    return Markup('<p class="paragraph-discuss" data-quote-skip>'
                  '<a href="{}?passage={}&amp;paragraph={}">Discuss this paragraph<span class="visually-hidden"> (“{}…”)</span></a></p>').format(
        Markup(discuss_url), passage_anchor, number, words)


# --- The page that starts a topic or an argument on a quote -------------------------

@dataclass
class DiscussPage:
    article: Article
    selector: Selector
    passage: object | None       # the passage the quote lies in
    debates: list[Topic]         # open debates on the article the reader may argue in
    error: str | None = None     # why the quote was refused


def selector_from(article: Article, args) -> Selector:
    """The quote a request names: a selection (`exact`, `prefix`, `suffix`), or one
    paragraph of a passage (`passage`, `paragraph`). Raises RuleError."""
    if args.get("paragraph") is not None and args.get("passage"):
        index = next((i for i, p in enumerate(article.passages) if p.anchor == args.get("passage")), -1)
        number = args.get("paragraph", "")
        return anchors.paragraph_selector(article, index, int(number) if number.isdecimal() else -1)
    return Selector(args.get("exact", ""), args.get("prefix", ""), args.get("suffix", ""))


def discuss_page(user, article: Article, selector: Selector, error: str | None = None, *,
                 check: bool = True) -> DiscussPage:
    """The page for `selector`; `check`: find it in the article (a refusal is `error`)."""
    passage = None
    if error is None and check:
        try:
            start, end = anchors.locate(article, selector)
        except RuleError as refused:
            error = str(refused)
        else:
            plain = anchors.article_text(article)
            selector = anchors.selector_at(plain.text, start, end)
            passage = article.passages[plain.passage_at(start, end)]
    debates = list(db.session.scalars(
        visibility.visible_topics(user).where(
            visibility.public_topic_filter(), Topic.article_id == article.id, Topic.kind == TopicKind.DEBATE,
            Topic.closed_at.is_(None), Topic.is_locked.is_(False))
        .order_by(Topic.last_activity_at.desc()).limit(50).options(*TOPIC_LIST_COLUMNS)))
    return DiscussPage(article, selector, passage, debates, error)


def load_article(slug: str) -> Article | None:
    return db.session.scalar(select(Article).where(Article.slug == slug))
