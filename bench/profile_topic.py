"""Where the time goes on one page: phases timed, then cProfile's top costs.

    .venv/bin/python bench/profile_topic.py [--database-url URL] [--path /t/1] [--requests 50]

Uses a bench database built by bench/pages.py (SQLite under bench/out/ by
default). Phases: building the page's data (queries and ORM objects, in
`forum.pages`) and rendering the template, each averaged over the requests.
"""
import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import render_template  # noqa: E402
from flask_login import AnonymousUserMixin  # noqa: E402

from forum import create_app, pages  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.forms import ReplyForm  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench/out/bench-100000-1.sqlite3'}")
    parser.add_argument("--topic", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    path = f"/t/{args.topic}"
    for _ in range(5):
        client.get(path)

    build = render = 0.0
    guest = AnonymousUserMixin()
    for _ in range(args.requests):
        with app.test_request_context(path):
            started = time.perf_counter()
            page = pages.topic_page(guest, args.topic, per_page=app.config["POSTS_PER_PAGE"])
            built = time.perf_counter()
            html = render_template("topics/show.html", page=page, form=ReplyForm(formdata=None),
                                   preview_html=None)
            render += time.perf_counter() - built
            build += built - started
            db.session.remove()
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(path)
    whole = (time.perf_counter() - started) / args.requests
    posts = sum(1 for _ in html.split('class="node"')) - 1
    print(f"{path}: {len(html):,} bytes, {posts} posts rendered")
    print(f"whole request (test client): {whole * 1000:.1f} ms")
    print(f"  building the page (queries + ORM): {build / args.requests * 1000:.1f} ms")
    print(f"  rendering the template:           {render / args.requests * 1000:.1f} ms")

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(path)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    print(out.getvalue()[:9000])


if __name__ == "__main__":
    main()
