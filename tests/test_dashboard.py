"""The class dashboard's counts, grouped in SQL: arguments, rebuttals and comments as
the phase rules define them, words, ∆ both ways, votes, late posts, per phase."""
from datetime import timedelta

from sqlalchemy import create_engine, text

from forum.domain import classes, posting, reactions
from forum.extensions import db
from forum.models import PhaseKind, Stance, utcnow
from forum.pages import class_pages
from tests.test_migrations import _flask


def test_dashboard_classifies_replies_and_late_posts(make_class, make_class_debate, make_user):
    classroom = make_class()
    topic = make_class_debate(classroom)
    teacher = classroom.instructor
    pro, con, quiet = make_user(), make_user(), make_user()
    for student in (pro, con, quiet):
        classes.join_class(student, classroom.join_code)
    classes.set_sides(topic, {pro.id: Stance.PRO, con.id: Stance.CON})
    now = utcnow()
    rebuttal = classes.set_phase(topic, PhaseKind.REBUTTAL, now - timedelta(hours=3), now - timedelta(hours=1))
    classes.extend_phase(rebuttal, con, now + timedelta(hours=1))

    def write(author, body, parent=None, stance=None, phase=None):
        # Written by the instructor (not bound by phases), then credited: the counts are under test.
        post = posting.create_post(teacher, topic, body, parent=parent, stance=stance)
        post.author_id, post.phase = author.id, phase
        db.session.flush()
        return post

    pay = write(pro, "Pay them for the work", stance=Stance.PRO, phase=PhaseKind.OPENING)
    volunteer = write(con, "Testing is volunteer work", stance=Stance.CON, phase=PhaseKind.OPENING)
    write(con, "No they chose", parent=pay, stance=Stance.CON, phase=PhaseKind.REBUTTAL)  # rebuttal, late
    write(pro, "And more", parent=pay, stance=Stance.PRO, phase=PhaseKind.REBUTTAL)  # own side: a comment
    aside = write(teacher, "Consider the contract", parent=volunteer)
    write(pro, "Yes", parent=aside, phase=PhaseKind.REBUTTAL)  # answers no side: a comment
    posting.delete_post(write(con, "Withdrawn words here", parent=pay, stance=Stance.CON,
                              phase=PhaseKind.REBUTTAL), con)
    db.session.commit()
    reactions.vote(pay, con)
    reactions.award_delta(pay, quiet, "Quiet explains at length exactly how this argument changed their view.")
    db.session.commit()

    page = class_pages.dashboard(teacher, topic.id, "name")
    rows = {r.membership.user_id: r for r in page.rows}
    counts = lambda r: (r.arguments, r.rebuttals, r.comments, r.words, r.deltas_received,  # noqa: E731
                        r.deltas_given, r.votes_received, r.late)
    assert counts(rows[pro.id]) == (1, 0, 2, 8, 1, 0, 1, 0)
    assert counts(rows[con.id]) == (1, 1, 0, 7, 0, 0, 0, 1)
    assert counts(rows[quiet.id]) == (0, 0, 0, 0, 0, 1, 0, 0)
    assert dict(rows[pro.id].per_phase) == {"opening": 1, "rebuttal": 2}
    assert dict(rows[con.id].per_phase) == {"opening": 1, "rebuttal": 1}
    assert (rows[pro.id].side, rows[con.id].side, rows[quiet.id].side) == ("pro", "con", None)
    assert rows[pro.id].last_activity is not None and rows[quiet.id].last_activity is None
    assert [r.membership.user_id for r in page.needs_nudge] == [quiet.id]
    assert [(p.id, p.delta_count) for p, _ in page.persuasive] == [(pay.id, 1)]


def test_0006_counts_the_words_of_existing_class_posts(tmp_path):
    """Upgrading a forum that already has class debates: their posts get a word count
    (the dashboard sums it); public posts keep NULL."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    assert _flask(url, "db", "upgrade", "0005_find").returncode == 0
    engine = create_engine(url)
    now = "2026-01-01 00:00:00.000000"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, username, username_key, email, password_hash, role, "
                          "display_name, bio, created_at) "
                          "VALUES (1, 'prof', 'prof', 'p@example.org', '-', 'instructor', '', '', :t)"),
                     {"t": now})
        conn.execute(text("INSERT INTO articles (id, slug, title, question, attribution, summary_md, created_at, "
                          "updated_at) VALUES (1, 'a', 'A', '', '', '', :t, :t)"), {"t": now})
        conn.execute(text("INSERT INTO classrooms (id, name, term, description, time_zone, join_code, created_by_id, "
                          "created_at) VALUES (1, 'C', '', '', 'UTC', 'ABCDEFGH', 1, :t)"), {"t": now})
        for topic_id, class_id in ((1, 1), (2, None)):
            conn.execute(text(
                "INSERT INTO topics (id, article_id, author_id, kind, title, body_md, body_html, created_at, "
                "last_activity_at, post_count, root_count, is_locked, is_pinned, class_id, slow_mode_seconds) "
                "VALUES (:id, 1, 1, 'debate', 'T', 'b', 'b', :t, :t, 1, 1, 0, 0, :c, 0)"),
                {"id": topic_id, "t": now, "c": class_id})
            conn.execute(text(
                "INSERT INTO posts (id, topic_id, depth, author_id, body_md, body_html, created_at, reply_count) "
                "VALUES (:id, :id, 0, 1, 'Pay the [testers](https://example.org) well, now.', 'x', :t, 0)"),
                {"id": topic_id, "t": now})
    engine.dispose()
    up = _flask(url, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT id, word_count FROM posts")).all())
    engine.dispose()
    assert counts == {1: 5, 2: None}
