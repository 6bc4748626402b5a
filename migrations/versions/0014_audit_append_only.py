"""the audit log is append-only in the database itself

`ModAction` refused changes only through the ORM (`AuditLogIsAppendOnly`): a raw
UPDATE or DELETE, from a shell, a script or a bug, rewrote the moderation log.
Triggers now refuse both on SQLite and PostgreSQL (and TRUNCATE on PostgreSQL),
for every connection. Nothing in the application deletes users, topics or posts
that entries point at (the foreign keys have no ON DELETE), so no cascade meets
them; the test suite empties the table with its triggers lifted, in the same
transaction (tests/conftest.py `_empty_tables`).

On SQLite a batch migration that rebuilds mod_actions drops its triggers: such
a migration must create them again.

Revision ID: 0014_audit_append_only
Revises: 0013_user_sessions
Create Date: 2026-12-06 10:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_audit_append_only'
down_revision = '0013_user_sessions'
branch_labels = None
depends_on = None

SQLITE_UP = [
    """CREATE TRIGGER mod_actions_no_update BEFORE UPDATE ON mod_actions BEGIN
        SELECT RAISE(ABORT, 'The moderation log is append-only: an entry is never changed.');
    END""",
    """CREATE TRIGGER mod_actions_no_delete BEFORE DELETE ON mod_actions BEGIN
        SELECT RAISE(ABORT, 'The moderation log is append-only: an entry is never deleted.');
    END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS mod_actions_no_update", "DROP TRIGGER IF EXISTS mod_actions_no_delete"]

POSTGRESQL_UP = [
    """CREATE FUNCTION mod_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The moderation log is append-only: % of an entry is refused.', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$""",
    """CREATE TRIGGER mod_actions_append_only BEFORE UPDATE OR DELETE ON mod_actions
        FOR EACH ROW EXECUTE FUNCTION mod_actions_append_only()""",
    """CREATE TRIGGER mod_actions_no_truncate BEFORE TRUNCATE ON mod_actions
        FOR EACH STATEMENT EXECUTE FUNCTION mod_actions_append_only()""",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS mod_actions_no_truncate ON mod_actions",
    "DROP TRIGGER IF EXISTS mod_actions_append_only ON mod_actions",
    "DROP FUNCTION IF EXISTS mod_actions_append_only()",
]


def _statements(up: bool) -> list[str]:
    if op.get_bind().dialect.name == "postgresql":
        return POSTGRESQL_UP if up else POSTGRESQL_DOWN
    return SQLITE_UP if up else SQLITE_DOWN


def upgrade():
    for statement in _statements(up=True):
        op.execute(statement)


def downgrade():
    for statement in _statements(up=False):
        op.execute(statement)
