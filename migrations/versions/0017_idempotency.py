"""a form that makes a post is sent once: its one-time key, kept per author

`sent_forms` holds, for each reply, argument or topic form that made something,
the one-time key it carried (unique per author: the primary key), a hash of
what it said, and what it made. A second request with the key makes nothing
and leads there (forum/domain/sent_forms.py).

Revision ID: 0017_idempotency
Revises: 0016_topic_flags
Create Date: 2026-12-06 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017_idempotency'
down_revision = '0016_topic_flags'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sent_forms',
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=True),
        sa.Column('post_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_sent_forms_author_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_sent_forms_topic_id_topics'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_sent_forms_post_id_posts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('author_id', 'key', name=op.f('pk_sent_forms')),
    )
    op.create_index(op.f('ix_sent_forms_topic_id'), 'sent_forms', ['topic_id'], unique=False)
    op.create_index(op.f('ix_sent_forms_post_id'), 'sent_forms', ['post_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_sent_forms_post_id'), table_name='sent_forms')
    op.drop_index(op.f('ix_sent_forms_topic_id'), table_name='sent_forms')
    op.drop_table('sent_forms')
