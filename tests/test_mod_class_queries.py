"""The moderation queue and the class dashboard take a fixed number of queries whatever
their size, with every kind of row they show: replies with their parents, appeals,
held posts, several statuses; rebuttals, ∆, votes, polls, extensions."""
from datetime import timedelta

from sqlalchemy import select

from forum.domain import class_rules, classes, moderation, posting, reactions
from forum.extensions import db
from forum.models import FlagReason, PhaseKind, PollPhase, Post, Role, Stance, StancePoll, User, utcnow
from tests.test_views_classes import _class_of


def _queue(n, make_topic, make_post, make_user, mod):
    topic = make_topic()
    flaggers = [make_user() for _ in range(3)]
    for i in range(n):
        post = make_post(parent=make_post(topic=topic)) if i % 2 else make_post(topic=topic)
        for flagger in flaggers[:1 + i % 3]:
            moderation.flag_post(post, flagger, list(FlagReason)[i % 4])
        if i % 4 == 3:
            moderation.remove_post(post, mod, "Advertising")
            moderation.appeal_removal(post, post.author, "It was a genuine question about licences.")
        elif i % 4 == 2:
            moderation.dismiss_flags(post, mod)
    db.session.commit()


def test_queue_queries_do_not_grow_with_every_kind_of_item(client, make_topic, make_post, make_user, count_queries):
    mod = make_user(role=Role.MODERATOR)
    counts = {}
    for n in (3, 24):
        _queue(n, make_topic, make_post, make_user, mod)
        client.login(mod)
        for view in ("", "?status=all", "?status=resolved", "?reason=spam", "?page=2"):
            with count_queries() as queries:
                assert client.get(f"/mod{view}").status_code == 200
            counts.setdefault(view, []).append(len(queries))
    for view, (small, big) in counts.items():
        assert small == big <= 8, (view, small, big)  # the last benchmark's count (bench/RESULTS.md)


def _debate(make_class, make_class_debate, open_phase, students):
    """A debate with arguments (from `_class_of`), an extension, rebuttals, votes, polls and a ∆."""
    classroom, topic, members = _class_of(make_class, make_class_debate, open_phase, students)
    opening = next(v.phase for v in class_rules.phases_for(topic.id, classroom.instructor))
    classes.extend_phase(opening, members[0], utcnow() + timedelta(hours=2))
    open_phase(topic, PhaseKind.REBUTTAL, opened=timedelta(minutes=30))
    sides = class_rules.sides_of(topic)
    arguments = list(db.session.scalars(select(Post).where(Post.topic_id == topic.id).order_by(Post.id)))
    for member in members:
        target = next(p for p in arguments if sides[p.author_id] != sides[member.id])
        # Written by the instructor (not bound by phases), then credited: the counts are under test.
        reply = posting.create_post(classroom.instructor, topic, "A rebuttal to that.", parent=target,
                                    stance=Stance.CON)
        reply.author_id, reply.phase = member.id, PhaseKind.REBUTTAL
        reactions.vote(target, member)
        db.session.add(StancePoll(topic_id=topic.id, user_id=member.id, phase=PollPhase.BEFORE, value=0))
    credited = next(p for p in arguments if p.author_id != members[-1].id)  # never one's own post
    reactions.award_delta(credited, members[-1], "This explains at length exactly how the argument moved me.")
    db.session.commit()
    return topic


def test_dashboard_queries_do_not_grow_with_the_debate(client, make_class, make_class_debate, open_phase,
                                                       count_queries):
    counts = []
    for students in (3, 30):
        topic = _debate(make_class, make_class_debate, open_phase, students)
        path = f"/classes/{topic.class_id}/debates/{topic.id}/dashboard?sort=rebuttals"
        client.login(db.session.get(User, topic.author_id))
        with count_queries() as queries:
            page = client.get(path)
        assert page.status_code == 200 and "Most persuasive posts" in page.get_data(as_text=True)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts
