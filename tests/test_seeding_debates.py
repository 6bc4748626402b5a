"""The demo seed stores the debates' sources, votes, ∆ and polls, once."""
from sqlalchemy import func, select

from forum.domain import debates
from forum.extensions import db
from forum.models import Delta, Post, Source, StancePoll, Topic, Vote
from forum.seed import demo as seeding


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_reactions_are_meaningful_and_idempotent(app):
    report = seeding.seed_demo()
    db.session.commit()
    assert report.created["sources"] == _count(Source) >= 5
    assert _count(Vote) > 50 and _count(Delta) >= 6 and _count(StancePoll) >= 40
    # Counters match the rows they count.
    assert db.session.scalar(select(func.sum(Post.vote_count))) == _count(Vote)
    assert db.session.scalar(select(func.sum(Post.delta_count))) == _count(Delta)
    assert db.session.scalar(select(func.count()).select_from(Vote).join(Post, Post.id == Vote.post_id)
                             .where(Post.author_id == Vote.user_id)) == 0
    assert all(len(d.explanation) >= 50 for d in db.session.scalars(select(Delta)))
    # The public debates (the demo class's running debate has no "after" poll yet: test_demo_class).
    for topic in db.session.scalars(select(Topic).where(Topic.kind == "debate", Topic.class_id.is_(None))):
        results = debates.poll_results(topic)
        assert results.total_before == results.total_after > 0
        assert results.moved_pro + results.moved_con > 0

    again = seeding.seed_demo()
    db.session.commit()
    assert again.created == {}
    assert (_count(Vote), _count(Delta), _count(StancePoll), _count(Source)) == (
        report.created["votes"], report.created["∆"], report.created["poll answers"], report.created["sources"])
