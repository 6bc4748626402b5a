"""Search benchmark: fill a scratch database with generated posts, time queries.

    python bench/search.py                      # SQLite file under /tmp
    python bench/search.py --database-url postgresql+psycopg://postgres@127.0.0.1/scratch
    python bench/search.py --posts 100000 --runs 30
    python bench/search.py --reuse --broad --database-url "sqlite:///$PWD/bench/out/bench-100000-1.sqlite3"

The database is emptied and rebuilt with the migrations (so the full-text
tables, triggers or generated columns are the real ones); never point it at
data you want to keep (except with --reuse). Prints p50 and p99 in
milliseconds per query.

The vocabulary generated here is Zipf-like, so most of its queries are narrow;
bench/pages.py's data draws every body from ~60 words, so there every query is
broad (tens of thousands of matches). The BROAD queries are for that data.
"""
import argparse
import itertools
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ("innovation intellectual property artists model training licensing consent video leak "
         "access copyright fair use creators compensation studio dataset openai sora policy "
         "regulation market labour style imitation credit attribution royalty open closed source "
         "research public protest early testers preview program transparency trust economics "
         "incentive harm benefit culture law court precedent contract platform").split()
QUERIES = ["artists", "intellectual property", '"intellectual property"', "copyright licensing consent",
           "sora leak", "protest early testers", "royalty", "nonexistentword",
           "fair use court precedent", "model"]
BROAD = ["licence consent", "model", "artist licence consent", '"fair use"', "museum watermark provenance"]


def vocabulary(rng: random.Random, size: int = 8000) -> tuple[list[str], list[float]]:
    """A Zipf-distributed vocabulary, as in real text: made-up filler words take
    the most frequent ranks (like "the", "of"), the forum's topical words sit
    between ranks 40 and 3,000, where content words of real posts do."""
    letters = "bcdfghjklmnpqrstvwxz"
    filler = {"".join(rng.choice(letters) + rng.choice("aeiou") for _ in range(rng.randint(1, 4))) for _ in range(size * 2)}
    words = sorted(filler - set(WORDS))[:size]
    rng.shuffle(words)
    for word in WORDS:
        words.insert(rng.randint(40, 3000), word)
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    return words, weights


_VOCAB: tuple[list[str], list[float]] | None = None


def sentence(rng: random.Random, n: int) -> str:
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = vocabulary(random.Random(1))
    words, weights = _VOCAB
    return " ".join(rng.choices(words, cum_weights=weights, k=n)).capitalize() + "."


def fill(app, n_posts: int, seed: int = 7) -> None:
    import flask_migrate
    from sqlalchemy import insert, text

    from forum.domain import markup, search
    from forum.extensions import db
    from forum.models import Article, Post, Topic, User, utcnow

    rng = random.Random(seed)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        flask_migrate.upgrade()
        now = utcnow()
        db.session.execute(insert(User), [
            {"username": f"u{i}", "username_key": f"u{i}", "email": f"u{i}@example.org", "password_hash": "x",
             "role": "member", "display_name": "", "bio": "", "created_at": now} for i in range(200)])
        db.session.execute(insert(Article), [{"slug": "sora", "title": "Sora", "question": "", "attribution": "",
                                               "summary_md": "", "created_at": now, "updated_at": now}])
        n_topics = max(1, n_posts // 100)
        db.session.execute(insert(Topic), [
            {"article_id": 1, "author_id": 1 + i % 200, "kind": "debate" if i % 3 == 0 else "discussion",
             "title": sentence(rng, 6), "body_md": sentence(rng, 40), "body_html": "<p>x</p>",
             "created_at": now, "last_activity_at": now, "post_count": 100, "root_count": 100,
             "is_locked": False, "is_pinned": False} for i in range(n_topics)])
        # Every post gets its own text to search; the HTML shown is one of a few
        # hundred rendered once and reused (rendering 100,000 would be the slow part).
        htmls = [markup.render(sentence(rng, 40)) for _ in range(300)]
        batch = []
        for i in range(n_posts):
            body_md = "\n\n".join(sentence(rng, rng.randint(15, 60)) for _ in range(rng.randint(1, 3)))
            body_html = htmls[i % len(htmls)]
            batch.append({"topic_id": 1 + i % n_topics, "author_id": 1 + rng.randrange(200), "depth": 0,
                          "stance": rng.choice(("pro", "con", None)), "body_md": body_md, "body_html": body_html,
                          "created_at": now - timedelta(minutes=n_posts - i), "reply_count": 0})
            if len(batch) == 5000:
                db.session.execute(insert(Post), batch)
                batch = []
        if batch:
            db.session.execute(insert(Post), batch)
        search.optimize_index()  # as seed-bench does after its bulk load
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()


def measure(app, runs: int, queries: list[str]) -> None:
    from flask_login import AnonymousUserMixin

    from forum.domain import search
    from forum.extensions import db

    guest = AnonymousUserMixin()
    with app.app_context():
        print(f"{db.engine.dialect.name}: p50 / p99 over {runs} runs (ms), first page of 20, with total count")
        every = []
        for query in queries:
            for filters, label in ((search.Filters(), ""), (search.Filters(stance="pro"), " [stance=pro]")):
                timings = []
                for _ in range(runs):
                    start = time.perf_counter()
                    results = search.search(guest, search.parse(query), filters)
                    timings.append((time.perf_counter() - start) * 1000)
                    db.session.rollback()
                every += timings
                hits = f"{search.COUNT_CAP:,}+" if results.capped else f"{results.total:,}"
                print(f"  {query + label:<45} {statistics.median(timings):8.1f} {_p99(timings):8.1f}   {hits:>7} hits")
        print(f"  {'all of them':<45} {statistics.median(every):8.1f} {_p99(every):8.1f}")


def _p99(timings: list[float]) -> float:
    timings = sorted(timings)
    return timings[min(len(timings) - 1, int(len(timings) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/counterpoint-bench-search.sqlite3")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="skip filling (the database is already filled)")
    parser.add_argument("--broad", action="store_true", help="the broad queries, for bench/pages.py's data")
    args = parser.parse_args()

    from forum import create_app
    from forum.config import TEST_CONFIG

    if args.database_url.startswith("sqlite:///") and not args.reuse:
        Path(args.database_url[len("sqlite:///"):]).unlink(missing_ok=True)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": args.database_url})
    if not args.reuse:
        start = time.perf_counter()
        fill(app, args.posts)
        print(f"filled {args.posts:,} posts in {time.perf_counter() - start:.1f} s")
    measure(app, args.runs, BROAD if args.broad else QUERIES)


if __name__ == "__main__":
    main()
