"""moderation queue and class dashboard: indexes for the queue and an author's history;
posts.word_count for the dashboard

Only new indexes and a nullable column: no table is rebuilt (on SQLite that would
drop the FTS5 triggers of 0005_find). The posts of class topics get their
word_count here (the dashboard sums it); public posts written before this
revision keep NULL, which nothing reads.

Revision ID: 0008_mod_class_perf
Revises: 0007_debate_perf
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0008_mod_class_perf'
down_revision = '0007_debate_perf'
branch_labels = None
depends_on = None


def _count_words(markdown_source):
    """forum.domain.classes.count_words as of this revision (a migration does not import the app)."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown_source or "")
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text))


def upgrade():
    op.add_column('posts', sa.Column('word_count', sa.Integer(), nullable=True))
    posts = sa.table('posts', sa.column('id'), sa.column('topic_id'), sa.column('body_md'), sa.column('word_count'))
    topics = sa.table('topics', sa.column('id'), sa.column('class_id'))
    conn = op.get_bind()
    rows = conn.execute(sa.select(posts.c.id, posts.c.body_md).where(posts.c.topic_id.in_(
        sa.select(topics.c.id).where(topics.c.class_id.is_not(None))))).all()
    if rows:
        conn.execute(posts.update().where(posts.c.id == sa.bindparam('b_id'))
                     .values(word_count=sa.bindparam('b_words')),
                     [{'b_id': post_id, 'b_words': _count_words(body)} for post_id, body in rows])
    op.create_index('ix_posts_author_status', 'posts', ['author_id', 'status'], unique=False)
    op.create_index('ix_posts_moderated', 'posts', ['status'], unique=False,
                    sqlite_where=sa.text("status <> 'visible'"), postgresql_where=sa.text("status <> 'visible'"))


def downgrade():
    op.drop_index('ix_posts_moderated', table_name='posts',
                  sqlite_where=sa.text("status <> 'visible'"), postgresql_where=sa.text("status <> 'visible'"))
    op.drop_index('ix_posts_author_status', table_name='posts')
    op.drop_column('posts', 'word_count')
