"""Migration 0020_verified_addresses on a database with members: every account made
before confirmation links had an address is marked confirmed as of its creation
(nothing changes for it); one without an address is not. Down and up again."""
from datetime import datetime

from sqlalchemy import create_engine, text

from tests.test_migrations import _flask


def _check(url: str) -> None:
    up = _flask(url, "db", "upgrade", "0019_mail_preferences")
    assert up.returncode == 0, up.stderr
    engine = create_engine(url)
    with engine.begin() as conn:
        for n, email in ((1, "old@example.org"), (2, "")):
            conn.execute(text(
                "INSERT INTO users (id, username, username_key, email, password_hash, role, display_name, bio, "
                "created_at, post_count, username_skeleton) VALUES (:id, :name, :name, :email, 'x', 'member', '', '', "
                ":created, 0, :name)"), {"id": n, "name": f"member{n}", "email": email,
                                         "created": datetime(2026, 1, n, 12, 0)})
    engine.dispose()
    up = _flask(url, "db", "upgrade", "0020_verified_addresses")
    assert up.returncode == 0, up.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, email_verified_at FROM users ORDER BY id")).all())
    engine.dispose()
    assert rows[1] is not None and str(rows[1]).startswith("2026-01-01 12:00") and rows[2] is None
    down = _flask(url, "db", "downgrade", "0019_mail_preferences")
    assert down.returncode == 0, down.stderr
    again = _flask(url, "db", "upgrade", "0020_verified_addresses")
    assert again.returncode == 0, again.stderr


def test_existing_addresses_count_as_confirmed_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'members.sqlite3'}")


def test_existing_addresses_count_as_confirmed_on_postgresql(fresh_postgres_url):
    _check(fresh_postgres_url)

