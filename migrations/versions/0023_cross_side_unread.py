"""read marks: what each member has read of each topic ("New since your last visit")

`topic_reads` holds, per member and topic, the newest post of the topic when
the member last opened it (and when). Posts after it are "new" to that member:
the unread counts on topic lists, the "New" marks and the "first unread" link.
Only its member ever sees a row, so no trigger moves `topics.version` for it
(migration 0015): it is part of the member's viewer state (pages/viewer.py).

The "valued by both sides" score of the same issue needs no schema: it is
computed from `votes` and `stance_polls`, which already move the version.

Revision ID: 0023_cross_side_unread
Revises: 0022_poll_history
Create Date: 2026-12-06 05:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0023_cross_side_unread'
# TEMPORARY: 0022_poll_history does not exist yet; the lead re-points this at it.
down_revision = '0022_poll_history'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'topic_reads',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('last_seen_post_id', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_reads_topic_id_topics'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_topic_reads_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'topic_id', name=op.f('pk_topic_reads')),
    )
    op.create_index(op.f('ix_topic_reads_topic_id'), 'topic_reads', ['topic_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_topic_reads_topic_id'), table_name='topic_reads')
    op.drop_table('topic_reads')
