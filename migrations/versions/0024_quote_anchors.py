"""quotes anchored in the article: a sentence or phrase that topics and posts quote

`quote_anchors` keeps each quote as a TextQuoteSelector keeps one (exact text,
prefix, suffix over the article's plain text), where it was last found
(`start_offset`, `end_offset`) and whether an edit of the article took its text
away (`orphaned`). `topics.anchor_id` and `posts.anchor_id` point at it.

A topic's pages show the quote of the topic and of each of its posts, and say
when the passage was removed from the article: a change of an anchor moves the
version of the topics that quote it, directly or through a post (triggers, as
0015_topic_version). An anchor is made before what quotes it and never deleted
but with its article, so only its UPDATE moves anything.

On SQLite `topics` and `posts` are changed in place (ADD/DROP COLUMN), as
0016_topic_flags says why: a rebuild would drop their triggers.

Revision ID: 0024_quote_anchors
Revises: 0023_cross_side_unread
Create Date: 2026-12-06 06:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0024_quote_anchors'
down_revision = '0023_cross_side_unread'
branch_labels = None
depends_on = None

TABLES = ("topics", "posts")
SQLITE_NEXT = "(SELECT coalesce(max(version), 0) + 1 FROM topics)"
TRIGGER = "quote_anchors_update_moves_topic_version"


def _sqlite_trigger() -> str:
    return (f"CREATE TRIGGER {TRIGGER} AFTER UPDATE ON quote_anchors BEGIN "
            f"UPDATE topics SET version = {SQLITE_NEXT} WHERE id IN (SELECT id FROM topics WHERE anchor_id = NEW.id "
            f"UNION SELECT topic_id FROM posts WHERE anchor_id = NEW.id); END")


def _postgresql_trigger() -> list[str]:
    return [f"""CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE topics SET version = nextval('topic_versions') WHERE id IN (
                    SELECT t.id FROM topics t JOIN new_rows r ON t.anchor_id = r.id
                    UNION SELECT p.topic_id FROM posts p JOIN new_rows r ON p.anchor_id = r.id);
                RETURN NULL;
            END $$""",
            f"""CREATE TRIGGER {TRIGGER} AFTER UPDATE ON quote_anchors REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"""]


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        'quote_anchors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('exact', sa.Text(), nullable=False),
        sa.Column('prefix', sa.String(length=64), nullable=False),
        sa.Column('suffix', sa.String(length=64), nullable=False),
        sa.Column('start_offset', sa.Integer(), nullable=False),
        sa.Column('end_offset', sa.Integer(), nullable=False),
        sa.Column('orphaned', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_quote_anchors_article_id_articles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quote_anchors_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_anchors')),
    )
    op.create_index('ix_quote_anchors_article_start', 'quote_anchors', ['article_id', 'start_offset'])
    for table in TABLES:
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN anchor_id INTEGER "
                       f"CONSTRAINT fk_{table}_anchor_id_quote_anchors REFERENCES quote_anchors (id)")
        else:
            op.add_column(table, sa.Column('anchor_id', sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(f'fk_{table}_anchor_id_quote_anchors'), table, 'quote_anchors',
                                  ['anchor_id'], ['id'])
        op.create_index(op.f(f'ix_{table}_anchor_id'), table, ['anchor_id'])
    for statement in [_sqlite_trigger()] if sqlite else _postgresql_trigger():
        op.execute(statement)


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON quote_anchors")
        op.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    for table in TABLES:
        op.drop_index(op.f(f'ix_{table}_anchor_id'), table_name=table)
        if sqlite:
            op.execute(f"ALTER TABLE {table} DROP COLUMN anchor_id")
        else:
            op.drop_constraint(op.f(f'fk_{table}_anchor_id_quote_anchors'), table, type_='foreignkey')
            op.drop_column(table, 'anchor_id')
    op.drop_index('ix_quote_anchors_article_start', table_name='quote_anchors')
    op.drop_table('quote_anchors')
