"""page performance: users.post_count, indexes for the topic lists and profiles

- `users.post_count`: a member's public posts (in a public topic, not deleted,
  visible), kept by the write paths in the same transaction (posting.count_public);
  filled here from the posts.
- `topics (article_id, is_pinned, last_activity_at)` replaces `(article_id,
  last_activity_at)`: the home and article lists order by pinned first, then
  activity, and read the first 50 in index order instead of sorting them all.
- `topics (author_id, created_at)` replaces `(author_id)` for "Topics started".
- `posts (parent_id, author_id, stance, topic_id, status, deleted_at)`: a profile's
  debate sides (top-level posts: parent_id IS NULL), counted from the index alone
  (11 ms -> 2 ms for a 28,000-post author). parent_id comes first so that the
  planner never takes it for the (author_id, created_at) index the post list needs.

- `posts (topic_id, id)`: a topic's newest post id (where live updates start, and
  what they ask for) in one index probe; PostgreSQL read all 10,000 entries of the
  big topic for it (20 ms).

Only indexes and an added column: no table rebuild (0005's FTS triggers stay).

Revision ID: 0006_page_perf
Revises: 0005_find
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_page_perf'
down_revision = '0005_find'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('post_count', sa.Integer(), server_default='0', nullable=False))
    op.execute(
        "UPDATE users SET post_count = (SELECT COUNT(*) FROM posts JOIN topics ON topics.id = posts.topic_id "
        "WHERE posts.author_id = users.id AND topics.class_id IS NULL AND posts.deleted_at IS NULL "
        "AND posts.status = 'visible')")
    op.create_index('ix_topics_article_pinned_activity', 'topics',
                    ['article_id', 'is_pinned', 'last_activity_at'], unique=False)
    op.drop_index('ix_topics_article_activity', table_name='topics')
    op.create_index('ix_topics_author_created', 'topics', ['author_id', 'created_at'], unique=False)
    op.drop_index('ix_topics_author_id', table_name='topics')
    op.create_index('ix_posts_topic_id_id', 'posts', ['topic_id', 'id'], unique=False)
    op.create_index('ix_posts_author_parent_stance', 'posts',
                    ['parent_id', 'author_id', 'stance', 'topic_id', 'status', 'deleted_at'], unique=False)


def downgrade():
    op.drop_index('ix_posts_author_parent_stance', table_name='posts')
    op.drop_index('ix_posts_topic_id_id', table_name='posts')
    op.create_index('ix_topics_author_id', 'topics', ['author_id'], unique=False)
    op.drop_index('ix_topics_author_created', table_name='topics')
    op.create_index('ix_topics_article_activity', 'topics', ['article_id', 'last_activity_at'], unique=False)
    op.drop_index('ix_topics_article_pinned_activity', table_name='topics')
    op.drop_column('users', 'post_count')
