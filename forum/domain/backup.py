"""Export and import of all data as JSON, table by table.

Every table the models define is written, so a new area's tables are backed up
without touching this module. Values are typed in JSON (dates as ISO 8601 UTC)
and rows sorted by primary key, so two exports of the same data are identical.

A topic's version is not data but what cached pages are versions of
(web/caching.py): the export keeps only the highest, and an import gives every
topic a version above it, so no copy kept from the old site (in a shared Redis)
can be taken for a page of the restored one.
"""
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import IO

from sqlalchemy import Boolean, Date, DateTime, Integer, func, insert, select, text

from ..extensions import db
from .errors import RuleError

FORMAT = "counterpoint-backup"
VERSION = 1


def _encode(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _decode(column, value):
    if value is None:
        return None
    kind = getattr(column.type, "impl", column.type)  # see through TypeDecorators
    if isinstance(kind, DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def _tables():
    return [t for t in db.metadata.sorted_tables]


def _columns(table) -> list:
    """The columns an export holds: all but the topics' versions."""
    return [column for column in table.columns if (table.name, column.name) != ("topics", "version")]


def export_data() -> dict:
    tables = {}
    for table in _tables():
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(*_columns(table)).order_by(*order)).mappings()
        tables[table.name] = [{key: _encode(value) for key, value in row.items()} for row in rows]
    revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {"format": FORMAT, "version": VERSION, "schema_revision": revision, "tables": tables,
            "topic_versions_below": _highest_topic_version() + 1}


def write_export(stream: IO[str]) -> dict[str, int]:
    data = export_data()
    json.dump(data, stream, ensure_ascii=False, indent=1, sort_keys=True)
    stream.write("\n")
    return {name: len(rows) for name, rows in data["tables"].items()}


def import_data(data: dict) -> dict[str, int]:
    """Load an export into an empty, migrated database (RuleError otherwise)."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise RuleError("This file is not a Counterpoint export.")
    revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if data.get("schema_revision") != revision:
        raise RuleError(f"The export is of schema {data.get('schema_revision')}, this database is at "
                        f"{revision}: run `flask db upgrade` (or use a matching version) first.")
    known = {t.name for t in _tables()}
    unknown = set(data["tables"]) - known
    if unknown:
        raise RuleError(f"The export has tables this version doesn't know: {', '.join(sorted(unknown))}.")
    for table in _tables():
        if db.session.scalar(select(func.count()).select_from(table)):
            raise RuleError(f"The database is not empty (table {table.name} has rows); import into an empty one.")
    counts = {}
    for table in _tables():
        rows = data["tables"].get(table.name, [])
        columns = table.columns
        insert_rows(table, [{key: _decode(columns[key], value) for key, value in row.items()} for row in rows])
        counts[table.name] = len(rows)
    _reset_sequences()
    _versions_above(data.get("topic_versions_below", 0))
    return counts


def insert_rows(table, rows: list[dict]) -> None:
    """Rows into `table` as multi-row INSERTs of up to ~30,000 values each (under
    both databases' limits on bound parameters), not one statement a row: on
    PostgreSQL the triggers that move topic versions run once a statement
    (migration 0015_topic_version), so a restore or the bench data moves each
    topic once a batch. Rows without a column get its default (None)."""
    if not rows:
        return
    names = [column.name for column in table.columns if any(column.name in row for row in rows)]
    per_statement = max(1, 30_000 // len(names))
    for start in range(0, len(rows), per_statement):
        batch = rows[start:start + per_statement]
        db.session.execute(insert(table).values([{name: row.get(name) for name in names} for row in batch]))


def _highest_topic_version() -> int:
    return db.session.scalar(text("SELECT coalesce(max(version), 0) FROM topics"))


def _versions_above(floor: int) -> None:
    """Move every topic's version (and the counter new ones are drawn from) past
    `floor`. A changed version is kept by the triggers (migration 0015_topic_version)."""
    db.session.execute(text("UPDATE topics SET version = version + :floor"), {"floor": floor})
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval('topic_versions', :next)"), {"next": _highest_topic_version() + 1})


def _reset_sequences() -> None:
    """PostgreSQL: move each id sequence past the imported ids."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer) and not isinstance(pk[0].type, Boolean):
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false) "
                f"WHERE pg_get_serial_sequence('{table.name}', '{pk[0].name}') IS NOT NULL"))
