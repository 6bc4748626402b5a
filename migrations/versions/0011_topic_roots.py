"""topic pages: an index of each topic's top-level posts in page order

A topic page reads its twenty top-level posts with `parent_id IS NULL ORDER BY
created_at, id`. PostgreSQL does not treat `IS NULL` as fixing `parent_id` in
ix_posts_topic_parent_created, so the order did not come from that index: it
read all 3,400 roots of the 10,000-post discussion, joined their authors and
sorted them, 9 ms for each page view. With the roots in their own partial index
in page order it reads twenty rows: 0.16 ms.

Revision ID: 0011_topic_roots
Revises: 0010_search_stance
Create Date: 2026-11-26 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_topic_roots'
down_revision = '0010_search_stance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_posts_roots', 'posts', ['topic_id', 'created_at', 'id'],
                    sqlite_where=sa.text('parent_id IS NULL'), postgresql_where=sa.text('parent_id IS NULL'))


def downgrade():
    op.drop_index('ix_posts_roots', table_name='posts')
