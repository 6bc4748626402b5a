"""Where the time goes on any page, signed in as anyone: per-query times, then cProfile.

    .venv/bin/python bench/profile_page.py /mod --user bench0001 [--database-url URL] [--requests 30]

Uses a bench database built by bench/pages.py (SQLite under bench/out/ by
default). Prints the whole request's mean time (test client, in process), each
SQL statement of one request with its time, and cProfile's top costs.
"""
import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--user", help="username to sign in as (default: a guest)")
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench/out/bench-100000-1.sqlite3'}")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="pstats order: tottime (default) or cumulative")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    if args.user:
        with app.app_context():
            user_id = db.session.scalar(select(User.id).where(User.username == args.user))
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
    for _ in range(3):
        response = client.get(args.path)
    assert response.status_code == 200, response.status_code

    started = time.perf_counter()
    batches = []
    for _ in range(max(args.requests // 10, 1)):  # CPU time per request, in batches of 10
        batch_started = time.process_time()
        for _ in range(10):
            client.get(args.path)
        batches.append((time.process_time() - batch_started) / 10)
    whole = (time.perf_counter() - started) / (len(batches) * 10)
    print(f"{args.path}: {len(response.data):,} bytes; whole request {whole * 1000:.1f} ms "
          f"(CPU: best batch of 10 {min(batches) * 1000:.2f} ms, median {sorted(batches)[len(batches) // 2] * 1000:.2f} ms)")

    timings = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        timings.append((time.perf_counter() - conn.info["started"], statement))
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    client.get(args.path)
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    print(f"{len(timings)} queries, {sum(t for t, _ in timings) * 1000:.1f} ms in the driver "
          "(rows fetched later not counted):")
    for seconds, statement in timings:
        print(f"  {seconds * 1000:7.2f} ms  {' '.join(statement.split())[:160]}")

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(args.path)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue()[:12000])


if __name__ == "__main__":
    main()
