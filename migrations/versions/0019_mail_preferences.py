"""notifications by mail: each member's choice per kind, daily digests, one-click unsubscribe

`mail_preferences` holds a member's choice for a kind of notification (off, at
once, or in the daily digest; no row: the kind's default). `mail_digest_items`
are notifications waiting for their member's digest; `mail_digests` records each
member's digest of a day (unique per member and day: `flask mail digest` run
twice the same day sends nothing twice). `mail_outbox.unsubscribe_url` is sent as
List-Unsubscribe (RFC 8058). A notification kind, `grade_released`.

Per-reader state only (a member's own mail): no topic page shows any of it, so
nothing here moves topics.version.

Revision ID: 0019_mail_preferences
Revises: 0018_mail_outbox
Create Date: 2026-12-06 05:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019_mail_preferences'
down_revision = '0018_mail_outbox'
branch_labels = None
depends_on = None

KINDS = ('reply', 'mention', 'watched', 'delta', 'vote_milestone', 'moderation', 'class_announcement', 'phase_open',
         'appeal')
NEW_KINDS = KINDS + ('grade_released',)


def _notification_kinds(kinds: tuple[str, ...]) -> None:
    """As 0016_topic_flags."""
    for table in ("notifications", "notification_opt_outs"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f'ck_{table}_kind'), type_='check')
            batch.create_check_constraint(op.f(f'ck_{table}_kind'), f"kind IN ({', '.join(map(repr, kinds))})")


def upgrade():
    _notification_kinds(NEW_KINDS)
    op.create_table(
        'mail_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.CheckConstraint(f"kind IN ({', '.join(map(repr, NEW_KINDS))})", name=op.f('ck_mail_preferences_kind')),
        sa.CheckConstraint("mode IN ('off', 'now', 'digest')", name=op.f('ck_mail_preferences_mode')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_mail_preferences')),
    )
    op.create_table(
        'mail_digests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['outbox_id'], ['mail_outbox.id'], name=op.f('fk_mail_digests_outbox_id_mail_outbox'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_digests_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_digests')),
        sa.UniqueConstraint('user_id', 'day', name=op.f('uq_mail_digests_user_id')),
    )
    op.create_table(
        'mail_digest_items',
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('digest_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['digest_id'], ['mail_digests.id'],
                                name=op.f('fk_mail_digest_items_digest_id_mail_digests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'],
                                name=op.f('fk_mail_digest_items_notification_id_notifications'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_digest_items_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('notification_id', name=op.f('pk_mail_digest_items')),
    )
    op.create_index(op.f('ix_mail_digest_items_digest_id'), 'mail_digest_items', ['digest_id'], unique=False)
    op.create_index('ix_mail_digest_items_waiting', 'mail_digest_items', ['user_id', 'digest_id'], unique=False)
    with op.batch_alter_table('mail_outbox') as batch:
        batch.add_column(sa.Column('unsubscribe_url', sa.String(length=1000), nullable=True))


def downgrade():
    with op.batch_alter_table('mail_outbox') as batch:
        batch.drop_column('unsubscribe_url')
    op.drop_index('ix_mail_digest_items_waiting', table_name='mail_digest_items')
    op.drop_index(op.f('ix_mail_digest_items_digest_id'), table_name='mail_digest_items')
    op.drop_table('mail_digest_items')
    op.drop_table('mail_digests')
    op.drop_table('mail_preferences')
    op.execute("DELETE FROM notifications WHERE kind = 'grade_released'")
    op.execute("DELETE FROM notification_opt_outs WHERE kind = 'grade_released'")
    _notification_kinds(KINDS)
