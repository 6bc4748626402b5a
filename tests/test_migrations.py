"""The migrations build the schema the models describe, from empty, on SQLite and
PostgreSQL, and come back down to nothing."""
import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from forum.domain.search import schema_filter
from forum.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def _flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "app"}
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _roundtrip(url: str) -> None:
    up = _flask(url, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "articles", "passages", "topics", "posts", "revisions"} <= tables
    engine.dispose()
    down = _flask(url, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_upgrade_and_downgrade_from_empty_sqlite(tmp_path):
    _roundtrip(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")


def test_upgrade_and_downgrade_from_empty_postgresql(fresh_postgres_url):
    _roundtrip(fresh_postgres_url)


def test_models_and_migrations_agree(app):
    """A model change without its migration fails here."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": schema_filter})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
