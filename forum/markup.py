"""The only producer of HTML from what people write.

Markdown is rendered once, when it is written, with raw HTML switched off in the
parser itself, then sanitized by a bleach allowlist. Templates mark only the
stored `*_html` fields safe.
"""
import html
import re

import bleach
from markdown_it import MarkdownIt

from .errors import RuleError

MAX_NESTING = 20

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_md = (
    MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING, "linkify": False})
    .enable("strikethrough")
    .disable("image")
)
# Headings inside a post start at h3: the page owns h1 and h2.
_HEADING_SHIFT = {f"h{n}": f"h{min(n + 2, 6)}" for n in range(1, 7)}

_cleaner = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True)


_SAFE_HREF = re.compile(r"(https?://|mailto:|/(?!/)|#)", re.IGNORECASE)


def _set_rel(attrs, new=False):
    """Every link gets our rel; a link that is not http(s), mailto or a path on
    this site (a relative oddity like `jav%09ascript:`) loses its link, keeps its text."""
    if not _SAFE_HREF.match(attrs.get((None, "href"), "")):
        return None
    attrs[(None, "rel")] = LINK_REL
    return attrs


_linker = bleach.linkifier.Linker(callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)


def render(source: str) -> str:
    """Markdown source -> sanitized HTML; RuleError if it cannot be rendered whole."""
    tokens = _md.parse(source)
    if tokens and max(token.level for token in tokens) >= MAX_NESTING - 1:
        raise RuleError(
            f"This text nests quotes or lists more than {MAX_NESTING - 2} levels deep, "
            "which the forum cannot show in full. Please flatten it.")
    for token in tokens:
        if token.tag in _HEADING_SHIFT and token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_SHIFT[token.tag]
    rendered = _md.renderer.render(tokens, _md.options, {})
    return _linker.linkify(_cleaner.clean(rendered))


def render_plain(text: str) -> str:
    """Plain text (a bio, a note) -> escaped HTML with line breaks and safe links."""
    escaped = html.escape(text, quote=False)
    return _linker.linkify(escaped.replace("\n", "<br>\n"))
