"""Routes of the class pages: what they change, what they refuse, how many queries they take."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.domain import class_rules, classes, grading, posting, visibility
from forum.extensions import db
from forum.models import (ClassMembership, Classroom, DebatePhase, Grade, ModAction, PhaseExtension,
                          PhaseKind, Post, Role, Stance, Topic, User, utcnow)
from tests.conftest import page_queries, students_of


def url(topic, tail=""):
    return f"/classes/{topic.class_id}/debates/{topic.id}{tail}"


# --- Classes and members ----------------------------------------------------------------

def test_instructor_creates_a_class(client, make_user):
    teacher = make_user(role=Role.INSTRUCTOR)
    response = client.login(teacher).post("/classes", data={
        "name": "Media ethics", "term": "Spring 2027", "description": "Two-week debate.", "time_zone": "Europe/Paris"})
    classroom = db.session.query(Classroom).one()
    assert response.status_code == 302 and response.location.endswith(f"/classes/{classroom.id}")
    page = client.get(f"/classes/{classroom.id}").get_data(as_text=True)
    assert classroom.join_code in page and f"/classes/join?code={classroom.join_code}" in page


@pytest.mark.parametrize("role, suspended", [(Role.MEMBER, False), (Role.MODERATOR, False), (Role.INSTRUCTOR, True)])
def test_only_active_instructors_create_classes(client, make_user, role, suspended):
    user = make_user(role=role, suspended_until=utcnow() + timedelta(days=1) if suspended else None)
    assert client.login(user).post("/classes", data={"name": "Nope"}).status_code == 403
    assert db.session.query(Classroom).count() == 0


def test_bad_time_zone_is_refused_and_the_form_kept(client, make_user):
    client.login(make_user(role=Role.INSTRUCTOR))
    response = client.post("/classes", data={"name": "Kept name", "time_zone": "Nowhere/Town"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "not a time zone" in html and 'value="Kept name"' in html
    assert db.session.query(Classroom).count() == 0


def test_join_by_code_link_and_form(client, make_class, make_user):
    classroom = make_class()
    student = make_user()
    client.login(student)
    page = client.get(f"/classes/join?code={classroom.join_code}")
    assert page.status_code == 200 and classroom.join_code in page.get_data(as_text=True)
    assert db.session.query(ClassMembership).count() == 1  # GET writes nothing
    response = client.post("/classes/join", data={"code": classroom.join_code.lower()})
    assert response.status_code == 302
    assert classes.role_of(student, classroom.id) == "student"
    assert classroom.name in client.get("/classes").get_data(as_text=True)


def test_wrong_code_is_refused(client, make_user):
    response = client.login(make_user()).post("/classes/join", data={"code": "ZZZZZZZZ"})
    assert response.status_code == 400 and "No class has that code" in response.get_data(as_text=True)


def test_suspended_member_cannot_join(client, make_class, make_user):
    classroom = make_class()
    user = make_user(suspended_until=utcnow() + timedelta(days=2))
    assert client.login(user).post("/classes/join", data={"code": classroom.join_code}).status_code == 403


def test_roster_actions(client, make_class, make_user):
    classroom = make_class(students=2)
    first, second = students_of(classroom)
    co = make_user("co_teacher")
    client.login(classroom.instructor)
    assert client.post(f"/classes/{classroom.id}/students/{first.id}/remove").status_code == 302
    assert classes.role_of(first, classroom.id) is None
    assert client.post(f"/classes/{classroom.id}/instructors", data={"username": "co_teacher"}).status_code == 302
    assert visibility.is_teacher(co, classroom.id)
    refused = client.post(f"/classes/{classroom.id}/instructors", data={"username": "ghost"})
    assert refused.status_code == 400 and "no member called" in refused.get_data(as_text=True)
    old = classroom.join_code
    client.post(f"/classes/{classroom.id}/code")
    db.session.refresh(classroom)
    assert classroom.join_code != old
    client.post(f"/classes/{classroom.id}/archive")
    db.session.refresh(classroom)
    assert classroom.is_archived
    # A student sees the class but not the roster tools.
    html = client.login(second).get(f"/classes/{classroom.id}").get_data(as_text=True)
    assert classroom.join_code not in html and "Roster" not in html


@pytest.mark.parametrize("path", ["/code", "/archive", "/instructors"])
def test_students_cannot_run_the_class(client, make_class, path):
    classroom = make_class(students=1)
    client.login(students_of(classroom)[0])
    assert client.post(f"/classes/{classroom.id}{path}", data={"username": "x"}).status_code == 403


# --- Debates, sides, phases ---------------------------------------------------------------

def test_instructor_creates_a_debate_copying_a_public_one(client, make_class, make_topic):
    public = make_topic(kind="debate", title="Should red-teamers be paid?", pro_label="Pay", con_label="Don't")
    classroom = make_class()
    client.login(classroom.instructor)
    assert public.title in client.get(f"/classes/{classroom.id}/debates/new").get_data(as_text=True)
    response = client.post(f"/classes/{classroom.id}/debates/new", data={
        "copy_from": public.id, "title": "", "body": "", "side_mode": "random", "anonymous": "y"})
    topic = db.session.query(Topic).filter(Topic.class_id == classroom.id).one()
    assert response.status_code == 302 and (topic.title, topic.pro_label) == (public.title, "Pay")


def test_debate_in_archived_class_is_refused(client, make_class, make_article):
    make_article()
    classroom = make_class()
    classes.archive_class(classroom)
    db.session.commit()
    response = client.login(classroom.instructor).post(f"/classes/{classroom.id}/debates/new", data={
        "copy_from": 0, "title": "New", "body": "Text", "side_mode": "manual"})
    assert response.status_code == 400 and "archived" in response.get_data(as_text=True)


def test_sides_random_and_manual(client, make_class, make_class_debate):
    classroom = make_class(students=3)
    topic = make_class_debate(classroom)
    a, b, c = students_of(classroom)
    client.login(classroom.instructor)
    client.post(url(topic, "/sides"), data={"random": "1"})
    sides = class_rules.sides_of(topic)
    assert len(sides) == 3 and abs(list(sides.values()).count("pro") - list(sides.values()).count("con")) <= 1
    client.post(url(topic, "/sides"), data={f"side_{a.id}": "pro", f"side_{b.id}": "pro", f"side_{c.id}": ""})
    assert class_rules.sides_of(topic) == {a.id: "pro", b.id: "pro"}


def test_student_chooses_a_side(client, make_class, make_class_debate):
    classroom = make_class(students=2)
    topic = make_class_debate(classroom, side_mode="choice", side_cap=1)
    a, b = students_of(classroom)
    client.login(a).post(url(topic, "/side"), data={"side": "con"})
    assert class_rules.side_of(topic, a) == "con"
    page = client.login(b).get(f"/t/{topic.id}").get_data(as_text=True)
    assert "(full)" in page
    client.post(url(topic, "/side"), data={"side": "con"})
    assert class_rules.side_of(topic, b) is None


def test_phases_form_in_the_class_zone_and_extension(client, make_class, make_class_debate):
    classroom = make_class(students=1, time_zone="America/New_York")
    topic = make_class_debate(classroom)
    student = students_of(classroom)[0]
    client.login(classroom.instructor)
    response = client.post(url(topic, "/phases"), data={
        "opening_opens": "2030-01-10T09:00", "opening_closes": "2030-01-12T17:00", "opening_words": "250",
        "rebuttal_opens": "2030-01-13T09:00", "rebuttal_closes": "2030-01-15T17:00"})
    assert response.status_code == 302
    opening = db.session.query(DebatePhase).filter_by(kind="opening").one()
    assert opening.opens_at.hour == 14 and opening.word_limit == 250  # 09:00 EST is 14:00 UTC
    page = client.get(url(topic, "/phases")).get_data(as_text=True)
    assert 'value="2030-01-10T09:00"' in page
    response = client.post(url(topic, "/extensions"), data={
        "phase": "opening", "student": student.id, "closes": "2030-01-13T08:00"})
    assert response.status_code == 302
    assert db.session.query(PhaseExtension).one().user_id == student.id
    bad = client.post(url(topic, "/phases"), data={"opening_opens": "2030-01-10T09:00", "opening_closes": ""})
    assert bad.status_code == 400 and "needs both" in bad.get_data(as_text=True)


def test_topic_page_shows_my_side_and_phases(client, sided_debate, open_phase):
    classroom, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING, word_limit=120)
    html = client.login(pro).get(f"/t/{topic.id}").get_data(as_text=True)
    assert "Your side:" in html and "Pay them" in html and "Opening statements" in html
    assert "at most 120 words" in html and "data-localise" in html


def test_posting_for_the_wrong_side_is_refused_and_text_kept(client, sided_debate, open_phase):
    classroom, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    response = client.login(pro).post(f"/t/{topic.id}/reply", data={"body": "My kept text", "stance": "con"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Your side is" in html and "My kept text" in html
    assert db.session.query(Post).count() == 0
    ok = client.post(f"/t/{topic.id}/reply", data={"body": "For pay.", "stance": "pro"})
    assert ok.status_code == 302 and db.session.query(Post).one().phase == "opening"


def test_posting_in_a_closed_phase_names_it(client, sided_debate, open_phase):
    classroom, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=3), closes_in=timedelta(hours=-1))
    response = client.login(pro).post(f"/t/{topic.id}/reply", data={"body": "Late text", "stance": "pro"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "the last was Opening statements" in html and "Late text" in html


def test_reply_over_the_word_limit_is_refused_with_text_kept(client, sided_debate, open_phase):
    classroom, topic, pro, con = sided_debate
    root = posting.create_post(classroom.instructor, topic, "Con framing", stance=Stance.CON)
    open_phase(topic, PhaseKind.REBUTTAL, word_limit=3)
    db.session.commit()
    response = client.login(pro).post(f"/p/{root.id}/reply", data={"body": "one two three four", "stance": "con"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "allows 3 words" in html and "one two three four" in html


def test_instructor_locks_and_removes(client, sided_debate, open_phase):
    classroom, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    post = posting.create_post(pro, topic, "To be removed", stance=Stance.PRO)
    db.session.commit()
    client.login(classroom.instructor)
    # Instructors remove through the moderation tools: a reason, a tombstone, the audit log.
    assert client.post(f"/mod/p/{post.id}/remove", data={"reason": "Off the motion"}).status_code == 302
    db.session.refresh(post)
    assert post.is_removed
    client.post(url(topic, "/lock"))
    db.session.refresh(topic)
    assert topic.is_locked
    actions = set(db.session.scalars(select(ModAction.action).where(ModAction.topic_id == topic.id)))
    assert {"remove", "lock"} <= actions
    refused = client.login(pro).post(f"/t/{topic.id}/reply", data={"body": "x", "stance": "pro"})
    assert refused.status_code == 400


def test_site_moderator_cannot_act_in_a_class(client, sided_debate, make_user):
    classroom, topic, pro, _ = sided_debate
    moderator = make_user(role=Role.MODERATOR)
    assert client.login(moderator).post(url(topic, "/lock")).status_code == 404


@pytest.mark.parametrize("tail", ["/dashboard", "/grades", "/sides", "/phases", "/grades.csv",
                                  "/participation.csv", "/grades/{student}"])
def test_students_cannot_open_instructor_pages(client, sided_debate, tail):
    classroom, topic, pro, con = sided_debate
    response = client.login(pro).get(url(topic, tail.format(student=con.id)))
    assert response.status_code == 403


def test_suspended_instructor_cannot_grade(client, sided_debate):
    classroom, topic, pro, _ = sided_debate
    classroom.instructor.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    criterion = grading.rubric(topic.id)[0]
    response = client.login(classroom.instructor).post(url(topic, f"/grades/{pro.id}"),
                                                       data={f"points_{criterion.id}": "3"})
    assert response.status_code == 403 and db.session.query(Grade).count() == 0


# --- Dashboard, grading, exports -----------------------------------------------------------

def _activity(classroom, topic, pro, con, open_phase):
    phase = open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=3), closes_in=timedelta(hours=-1))
    classes.extend_phase(phase, pro, utcnow() + timedelta(hours=1))
    argument = posting.create_post(pro, topic, "=HYPERLINK(\"http://evil\") pay them well", stance=Stance.PRO)
    open_phase(topic, PhaseKind.REBUTTAL, opened=timedelta(minutes=30))
    db.session.commit()
    return argument


def test_dashboard_counts_and_nudges(client, sided_debate, open_phase):
    classroom, topic, pro, con = sided_debate
    _activity(classroom, topic, pro, con, open_phase)
    html = client.login(classroom.instructor).get(url(topic, "/dashboard?sort=words")).get_data(as_text=True)
    nudge = html.split('id="nudge-h"')[1].split("</section>")[0]
    assert con.username in nudge and pro.username not in nudge
    row = html.split(f"><bdi>{pro.username}</bdi></th>")[1].split("</tr>")[0]
    cells = [c.split("</td>")[0].strip() for c in row.split("<td>")[2:]]
    assert cells[:8] == ["1", "0", "0", "6", "0", "0", "0", "1"]  # arguments, rebuttals, comments, words, ∆ in, ∆ out, votes, late


def test_grading_saves_and_student_sees_own_once_released(client, sided_debate):
    classroom, topic, pro, con = sided_debate
    evidence = grading.rubric(topic.id)[0]
    client.login(classroom.instructor)
    page = client.get(url(topic, f"/grades/{pro.id}")).get_data(as_text=True)
    assert "Evidence" in page
    bad = client.post(url(topic, f"/grades/{pro.id}"), data={f"points_{evidence.id}": "9",
                                                          f"comment_{evidence.id}": "Kept comment"})
    assert bad.status_code == 400 and "Kept comment" in bad.get_data(as_text=True)
    client.post(url(topic, f"/grades/{pro.id}"), data={f"points_{evidence.id}": "4",
                                                      f"comment_{evidence.id}": "Solid sources"})
    client.post(url(topic, f"/grades/{con.id}"), data={f"points_{evidence.id}": "2",
                                                      f"comment_{evidence.id}": "Secret to con"})
    assert "Solid sources" not in client.login(pro).get(f"/t/{topic.id}").get_data(as_text=True)
    client.login(classroom.instructor).post(url(topic, "/release"))
    html = client.login(pro).get(f"/t/{topic.id}").get_data(as_text=True)
    assert "Solid sources" in html and "Your grade: 4 / 20" in html and "Secret to con" not in html


def test_csv_exports(client, sided_debate, open_phase):
    classroom, topic, pro, con = sided_debate
    _activity(classroom, topic, pro, con, open_phase)
    evidence = grading.rubric(topic.id)[0]
    grading.save_grades(topic, pro, {evidence.id: (5, "-great work")})
    grading.add_criterion(topic, name="=cmd|' /C calc'!A0", description="", max_points=3)
    db.session.commit()
    client.login(classroom.instructor)
    grades = client.get(url(topic, "/grades.csv"))
    text = grades.get_data(as_text=True)
    assert grades.mimetype == "text/csv" and "attachment" in grades.headers["Content-Disposition"]
    assert text.startswith("\ufeffstudent,username,side,Evidence (/5)")
    assert "Evidence: -great work" in text
    assert "\"'=cmd|' /C calc'!A0 (/3)\"" in text or "'=cmd|' /C calc'!A0 (/3)" in text
    participation = client.get(url(topic, "/participation.csv")).get_data(as_text=True)
    lines = participation.splitlines()
    assert len(lines) == 3 and lines[0].startswith("\ufeffstudent,username,side,arguments")
    assert f"{pro.username},{pro.username},pro,1,0,0,6,0,0,0,1" in participation


def test_transcript_is_threaded_with_stances_and_phases(client, sided_debate, open_phase):
    classroom, topic, pro, con = sided_debate
    argument = _activity(classroom, topic, pro, con, open_phase)
    posting.create_post(con, topic, "But volunteers\nchose to help.", parent=argument, stance=Stance.CON)
    db.session.commit()
    text = client.login(con).get(url(topic, "/transcript.md")).get_data(as_text=True)
    assert text.startswith(f"# {topic.title}")
    assert f"**{pro.name}** — for “Pay them” · Opening statements" in text
    assert f"> **{con.name}** — challenges · Rebuttals" in text
    assert "> But volunteers\n> chose to help." in text


# --- Query counts --------------------------------------------------------------------------

def _class_of(make_class, make_class_debate, open_phase, n):
    classroom = make_class()
    members = []
    for _ in range(n):  # quick students: no password hashing
        name = f"s{classroom.id}x{len(members)}"
        student = User(username=name, username_key=name, email=f"{name}@example.org", password_hash="-")
        db.session.add(student)
        db.session.flush()
        classes.join_class(student, classroom.join_code)
        members.append(student)
    topic = make_class_debate(classroom, anonymous=True)
    classes.set_sides(topic, classes.balanced_sides([s.id for s in members], seed=1))
    open_phase(topic, PhaseKind.OPENING)
    for student in members:
        posting.create_post(student, topic, "An argument of some words.",
                            stance=class_rules.side_of(topic, student))
    db.session.commit()
    return classroom, topic, members


@pytest.mark.parametrize("page", ["class", "dashboard", "grades", "grade", "topic", "participation"])
def test_class_pages_take_a_fixed_number_of_queries(client, make_class, make_class_debate, open_phase,
                                                    count_queries, page):
    counts = []
    for n in (3, 30):
        classroom, topic, members = _class_of(make_class, make_class_debate, open_phase, n)
        target = {"class": f"/classes/{classroom.id}", "dashboard": url(topic, "/dashboard"),
                  "grades": url(topic, "/grades"), "grade": url(topic, f"/grades/{members[0].id}"),
                  "topic": f"/t/{topic.id}", "participation": url(topic, "/participation.csv")}[page]
        client.login(classroom.instructor)
        with count_queries() as queries:
            assert client.get(target).status_code == 200
        # A first visit to a topic's page also records the reader's read mark.
        counts.append(page_queries(queries, read_marks=1 if page == "topic" else 0))
    assert counts[0] == counts[1] <= 10, counts


def test_suspended_student_cannot_post_or_choose(client, sided_debate, open_phase):
    classroom, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    pro.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    client.login(pro)
    assert client.post(f"/t/{topic.id}/reply", data={"body": "x", "stance": "pro"}).status_code == 403
    assert client.post(url(topic, "/side"), data={"side": "pro"}).status_code == 403
    assert "You can't post right now." in client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert db.session.query(Post).count() == 0


def test_dashboard_counts_deltas_votes_and_the_opinion_shift(client, make_class, make_class_debate, make_user):
    from forum.domain import reactions
    from forum.models import StancePoll
    classroom = make_class(students=0)
    topic = make_class_debate(classroom)
    alice, bob = make_user("alice_s"), make_user("bob_s")
    for student in (alice, bob):
        classes.join_class(student, classroom.join_code)
    # Written by the instructor (not bound by phases), then credited to Alice: phases are not under test.
    post = posting.create_post(classroom.instructor, topic, "Framing", stance=Stance.PRO)
    post.author_id = alice.id
    db.session.commit()
    reactions.vote(post, bob)
    reactions.award_delta(post, bob, "Bob explains at length exactly how Alice's argument changed his mind.")
    db.session.add_all([StancePoll(topic_id=topic.id, user_id=bob.id, phase="before", value=-2),
                        StancePoll(topic_id=topic.id, user_id=bob.id, phase="after", value=1)])
    db.session.commit()
    page = client.login(classroom.instructor).get(url(topic, "/dashboard?sort=deltas_received"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "The class&#39;s opinion shift" in html or "The class's opinion shift" in html
    assert "1 student moved toward" in html
    assert "Framing" in html  # the most persuasive post is listed
    csv = client.get(url(topic, "/participation.csv")).get_data(as_text=True)
    assert "deltas received" in csv
    alice_row = next(line for line in csv.splitlines() if "alice_s" in line)
    bob_row = next(line for line in csv.splitlines() if "bob_s" in line)
    assert ",1,0,1," in alice_row and ",0,1,0," in bob_row


def test_instructor_announces_to_the_class_only(client, make_class, make_user, make_article):
    from forum.models import Notification, NotificationKind, Topic
    make_article()
    classroom = make_class(students=2)
    outsider = make_user()
    client.login(classroom.instructor)
    response = client.post(f"/classes/{classroom.id}/announcements",
                           data={"title": "Rebuttals open on Monday", "body": "Read the other side first."})
    assert response.status_code == 302
    topic = db.session.scalar(select(Topic).where(Topic.title == "Rebuttals open on Monday"))
    assert topic.class_id == classroom.id and topic.is_locked and topic.is_pinned
    told = set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == NotificationKind.CLASS_ANNOUNCEMENT)))
    students = {m.user_id for m in db.session.scalars(select(ClassMembership).where(
        ClassMembership.class_id == classroom.id, ClassMembership.role == "student"))}
    assert told == students and len(told) == 2 and outsider.id not in told
    assert "Rebuttals open on Monday" in client.get(f"/classes/{classroom.id}").get_data(as_text=True)
    client.login(outsider)
    assert client.get(f"/t/{topic.id}").status_code == 404
    refused = client.login(classroom.instructor).post(f"/classes/{classroom.id}/announcements",
                                                      data={"title": "", "body": "Words kept"})
    assert refused.status_code == 400 and "Words kept" in refused.get_data(as_text=True)


def test_students_cannot_announce(client, make_class):
    classroom = make_class(students=1)
    student = next(m.user for m in __import__("forum.domain.anonymity", fromlist=["roster_of"]).roster_of(classroom.id)
                   if m.role == "student")
    assert client.login(student).post(f"/classes/{classroom.id}/announcements",
                                      data={"title": "Hi", "body": "x"}).status_code == 403


@pytest.mark.parametrize("who, status", [("guest", 401), ("suspended instructor", 403),
                                         ("other class's instructor", 404), ("site moderator", 404)])
def test_announcement_refusals(client, make_class, make_user, make_article, who, status):
    from forum.models import Notification
    make_article()
    classroom = make_class(students=1)
    if who == "suspended instructor":
        classroom.instructor.suspended_until = utcnow() + timedelta(days=1)
        db.session.commit()
        client.login(classroom.instructor)
    elif who == "other class's instructor":
        client.login(make_class().instructor)
    elif who == "site moderator":
        client.login(make_user(role=Role.MODERATOR))
    response = client.post(f"/classes/{classroom.id}/announcements", data={"title": "Hi", "body": "Words"})
    assert response.status_code == status
    assert db.session.scalar(select(Topic).where(Topic.class_id == classroom.id)) is None
    assert db.session.scalar(select(Notification)) is None
