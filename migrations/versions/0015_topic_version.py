"""a topic's version, moved by the database on every change its pages show

`topics.version` is what every cached or conditional page of a topic is a
version of (forum/web/caching.py). Triggers move it in the same transaction as
the change, whatever wrote it (a view, a command, a bulk UPDATE, a shell): a
post, an edit or a deletion, a vote, ∆, source or source request, a flag or an
appeal, a poll answer, the topic's own row, and in a class debate its phases,
extensions, sides, rubric, grades, and the class's roster and state (archived). No code has to
remember to touch the topic, and `last_activity_at` now moves only when a post
is added: it is what "active … ago" and the home page's order show.

A version is drawn from one site-wide counter (a sequence on PostgreSQL; the
highest version plus one on SQLite, whose writers take turns), so it only grows
and the newest public version is `max(version)` from an index.

Revision ID: 0015_topic_version
Revises: 0014_audit_append_only
Create Date: 2026-12-06 00:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015_topic_version'
down_revision = '0014_audit_append_only'
branch_labels = None
depends_on = None

# Each table whose rows a topic's pages show, and how a row names its topic
# (`{row}` is NEW or OLD).
BY_TOPIC_ID = ("posts", "stance_polls", "class_debates", "class_debate_sides", "debate_phases",
               "rubric_criteria", "grades")
BY_POST_ID = ("votes", "deltas", "sources", "source_requests", "flags", "appeals")


def _topics_of(table: str, row: str) -> str:
    """A WHERE clause on topics for the topics a row of `table` is shown on."""
    if table in BY_TOPIC_ID:
        return f"id = {row}.topic_id"
    if table in BY_POST_ID:
        return f"id = (SELECT topic_id FROM posts WHERE posts.id = {row}.post_id)"
    if table == "phase_extensions":
        return f"id = (SELECT topic_id FROM debate_phases WHERE debate_phases.id = {row}.phase_id)"
    if table == "classrooms":
        return f"class_id = {row}.id"
    assert table == "class_memberships"
    return f"class_id = {row}.class_id"


TABLES = BY_TOPIC_ID + BY_POST_ID + ("phase_extensions", "class_memberships", "classrooms")
SQLITE_NEXT = "(SELECT coalesce(max(version), 0) + 1 FROM topics)"


def _sqlite_up() -> list[str]:
    statements = []
    for table in TABLES:
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            body = " ".join(f"UPDATE topics SET version = {SQLITE_NEXT} WHERE {_topics_of(table, row)};"
                            for row in rows)
            statements.append(f"CREATE TRIGGER {table}_{event.lower()}_moves_topic_version "
                              f"AFTER {event} ON {table} BEGIN {body} END")
    # The topic's own row: any change that left the version as it was. (SQLite's
    # triggers do not recurse: the UPDATE in the body does not fire it again.)
    statements.append(f"CREATE TRIGGER topics_update_moves_version AFTER UPDATE ON topics "
                      f"WHEN NEW.version = OLD.version BEGIN "
                      f"UPDATE topics SET version = {SQLITE_NEXT} WHERE id = NEW.id; END")
    statements.append(f"CREATE TRIGGER topics_insert_takes_version AFTER INSERT ON topics BEGIN "
                      f"UPDATE topics SET version = {SQLITE_NEXT} WHERE id = NEW.id; END")
    return statements


def _sqlite_down() -> list[str]:
    names = [f"{table}_{event}_moves_topic_version" for table in TABLES for event in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in
            names + ["topics_update_moves_version", "topics_insert_takes_version"]]


def _topic_ids_of(table: str, rows: str) -> str:
    """PostgreSQL: the ids of the topics the rows of a transition table `rows` are shown on."""
    if table in BY_TOPIC_ID:
        return f"SELECT topic_id FROM {rows}"
    if table in BY_POST_ID:
        return f"SELECT p.topic_id FROM posts p JOIN {rows} r ON p.id = r.post_id"
    if table == "phase_extensions":
        return f"SELECT d.topic_id FROM debate_phases d JOIN {rows} r ON d.id = r.phase_id"
    if table == "classrooms":
        return f"SELECT t.id FROM topics t JOIN {rows} r ON t.class_id = r.id"
    assert table == "class_memberships"
    return f"SELECT t.id FROM topics t JOIN {rows} r ON t.class_id = r.class_id"


# PostgreSQL fires these once per statement, with the statement's rows as
# transition tables, so a bulk UPDATE of a hundred thousand posts moves each of
# their topics once, not once a post (a row trigger there updated the same topic
# rows over and over in one transaction, and the bench data took minutes). A
# transition table belongs to one event, hence a trigger per event.
EVENTS = (("INSERT", "REFERENCING NEW TABLE AS new_rows", ("new_rows",)),
          ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", ("old_rows", "new_rows")),
          ("DELETE", "REFERENCING OLD TABLE AS old_rows", ("old_rows",)))


def _postgresql_up() -> list[str]:
    statements = ["CREATE SEQUENCE topic_versions",
                  "SELECT setval('topic_versions', coalesce((SELECT max(version) FROM topics), 0) + 1)",
                  """CREATE FUNCTION topic_takes_version() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN
                      IF TG_OP = 'INSERT' OR NEW.version IS NOT DISTINCT FROM OLD.version THEN
                          NEW.version := nextval('topic_versions');
                      END IF;
                      RETURN NEW;
                  END $$""",
                  """CREATE TRIGGER topics_take_version BEFORE INSERT OR UPDATE ON topics
                      FOR EACH ROW EXECUTE FUNCTION topic_takes_version()"""]
    for table in TABLES:
        for event, referencing, transition_tables in EVENTS:
            topic_ids = " UNION ".join(_topic_ids_of(table, rows) for rows in transition_tables)
            name = f"{table}_{event.lower()}_moves_topic_version"
            statements.append(f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE topics SET version = nextval('topic_versions') WHERE id IN ({topic_ids});
                RETURN NULL;
            END $$""")
            statements.append(f"""CREATE TRIGGER {name} AFTER {event} ON {table} {referencing}
                FOR EACH STATEMENT EXECUTE FUNCTION {name}()""")
    return statements


def _postgresql_down() -> list[str]:
    statements = []
    for table in TABLES:
        for event, _, _ in EVENTS:
            name = f"{table}_{event.lower()}_moves_topic_version"
            statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return statements + ["DROP TRIGGER IF EXISTS topics_take_version ON topics",
                         "DROP FUNCTION IF EXISTS topic_takes_version()", "DROP SEQUENCE IF EXISTS topic_versions"]


def upgrade():
    with op.batch_alter_table("topics") as batch:
        batch.add_column(sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"))
        batch.create_index("ix_topics_class_version", ["class_id", "version"])
        batch.create_index("ix_topics_version", ["version"])
    # Every topic starts with a version of its own.
    op.execute("UPDATE topics SET version = id")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql_up() if postgresql else _sqlite_up():
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql_down() if postgresql else _sqlite_down():
        op.execute(statement)
    with op.batch_alter_table("topics") as batch:
        batch.drop_index("ix_topics_version")
        batch.drop_index("ix_topics_class_version")
        batch.drop_column("version")
