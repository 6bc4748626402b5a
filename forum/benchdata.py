"""Generated data at scale for benchmarks: `flask --app app seed-bench`.

Deterministic for a seed: the same `--posts` and `--seed` on an empty database
give the same rows. Rows go in with SQLAlchemy Core `insert()` in batches, ids
assigned here so that parents, roots and counters are known without a round
trip; every counter the write path keeps (post_count, root_count, reply_count,
last_activity_at, root_id, depth) is computed from the generated rows.

Bodies are Markdown from word lists and templates, rendered by
`markup.render` exactly as the write path does; a few hundred distinct bodies
are rendered once and reused, which keeps seeding fast.

Extension point: `FILLERS` is the list of steps, each a function taking the
`BenchState`. A later area (votes, deltas, polls, flags, a class) appends its
own filler that reads `state.posts` / `state.users` / `state.topics` and
inserts its rows with `state.insert(table, rows)`.
"""
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, NamedTuple

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from . import articles, markup, search
from .accounts import username_key
from .extensions import db
from .models import Post, Role, Stance, Topic, TopicKind, User

BENCH_PASSWORD = "bench-password"
BIG_TOPIC_POSTS = 10_000
CHAIN_DEPTH = 40
DISTINCT_BODIES = 300
BATCH = 2_000
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)

WORDS = (
    "model training data artist licence copyright consent dataset style studio video "
    "access leak preview policy creator platform market royalty credit tool fair use "
    "transformation output prompt archive museum label musician illustrator court law "
    "precedent innovation incentive risk harm benefit trade-off opt-out opt-in registry "
    "attribution watermark provenance audit contract wage livelihood public domain "
    "research startup incumbent regulator compromise evidence argument example"
).split()
OPENERS = (
    "I think", "Honestly,", "The way I see it,", "From what the article says,", "Consider this:",
    "My worry is that", "In practice,", "To be fair,", "The evidence suggests", "Historically,",
)
TITLES = (
    "Should {a} require {b} before {c}?", "Is {a} a fair price for {b}?",
    "What does {a} mean for {b}?", "{a} versus {b}: where is the line?",
    "Who pays when {a} meets {b}?", "Can {a} survive without {b}?",
)
SIDES = (("Innovation first", "Protect creators"), ("Yes", "No"), ("Open", "Licensed"))
HEADINGS = ("Access", "Consent", "Compensation", "Precedent", "What comes next")


class PostInfo(NamedTuple):
    """What later fillers need to know about a generated post."""
    id: int
    topic_id: int
    author_id: int
    depth: int
    stance: str | None


@dataclass
class BenchState:
    rng: random.Random
    total_posts: int
    bodies: list[tuple[str, str]] = field(default_factory=list)  # (markdown, html)
    users: list[int] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    posts: list[PostInfo] = field(default_factory=list)
    big_discussion: int | None = None
    big_debate: int | None = None
    chain_leaves: list[int] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def insert(self, table, rows: list[dict]) -> None:
        """Bulk insert in batches (executemany), counting rows per table."""
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(table), rows[start:start + BATCH])
        self.rows[table.name] = self.rows.get(table.name, 0) + len(rows)

    def body(self) -> tuple[str, str]:
        return self.rng.choice(self.bodies)

    def author(self) -> int:
        # Half the posts come from a few prolific people, as in any forum.
        if self.rng.random() < 0.5:
            return self.users[min(int(self.rng.paretovariate(1.2)) - 1, len(self.users) - 1)]
        return self.rng.choice(self.users)


# --- text -------------------------------------------------------------------

def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**" if rng.random() < 0.5 else f"*{words[i]}*"
    if rng.random() < 0.05:
        words.append("(see [the report](https://example.org/report))")
    return f"{rng.choice(OPENERS)} {' '.join(words)}."


def _paragraph(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.08:
        return "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 4)))
    if kind < 0.14:
        return "> " + _sentence(rng)
    if kind < 0.16:
        return f"### {rng.choice(HEADINGS)}"
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def make_body(rng: random.Random) -> str:
    """A few sentences to a few paragraphs of Markdown."""
    count = rng.choices((1, 2, 3, 4, 5), weights=(30, 30, 20, 12, 8))[0]
    return "\n\n".join(_paragraph(rng) for _ in range(count))


def _title(rng: random.Random) -> str:
    a, b, c = rng.sample(WORDS, 3)
    return rng.choice(TITLES).format(a=a, b=b, c=c).capitalize()


# --- fillers ----------------------------------------------------------------

def fill_bodies(state: BenchState) -> None:
    state.bodies = [(md, markup.render(md)) for md in (make_body(state.rng) for _ in range(DISTINCT_BODIES))]


def fill_users(state: BenchState) -> None:
    count = max(40, min(400, state.total_posts // 250))
    first = _next_id(User)
    password_hash = generate_password_hash(BENCH_PASSWORD)  # one hash, shared: hashing 400 is slow
    roles = [Role.ADMIN, Role.MODERATOR, Role.INSTRUCTOR] + [Role.MEMBER] * (count - 3)
    rows = []
    for n, role in enumerate(roles):
        name = f"bench{n:04d}"
        rows.append(dict(id=first + n, username=name, username_key=username_key(name),
                         email=f"{name}@bench.invalid", password_hash=password_hash, role=role,
                         display_name=f"Bench Person {n}" if n % 3 == 0 else "",
                         bio=_sentence(state.rng) if n % 4 == 0 else "",
                         created_at=EPOCH - timedelta(days=90 - n % 90)))
    state.insert(User.__table__, rows)
    state.users = [row["id"] for row in rows]


def fill_articles(state: BenchState) -> None:
    for n in range(3):
        summary = "\n\n".join(f"## {heading}\n\n{_paragraph(state.rng)}" for heading in HEADINGS)
        article = articles.save_article(
            None, slug=f"bench-article-{n + 1}", title=f"Bench article {n + 1}: {_title(state.rng)}",
            question="How do we balance innovation with intellectual property?",
            attribution="Generated for benchmarks.", source_url=None, summary_md=summary)
        article.created_at = article.updated_at = EPOCH - timedelta(days=100 - n)
        db.session.flush()
        state.articles.append(article.id)


def _topic_sizes(state: BenchState, big: int) -> list[tuple[str, int]]:
    """(kind, posts) per topic: the two big ones, then many of natural sizes."""
    sizes = [(TopicKind.DISCUSSION, big), (TopicKind.DEBATE, big)]
    left = state.total_posts - 2 * big
    while left > 0:
        # Never as big as the two big ones, which stay the largest at any --posts.
        size = min(left, big - 1, max(3, int(state.rng.lognormvariate(3.8, 1.0))))
        kind = TopicKind.DEBATE if state.rng.random() < 0.3 else TopicKind.DISCUSSION
        sizes.append((kind, size))
        left -= size
    return sizes


def fill_topics_and_posts(state: BenchState) -> None:
    big = max(min(BIG_TOPIC_POSTS, state.total_posts // 10), 2 * (CHAIN_DEPTH + 1) + 20)
    sizes = _topic_sizes(state, big)
    # Chains 40 deep: two in the big discussion, one in the big debate, and one
    # in every topic spread at one per 20,000 posts that is long enough for one
    # (at 100,000 posts: four chains in all).
    extra_chains = {2 + i * max(1, (len(sizes) - 2) // (1 + state.total_posts // 20_000))
                    for i in range(state.total_posts // 20_000)}
    topic_rows, post_rows = [], []
    next_topic, next_post = _next_id(Topic), _next_id(Post)
    clock = EPOCH
    for index, (kind, size) in enumerate(sizes):
        chains = 2 if index == 0 else 1 if index == 1 or index in extra_chains else 0
        if size < chains * (CHAIN_DEPTH + 1) + 10:
            chains = 0
        topic, posts = _topic(state, next_topic, next_post, kind, size, chains, clock)
        topic_rows.append(topic)
        post_rows.extend(posts)
        next_topic, next_post = next_topic + 1, next_post + len(posts)
        clock += timedelta(minutes=state.rng.randint(20, 400))
        if len(post_rows) >= 20 * BATCH:
            _flush(state, topic_rows, post_rows)
            topic_rows, post_rows = [], []
    _flush(state, topic_rows, post_rows)
    state.big_discussion, state.big_debate = state.topics[0], state.topics[1]


def _flush(state: BenchState, topic_rows: list[dict], post_rows: list[dict]) -> None:
    state.insert(Topic.__table__, topic_rows)
    state.insert(Post.__table__, post_rows)
    state.topics.extend(row["id"] for row in topic_rows)
    state.posts.extend(PostInfo(row["id"], row["topic_id"], row["author_id"], row["depth"], row["stance"])
                       for row in post_rows)


def _topic(state: BenchState, topic_id: int, first_post: int, kind: str, size: int, chains: int,
           start: datetime) -> tuple[dict, list[dict]]:
    rng = state.rng
    debate = kind == TopicKind.DEBATE
    body_md, body_html = state.body()
    article_id = state.articles[0] if rng.random() < 0.7 else rng.choice(state.articles)
    pro_label, con_label = rng.choice(SIDES) if debate else (None, None)
    posts: list[dict] = []
    clock = start
    chain_size = CHAIN_DEPTH + 1
    last_start = size - chains * chain_size
    chain_at = sorted(rng.randint(min(size // 4, last_start), last_start) for _ in range(chains))

    def add(parent: dict | None, stance: str | None) -> dict:
        nonlocal clock
        clock += timedelta(seconds=rng.randint(20, 900))
        md, html = state.body()
        row = dict(id=first_post + len(posts), topic_id=topic_id, author_id=state.author(),
                   parent_id=parent and parent["id"], depth=parent["depth"] + 1 if parent else 0,
                   root_id=(parent["root_id"] or parent["id"]) if parent else None,
                   stance=stance, body_md=md, body_html=html, created_at=clock, edited_at=None,
                   edited_by_id=None, edit_reason=None, reply_count=0,
                   deleted_at=clock + timedelta(hours=1) if rng.random() < 0.004 else None)
        if parent is not None:
            parent["reply_count"] += 1
        posts.append(row)
        return row

    def stance(top_level: bool) -> str | None:
        if not debate:
            return None
        if top_level:
            return rng.choice((Stance.PRO, Stance.CON)).value
        return rng.choice((Stance.PRO, Stance.CON, None))

    while len(posts) < size:
        if chain_at and len(posts) >= chain_at[0] and len(posts) + chain_size <= size:
            chain_at.pop(0)
            parent = add(None, stance(True))
            for _ in range(CHAIN_DEPTH):
                parent = add(parent, stance(False))
            state.chain_leaves.append(parent["id"])
            continue
        parent = _pick_parent(rng, posts)
        add(parent, stance(parent is None))
    roots = sum(1 for p in posts if p["parent_id"] is None)
    topic = dict(id=topic_id, article_id=article_id, passage_id=None, author_id=state.author(),
                 kind=str(kind), title=_title(rng), body_md=body_md, body_html=body_html,
                 pro_label=pro_label, con_label=con_label, created_at=start, edited_at=None,
                 edited_by_id=None, last_activity_at=clock, closed_at=None, post_count=len(posts),
                 root_count=roots, is_locked=False, is_pinned=False)
    return topic, posts


def _pick_parent(rng: random.Random, posts: list[dict]) -> dict | None:
    """Most posts answer something recent and shallow; about a third start a thread."""
    if not posts or rng.random() < 0.32:
        return None
    recent = posts[-50:]
    for _ in range(4):
        candidate = rng.choice(recent)
        if candidate["depth"] < CHAIN_DEPTH and rng.random() < 0.55 ** candidate["depth"]:
            return candidate
    return None


def fill_sequences(state: BenchState) -> None:
    """Ids were given here; move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("users", "topics", "posts"):
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


def compact_search_index(state: BenchState) -> None:
    """Bulk inserts leave SQLite's full-text index in many segments; merge them."""
    search.optimize_index()


def fill_statistics(state: BenchState) -> None:
    """Planner statistics for the new rows: without them PostgreSQL guesses row
    counts from an empty table until autovacuum gets round to it."""
    db.session.execute(text("ANALYZE"))


# Each step takes the state; areas added later append theirs before the last three.
FILLERS: list[Callable[[BenchState], None]] = [
    fill_bodies,
    fill_users,
    fill_articles,
    fill_topics_and_posts,
    fill_sequences,
    compact_search_index,
    fill_statistics,
]


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def seed_bench(total_posts: int = 100_000, seed: int = 1) -> BenchState:
    """Fill an empty database; the caller commits."""
    if db.session.scalar(select(func.count()).select_from(Post)):
        raise ValueError("seed-bench fills an empty database; this one already has posts.")
    state = BenchState(rng=random.Random(seed), total_posts=total_posts)
    for filler in FILLERS:
        started = time.perf_counter()
        filler(state)
        state.timings[filler.__name__] = time.perf_counter() - started
    return state
