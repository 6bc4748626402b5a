"""Articles: the summary in Markdown, split into passages with stable anchors.

A summary is Markdown whose `## ` headings start passages. A passage's anchor is
made from its heading when it first appears and then kept, so links and topics
anchored to it survive edits to its text. Quotes of a sentence or phrase are
found again by their text after each edit (anchors.reanchor).
"""
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Article, Passage, Topic, utcnow
from . import anchors, markup
from .errors import RuleError

_HEADING_RE = re.compile(r"^##\s+(.+?)\s*#*\s*$")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Section:
    heading: str
    body: str


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "section"


def split_summary(summary_md: str) -> list[Section]:
    """Sections of a summary; text before the first `## ` heading is an untitled intro."""
    sections: list[Section] = []
    heading, lines = None, []
    in_fence = False
    for line in summary_md.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else _HEADING_RE.match(line)
        if match:
            if heading is not None or "".join(lines).strip():
                sections.append(Section(heading or "Introduction", "\n".join(lines).strip()))
            heading, lines = match.group(1), []
        else:
            lines.append(line)
    if heading is not None or "".join(lines).strip():
        sections.append(Section(heading or "Introduction", "\n".join(lines).strip()))
    for section in sections:
        if not section.body:
            raise RuleError(f"The section “{section.heading}” has no text.")
    return sections


def join_summary(passages: list[Passage]) -> str:
    return "\n\n".join(f"## {p.heading}\n\n{p.body_md}" for p in passages)


def check_slug(slug: str) -> None:
    if not SLUG_RE.fullmatch(slug) or len(slug) > 80:
        raise RuleError("A slug is lower-case letters, digits and single hyphens, at most 80 characters.")


def save_article(article: Article | None, *, slug: str, title: str, question: str,
                 attribution: str, source_url: str | None, summary_md: str) -> Article:
    """Create an article (article=None) or update one, re-splitting its passages."""
    check_slug(slug)
    clash = db.session.scalar(select(Article).where(Article.slug == slug))
    if clash is not None and clash is not article:
        raise RuleError(f"Another article already uses the slug “{slug}”.")
    if source_url and not re.match(r"https?://", source_url):
        raise RuleError("The source URL must start with http:// or https://.")
    sections = split_summary(summary_md)
    if not sections:
        raise RuleError("The summary needs some text.")
    if article is None:
        article = Article()
        db.session.add(article)
    article.slug, article.title, article.question = slug, title.strip(), question.strip()
    article.attribution, article.source_url = attribution.strip(), source_url or None
    article.summary_md = summary_md
    article.updated_at = utcnow()
    _sync_passages(article, sections)
    # Quotes of the article are found again by their text, or orphaned (anchors.py).
    anchors.reanchor(article)
    return article


def _sync_passages(article: Article, sections: list[Section]) -> None:
    by_heading = {p.heading: p for p in article.passages}
    by_position = {p.position: p for p in article.passages}
    kept: list[Passage] = []
    used_anchors = {p.anchor for p in article.passages}  # an anchor is never reused
    for position, section in enumerate(sections):
        # Same heading keeps its anchor; otherwise the passage at the same place
        # is the same passage with a new heading.
        passage = by_heading.get(section.heading) or by_position.get(position)
        if passage is None or passage in kept:
            passage = Passage(article=article, anchor=_unique_anchor(section.heading, used_anchors))
        used_anchors.add(passage.anchor)
        passage.position, passage.heading = position, section.heading
        passage.body_md, passage.body_html = section.body, markup.render(section.body)
        kept.append(passage)
    dropped = [p for p in article.passages if p not in kept]
    anchored = [p for p in dropped if p.id is not None and _topic_count(p) > 0]
    if anchored:
        raise RuleError(f"Topics are anchored to the passage “{anchored[0].heading}”; keep that section.")
    article.passages = kept


def _unique_anchor(heading: str, used: set[str]) -> str:
    base = anchor = slugify(heading)
    n = 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    return anchor


def _topic_count(passage: Passage) -> int:
    return db.session.scalar(select(func.count()).where(Topic.passage_id == passage.id))


def passage_topic_counts(article: Article, topic_filter) -> dict[int, int]:
    """How many visible topics discuss each passage, in one grouped query."""
    rows = db.session.execute(
        select(Topic.passage_id, func.count())
        .where(Topic.article_id == article.id, Topic.passage_id.is_not(None), topic_filter)
        .group_by(Topic.passage_id))
    return dict(rows.all())
