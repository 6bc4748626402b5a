"""every stance-poll answer kept with its time, and the arguments a changed answer credits

`stance_polls` keeps its meaning: one row per (topic, member, phase), the
current answers. `poll_answers` keeps every answer given, with its time (a
reader's timeline: before, each change after); it starts with a copy of the
current answers. `poll_credits` names the arguments (up to three) a changed
answer credits with moving the reader.

A credit changes what a debate's pages show (how many readers an argument
moved, "what changed minds"), so `poll_credits` moves `topics.version` as
0015_topic_version's tables do (its topic through the post). `poll_answers`
does not: a reader's timeline is theirs alone and goes into the viewer state
(forum/pages/viewer.py); the counts the pages show come from `stance_polls`
and `poll_credits`, which both move the version.

Revision ID: 0022_poll_history
Revises: 0021_leaving
Create Date: 2026-12-06 05:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0022_poll_history'
# Repointed by the lead: the chain is 0018 → 0019 → 0020 → 0021 → 0022 → 0023 → 0024.
down_revision = '0021_leaving'
branch_labels = None
depends_on = None

TABLE = "poll_credits"
SQLITE_NEXT = "(SELECT coalesce(max(version), 0) + 1 FROM topics)"
EVENTS = (("INSERT", ("NEW",), "REFERENCING NEW TABLE AS new_rows", ("new_rows",)),
          ("UPDATE", ("OLD", "NEW"), "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
           ("old_rows", "new_rows")),
          ("DELETE", ("OLD",), "REFERENCING OLD TABLE AS old_rows", ("old_rows",)))


def _sqlite_triggers() -> list[str]:
    statements = []
    for event, rows, _, _ in EVENTS:
        body = " ".join(f"UPDATE topics SET version = {SQLITE_NEXT} WHERE id = "
                        f"(SELECT topic_id FROM posts WHERE posts.id = {row}.post_id);" for row in rows)
        statements.append(f"CREATE TRIGGER {TABLE}_{event.lower()}_moves_topic_version "
                          f"AFTER {event} ON {TABLE} BEGIN {body} END")
    return statements


def _postgresql_triggers() -> list[str]:
    """Once per statement, with the statement's rows as transition tables (as 0015_topic_version)."""
    statements = []
    for event, _, referencing, transition_tables in EVENTS:
        topic_ids = " UNION ".join(f"SELECT p.topic_id FROM posts p JOIN {rows} r ON p.id = r.post_id"
                                   for rows in transition_tables)
        name = f"{TABLE}_{event.lower()}_moves_topic_version"
        statements.append(f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE topics SET version = nextval('topic_versions') WHERE id IN ({topic_ids});
            RETURN NULL;
        END $$""")
        statements.append(f"""CREATE TRIGGER {name} AFTER {event} ON {TABLE} {referencing}
            FOR EACH STATEMENT EXECUTE FUNCTION {name}()""")
    return statements


def upgrade():
    op.create_table(
        'poll_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        # NULL once the reader deleted their account (domain/leaving.py): the answer stays, unlinked.
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('phase', sa.String(length=10), nullable=False),
        sa.Column('value', sa.SmallInteger(), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("phase IN ('before', 'after')", name=op.f('ck_poll_answers_phase')),
        sa.CheckConstraint('value BETWEEN -2 AND 2', name=op.f('ck_poll_answers_value')),
        sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_poll_answers_topic_id_topics'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_poll_answers_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_answers')),
    )
    op.create_index('ix_poll_answers_reader', 'poll_answers', ['topic_id', 'user_id', 'phase', 'id'], unique=False)
    op.create_index(op.f('ix_poll_answers_user_id'), 'poll_answers', ['user_id'], unique=False)
    op.create_table(
        'poll_credits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('answer_id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['answer_id'], ['poll_answers.id'], name=op.f('fk_poll_credits_answer_id_poll_answers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_poll_credits_post_id_posts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_credits')),
        sa.UniqueConstraint('answer_id', 'post_id', name=op.f('uq_poll_credits_answer_id')),
    )
    op.create_index(op.f('ix_poll_credits_post_id'), 'poll_credits', ['post_id'], unique=False)
    # The timelines start with the answers kept so far (their latest value and time).
    op.execute("INSERT INTO poll_answers (topic_id, user_id, phase, value, answered_at) "
               "SELECT topic_id, user_id, phase, value, answered_at FROM stance_polls ORDER BY answered_at, id")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql_triggers() if postgresql else _sqlite_triggers():
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for event, *_ in EVENTS:
        name = f"{TABLE}_{event.lower()}_moves_topic_version"
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f('ix_poll_credits_post_id'), table_name='poll_credits')
    op.drop_table('poll_credits')
    op.drop_index(op.f('ix_poll_answers_user_id'), table_name='poll_answers')
    op.drop_index('ix_poll_answers_reader', table_name='poll_answers')
    op.drop_table('poll_answers')
