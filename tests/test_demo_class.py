"""The demo (`flask seed-demo`) lets a newcomer try every role: an admin, two
moderators, an instructor with a class, its students, a class debate in its
rebuttals and a graded, closed one."""
from sqlalchemy import func, select

from forum.domain import accounts, class_rules, grading
from forum.extensions import db
from forum.models import ClassDebate, Classroom, PhaseKind, Post, Role, Topic, utcnow
from forum.seed import demo as seeding

ROLES = {"member": Role.MEMBER, "student": Role.MEMBER, "moderator": Role.MODERATOR,
         "instructor": Role.INSTRUCTOR, "admin": Role.ADMIN}


def test_every_demo_account_signs_in_with_its_role(app):
    seeding.seed_demo()
    db.session.commit()
    shown = {role for _, role, _ in seeding.DEMO_ACCOUNTS}
    assert shown == set(ROLES)
    for username, role, password in seeding.DEMO_ACCOUNTS:
        user = accounts.authenticate(username, password)
        assert user is not None and user.role == ROLES[role], username
    # The accounts the README and the tests named before stay as they were.
    assert [a for a in seeding.DEMO_ACCOUNTS[:3]] == [("maya", "member", "maya-demo-pass"),
                                                      ("sam_mod", "moderator", "sam-demo-pass"),
                                                      ("prof_lee", "instructor", "lee-demo-pass")]


def test_the_demo_class_has_a_debate_in_its_rebuttals_and_a_graded_closed_one(app, client):
    seeding.seed_demo()
    db.session.commit()
    lee, ben = accounts.find_user("prof_lee"), accounts.find_user("ben_okoro")
    classroom = db.session.scalar(select(Classroom).where(Classroom.created_by_id == lee.id))
    running, graded = db.session.scalars(select(Topic).where(Topic.class_id == classroom.id, Topic.kind == "debate")
                                         .order_by(Topic.id)).all()
    now = utcnow()
    assert class_rules.open_phase(class_rules.phases_for(running.id, ben), now).kind == PhaseKind.REBUTTAL
    assert running.closed_at is None and db.session.get(ClassDebate, running.id).anonymous
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.topic_id == running.id)) == 9
    assert graded.closed_at is not None and class_rules.open_phase(class_rules.phases_for(graded.id, ben), now) is None
    grades = grading.released_grades_for(db.session.get(ClassDebate, graded.id), ben)
    assert len(grades.by_criterion) == 4 and grades.total == 15

    client.login(ben)
    page = client.get(f"/t/{running.id}").get_data(as_text=True)
    assert "Rebuttal" in page and "Access is fair pay" in page
    client.login(lee)
    page = client.get(f"/classes/{classroom.id}").get_data(as_text=True)
    assert running.title in page and graded.title in page
    client.login(accounts.find_user("ada_admin"))
    page = client.get("/admin/people?role=admin").get_data(as_text=True)
    assert "ada_admin" in page and "The only admin who can act" in page
