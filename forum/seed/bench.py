"""Generated data at scale for benchmarks: `flask --app app seed-bench`.

Deterministic for a seed: the same `--posts` and `--seed` on an empty database
give the same rows. Rows go in as multi-row INSERTs (`backup.insert_rows`), ids
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

from flask import current_app
from sqlalchemy import bindparam, func, select, text, update
from werkzeug.security import generate_password_hash

from ..domain import articles, class_rules, classes, grading, markup, names, posting, search
from ..domain.accounts import username_key
from ..domain.backup import insert_rows
from ..extensions import db
from ..models import (Appeal, AppealStatus, ClassDebate, ClassDebateSide, ClassMembership, ClassRole,
                      Classroom, DebatePhase, Delta, Flag, FlagReason, FlagStatus, Grade, MemberMessage,
                      ModAction, PhaseExtension, PhaseKind, PollPhase, Post, PostStatus, Role,
                      RubricCriterion, SideMode, Source, SourceRequest, Stance, StancePoll, Topic, TopicKind,
                      User, Vote)

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
    # Posts another filler makes (the class debate's), kept out of the public topics' share.
    reserved_posts: int = 0
    bench_class: int | None = None
    class_debate: int | None = None
    chain_leaves: list[int] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def insert(self, table, rows: list[dict]) -> None:
        """Bulk insert in multi-row statements (`backup.insert_rows`), counting rows per table."""
        insert_rows(table, rows)
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
    count = max(CLASS_STUDENTS + 10, min(400, state.total_posts // 250))
    first = _next_id(User)
    password_hash = generate_password_hash(BENCH_PASSWORD)  # one hash, shared: hashing 400 is slow
    roles = [Role.ADMIN, Role.MODERATOR, Role.INSTRUCTOR] + [Role.MEMBER] * (count - 3)
    rows = []
    for n, role in enumerate(roles):
        name = f"bench{n:04d}"
        display_name = f"Bench Person {n}" if n % 3 == 0 else ""
        rows.append(dict(id=first + n, username=name, username_key=username_key(name),
                         username_skeleton=names.skeleton(name), display_skeleton=names.skeleton(display_name) or None,
                         email=f"{name}@bench.invalid", password_hash=password_hash, role=role,
                         display_name=display_name,
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
    left = state.total_posts - state.reserved_posts - 2 * big
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


def fill_user_counts(state: BenchState) -> None:
    """Each author's public post count, as the write path keeps it."""
    posting.recount_public_posts()


# --- reactions: votes, ∆, stance polls, sources, "needs a source" -------------

DELTA_SHARE = 0.012         # of debate posts: ∆ are rare
SOURCED_SHARE = 0.06        # of debate posts with a source or two
NEEDS_SOURCE_SHARE = 0.04   # of debate posts someone asked a source for
BIG_DEBATE_POLLED = 300     # people who answered the big debate's "before" poll
EXPLANATIONS = (
    "I had assumed {a} was the only thing at stake, but this showed me how much {b} matters to people.",
    "Reading this, I moved from thinking {a} settles it to seeing that {b} has to be part of the answer.",
    "The example about {a} changed my view: I had not considered what {b} costs the people involved.",
)
SOURCES = (("The report", "https://example.org/report"),
           ("Bug bounty program (Wikipedia)", "https://en.wikipedia.org/wiki/Bug_bounty_program"),
           ("Fair use (Wikipedia)", "https://en.wikipedia.org/wiki/Fair_use"),
           ("Copyright Office study", "https://example.gov/copyright/ai-study"))


def fill_reactions(state: BenchState) -> None:
    """Votes, ∆, polls and sources on the public topics generated above (never on
    another filler's posts), then every counter the write path keeps, from the rows.

    Most posts get a vote or none and a few get many; ∆ are rare and come with an
    explanation; each debate has a before/after poll, the big one from a few hundred
    people. Times fall between a post's creation and its topic's last activity, so
    the topics' `last_activity_at` stays what it is.
    """
    rng, users = state.rng, state.users
    # In id order: the debates' polls draw from the generator in this order, and an
    # unordered SELECT's order is the table's layout (which earlier writes change).
    public = dict(db.session.execute(select(Topic.id, Topic.kind).where(Topic.class_id.is_(None))
                                     .order_by(Topic.id)).all())
    last = dict(db.session.execute(select(Topic.id, Topic.last_activity_at)).all())
    created = dict(db.session.execute(select(Post.id, Post.created_at)
                                      .where(Post.topic_id.in_(list(public)))).all())
    posts = [p for p in state.posts if p.topic_id in public]

    def when(post: PostInfo) -> datetime:
        start = created[post.id]
        return start + (last[post.topic_id] - start) * rng.random()

    def people(count: int, author: int) -> list[int]:
        return [u for u in rng.sample(users, min(count + 1, len(users))) if u != author][:count]

    votes, deltas, sources, requests = [], [], [], []
    for post in posts:
        for voter in people(min(int(rng.paretovariate(1.6)) - 1, len(users) - 1), post.author_id):
            votes.append(dict(post_id=post.id, user_id=voter, created_at=when(post)))
        if public[post.topic_id] != TopicKind.DEBATE:
            continue
        if rng.random() < DELTA_SHARE:
            for awarder in people(rng.choice((1, 1, 1, 2, 3)), post.author_id):
                a, b = rng.sample(WORDS, 2)
                deltas.append(dict(post_id=post.id, awarder_id=awarder, recipient_id=post.author_id,
                                   explanation=rng.choice(EXPLANATIONS).format(a=a, b=b), created_at=when(post)))
        if rng.random() < SOURCED_SHARE:
            for title, url in rng.sample(SOURCES, rng.choice((1, 1, 2))):
                sources.append(dict(post_id=post.id, title=title, url=url, added_by_id=post.author_id,
                                    created_at=created[post.id]))
        if rng.random() < NEEDS_SOURCE_SHARE:
            for asker in people(rng.randint(1, 4), post.author_id):
                requests.append(dict(post_id=post.id, user_id=asker, created_at=when(post)))
    state.insert(Vote.__table__, votes)
    state.insert(Delta.__table__, deltas)
    state.insert(Source.__table__, sources)
    state.insert(SourceRequest.__table__, requests)
    state.insert(StancePoll.__table__, _polls(state, [t for t, kind in public.items() if kind == TopicKind.DEBATE],
                                              last))
    _count_reactions(set(public))


def _polls(state: BenchState, debates: list[int], last: dict) -> list[dict]:
    """Before and after answers (−2 … +2); most people stay put, some move a step."""
    rng, rows = state.rng, []
    for topic_id in debates:
        polled = BIG_DEBATE_POLLED if topic_id == state.big_debate else rng.randint(3, 40)
        for user_id in rng.sample(state.users, min(polled, len(state.users))):
            before = rng.choices((-2, -1, 0, 1, 2), weights=(15, 20, 30, 20, 15))[0]
            rows.append(dict(topic_id=topic_id, user_id=user_id, phase=PollPhase.BEFORE.value, value=before,
                             answered_at=last[topic_id] - timedelta(days=2)))
            if rng.random() < 0.7:
                after = max(-2, min(2, before + rng.choices((-1, 0, 1), weights=(2, 6, 3))[0]))
                rows.append(dict(topic_id=topic_id, user_id=user_id, phase=PollPhase.AFTER.value, value=after,
                                 answered_at=last[topic_id] - timedelta(hours=1)))
    return rows


def _count_reactions(topic_ids: set[int]) -> None:
    """The posts' counters from the rows, in SQL: answers by stance, votes, ∆, "needs a source"."""
    def count(model, *where):
        return (select(func.count()).select_from(model)
                .where(model.post_id == Post.id, *where).scalar_subquery())
    answers = Post.__table__.alias("answer")

    def answered(*where):
        return select(func.count()).select_from(answers).where(answers.c.parent_id == Post.id, *where) \
            .scalar_subquery()
    in_topics = Post.topic_id.in_(list(topic_ids))
    db.session.execute(update(Post).where(in_topics, Post.reply_count > 0).values(
        pro_count=answered(answers.c.stance == Stance.PRO.value),
        con_count=answered(answers.c.stance == Stance.CON.value),
        comment_count=answered(answers.c.stance.is_(None))))
    for model, counter in ((Vote, Post.vote_count), (Delta, Post.delta_count),
                           (SourceRequest, Post.needs_source_count)):
        db.session.execute(update(Post).where(in_topics, Post.id.in_(select(model.post_id)))
                           .values({counter: count(model)}))


# --- a class debate (private) -------------------------------------------------

CLASS_STUDENTS = 40
# bench/pages.py signs in as the instructor (users[2]) and as this student.
STUDENT_LOGIN_INDEX = 3
WORD_LIMITS = {PhaseKind.OPENING: 300, PhaseKind.REBUTTAL: 200, PhaseKind.CLOSING: 250}
PHASE_DAYS = ((PhaseKind.OPENING, 0, 3), (PhaseKind.REBUTTAL, 3, 8), (PhaseKind.CLOSING, 8, 10),
              (PhaseKind.FINAL_VOTE, 10, 12))
DELTA_TEXT = ("I came in sure of my side, but the point about {a} and {b} showed me a cost I had not "
              "weighed, and the example of {c} made it concrete.")


def class_post_budget(total_posts: int) -> int:
    """The class debate's share of `--posts`: about 1,000 at 100,000, never below 60."""
    return min(1_000, max(60, total_posts // 100))


def class_students(state: BenchState) -> list[int]:
    """Forty members from bench0003 on; bench0010 (the benchmark's plain member) stays outside."""
    return [u for u in state.users[STUDENT_LOGIN_INDEX:] if u != state.users[10]][:CLASS_STUDENTS]


def fill_class(state: BenchState) -> None:
    """One class of 40 students run by bench0002, with an anonymous debate through all
    four phases: arguments, rebuttals (two of them late, under an extension), closings,
    votes, ∆, both stance polls and some grades. Its posts come out of `--posts`."""
    rng = state.rng
    budget = class_post_budget(state.total_posts)
    state.reserved_posts += budget
    instructor, students = state.users[2], class_students(state)
    opens = EPOCH + timedelta(days=30)
    classroom = Classroom(name="Bench seminar: innovation and intellectual property", term="Spring 2026",
                          description="A seminar debating the Sora access leak.", time_zone="Europe/Paris",
                          join_code="".join(rng.choice(classes.JOIN_ALPHABET) for _ in range(classes.JOIN_CODE_LENGTH)),
                          created_by_id=instructor, created_at=opens - timedelta(days=21))
    db.session.add(classroom)
    db.session.flush()
    state.bench_class = classroom.id
    state.insert(ClassMembership.__table__, [
        dict(class_id=classroom.id, user_id=user_id, role=role,
             joined_at=classroom.created_at + timedelta(hours=0 if role == ClassRole.INSTRUCTOR
                                                        else rng.randint(1, 300)))
        for user_id, role in [(instructor, ClassRole.INSTRUCTOR)] + [(s, ClassRole.STUDENT) for s in students]])

    topic_id = _next_id(Topic)
    state.class_debate = topic_id
    body_md, body_html = state.body()
    sides = classes.balanced_sides(students, seed=rng.randrange(2 ** 32))
    phases = {kind: (opens + timedelta(days=a), opens + timedelta(days=b)) for kind, a, b in PHASE_DAYS}
    silent = set(rng.sample(students, 2))
    active = [s for s in students if s not in silent]
    late = rng.sample(active, 2)
    extended_to = phases[PhaseKind.REBUTTAL][1] + timedelta(days=2)
    posts = _class_posts(state, topic_id, budget, instructor, active, sides, phases, late, extended_to)

    state.insert(Topic.__table__, [dict(
        id=topic_id, article_id=state.articles[0], passage_id=None, author_id=instructor, kind=TopicKind.DEBATE.value,
        title="Should AI labs pay the artists who test their models?", body_md=body_md, body_html=body_html,
        pro_label="Pay them", con_label="Volunteer work", created_at=opens - timedelta(days=2), edited_at=None,
        edited_by_id=None, last_activity_at=max(p["created_at"] for p in posts), closed_at=None,
        post_count=len(posts), root_count=sum(1 for p in posts if p["parent_id"] is None), is_locked=False,
        is_pinned=False, class_id=classroom.id, slow_mode_seconds=0)])
    state.insert(ClassDebate.__table__, [dict(topic_id=topic_id, anonymous=True, side_mode=SideMode.RANDOM.value,
                                              side_cap=None, grades_released=False)])
    rows = [DebatePhase(topic_id=topic_id, kind=kind, opens_at=start, closes_at=end, word_limit=WORD_LIMITS.get(kind))
            for kind, (start, end) in phases.items()]
    db.session.add_all(rows)
    criteria = [RubricCriterion(topic_id=topic_id, position=i, name=name, description=text, max_points=points)
                for i, (name, text, points) in enumerate(grading.DEFAULT_RUBRIC)]
    db.session.add_all(criteria)
    db.session.flush()
    state.rows.update(classrooms=1, debate_phases=len(rows), rubric_criteria=len(criteria))
    rebuttal = next(p for p in rows if p.kind == PhaseKind.REBUTTAL)
    state.insert(PhaseExtension.__table__, [dict(phase_id=rebuttal.id, user_id=s, closes_at=extended_to) for s in late])
    state.insert(ClassDebateSide.__table__,
                 [dict(topic_id=topic_id, user_id=u, side=s.value) for u, s in sides.items()])
    votes, deltas, polls = _class_reactions(state, topic_id, posts, [instructor] + students, phases)
    state.insert(Post.__table__, posts)
    state.insert(Vote.__table__, votes)
    state.insert(Delta.__table__, deltas)
    state.insert(StancePoll.__table__, polls)
    graded = sorted(students)[:CLASS_STUDENTS // 2]
    state.insert(Grade.__table__, [
        dict(topic_id=topic_id, student_id=s, criterion_id=c.id, points=rng.randint(2, c.max_points), comment="",
             graded_at=phases[PhaseKind.FINAL_VOTE][1] + timedelta(days=1)) for s in graded for c in criteria])


def _class_posts(state: BenchState, topic_id: int, budget: int, instructor: int, active: list[int],
                 sides: dict[int, str], phases: dict, late: list[int], extended_to: datetime) -> list[dict]:
    """`budget` posts in phase order, each as the phase rules allow (see class_rules.check_post_allowed)."""
    rng = state.rng
    fits = {kind: [b for b in state.bodies if class_rules.count_words(b[0]) <= limit]
            for kind, limit in WORD_LIMITS.items()}
    closing_n = min(len(active), budget // 5)
    opening_n = min(len(active) + len(active) // 3, budget // 3)
    late_n = 2 * len(late)
    by_side = sorted(active, key=lambda s: (sides[s], s))
    alternating = [s for pair in zip(by_side[:len(by_side) // 2], by_side[len(by_side) // 2:]) for s in pair]
    slots = [(PhaseKind.OPENING, (alternating * 2)[i]) for i in range(opening_n)]
    rebuttal_n = budget - opening_n - closing_n - late_n
    # A few students carry the rebuttals, as in any class; the instructor chimes in.
    weights = [rng.paretovariate(1.5) for _ in active]
    for _ in range(rebuttal_n):
        author = instructor if rng.random() < 0.03 else rng.choices(active, weights)[0]
        slots.append((PhaseKind.REBUTTAL, author))
    slots += [(PhaseKind.REBUTTAL, s) for s in late for _ in range(2)]
    slots += [(PhaseKind.CLOSING, s) for s in rng.sample(active, closing_n)]

    posts: list[dict] = []
    side_posts: dict[str, list[dict]] = {Stance.PRO: [], Stance.CON: []}
    first = _next_id(Post)
    for kind in (PhaseKind.OPENING, PhaseKind.REBUTTAL, PhaseKind.CLOSING):
        start, end = phases[kind]
        in_phase = [author for k, author in slots if k == kind]
        on_time = in_phase if kind != PhaseKind.REBUTTAL else in_phase[:rebuttal_n]
        moments = sorted(start + (end - start) * rng.random() for _ in on_time)
        if kind == PhaseKind.REBUTTAL:
            moments += sorted(end + (extended_to - end) * rng.random() for _ in in_phase[rebuttal_n:])
        for author, moment in sorted(zip(in_phase, moments), key=lambda pair: pair[1]):
            parent, stance = None, sides.get(author)
            if kind == PhaseKind.REBUTTAL:
                pool = (posts if author == instructor else side_posts[class_rules.other_side(sides[author])])[-40:]
                parent = next((p for p in (rng.choice(pool) for _ in range(4)) if rng.random() < 0.75 ** p["depth"]),
                              pool[-1])
                stance = None if author == instructor else rng.choices((Stance.CON, Stance.PRO, None), (70, 10, 20))[0]
            md, html = rng.choice(fits[kind])
            row = dict(id=first + len(posts), topic_id=topic_id, author_id=author,
                       parent_id=parent and parent["id"], depth=parent["depth"] + 1 if parent else 0,
                       root_id=(parent["root_id"] or parent["id"]) if parent else None,
                       stance=stance and stance.value, body_md=md, body_html=html,
                       word_count=class_rules.count_words(md),
                       created_at=max(moment, parent["created_at"] + timedelta(seconds=30)) if parent else moment,
                       edited_at=None, edited_by_id=None, edit_reason=None, deleted_at=None, phase=kind.value,
                       reply_count=0, pro_count=0, con_count=0, comment_count=0, vote_count=0, delta_count=0,
                       needs_source_count=0, status=PostStatus.VISIBLE.value, removal_reason=None,
                       removed_by_id=None, hidden_at=None)
            if parent is not None:
                parent["reply_count"] += 1
                parent[{"pro": "pro_count", "con": "con_count"}.get(row["stance"], "comment_count")] += 1
            posts.append(row)
            if author in sides:
                side_posts[sides[author]].append(row)
    return posts


def _class_reactions(state: BenchState, topic_id: int, posts: list[dict], members: list[int],
                     phases: dict) -> tuple[list[dict], list[dict], list[dict]]:
    """Votes and ∆ among the class's members on its posts (counted on the posts), and both stance polls."""
    rng = state.rng
    votes, deltas = [], []
    for post in posts:
        voters = rng.sample([m for m in members if m != post["author_id"]],
                            min(len(members) - 1, int(rng.paretovariate(1.4)) - 1))
        votes += [dict(post_id=post["id"], user_id=v,
                       created_at=post["created_at"] + timedelta(hours=rng.randint(1, 30))) for v in voters]
        post["vote_count"] = len(voters)
    students = members[1:]
    for post in rng.sample(posts, len(posts) // 30):
        awarders = [s for s in students if s != post["author_id"]]
        for awarder in rng.sample(awarders, rng.choice((1, 1, 1, 2, 3))):
            a, b, c = rng.sample(WORDS, 3)
            deltas.append(dict(post_id=post["id"], awarder_id=awarder, recipient_id=post["author_id"],
                               explanation=DELTA_TEXT.format(a=a, b=b, c=c),
                               created_at=post["created_at"] + timedelta(hours=rng.randint(1, 48))))
            post["delta_count"] += 1
    polls = []
    for student in students:
        if rng.random() < 0.95:
            before = rng.randint(-2, 2)
            start, end = phases[PhaseKind.OPENING]
            polls.append(dict(topic_id=topic_id, user_id=student, phase=PollPhase.BEFORE.value, value=before,
                              answered_at=start + (end - start) * rng.random() / 2))
            if rng.random() < 0.9:
                start, end = phases[PhaseKind.FINAL_VOTE]
                polls.append(dict(topic_id=topic_id, user_id=student, phase=PollPhase.AFTER.value,
                                  value=max(-2, min(2, before + rng.choice((-1, 0, 0, 1)))),
                                  answered_at=start + (end - start) * rng.random()))
    return votes, deltas, polls


# --- flags and what moderators did about them -----------------------------------

FLAG_WEIGHTS = {FlagReason.SPAM: 30, FlagReason.ABUSIVE: 15, FlagReason.OFF_TOPIC: 25,
                FlagReason.MISLEADING: 22, FlagReason.OTHER: 8}
FLAG_NOTES = ("Same link pasted in several threads.", "Quotes the article wrong.",
              "Personal attack on the person above.", "Reads like an advert for a tool.",
              "Copied from another thread word for word.")
REMOVAL_REASONS = ("Advertising", "Personal attack", "Spam link", "Harassment of another member",
                   "Deliberately misquotes the article")
APPEAL_TEXT = "I don't think this broke the rules: I was making a point about {a} and {b}, not attacking anyone."


def fill_flags(state: BenchState) -> None:
    """Open flags from members on a few hundred public posts; some dismissed, some
    ending in a removal (a few appealed), two suspensions: each with the post's status
    and the audit-log rows `forum.moderation` writes. Everything happens while the
    topic is active (before its last post), so `last_activity_at` stays true."""
    rng = state.rng
    admin, moderator = state.users[0], state.users[1]
    threshold = current_app.config["FLAG_HIDE_THRESHOLD"]
    members = [u for u in state.users[3:]]
    untouchable = set(state.users[:STUDENT_LOGIN_INDEX + 1]) | {state.users[10]}  # the benchmark's logins
    count = min(400, max(40, state.total_posts // 250))
    sample = rng.sample(range(len(state.posts)), min(len(state.posts), 3 * count))
    alive = {row.id: row for row in db.session.execute(
        select(Post.id, Post.created_at, Topic.last_activity_at).join(Topic, Topic.id == Post.topic_id)
        .where(Post.id.in_([state.posts[i].id for i in sample]), Post.deleted_at.is_(None),
               Post.created_at < Topic.last_activity_at))}
    chosen = [state.posts[i] for i in sample if state.posts[i].id in alive][:count]
    flags, actions, appeals, messages, changes, suspended = [], [], [], [], [], []
    removals = 0

    def log(action: str, post: PostInfo, at: datetime, actor: int | None = None, reason: str = "") -> None:
        actions.append(dict(actor_id=actor, action=action, post_id=post.id, topic_id=post.topic_id,
                            user_id=post.author_id, reason=reason, created_at=at))

    for post in chosen:
        start, window = alive[post.id].created_at, alive[post.id].last_activity_at - alive[post.id].created_at
        at = lambda share: start + window * share  # noqa: E731 (moments along the topic's life)
        flaggers = rng.sample([m for m in members if m != post.author_id],
                              rng.choices((1, 2, 3, 4, 5), (55, 22, 12, 7, 4))[0])
        main = rng.choices(list(FLAG_WEIGHTS), list(FLAG_WEIGHTS.values()))[0]
        moments = sorted(at(rng.uniform(0.01, 0.5)) for _ in flaggers)
        fate = rng.choices(("open", "dismissed", "removed"), (60, 22, 18))[0]
        resolved = at(rng.uniform(0.55, 0.7))
        for flagger, moment in zip(flaggers, moments):
            reason = main if rng.random() < 0.75 else rng.choices(list(FLAG_WEIGHTS), list(FLAG_WEIGHTS.values()))[0]
            note = rng.choice(FLAG_NOTES) if reason == FlagReason.OTHER or rng.random() < 0.2 else ""
            status = {"open": FlagStatus.OPEN, "dismissed": FlagStatus.DISMISSED, "removed": FlagStatus.UPHELD}[fate]
            flags.append(dict(post_id=post.id, flagger_id=flagger, reason=reason.value, note=note,
                              status=status.value, created_at=moment,
                              resolved_at=None if fate == "open" else resolved,
                              resolved_by_id=None if fate == "open" else moderator))
        hidden = len(flaggers) >= threshold
        if hidden:
            log("auto_hide", post, moments[threshold - 1], reason=f"{threshold} members flagged it")
        if fate == "open":
            if hidden:
                changes.append(dict(b_id=post.id, b_status=PostStatus.HIDDEN.value, b_hidden=moments[threshold - 1],
                                    b_reason=None, b_by=None))
        elif fate == "dismissed":
            log("dismiss", post, resolved, moderator)
        else:
            removal = rng.choice(REMOVAL_REASONS)
            changes.append(dict(b_id=post.id, b_status=PostStatus.REMOVED.value, b_hidden=resolved,
                                b_reason=removal, b_by=moderator))
            log("remove", post, resolved, moderator, removal)
            messages.append(dict(user_id=post.author_id, post_id=post.id, created_at=resolved,
                                 read_at=resolved + timedelta(hours=5),
                                 text=f"A moderator removed your post: {removal}. You may appeal once."))
            removals += 1
            if removals % 3 == 1:  # a third of removals are appealed, half of those decided
                a, b = rng.sample(WORDS, 2)
                decided = removals % 6 == 4
                appeals.append(dict(post_id=post.id, author_id=post.author_id, text=APPEAL_TEXT.format(a=a, b=b),
                                    status=(AppealStatus.UPHELD if decided else AppealStatus.OPEN).value,
                                    created_at=at(0.75), resolved_at=at(0.9) if decided else None,
                                    resolved_by_id=admin if decided else None))
                if decided:
                    log("appeal_upheld", post, at(0.9), admin)
                    messages.append(dict(user_id=post.author_id, post_id=post.id, created_at=at(0.9),
                                         read_at=at(0.95), text="Your appeal was reviewed and the removal stands."))
            elif len(suspended) < 2 and post.author_id not in untouchable | set(suspended):
                days = (7, 365)[len(suspended)]
                suspended.append(post.author_id)
                why = "Repeated advertising after a warning"
                actions.append(dict(actor_id=moderator, action="suspend", post_id=post.id, topic_id=post.topic_id,
                                    user_id=post.author_id, reason=f"{days} days: {why}", created_at=at(0.8)))
                db.session.execute(User.__table__.update().where(User.id == post.author_id).values(
                    suspended_until=at(0.8) + timedelta(days=days), suspension_reason=why))
    state.insert(Flag.__table__, flags)
    state.insert(ModAction.__table__, sorted(actions, key=lambda row: row["created_at"]))
    state.insert(Appeal.__table__, appeals)
    state.insert(MemberMessage.__table__, messages)
    posts = Post.__table__
    if changes:
        db.session.execute(posts.update().where(posts.c.id == bindparam("b_id")).values(
            status=bindparam("b_status"), hidden_at=bindparam("b_hidden", type_=posts.c.hidden_at.type),
            removal_reason=bindparam("b_reason"), removed_by_id=bindparam("b_by")), changes)


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


def vacuum() -> None:
    """After the commit, on PostgreSQL: VACUUM sets the visibility map, without which
    index-only scans still read the table (a profile's debate sides: 7.5 ms -> 0.7 ms)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


# Each step takes the state; areas added later append theirs before the last three.
FILLERS: list[Callable[[BenchState], None]] = [
    fill_bodies,
    fill_users,
    fill_articles,
    fill_class,
    fill_topics_and_posts,
    fill_reactions,
    fill_flags,
    fill_user_counts,
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
