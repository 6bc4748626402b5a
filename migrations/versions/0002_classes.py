"""classes: classrooms, memberships, class debates, sides, phases, extensions, rubric, grades;
topics.class_id (private topics) and posts.phase

Revision ID: 0002_classes
Revises: 0001_foundation
Create Date: 2026-11-25 20:07:37.775309

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_classes'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('classrooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('term', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('join_code', sa.String(length=8), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_classrooms_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classrooms')),
    sa.UniqueConstraint('join_code', name=op.f('uq_classrooms_join_code'))
    )
    op.create_table('class_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('student', 'instructor')", name=op.f('ck_class_memberships_role')),
    sa.ForeignKeyConstraint(['class_id'], ['classrooms.id'], name=op.f('fk_class_memberships_class_id_classrooms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_class_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_memberships')),
    sa.UniqueConstraint('class_id', 'user_id', name=op.f('uq_class_memberships_class_id'))
    )
    with op.batch_alter_table('class_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_class_memberships_user_id', ['user_id'], unique=False)

    op.create_table('class_debate_sides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.CheckConstraint("side IN ('pro', 'con')", name=op.f('ck_class_debate_sides_side')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_class_debate_sides_topic_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_class_debate_sides_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_debate_sides')),
    sa.UniqueConstraint('topic_id', 'user_id', name=op.f('uq_class_debate_sides_topic_id'))
    )
    op.create_table('class_debates',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('side_mode', sa.String(length=10), nullable=False),
    sa.Column('side_cap', sa.Integer(), nullable=True),
    sa.Column('grades_released', sa.Boolean(), nullable=False),
    sa.CheckConstraint("side_mode IN ('manual', 'random', 'choice')", name=op.f('ck_class_debates_side_mode')),
    sa.CheckConstraint('side_cap IS NULL OR side_cap > 0', name=op.f('ck_class_debates_side_cap')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_class_debates_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', name=op.f('pk_class_debates'))
    )
    op.create_table('debate_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('word_limit', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('opening', 'rebuttal', 'closing', 'final_vote')", name=op.f('ck_debate_phases_kind')),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_debate_phases_order')),
    sa.CheckConstraint('word_limit IS NULL OR word_limit > 0', name=op.f('ck_debate_phases_word_limit')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_debate_phases_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debate_phases')),
    sa.UniqueConstraint('topic_id', 'kind', name=op.f('uq_debate_phases_topic_id'))
    )
    op.create_table('rubric_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('max_points', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_points > 0', name=op.f('ck_rubric_criteria_max_points')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_rubric_criteria_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_criteria'))
    )
    with op.batch_alter_table('rubric_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_criteria_topic_id'), ['topic_id'], unique=False)

    op.create_table('grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('points >= 0', name=op.f('ck_grades_points')),
    sa.ForeignKeyConstraint(['criterion_id'], ['rubric_criteria.id'], name=op.f('fk_grades_criterion_id_rubric_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], name=op.f('fk_grades_student_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_grades_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grades')),
    sa.UniqueConstraint('criterion_id', 'student_id', name=op.f('uq_grades_criterion_id'))
    )
    with op.batch_alter_table('grades', schema=None) as batch_op:
        batch_op.create_index('ix_grades_topic_student', ['topic_id', 'student_id'], unique=False)

    op.create_table('phase_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['phase_id'], ['debate_phases.id'], name=op.f('fk_phase_extensions_phase_id_debate_phases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_phase_extensions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_extensions')),
    sa.UniqueConstraint('phase_id', 'user_id', name=op.f('uq_phase_extensions_phase_id'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phase', sa.String(length=20), nullable=True))

    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('class_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_topics_class_id'), ['class_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_topics_class_id_classrooms'), 'classrooms', ['class_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_topics_class_id_classrooms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_topics_class_id'))
        batch_op.drop_column('class_id')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('phase')

    op.drop_table('phase_extensions')
    with op.batch_alter_table('grades', schema=None) as batch_op:
        batch_op.drop_index('ix_grades_topic_student')

    op.drop_table('grades')
    with op.batch_alter_table('rubric_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_criteria_topic_id'))

    op.drop_table('rubric_criteria')
    op.drop_table('debate_phases')
    op.drop_table('class_debates')
    op.drop_table('class_debate_sides')
    with op.batch_alter_table('class_memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_class_memberships_user_id')

    op.drop_table('class_memberships')
    op.drop_table('classrooms')
