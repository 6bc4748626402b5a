"""versions of what pages show: an index of topics by their last activity

`caching.public_version` (every guest copy of the home page, a profile or a
search) asks for the newest activity among public topics, and the moderation
queue's version for the newest activity anywhere. Without an index of its own,
`max(last_activity_at)` read every topic: 0.7 ms of each guest copy's one
query on the 1,057 topics of the bench data, and growing with the forum. Read
backwards from this index it is one row: 0.01 ms.

SQLite chooses it for the public topics only when it knows that most topics
have no class: without statistics it would rather look them up by
`ix_topics_class_id`, one by one. So the topics table is analysed here, on
SQLite (PostgreSQL's autovacuum keeps its own statistics).

Revision ID: 0012_topic_activity
Revises: 0011_topic_roots
Create Date: 2026-11-26 06:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012_topic_activity'
down_revision = '0011_topic_roots'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_topics_activity', 'topics', ['last_activity_at'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE topics")


def downgrade():
    op.drop_index('ix_topics_activity', table_name='topics')
