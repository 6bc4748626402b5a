"""seed-bench at a tiny size: counters match the rows, the same seed gives the
same rows, and the reply trees have the promised shape."""
import hashlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from forum.domain import debates, markup, reactions
from forum.extensions import db
from forum.models import ClassMembership, Delta, Post, SourceRequest, Topic, User, Vote
from forum.seed import bench as benchdata
from tests.conftest import _empty_tables

SIZE = 300


def _seed(seed: int = 7) -> benchdata.BenchState:
    state = benchdata.seed_bench(SIZE, seed)
    db.session.commit()
    return state


def _digest() -> str:
    rows = db.session.execute(
        select(Post.id, Post.topic_id, Post.parent_id, Post.root_id, Post.depth, Post.author_id,
               Post.stance, Post.body_md, Post.created_at, Post.reply_count).order_by(Post.id)).all()
    rows += db.session.execute(
        select(Topic.id, Topic.title, Topic.kind, Topic.post_count, Topic.root_count).order_by(Topic.id)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_seed_bench_counters_match_rows(app):
    state = _seed()
    assert db.session.scalar(select(func.count()).select_from(Post)) == SIZE == state.rows["posts"]
    assert db.session.scalar(select(func.count()).select_from(User)) == len(state.users) >= 40
    counted = dict(db.session.execute(select(Post.topic_id, func.count()).group_by(Post.topic_id)).all())
    roots = dict(db.session.execute(select(Post.topic_id, func.count())
                                    .where(Post.parent_id.is_(None)).group_by(Post.topic_id)).all())
    latest = dict(db.session.execute(select(Post.topic_id, func.max(Post.created_at))
                                     .group_by(Post.topic_id)).all())
    for topic in db.session.scalars(select(Topic)):
        assert topic.post_count == counted[topic.id]
        assert topic.root_count == roots[topic.id]
        assert topic.last_activity_at == latest[topic.id]
    children = dict(db.session.execute(select(Post.parent_id, func.count())
                                       .where(Post.parent_id.is_not(None)).group_by(Post.parent_id)).all())
    for post in db.session.scalars(select(Post)):
        assert post.reply_count == children.get(post.id, 0)


def test_seed_bench_roots_and_depths_agree_with_parents(app):
    _seed()
    parent = aliased(Post)
    pairs = db.session.execute(select(Post, parent).join(parent, Post.parent_id == parent.id)).all()
    assert pairs
    for child, up in pairs:
        assert child.depth == up.depth + 1
        assert child.root_id == (up.root_id or up.id)
        assert child.topic_id == up.topic_id
        assert child.created_at > up.created_at
    assert db.session.scalar(select(func.count()).where(Post.parent_id.is_(None),
                                                        Post.root_id.is_not(None))) == 0


def test_seed_bench_trees_have_the_promised_shape(app):
    state = _seed()
    depths = dict(db.session.execute(select(Post.depth, func.count()).group_by(Post.depth)).all())
    chain_posts = len(state.chain_leaves) * benchdata.CHAIN_DEPTH
    shallow = sum(n for depth, n in depths.items() if depth <= 3)
    # Apart from the chains, nearly every post sits within three levels of a root.
    assert shallow >= 0.9 * (SIZE - chain_posts)
    assert len(state.chain_leaves) >= 3
    assert depths[benchdata.CHAIN_DEPTH] == len(state.chain_leaves)
    assert max(depths) == benchdata.CHAIN_DEPTH
    big = db.session.get(Topic, state.big_discussion), db.session.get(Topic, state.big_debate)
    assert [t.kind for t in big] == ["discussion", "debate"]
    assert big[0].post_count == big[1].post_count == max(t.post_count for t in db.session.scalars(select(Topic)))
    debate_roots = db.session.scalars(select(Post.stance).where(Post.topic_id == big[1].id,
                                                                Post.parent_id.is_(None))).all()
    assert set(debate_roots) == {"pro", "con"}


def test_seed_bench_stores_html_as_the_write_path_would(app):
    _seed()
    for post in db.session.scalars(select(Post).limit(25)):
        assert post.body_html == markup.render(post.body_md)


def test_seed_bench_is_deterministic(app):
    _seed(seed=7)
    first = _digest()
    _empty_tables()
    _seed(seed=7)
    assert _digest() == first
    _empty_tables()
    _seed(seed=8)
    assert _digest() != first


def test_seed_bench_refuses_a_database_with_posts(app, make_post):
    make_post()
    with pytest.raises(ValueError):
        benchdata.seed_bench(SIZE, 1)


def test_seed_bench_reaction_counters_match_rows(app):
    benchdata.seed_bench(3000, 1)
    db.session.commit()
    for model, counter in ((Vote, Post.vote_count), (Delta, Post.delta_count),
                           (SourceRequest, Post.needs_source_count)):
        rows = dict(db.session.execute(select(model.post_id, func.count()).group_by(model.post_id)).all())
        assert rows, model
        kept = dict(db.session.execute(select(Post.id, counter)).all())
        assert {post_id: n for post_id, n in kept.items() if n} == rows, model
    answers = db.session.execute(select(Post.parent_id, Post.stance, func.count())
                                 .where(Post.parent_id.is_not(None)).group_by(Post.parent_id, Post.stance)).all()
    by_stance = {(parent, stance): n for parent, stance, n in answers}
    for post in db.session.scalars(select(Post)):
        assert (post.pro_count, post.con_count, post.comment_count) == (
            by_stance.get((post.id, "pro"), 0), by_stance.get((post.id, "con"), 0),
            by_stance.get((post.id, None), 0))
    # Reactions only on public topics, never on one's own post; ∆ carry an explanation.
    assert not db.session.scalar(select(func.count()).select_from(Vote).join(Post, Post.id == Vote.post_id)
                                 .where(Post.author_id == Vote.user_id))
    # In the class's private debate, only its members react (fill_class's own votes).
    assert not db.session.scalar(
        select(func.count()).select_from(Vote).join(Post, Post.id == Vote.post_id)
        .join(Topic, Topic.id == Post.topic_id).where(Topic.class_id.is_not(None))
        .where(~select(ClassMembership.user_id).where(ClassMembership.class_id == Topic.class_id,
                                                      ClassMembership.user_id == Vote.user_id).exists()))
    for delta in db.session.scalars(select(Delta)):
        assert delta.recipient_id == delta.post.author_id != delta.awarder_id
        assert len(delta.explanation) >= reactions.DELTA_MIN_EXPLANATION
    # The big debate's polls come from a few hundred people, in both phases.
    debate = db.session.get(Topic, db.session.scalar(select(Topic.id).where(Topic.kind == "debate")
                                                     .order_by(Topic.post_count.desc(), Topic.id).limit(1)))
    results = debates.poll_results(debate)
    assert results.total_before >= 40 and 0 < results.total_after <= results.total_before
    # Reactions happen before the topic's last activity, which stays its latest post.
    latest = dict(db.session.execute(select(Post.topic_id, func.max(Post.created_at)).group_by(Post.topic_id)).all())
    assert all(t.last_activity_at == latest[t.id] for t in db.session.scalars(select(Topic)))
    assert db.session.scalar(select(func.count()).select_from(Vote).join(Post, Post.id == Vote.post_id)
                             .where(Vote.created_at < Post.created_at)) == 0
    # Each author's public post count, after the flags hid and removed some of their posts.
    public = dict(db.session.execute(
        select(Post.author_id, func.count()).join(Topic, Topic.id == Post.topic_id)
        .where(Topic.class_id.is_(None), Post.deleted_at.is_(None), Post.status == "visible")
        .group_by(Post.author_id)).all())
    assert {u.id: u.post_count for u in db.session.scalars(select(User)) if u.post_count} == public
