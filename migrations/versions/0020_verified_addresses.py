"""confirmed addresses, changes of address that can be undone, class accounts' sign-in codes

`users.email_verified_at`: when the member's address was confirmed by the link
mailed to it (forum/domain/addresses.py); NULL while it is not. Every account
made before this revision predates confirmation links, and its address is marked
confirmed as of the account's creation, so that nothing changes for it (even
with FLASK_REQUIRE_VERIFIED_EMAIL on). `users.email` stays NOT NULL: an account
without an address (a class account) has '' (making the column nullable would
rebuild `users` on SQLite, which every other table refers to).

`email_changes`: one row per change of address, with the old address, so that
the old address's undo link can put it back for 7 days.

`class_sign_in_codes`: the accounts an instructor made from a list of names
(forum/domain/class_accounts.py), the class each was made for, and the keyed
hash of its outstanding one-time sign-in code.

Revision ID: 0020_verified_addresses
Revises: 0019_mail_preferences
Create Date: 2026-12-06 05:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0020_verified_addresses'
down_revision = '0019_mail_preferences'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_verified_at = created_at WHERE email <> ''")

    op.create_table(
        'email_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('old_address', sa.String(length=254), nullable=True),
        sa.Column('old_verified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('new_address', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_changes_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_changes')),
    )
    op.create_index('ix_email_changes_user_id', 'email_changes', ['user_id'], unique=False)

    op.create_table(
        'class_sign_in_codes',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('class_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_class_sign_in_codes_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['class_id'], ['classrooms.id'],
                                name=op.f('fk_class_sign_in_codes_class_id_classrooms'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'],
                                name=op.f('fk_class_sign_in_codes_issued_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_class_sign_in_codes')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_class_sign_in_codes_code_hash')),
    )
    op.create_index(op.f('ix_class_sign_in_codes_class_id'), 'class_sign_in_codes', ['class_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_class_sign_in_codes_class_id'), table_name='class_sign_in_codes')
    op.drop_table('class_sign_in_codes')
    op.drop_index('ix_email_changes_user_id', table_name='email_changes')
    op.drop_table('email_changes')
    op.drop_column('users', 'email_verified_at')
