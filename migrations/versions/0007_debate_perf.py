"""debate pages: indexes for the columns view's cards and "what changed minds"

The columns view reads one page of each side's cards in the chosen sort, and
each side's total, straight off an index, so a 10,000-post debate costs what a
small one does. The motion's arguments have partial indexes by topic and side,
with `depth = 0` (a post without a parent) as the predicate: PostgreSQL cannot
take an order from an index column constrained only by IS NULL, and SQLite's
planner, seeing `parent_id IS NULL`, guessed two rows from
ix_posts_topic_parent_created (NULL is one value among 100,000 there) and
sorted 1,700 arguments a side instead. An argument's answers are read by parent and side, from an index
of answers only (with the top-level posts in it, SQLite's planner took it for
`parent_id IS NULL` and counted 33,000 arguments of every debate). "What changed
minds" reads a small partial index of the posts that have a ∆.

Indexes only: no table is rebuilt (on SQLite a rebuild of `posts` would drop
the full-text triggers of 0005_find).

Revision ID: 0007_debate_perf
Revises: 0006_page_perf
"""
from alembic import op
import sqlalchemy as sa


revision = "0007_debate_perf"
down_revision = "0006_page_perf"
branch_labels = None
depends_on = None

TOP_LEVEL = sa.text("depth = 0")
ANSWER = sa.text("parent_id IS NOT NULL")
HAS_DELTA = sa.text("delta_count > 0")
ARGUMENTS = {  # the motion's arguments, one per sort of the columns view
    "ix_posts_arguments_votes": ["topic_id", "stance", "vote_count", "delta_count", "created_at", "id"],
    "ix_posts_arguments_deltas": ["topic_id", "stance", "delta_count", "vote_count", "created_at", "id"],
    "ix_posts_arguments_new": ["topic_id", "stance", "created_at", "id"],
}


def upgrade():
    for name, columns in ARGUMENTS.items():
        op.create_index(name, "posts", columns, sqlite_where=TOP_LEVEL, postgresql_where=TOP_LEVEL)
    op.create_index("ix_posts_answers_votes", "posts",
                    ["parent_id", "stance", "vote_count", "delta_count", "created_at", "id"],
                    sqlite_where=ANSWER, postgresql_where=ANSWER)
    op.create_index("ix_posts_with_deltas", "posts", ["topic_id"],
                    sqlite_where=HAS_DELTA, postgresql_where=HAS_DELTA)


def downgrade():
    op.drop_index("ix_posts_with_deltas", table_name="posts")
    op.drop_index("ix_posts_answers_votes", table_name="posts")
    for name in reversed(ARGUMENTS):
        op.drop_index(name, table_name="posts")
