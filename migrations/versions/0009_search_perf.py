"""search performance: covering indexes for the search candidates on SQLite; FTS5 indexes merged

A search takes the newest matches from the full-text index, then checks each
against its post and topic (visibility, the person's filters, the date). On
SQLite a post row holds its Markdown and HTML, a page or more each, so that
check read a page per match; these indexes hold just the columns it needs.
PostgreSQL checks the match against the row's tsvector anyway, so an index
would not spare it the row. Like the search tables of 0005_find, they are not
declared on the models (see `search.schema_filter`).

Revision ID: 0009_search_perf
Revises: 0008_mod_class_perf
Create Date: 2026-11-25 23:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_search_perf'
down_revision = '0008_mod_class_perf'
branch_labels = None
depends_on = None

# Keep in step with forum.domain.search.SEARCH_INDEXES and with what search.py filters on.
POSTS_COLUMNS = ['id', 'topic_id', 'created_at', 'status', 'deleted_at', 'stance', 'author_id']
TOPICS_COLUMNS = ['id', 'class_id', 'created_at', 'kind', 'article_id', 'author_id']


def upgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.create_index('ix_posts_search_cover', 'posts', POSTS_COLUMNS)
    op.create_index('ix_topics_search_cover', 'topics', TOPICS_COLUMNS)
    # One segment per index instead of the many a bulk load leaves (see search.optimize_index).
    for name in ('posts_fts', 'topics_fts'):
        op.execute(f"INSERT INTO {name}({name}) VALUES ('optimize')")


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.drop_index('ix_topics_search_cover', table_name='topics')
    op.drop_index('ix_posts_search_cover', table_name='posts')
