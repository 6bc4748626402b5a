"""leaving: deleted accounts, and reactions that outlive the link to who gave them

`users.deleted_at`: when the member deleted their account (forum/domain/leaving.py).
The row stays, emptied (no address, no password, no display name, no bio, the
username "[deleted member]"), because their posts, topics, grades and the audit
log point at it; only the old username's look-alike skeleton is kept, so that
no one can register that name (or one like it) and pass for them.

A deleted member's quality votes, ∆ and poll answers are kept without them, so
that what the forum counts does not change: `votes.user_id`, `deltas.awarder_id`,
`stance_polls.user_id` and `source_requests.user_id` may be NULL ("given by a
member who has left"). Unique constraints over them let NULLs repeat, as they
should.

On SQLite those four tables are rebuilt (nothing references them), which drops
their 0015_topic_version triggers: they are made again after. On PostgreSQL only
the NOT NULL goes; the triggers stay.

Downgrade: the rows without a member (votes, ∆, poll answers of deleted members)
are deleted, as a NOT NULL column cannot keep them; the posts' counters keep
counting them.

Revision ID: 0021_leaving
Revises: 0020_verified_addresses
Create Date: 2026-12-06 05:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0021_leaving'
down_revision = '0020_verified_addresses'
branch_labels = None
depends_on = None

# Table -> (member column, how a row names its topic's id; `{row}` is NEW or OLD), as 0015_topic_version.
LINKS = {
    "votes": ("user_id", "(SELECT topic_id FROM posts WHERE posts.id = {row}.post_id)"),
    "deltas": ("awarder_id", "(SELECT topic_id FROM posts WHERE posts.id = {row}.post_id)"),
    "stance_polls": ("user_id", "{row}.topic_id"),
    "source_requests": ("user_id", "(SELECT topic_id FROM posts WHERE posts.id = {row}.post_id)"),
}
SQLITE_NEXT = "(SELECT coalesce(max(version), 0) + 1 FROM topics)"


def _sqlite_triggers(table: str) -> list[str]:
    """0015_topic_version's triggers of `table`, which a rebuild drops."""
    topic = LINKS[table][1]
    statements = []
    for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        name = f"{table}_{event.lower()}_moves_topic_version"
        body = " ".join(f"UPDATE topics SET version = {SQLITE_NEXT} WHERE id = {topic.format(row=row)};"
                        for row in rows)
        statements += [f"DROP TRIGGER IF EXISTS {name}",
                       f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body} END"]
    return statements


def _nullable(nullable: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (column, _) in LINKS.items():
        if not nullable:
            op.execute(f"DELETE FROM {table} WHERE {column} IS NULL")
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.Integer(), nullable=nullable)
        if sqlite:
            for statement in _sqlite_triggers(table):
                op.execute(statement)


def upgrade():
    # ADD COLUMN in place: a rebuild of `users` would cascade into every table that refers to it.
    op.add_column('users', sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    _nullable(True)


def downgrade():
    _nullable(False)
    # In place on SQLite too (3.35+), for the reason upgrade() adds it in place.
    op.execute("ALTER TABLE users DROP COLUMN deleted_at")
