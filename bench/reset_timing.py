"""Does "Forgot password?" answer an unknown name as fast as a known one?

    .venv/bin/python bench/reset_timing.py [--rounds 40]

The same work is done either way (forum/domain/password_reset.py: one query, a
token, both mail parts rendered, one outbox row; `tests/test_password_reset.py`
checks the statements are the same). This measures what is left: requests for a
known and an unknown name, interleaved, on a throwaway SQLite database, through
the test client (no network). Prints the fastest and the median of each and the
difference; a timing is never a test's assertion.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402

from forum import create_app  # noqa: E402
from forum.config import TEST_CONFIG  # noqa: E402
from forum.domain import accounts  # noqa: E402
from forum.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/reset.sqlite3",
                          "RATELIMIT_ENABLED": False, "MAIL_DIR": folder})
        with app.app_context():
            flask_migrate.upgrade(directory=str(ROOT / "migrations"))
            accounts.create_user("maya", "maya@example.org", "long enough password")
            db.session.commit()
            client = app.test_client()
            times = {"maya": [], "mallory": []}
            for _ in range(args.rounds):
                for name, spent in times.items():
                    started = time.perf_counter()
                    client.post("/auth/forgot", data={"identifier": name})
                    spent.append((time.perf_counter() - started) * 1000)
            db.session.remove()
    print(f"{args.rounds} requests each, interleaved")
    for name, spent in times.items():
        kind = "known" if name == "maya" else "unknown"
        print(f"  {kind:8} fastest {min(spent):6.2f} ms   median {statistics.median(spent):6.2f} ms")
    print(f"  difference of the fastest: {min(times['mallory']) - min(times['maya']):+.2f} ms, "
          f"of the medians: {statistics.median(times['mallory']) - statistics.median(times['maya']):+.2f} ms")


if __name__ == "__main__":
    main()
