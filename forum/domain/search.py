"""Full-text search over topics (title and opening text) and posts.

SQLite answers from FTS5 tables, PostgreSQL from generated `tsvector` columns;
both are created by the migration `0005_find` and kept in step by the
database itself. What a person types is never handed to either engine as a
query: it is cut into words and quoted phrases here, and each becomes a quoted
FTS5 string or a `plainto_tsquery`/`phraseto_tsquery` call with a bound value.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import (ColumnElement, Select, bindparam, column, func, literal, literal_column,
                        select, table, text, union_all)

from ..extensions import db
from ..models import Article, ClassDebate, Post, Stance, Topic, TopicKind, User
from . import anonymity, visibility
from .accounts import username_key
from .anonymity import Shown
from .errors import RuleError

QUERY_MAX = 200
# Counting and ranking stop here: past it, "more than 200 results" says
# enough, and the newest matches come first (see `search`). Each branch reads
# this many rows of index per search, so it sets the cost of a broad query:
# measured in bench/notes/search.md (1,000 cost three times as much).
COUNT_CAP = 200
TERMS_MAX = 12
SORTS = ("relevance", "date")
# Around each match in a snippet; replaced by <mark> after the text is escaped.
_OPEN, _CLOSE = "\x02", "\x03"
_WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
PG_CONFIG = "english"
# Not on the models: the migration owns them (see schema_filter).
SEARCH_TABLES = ("posts_fts", "topics_fts")
SEARCH_COLUMN = "search_vector"
# From the migrations 0009_search_perf (SQLite) and 0010_search_stance (PostgreSQL).
SEARCH_INDEXES = ("ix_posts_search_cover", "ix_topics_search_cover", "ix_posts_stance_id")


@dataclass(frozen=True)
class Terms:
    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]

    def fts5(self) -> str:
        """An FTS5 query in which every word and phrase is a quoted string."""
        parts = [f'"{w}"' for w in self.words] + ['"' + " ".join(p) + '"' for p in self.phrases]
        return " ".join(parts)


def parse(text: str) -> Terms:
    """Words and "quoted phrases" from what a person typed; RuleError if none."""
    text = _CONTROL.sub(" ", text or "").strip()
    if len(text) > QUERY_MAX:
        raise RuleError(f"That search is {len(text):,} characters long; use at most {QUERY_MAX}.")
    pieces = text.split('"')
    # An unbalanced quote: the text after it is read as plain words.
    if len(pieces) % 2 == 0:
        pieces[-2:] = [pieces[-2] + " " + pieces[-1]]
    words, phrases = [], []
    for i, piece in enumerate(pieces):
        tokens = [t.casefold() for t in _WORD.findall(piece)]
        if i % 2 and len(tokens) > 1:
            phrases.append(tuple(tokens))
        else:
            words.extend(tokens)
    words = list(dict.fromkeys(words))
    if not words and not phrases:
        raise RuleError("Type a word to search for (punctuation alone finds nothing).")
    if len(words) + sum(len(p) for p in phrases) > TERMS_MAX:
        raise RuleError(f"Search for at most {TERMS_MAX} words at once.")
    return Terms(tuple(words), tuple(phrases))


@dataclass
class Filters:
    kind: str | None = None
    stance: str | None = None
    author: str | None = None
    article: str | None = None

    @classmethod
    def from_args(cls, args) -> "Filters":
        kind = args.get("kind") if args.get("kind") in tuple(TopicKind) else None
        stance = args.get("stance") if args.get("stance") in tuple(Stance) else None
        author = (args.get("author") or "").strip()[:30] or None
        article = (args.get("article") or "").strip()[:80] or None
        return cls(kind, stance, author, article)


@dataclass
class Hit:
    """One result as plain values (no ORM objects: a page of hits costs rows, not
    object graphs). `stance_badge(hit, hit)` works on it: it carries the post's
    stance and parent and the topic's labels."""
    kind: str  # "topic" or "post"
    topic_id: int
    post_id: int | None
    title: Markup
    snippet: Markup
    # As every page names people (anonymity.shown): in an anonymous class debate,
    # the pseudonym, with the real name for its instructors and admins.
    author: Shown
    created_at: datetime
    is_debate: bool
    article_title: str | None = None
    stance: str | None = None
    parent_id: int | None = None
    pro_label: str | None = None
    con_label: str | None = None


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # at most 2 * (COUNT_CAP + 1): topics and posts, each bounded
    # Best match was asked, but there are too many matches to rank: the newest come first.
    unranked: bool = False

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP


def highlight(fragment: str | None) -> Markup:
    """Escape everything in an engine's snippet, then mark its matches."""
    escaped = str(escape(fragment or ""))
    opened = escaped.count(_OPEN)
    if opened != escaped.count(_CLOSE):  # a marker typed in the text itself: drop them all
        return Markup(escaped.replace(_OPEN, "").replace(_CLOSE, ""))
    return Markup(escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


def search(user, terms: Terms, filters: Filters, *, sort: str = "relevance",
           page: int = 1, per_page: int = 20) -> Results:
    """One page of hits in at most four queries, whatever the number of matches:
    candidates with their count, the ranked page (only when ranking), and the
    page's posts and topics (only the kinds on the page); three more for the
    pseudonyms when the page holds something of an anonymous class debate.

    Each branch (topics, posts) takes at most COUNT_CAP + 1 visible matches, the
    newest first in the engine's own index order, so neither counting nor
    ranking ever touches every match of a broad query. Up to COUNT_CAP matches
    are ranked exactly; past it, ranking would cost a scan of every match (the
    engines weigh each word by how many posts hold it), so the newest come first
    and the page says so (`Results.unranked`).
    """
    engine = _ENGINES[db.engine.dialect.name]
    offset = (page - 1) * per_page
    newest = _candidates(engine, terms, user, filters, scored=False).subquery("hits")
    rows = db.session.execute(
        select(newest.c.kind, newest.c.id, func.count().over().label("total"))
        .order_by(newest.c.created_at.desc(), newest.c.id.desc()).limit(per_page).offset(offset)).all()
    total = rows[0].total if rows else _count(newest) if page > 1 else 0
    if not total:
        return Results([], 0)
    ranked = sort != "date" and total <= COUNT_CAP
    if ranked:
        scored = _candidates(engine, terms, user, filters, scored=True).subquery("hits")
        rows = db.session.execute(
            select(scored.c.kind, scored.c.id)
            .order_by(scored.c.score.desc(), scored.c.created_at.desc(), scored.c.id.desc())
            .limit(per_page).offset(offset)).all()
    return Results(_hits(terms, rows, user), total, unranked=sort != "date" and not ranked)


def _candidates(engine, terms: Terms, user, filters: Filters, *, scored: bool):
    """Both branches, each bounded to COUNT_CAP + 1 rows before they meet."""
    branches = []
    if filters.stance is None:
        branches.append(engine.topic_hits(terms, scored))
    branches.append(engine.post_hits(terms, scored))
    bounded = []
    for query, newest_first, posts in branches:
        query = _narrow(query, user, filters, posts=posts).order_by(newest_first).limit(COUNT_CAP + 1)
        # A compound SELECT takes ORDER BY and LIMIT only on the whole: wrap each branch.
        inner = query.subquery()
        bounded.append(select(*inner.c))
    return union_all(*bounded)


def _count(hits) -> int:
    """Asked only for a page past the last one, which shows no hits but the count."""
    return db.session.scalar(select(func.count()).select_from(hits))


def _anonymous_debate(topic_id) -> ColumnElement:
    return topic_id.in_(select(ClassDebate.topic_id).where(ClassDebate.anonymous.is_(True)))


def _hits(terms: Terms, rows, user) -> list[Hit]:
    """Titles, snippets and bylines for the rows of one page (two queries at most,
    and the pseudonyms' three when an anonymous debate is among them)."""
    topic_ids = [i for kind, i, *_ in rows if kind == "topic"]
    post_ids = [i for kind, i, *_ in rows if kind == "post"]
    author = func.coalesce(func.nullif(User.display_name, ""), User.username)
    byline = (author.label("author"), User.username.label("username"))
    topic_rows = db.session.execute(
        _topic_snippets(topic_ids)
        .add_columns(Topic.id, Topic.kind, Topic.created_at, Topic.author_id, *byline,
                     Article.title.label("article_title"), _anonymous_debate(Topic.id).label("anonymous"))
        .join(User, User.id == Topic.author_id).join(Article, Article.id == Topic.article_id)
    ).all() if topic_ids else []
    post_rows = db.session.execute(
        _post_snippets(post_ids)
        .add_columns(Post.id, Post.topic_id, Post.stance, Post.parent_id, Post.created_at, Post.author_id,
                     Topic.kind, Topic.pro_label, Topic.con_label, *byline,
                     _anonymous_debate(Post.topic_id).label("anonymous"))
        .join(User, User.id == Post.author_id)
    ).all() if post_ids else []
    masked = {r.id for r in topic_rows if r.anonymous} | {r.topic_id for r in post_rows if r.anonymous}
    names = anonymity.names_by_topic(user, masked) if masked else {}

    def named(r, topic_id: int) -> Shown:
        return anonymity.shown(names.get(topic_id), r.author_id, r.author, r.username)

    def snippet(r, title: bool = False) -> Markup:
        return highlight(mark_words(r.title, terms, None) if title else mark_words(plain_text(r.body), terms))

    topics = {r.id: Hit("topic", r.id, None, snippet(r, title=True), snippet(r), named(r, r.id),
                        r.created_at, r.kind == TopicKind.DEBATE, article_title=r.article_title)
              for r in topic_rows}
    posts = {r.id: Hit("post", r.topic_id, r.id, escape(r.title), snippet(r),
                       named(r, r.topic_id), r.created_at, r.kind == TopicKind.DEBATE, stance=r.stance,
                       parent_id=r.parent_id, pro_label=r.pro_label, con_label=r.con_label)
             for r in post_rows}
    found = {"topic": topics, "post": posts}
    return [found[kind][ident] for kind, ident, *_ in rows if ident in found[kind]]


def _narrow(query: Select, user, filters: Filters, *, posts: bool) -> Select:
    """Visibility and the person's filters, on a branch already joined to topics."""
    # A topic moderation hid or removed is not found, nor are the posts under its title.
    query = query.where(visibility.visible_topic_filter(user), visibility.public_topic_filter())
    author_column = Post.author_id if posts else Topic.author_id
    if posts:
        query = query.where(visibility.public_post_filter())
        if filters.stance:
            query = query.where(Post.stance == filters.stance)
    if filters.kind:
        query = query.where(Topic.kind == filters.kind)
    if filters.author:
        key = username_key(filters.author)
        query = query.where(author_column == select(User.id).where(User.username_key == key).scalar_subquery())
        # Like a profile, the author filter must not unmask a pseudonym: posts in
        # anonymous debates are found by author only by admins and the author.
        if posts and not (user.is_authenticated and (user.is_admin or user.username_key == key)):
            query = query.where(~_anonymous_debate(Post.topic_id))
    if filters.article:
        query = query.where(Topic.article_id == select(Article.id).where(
            Article.slug == filters.article).scalar_subquery())
    return query


class _SQLite:
    posts_fts = table("posts_fts", column("rowid"))
    topics_fts = table("topics_fts", column("rowid"))

    @staticmethod
    def _match(name: str, terms: Terms) -> ColumnElement:
        return literal_column(name).op("MATCH")(bindparam(f"{name}_q", terms.fts5(), unique=True))

    # Each builder returns (query, the engine's newest-first order, whether it lists posts).
    # FTS5 walks its index by rowid, so `ORDER BY rowid DESC LIMIT n` stops after n rows.
    def post_hits(self, terms: Terms, scored: bool) -> tuple[Select, ColumnElement, bool]:
        columns = [literal("post").label("kind"), Post.id.label("id"), Post.created_at.label("created_at")]
        if scored:
            columns.append((-func.bm25(literal_column("posts_fts"))).label("score"))
        query = (select(*columns).select_from(self.posts_fts)
                 .join(Post, Post.id == self.posts_fts.c.rowid).join(Topic, Topic.id == Post.topic_id)
                 .where(self._match("posts_fts", terms)))
        return query, self.posts_fts.c.rowid.desc(), True

    def topic_hits(self, terms: Terms, scored: bool) -> tuple[Select, ColumnElement, bool]:
        columns = [literal("topic").label("kind"), Topic.id.label("id"), Topic.created_at.label("created_at")]
        if scored:
            # A word in the title counts three times one in the opening text.
            columns.append((-func.bm25(literal_column("topics_fts"), 3.0, 1.0)).label("score"))
        query = (select(*columns).select_from(self.topics_fts).join(Topic, Topic.id == self.topics_fts.c.rowid)
                 .where(self._match("topics_fts", terms)))
        return query, self.topics_fts.c.rowid.desc(), False

class _PostgreSQL:

    @staticmethod
    def tsquery(terms: Terms) -> ColumnElement:
        parts = [func.plainto_tsquery(literal_column(f"'{PG_CONFIG}'::regconfig"), bindparam("w", w, unique=True))
                 for w in terms.words]
        parts += [func.phraseto_tsquery(literal_column(f"'{PG_CONFIG}'::regconfig"),
                                        bindparam("p", " ".join(p), unique=True)) for p in terms.phrases]
        query = parts[0]
        for part in parts[1:]:
            query = query.op("&&")(part)
        return query

    @staticmethod
    def _vector(table_name: str):
        return literal_column(f"{table_name}.{SEARCH_COLUMN}")

    def post_hits(self, terms: Terms, scored: bool) -> tuple[Select, ColumnElement, bool]:
        query, vector = self.tsquery(terms), self._vector("posts")
        columns = [literal("post").label("kind"), Post.id.label("id"), Post.created_at.label("created_at")]
        if scored:
            columns.append(func.ts_rank(vector, query).label("score"))
        return (select(*columns).join(Topic, Topic.id == Post.topic_id).where(vector.op("@@")(query)),
                Post.id.desc(), True)

    def topic_hits(self, terms: Terms, scored: bool) -> tuple[Select, ColumnElement, bool]:
        query, vector = self.tsquery(terms), self._vector("topics")
        columns = [literal("topic").label("kind"), Topic.id.label("id"), Topic.created_at.label("created_at")]
        if scored:
            columns.append(func.ts_rank(vector, query).label("score"))
        return select(*columns).where(vector.op("@@")(query)), Topic.id.desc(), False


# --- snippets -----------------------------------------------------------------
# The engine decides what matches; the snippet is the plain text of the rendered
# post (no Markdown source), with whole words marked here, the same on both
# engines: a search for "use" marks "use", "uses", "used", never "US" or "because".

SNIPPET_WORDS = 35
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|blockquote|h[1-6]|pre|br|hr|tr|td|th|table)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>?")
_SPACE = re.compile(r"\s+")


def plain_text(html: str | None) -> str:
    """The text a reader sees of rendered HTML: tags gone, entities read, one space between blocks."""
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", html or ""))
    return _SPACE.sub(" ", Markup(text).unescape()).strip()


def word_forms(word: str) -> frozenset[str]:
    """The whole words a query word marks: itself and its regular English endings."""
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing", word + "er", word + "ers"}
    if word.endswith("e"):
        forms.add(word[:-1] + "ing")
    if word.endswith("y") and len(word) > 2:
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word[:-1] + "ier"}
    return frozenset(forms)


def mark_words(text: str, terms: Terms, words: int | None = SNIPPET_WORDS) -> str:
    """The `words` words of `text` around its first match (all of it when None),
    each whole word that is a query word (or one of its `word_forms`) between the markers."""
    forms = frozenset().union(*(word_forms(w) for w in terms.words + tuple(w for p in terms.phrases for w in p)))
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return text
    matched = [i for i, t in enumerate(tokens) if t.group().casefold() in forms]
    start, end = 0, len(tokens)
    if words is not None and len(tokens) > words:
        start = max(0, min((matched or [0])[0] - 5, len(tokens) - words))
        end = start + words
    pieces, at = [], tokens[start].start() if start else 0
    for i in matched:
        if start <= i < end:
            pieces += [text[at:tokens[i].start()], _OPEN, tokens[i].group(), _CLOSE]
            at = tokens[i].end()
    pieces.append(text[at:tokens[end - 1].end() if end < len(tokens) else len(text)])
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(tokens) else "")


def _post_snippets(ids: list[int]) -> Select:
    return select(Topic.title, Post.body_html.label("body")).join(Topic, Topic.id == Post.topic_id).where(
        Post.id.in_(ids))


def _topic_snippets(ids: list[int]) -> Select:
    return select(Topic.title, Topic.body_html.label("body")).where(Topic.id.in_(ids))


_ENGINES = {"sqlite": _SQLite(), "postgresql": _PostgreSQL()}


def schema_filter(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: leave out what the search migration adds by hand."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLES):
        return False
    if type_ == "column" and name == SEARCH_COLUMN:
        return False
    if type_ == "index" and name and (name.endswith(f"_{SEARCH_COLUMN}") or name in SEARCH_INDEXES):
        return False
    return True


def optimize_index() -> None:
    """Merge SQLite's full-text indexes into one segment each: after a bulk load
    they are left in many, and every lookup of a row (a snippet) then searches
    each of them. Ordinary posting keeps them merged by itself. PostgreSQL's
    GIN indexes need nothing here (autovacuum)."""
    if db.engine.dialect.name != "sqlite":
        return
    for name in SEARCH_TABLES:
        db.session.execute(text(f"INSERT INTO {name}({name}) VALUES ('optimize')"))
