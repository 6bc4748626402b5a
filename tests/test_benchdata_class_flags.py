"""seed-bench's class and flags: at 3,000 posts every counter equals its rows and the
class and moderation invariants hold as the write path would leave them."""
from collections import Counter

import pytest
from sqlalchemy import func, select

from forum.domain import class_rules, classes
from forum.extensions import db
from forum.models import (Appeal, AppealStatus, ClassDebateSide, ClassMembership, ClassRole, Classroom,
                          DebatePhase, Delta, Flag, FlagStatus, ModAction, PhaseExtension, Post, PostStatus,
                          StancePoll, Topic, User, Vote)
from forum.seed import bench as benchdata

SIZE = 3_000


@pytest.fixture
def bench(app):
    state = benchdata.seed_bench(SIZE, 1)
    db.session.commit()
    return state


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_class_has_forty_students_with_sides(bench):
    classroom = db.session.get(Classroom, bench.bench_class)
    roles = Counter(db.session.scalars(select(ClassMembership.role).where(ClassMembership.class_id == classroom.id)))
    assert roles == {ClassRole.STUDENT: 40, ClassRole.INSTRUCTOR: 1}
    instructor = db.session.scalar(select(User).join(ClassMembership, ClassMembership.user_id == User.id)
                                   .where(ClassMembership.role == ClassRole.INSTRUCTOR))
    assert instructor.username == "bench0002" == classroom.created_by.username
    students = set(classes.student_ids(classroom.id))
    assert db.session.scalar(select(User.id).where(User.username == "bench0003")) in students
    assert db.session.scalar(select(User.id).where(User.username == "bench0010")) not in students
    sides = class_rules.sides_of(db.session.get(Topic, bench.class_debate))
    assert set(sides) == students
    assert abs(Counter(sides.values())["pro"] - Counter(sides.values())["con"]) <= 1


def test_class_posts_keep_the_total_and_the_phase_rules(bench):
    topic = db.session.get(Topic, bench.class_debate)
    assert topic.class_id == bench.bench_class and topic.is_debate
    assert _count(Post) == SIZE
    posts = list(db.session.scalars(select(Post).where(Post.topic_id == topic.id)))
    assert len(posts) == benchdata.class_post_budget(SIZE) == topic.post_count
    assert topic.root_count == sum(1 for p in posts if p.parent_id is None)
    assert topic.last_activity_at == max(p.created_at for p in posts)
    sides = class_rules.sides_of(topic)
    members = set(classes.student_ids(topic.class_id)) | {topic.author_id}
    by_id = {p.id: p for p in posts}
    phases = {p.kind: p for p in db.session.scalars(select(DebatePhase).where(DebatePhase.topic_id == topic.id))}
    extended = {e.user_id: e.closes_at for e in db.session.scalars(select(PhaseExtension))}
    assert len(extended) == 2
    for post in posts:
        assert post.author_id in members
        phase = phases[post.phase]
        words = class_rules.count_words(post.body_md)
        assert phase.word_limit is None or words <= phase.word_limit
        assert phase.opens_at <= post.created_at
        if post.author_id in sides:
            assert post.created_at < extended.get(post.author_id, phase.closes_at) or post.parent_id
            if post.parent_id is None:
                assert post.stance == sides[post.author_id] and post.phase in ("opening", "closing")
            else:
                parent = by_id[post.parent_id]
                assert class_rules.post_side(parent, sides) == class_rules.other_side(sides[post.author_id])
    late = [p for p in posts if p.created_at > phases[p.phase].closes_at]
    assert late and {p.author_id for p in late} <= set(extended)
    for post in posts:
        replies = [p for p in posts if p.parent_id == post.id]
        assert post.reply_count == len(replies)
        assert post.pro_count == sum(1 for p in replies if p.stance == "pro")
        assert post.con_count == sum(1 for p in replies if p.stance == "con")
        assert post.comment_count == sum(1 for p in replies if p.stance is None)


def test_class_reactions_are_counted_and_stay_in_the_class(bench):
    topic = db.session.get(Topic, bench.class_debate)
    members = set(classes.student_ids(topic.class_id)) | {topic.author_id}
    votes = Counter(db.session.scalars(select(Vote.post_id).join(Post, Post.id == Vote.post_id)
                                       .where(Post.topic_id == topic.id)))
    deltas = Counter(db.session.scalars(select(Delta.post_id).join(Post, Post.id == Delta.post_id)
                                        .where(Post.topic_id == topic.id)))
    assert sum(votes.values()) > 0 and sum(deltas.values()) > 0
    for post in db.session.scalars(select(Post).where(Post.topic_id == topic.id)):
        assert (post.vote_count, post.delta_count) == (votes[post.id], deltas[post.id])
    voters = set(db.session.scalars(select(Vote.user_id).join(Post, Post.id == Vote.post_id)
                                    .where(Post.topic_id == topic.id)))
    assert voters <= members
    for delta in db.session.scalars(select(Delta)):
        assert delta.recipient_id == delta.post.author_id != delta.awarder_id
        assert len(delta.explanation) >= 50
    polls = list(db.session.scalars(select(StancePoll).where(StancePoll.topic_id == topic.id)))
    assert {p.phase for p in polls} == {"before", "after"}
    assert {p.user_id for p in polls} <= members


def test_flags_and_moderation_rows_agree(bench, app):
    flags = list(db.session.scalars(select(Flag)))
    flagged = {f.post_id for f in flags}
    assert 40 <= len(flagged) <= 400
    assert {f.status for f in flags} == {"open", "dismissed", "upheld"}
    assert len({f.reason for f in flags}) >= 4
    class_posts = set(db.session.scalars(select(Post.id).where(Post.topic_id == bench.class_debate)))
    assert not flagged & class_posts
    threshold = app.config["FLAG_HIDE_THRESHOLD"]
    by_post: dict[int, list[Flag]] = {}
    for flag in flags:
        by_post.setdefault(flag.post_id, []).append(flag)
        assert flag.flagger_id != flag.post.author_id
        assert flag.reason != "other" or flag.note
    actions = Counter((a.action, a.post_id) for a in db.session.scalars(select(ModAction)))
    for post_id, post_flags in by_post.items():
        post = db.session.get(Post, post_id)
        assert len({f.flagger_id for f in post_flags}) == len(post_flags)
        statuses = {f.status for f in post_flags}
        assert len(statuses) == 1
        many = len(post_flags) >= threshold
        assert actions[("auto_hide", post_id)] == int(many)
        if statuses == {FlagStatus.OPEN}:
            assert post.status == (PostStatus.HIDDEN if many else PostStatus.VISIBLE)
            assert (post.hidden_at is not None) == many
        elif statuses == {FlagStatus.DISMISSED}:
            assert post.status == PostStatus.VISIBLE and actions[("dismiss", post_id)] == 1
        else:
            assert post.status == PostStatus.REMOVED and post.removal_reason and post.removed_by_id
            assert actions[("remove", post_id)] == 1
        assert post.created_at < min(f.created_at for f in post_flags)
        if post.hidden_at is not None:
            assert post.hidden_at <= post.topic.last_activity_at
    appeals = list(db.session.scalars(select(Appeal)))
    assert {a.status for a in appeals} == {"open", "upheld"}
    assert all(a.post.status == PostStatus.REMOVED and a.author_id == a.post.author_id for a in appeals)
    for appeal in appeals:
        assert actions[("appeal_upheld", appeal.post_id)] == int(appeal.status == AppealStatus.UPHELD)
    suspended = list(db.session.scalars(select(User).where(User.suspended_until.is_not(None))))
    assert len(suspended) == 2
    suspensions = Counter(db.session.scalars(select(ModAction.user_id).where(ModAction.action == "suspend")))
    assert suspensions == {u.id: 1 for u in suspended}
    assert not {u.username for u in suspended} & {"bench0000", "bench0001", "bench0002", "bench0003", "bench0010"}
