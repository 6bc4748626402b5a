"""a topic's opening text is flagged, hidden, removed and appealed like a post

`topics` gains a post's moderation columns (`status`, `removal_reason`,
`removed_by_id`, `hidden_at`); `flags` and `appeals` point at a post or at a
topic (`topic_id`), exactly one of the two. The triggers of 0015_topic_version
on `flags` and `appeals` found the topic through the post only; they now take
the row's own `topic_id` when it has one.

On SQLite the topics table is changed in place (ADD/DROP COLUMN): a rebuild
would drop its triggers (search, version) and, with foreign keys on, cascade
into its posts. `flags` and `appeals` are rebuilt (nothing references them),
and their triggers made again after.

Search leaves out the topics moderation hid or removed (and the posts under
their titles): on SQLite the covering index of its topic candidates
(0009_search_perf) gains `status`, so the check still reads no topic row.

A notification kind, `appeal`: an admin is told of an appeal that waits for an
admin (its remover is the only moderator who could decide it).

Revision ID: 0016_topic_flags
Revises: 0015_trust_and_names
Create Date: 2026-12-06 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016_topic_flags'
down_revision = '0015_trust_and_names'
branch_labels = None
depends_on = None

TABLES = ("flags", "appeals")
SQLITE_NEXT = "(SELECT coalesce(max(version), 0) + 1 FROM topics)"
OPEN = sa.text("status = 'open'")
# 0009_search_perf's covering index of search candidates (SQLite), with and without `status`.
TOPICS_SEARCH_COLUMNS = ['id', 'class_id', 'created_at', 'kind', 'article_id', 'author_id']
KINDS = ('reply', 'mention', 'watched', 'delta', 'vote_milestone', 'moderation', 'class_announcement', 'phase_open')


def _notification_kinds(kinds: tuple[str, ...]) -> None:
    for table in ("notifications", "notification_opt_outs"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f'ck_{table}_kind'), type_='check')
            batch.create_check_constraint(op.f(f'ck_{table}_kind'), f"kind IN ({', '.join(map(repr, kinds))})")


def _topics_of(row: str, by_topic: bool) -> str:
    """The topic a flag or an appeal (`row`: NEW or OLD) is shown on (as 0015_topic_version)."""
    through_post = f"(SELECT topic_id FROM posts WHERE posts.id = {row}.post_id)"
    return f"id = coalesce({row}.topic_id, {through_post})" if by_topic else f"id = {through_post}"


def _sqlite_triggers(by_topic: bool) -> list[str]:
    statements = []
    for table in TABLES:
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            name = f"{table}_{event.lower()}_moves_topic_version"
            body = " ".join(f"UPDATE topics SET version = {SQLITE_NEXT} WHERE {_topics_of(row, by_topic)};"
                            for row in rows)
            statements += [f"DROP TRIGGER IF EXISTS {name}",
                           f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body} END"]
    return statements


# As 0015_topic_version: one trigger function per table and event, run once per
# statement with the statement's rows as transition tables.
EVENTS = (("INSERT", ("new_rows",)), ("UPDATE", ("old_rows", "new_rows")), ("DELETE", ("old_rows",)))


def _topic_ids_of(rows: str, by_topic: bool) -> str:
    """PostgreSQL: the topics the flags or appeals of transition table `rows` are shown on."""
    through_post = f"SELECT p.topic_id FROM posts p JOIN {rows} r ON p.id = r.post_id"
    return f"SELECT topic_id FROM {rows} WHERE topic_id IS NOT NULL UNION {through_post}" if by_topic else through_post


def _postgresql_functions(by_topic: bool) -> list[str]:
    statements = []
    for table in TABLES:
        for event, transition_tables in EVENTS:
            topic_ids = " UNION ".join(_topic_ids_of(rows, by_topic) for rows in transition_tables)
            statements.append(f"""CREATE OR REPLACE FUNCTION {table}_{event.lower()}_moves_topic_version()
            RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE topics SET version = nextval('topic_versions') WHERE id IN ({topic_ids});
                RETURN NULL;
            END $$""")
    return statements


def _targets(batch, table: str, *, unique: bool) -> None:
    batch.alter_column('post_id', existing_type=sa.Integer(), nullable=True)
    batch.add_column(sa.Column('topic_id', sa.Integer(), nullable=True))
    batch.create_foreign_key(op.f(f'fk_{table}_topic_id_topics'), 'topics', ['topic_id'], ['id'],
                             ondelete='CASCADE')
    batch.create_check_constraint(op.f(f'ck_{table}_one_target'), '(post_id IS NULL) <> (topic_id IS NULL)')
    if unique:
        batch.create_unique_constraint(op.f(f'uq_{table}_topic_id'), ['topic_id'])


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for statement in (
                "ALTER TABLE topics ADD COLUMN status VARCHAR(10) DEFAULT 'visible' NOT NULL "
                "CONSTRAINT ck_topics_status CHECK (status IN ('visible', 'hidden', 'removed'))",
                "ALTER TABLE topics ADD COLUMN removal_reason TEXT",
                "ALTER TABLE topics ADD COLUMN removed_by_id INTEGER "
                "CONSTRAINT fk_topics_removed_by_id_users REFERENCES users (id)",
                "ALTER TABLE topics ADD COLUMN hidden_at DATETIME"):
            op.execute(statement)
    else:
        op.add_column('topics', sa.Column('status', sa.String(length=10), server_default='visible', nullable=False))
        op.add_column('topics', sa.Column('removal_reason', sa.Text(), nullable=True))
        op.add_column('topics', sa.Column('removed_by_id', sa.Integer(), nullable=True))
        op.add_column('topics', sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        op.create_foreign_key(op.f('fk_topics_removed_by_id_users'), 'topics', 'users', ['removed_by_id'], ['id'])
        op.create_check_constraint(op.f('ck_topics_status'), 'topics', "status IN ('visible', 'hidden', 'removed')")
    op.create_index('ix_topics_moderated', 'topics', ['status'], sqlite_where=sa.text("status <> 'visible'"),
                    postgresql_where=sa.text("status <> 'visible'"))
    if sqlite:
        op.drop_index('ix_topics_search_cover', table_name='topics')
        op.create_index('ix_topics_search_cover', 'topics', TOPICS_SEARCH_COLUMNS + ['status'])

    # The partial unique index is made again by hand: a rebuild need not keep its WHERE.
    op.drop_index('uq_flags_open_post_flagger', table_name='flags')
    with op.batch_alter_table('flags') as batch:
        _targets(batch, 'flags', unique=False)
        batch.create_index(batch.f('ix_flags_topic_id'), ['topic_id'], unique=False)
    op.create_index('uq_flags_open_post_flagger', 'flags', ['post_id', 'flagger_id'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('uq_flags_open_topic_flagger', 'flags', ['topic_id', 'flagger_id'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    with op.batch_alter_table('appeals') as batch:
        _targets(batch, 'appeals', unique=True)

    for statement in _sqlite_triggers(by_topic=True) if sqlite else _postgresql_functions(by_topic=True):
        op.execute(statement)
    _notification_kinds(KINDS + ('appeal',))


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DELETE FROM notifications WHERE kind = 'appeal'")
    op.execute("DELETE FROM notification_opt_outs WHERE kind = 'appeal'")
    _notification_kinds(KINDS)
    # What pointed at topics goes with the columns.
    op.execute("DELETE FROM flags WHERE topic_id IS NOT NULL")
    op.execute("DELETE FROM appeals WHERE topic_id IS NOT NULL")
    op.drop_index('uq_flags_open_topic_flagger', table_name='flags')
    op.drop_index('uq_flags_open_post_flagger', table_name='flags')
    with op.batch_alter_table('appeals') as batch:
        batch.drop_constraint(op.f('uq_appeals_topic_id'), type_='unique')
        batch.drop_constraint(op.f('ck_appeals_one_target'), type_='check')
        batch.drop_constraint(op.f('fk_appeals_topic_id_topics'), type_='foreignkey')
        batch.drop_column('topic_id')
        batch.alter_column('post_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('flags') as batch:
        batch.drop_index(batch.f('ix_flags_topic_id'))
        batch.drop_constraint(op.f('ck_flags_one_target'), type_='check')
        batch.drop_constraint(op.f('fk_flags_topic_id_topics'), type_='foreignkey')
        batch.drop_column('topic_id')
        batch.alter_column('post_id', existing_type=sa.Integer(), nullable=False)
    op.create_index('uq_flags_open_post_flagger', 'flags', ['post_id', 'flagger_id'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    for statement in _sqlite_triggers(by_topic=False) if sqlite else _postgresql_functions(by_topic=False):
        op.execute(statement)

    op.drop_index('ix_topics_moderated', table_name='topics')
    if sqlite:
        op.drop_index('ix_topics_search_cover', table_name='topics')
        op.create_index('ix_topics_search_cover', 'topics', TOPICS_SEARCH_COLUMNS)
        for column in ('hidden_at', 'removed_by_id', 'removal_reason', 'status'):
            op.execute(f"ALTER TABLE topics DROP COLUMN {column}")
    else:
        op.drop_constraint(op.f('ck_topics_status'), 'topics', type_='check')
        op.drop_constraint(op.f('fk_topics_removed_by_id_users'), 'topics', type_='foreignkey')
        for column in ('hidden_at', 'removed_by_id', 'removal_reason', 'status'):
            op.drop_column('topics', column)
