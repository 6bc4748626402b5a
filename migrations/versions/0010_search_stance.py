"""search by stance on PostgreSQL: posts of a side, newest first

A search with a stance filter takes the newest matching posts of that side.
Without this index PostgreSQL walked every post newest first and checked each
one's tsvector: a phrase search of common words ("fair use", for supporters)
read 30,000 rows to find 200 and took 85 ms on the 100,000-post bench data.
Walking only the posts that take a side (a quarter of them), newest first,
it takes 14 ms. SQLite finds the matches in its FTS5 index first and checks
the stance on the covering index of 0009, so it needs nothing. Like the other
search indexes, it is not declared on the models (see `search.schema_filter`).

Revision ID: 0010_search_stance
Revises: 0009_search_perf
Create Date: 2026-11-26 02:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_search_stance'
down_revision = '0009_search_perf'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index('ix_posts_stance_id', 'posts', ['stance', 'id'],
                    postgresql_where='stance IS NOT NULL')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_posts_stance_id', table_name='posts')
