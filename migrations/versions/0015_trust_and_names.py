"""names no one can borrow, and where an account was registered from

`users.username_skeleton` and `users.display_skeleton` hold what a username and
a display name look like (the UTS #39 confusables skeleton and a small fold of
our own, forum/domain/names.py), indexed, so that "does this name look like
another member's?" is one query. They are filled in here for existing members.
`users.registration_tag` is a keyed hash of the address an account was
registered from (forum/web/limits.py `address_tag`), never the address: NULL
for the accounts made before it.

Revision ID: 0015_trust_and_names
Revises: 0015_topic_version
Create Date: 2026-12-06 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015_trust_and_names'
down_revision = '0015_topic_version'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('username_skeleton', sa.String(length=255), server_default='',
                                     nullable=False))
    op.add_column('users', sa.Column('display_skeleton', sa.String(length=255), nullable=True))
    op.add_column('users', sa.Column('registration_tag', sa.String(length=32), nullable=True))
    op.create_index(op.f('ix_users_username_skeleton'), 'users', ['username_skeleton'], unique=False)
    op.create_index(op.f('ix_users_display_skeleton'), 'users', ['display_skeleton'], unique=False)

    # The same function the application compares names with, so old and new agree.
    from forum.domain.names import skeleton
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('display_name', sa.String), sa.column('username_skeleton', sa.String),
                     sa.column('display_skeleton', sa.String))
    conn = op.get_bind()
    for user_id, username, display_name in conn.execute(sa.select(users.c.id, users.c.username,
                                                                  users.c.display_name)).all():
        conn.execute(users.update().where(users.c.id == user_id).values(
            username_skeleton=skeleton(username), display_skeleton=skeleton(display_name) or None))


def downgrade():
    op.drop_index(op.f('ix_users_display_skeleton'), table_name='users')
    op.drop_index(op.f('ix_users_username_skeleton'), table_name='users')
    op.drop_column('users', 'registration_tag')
    op.drop_column('users', 'display_skeleton')
    op.drop_column('users', 'username_skeleton')
