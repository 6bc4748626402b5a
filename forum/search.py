"""Full-text search over topics (title and opening text) and posts.

SQLite answers from FTS5 tables, PostgreSQL from generated `tsvector` columns;
both are created by the migration `0005_find` and kept in step by the
database itself. What a person types is never handed to either engine as a
query: it is cut into words and quoted phrases here, and each becomes a quoted
FTS5 string or a `plainto_tsquery`/`phraseto_tsquery` call with a bound value.
"""
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import (ColumnElement, Select, bindparam, column, func, literal, literal_column, select,
                        table, union_all)
from sqlalchemy.orm import joinedload

from . import visibility
from .accounts import username_key
from .errors import RuleError
from .extensions import db
from .models import Article, Post, Stance, Topic, TopicKind, User

QUERY_MAX = 200
# Counting stops here: past it, "1,000+ results" says enough and costs less.
COUNT_CAP = 1000
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
    kind: str  # "topic" or "post"
    topic: Topic
    post: Post | None
    title: Markup
    snippet: Markup


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # at most COUNT_CAP + 1

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
    engine = _ENGINES[db.engine.dialect.name]
    branches = []
    if filters.stance is None:
        branches.append(_narrow(engine.topic_hits(terms), user, filters, posts=False))
    branches.append(_narrow(engine.post_hits(terms), user, filters, posts=True))
    hits = union_all(*branches).subquery("hits")
    total = db.session.scalar(select(func.count()).select_from(
        select(hits.c.id).limit(COUNT_CAP + 1).subquery()))
    if not total:
        return Results([], 0)
    order = (hits.c.score.desc(), hits.c.created_at.desc()) if sort != "date" else (
        hits.c.created_at.desc(), hits.c.score.desc())
    rows = db.session.execute(
        select(hits.c.kind, hits.c.id).order_by(*order, hits.c.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    topic_ids = [i for kind, i in rows if kind == "topic"]
    post_ids = [i for kind, i in rows if kind == "post"]
    topics = {t.id: (t, title, snippet) for t, title, snippet in db.session.execute(
        engine.topic_snippets(terms, topic_ids)
        .options(joinedload(Topic.author), joinedload(Topic.article)))} if topic_ids else {}
    posts = {p.id: (p, title, snippet) for p, title, snippet in db.session.execute(
        engine.post_snippets(terms, post_ids)
        .options(joinedload(Post.author), joinedload(Post.topic).joinedload(Topic.article)))} if post_ids else {}
    result = []
    for kind, ident in rows:
        if kind == "topic" and ident in topics:
            topic, title, snippet = topics[ident]
            result.append(Hit("topic", topic, None, highlight(title), highlight(snippet)))
        elif kind == "post" and ident in posts:
            post, title, snippet = posts[ident]
            result.append(Hit("post", post.topic, post, escape(title), highlight(snippet)))
    return Results(result, total)


def _narrow(query: Select, user, filters: Filters, *, posts: bool) -> Select:
    """Visibility and the person's filters, on a branch already joined to topics."""
    query = query.where(visibility.visible_topic_filter(user))
    author_column = Post.author_id if posts else Topic.author_id
    if posts:
        query = query.where(visibility.public_post_filter())
        if filters.stance:
            query = query.where(Post.stance == filters.stance)
    if filters.kind:
        query = query.where(Topic.kind == filters.kind)
    if filters.author:
        query = query.where(author_column == select(User.id).where(
            User.username_key == username_key(filters.author)).scalar_subquery())
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

    def post_hits(self, terms: Terms) -> Select:
        return (select(literal("post").label("kind"), Post.id.label("id"),
                       (-func.bm25(literal_column("posts_fts"))).label("score"),
                       Post.created_at.label("created_at"))
                .select_from(self.posts_fts)
                .join(Post, Post.id == self.posts_fts.c.rowid).join(Topic, Topic.id == Post.topic_id)
                .where(self._match("posts_fts", terms)))

    def topic_hits(self, terms: Terms) -> Select:
        # A word in the title counts three times one in the opening text.
        return (select(literal("topic").label("kind"), Topic.id.label("id"),
                       (-func.bm25(literal_column("topics_fts"), 3.0, 1.0)).label("score"),
                       Topic.created_at.label("created_at"))
                .select_from(self.topics_fts).join(Topic, Topic.id == self.topics_fts.c.rowid)
                .where(self._match("topics_fts", terms)))

    def post_snippets(self, terms: Terms, ids: list[int]) -> Select:
        snippet = func.snippet(literal_column("posts_fts"), 0, _OPEN, _CLOSE, "…", 24)
        return (select(Post, Topic.title, snippet).select_from(self.posts_fts)
                .join(Post, Post.id == self.posts_fts.c.rowid).join(Topic, Topic.id == Post.topic_id)
                .where(self._match("posts_fts", terms), Post.id.in_(ids)))

    def topic_snippets(self, terms: Terms, ids: list[int]) -> Select:
        fts = literal_column("topics_fts")
        return (select(Topic, func.highlight(fts, 0, _OPEN, _CLOSE), func.snippet(fts, 1, _OPEN, _CLOSE, "…", 24))
                .select_from(self.topics_fts).join(Topic, Topic.id == self.topics_fts.c.rowid)
                .where(self._match("topics_fts", terms), Topic.id.in_(ids)))


class _PostgreSQL:
    HEADLINE = f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=35, MinWords=15"

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

    def post_hits(self, terms: Terms) -> Select:
        query, vector = self.tsquery(terms), self._vector("posts")
        return (select(literal("post").label("kind"), Post.id.label("id"),
                       func.ts_rank(vector, query).label("score"), Post.created_at.label("created_at"))
                .join(Topic, Topic.id == Post.topic_id).where(vector.op("@@")(query)))

    def topic_hits(self, terms: Terms) -> Select:
        query, vector = self.tsquery(terms), self._vector("topics")
        return (select(literal("topic").label("kind"), Topic.id.label("id"),
                       func.ts_rank(vector, query).label("score"), Topic.created_at.label("created_at"))
                .where(vector.op("@@")(query)))

    def _headline(self, text, terms: Terms, options: str):
        return func.ts_headline(literal_column(f"'{PG_CONFIG}'::regconfig"), text, self.tsquery(terms), options)

    def post_snippets(self, terms: Terms, ids: list[int]) -> Select:
        return (select(Post, Topic.title, self._headline(Post.body_md, terms, self.HEADLINE))
                .join(Topic, Topic.id == Post.topic_id).where(Post.id.in_(ids)))

    def topic_snippets(self, terms: Terms, ids: list[int]) -> Select:
        title = self._headline(Topic.title, terms, f"StartSel={_OPEN}, StopSel={_CLOSE}, HighlightAll=true")
        return (select(Topic, title, self._headline(Topic.body_md, terms, self.HEADLINE))
                .where(Topic.id.in_(ids)))


_ENGINES = {"sqlite": _SQLite(), "postgresql": _PostgreSQL()}


def schema_filter(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: leave out what the search migration adds by hand."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLES):
        return False
    if type_ == "column" and name == SEARCH_COLUMN:
        return False
    if type_ == "index" and name and name.endswith(f"_{SEARCH_COLUMN}"):
        return False
    return True
