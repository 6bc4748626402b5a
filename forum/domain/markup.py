"""The only producer of HTML from what people write.

Markdown is rendered once, when it is written, with raw HTML switched off in the
parser itself, then sanitized by a bleach allowlist. Templates mark only the
stored `*_html` fields safe.
"""
import html
import re

import bleach
from flask import has_app_context
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..extensions import db
from ..models import User
from .accounts import username_key
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
    _link_mentions(tokens)
    rendered = _md.renderer.render(tokens, _md.options, {})
    return _linker.linkify(_cleaner.clean(rendered))


# "@name", not inside a word or an address (a@b.org), as long as a username.
MENTION_RE = re.compile(r"(?<![\w@/.+-])@([A-Za-z0-9_-]{3,30})(?![\w-])")


def _text_tokens(tokens):
    """The plain-text inline tokens outside links (code spans are their own tokens)."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            elif token.type == "text" and not in_link:
                yield block, token


def mentions(source: str) -> list[str]:
    """The usernames "@name" in a text as written (known or not), in order, once each."""
    names = [m.group(1) for _, token in _text_tokens(_md.parse(source))
             for m in MENTION_RE.finditer(token.content)]
    return list(dict.fromkeys(names))


def _known_usernames(names: set[str]) -> dict[str, str]:
    """{typed name: username} for the names that are accounts."""
    if not names or not has_app_context():
        return {}
    keys = {username_key(n): n for n in names}
    rows = db.session.execute(db.select(User.username, User.username_key)
                              .where(User.username_key.in_(keys))).all()
    found = {key: username for username, key in rows}
    return {typed: found[key] for key, typed in keys.items() if key in found}


def _link_mentions(tokens) -> None:
    """Turn "@name" in text into a link to the profile; unknown names stay text."""
    found = [(block, token) for block, token in _text_tokens(tokens) if "@" in token.content]
    known = _known_usernames({m.group(1) for _, t in found for m in MENTION_RE.finditer(t.content)})
    if not known:
        return
    for block, token in found:
        pieces, last = [], 0
        for match in MENTION_RE.finditer(token.content):
            username = known.get(match.group(1))
            if username is None:
                continue
            pieces.append(_text(token.content[last:match.start()]))
            link = Token("link_open", "a", 1)
            link.attrs = {"href": f"/u/{username}"}
            pieces += [link, _text(match.group(0)), Token("link_close", "a", -1)]
            last = match.end()
        if pieces:
            pieces.append(_text(token.content[last:]))
            at = block.children.index(token)
            block.children[at:at + 1] = [p for p in pieces if p.type != "text" or p.content]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def render_plain(text: str) -> str:
    """Plain text (a bio, a note) -> escaped HTML with line breaks and safe links."""
    escaped = html.escape(text, quote=False)
    return _linker.linkify(escaped.replace("\n", "<br>\n"))
