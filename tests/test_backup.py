"""Export and import round-trip everything, SQLite to PostgreSQL and back."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from forum.domain import backup, posting
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import Post, Topic

ROOT = Path(__file__).resolve().parent.parent


def _flask(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "app"}
    result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr + result.stdout
    return result


def _canonical(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("topic_versions_below")  # not data: see test_an_import_moves_topic_versions_past_the_old_site
    for name, rows in data["tables"].items():
        rows.sort(key=lambda row: json.dumps(row, sort_keys=True))
    return data


def test_export_has_every_table_and_refuses_a_non_empty_import(app, make_post, make_user):
    post = make_post(body="Before")
    posting.edit_post(post, post.author, "After")
    db.session.commit()
    data = backup.export_data()
    assert {"users", "topics", "posts", "revisions"} <= set(data["tables"])
    assert data["tables"]["revisions"][0]["body_md"] == "Before"
    assert data["tables"]["users"][0]["password_hash"]
    with pytest.raises(RuleError, match="not empty"):
        backup.import_data(data)


@pytest.mark.committing
def test_an_import_moves_topic_versions_past_the_old_site(app, make_post):
    """A page kept (in a shared Redis) from the site the export was taken of is
    never taken for a page of the restored one: every version is new."""
    make_post()
    data = backup.export_data()
    floor = data["topic_versions_below"]
    assert floor > 1 and all("version" not in row for row in data["tables"]["topics"])
    _empty_database()
    backup.import_data(data)
    db.session.commit()
    assert min(db.session.scalars(select(Topic.version))) >= floor
    post = db.session.scalar(select(Post))
    before = post.topic.version
    posting.edit_post(post, post.author, "Edited after the restore")
    db.session.commit()
    db.session.refresh(post.topic)
    assert post.topic.version > before


def _empty_database():
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_import_refuses_other_files(app):
    with pytest.raises(RuleError, match="not a Counterpoint export"):
        backup.import_data({"tables": {}})


def test_sqlite_to_postgresql_round_trip_is_identical(tmp_path, fresh_postgres_url):
    sqlite_url = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    _flask(sqlite_url, "db", "upgrade")
    _flask(sqlite_url, "seed-demo")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    _flask(sqlite_url, "export", str(first))
    _flask(fresh_postgres_url, "db", "upgrade")
    _flask(fresh_postgres_url, "import", str(first))
    _flask(fresh_postgres_url, "export", str(second))
    assert _canonical(first) == _canonical(second)
    # The restored forum goes on working: new rows get fresh ids.
    _flask(fresh_postgres_url, "users", "create", "after_restore", "--password", "long enough pw")
