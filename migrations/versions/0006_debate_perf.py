"""debate pages: indexes for the columns view's cards and "what changed minds"

The columns view reads one page of each side's cards in the chosen sort, and
each side's total, straight off an index (topic, parent, stance, then the sort's
columns; "newest" uses ix_posts_topic_parent_created), so a 10,000-post debate costs what a small one does. "What changed
minds" reads a small partial index of the posts that have a ∆.

Indexes only: no table is rebuilt (on SQLite a rebuild of `posts` would drop
the full-text triggers of 0005_find).

Revision ID: 0006_debate_perf
Revises: 0005_find
"""
from alembic import op
import sqlalchemy as sa


revision = "0006_debate_perf"
down_revision = "0005_find"
branch_labels = None
depends_on = None

HAS_DELTA = sa.text("delta_count > 0")


def upgrade():
    op.create_index("ix_posts_cards_votes", "posts",
                    ["topic_id", "parent_id", "stance", "vote_count", "delta_count", "created_at", "id"])
    op.create_index("ix_posts_cards_deltas", "posts",
                    ["topic_id", "parent_id", "stance", "delta_count", "vote_count", "created_at", "id"])
    op.create_index("ix_posts_with_deltas", "posts", ["topic_id"],
                    sqlite_where=HAS_DELTA, postgresql_where=HAS_DELTA)


def downgrade():
    op.drop_index("ix_posts_with_deltas", table_name="posts")
    op.drop_index("ix_posts_cards_deltas", table_name="posts")
    op.drop_index("ix_posts_cards_votes", table_name="posts")
