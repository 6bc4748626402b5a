"""Where the class features met the rest of the forum (issue 20, item 6): class
content marked wherever it is listed, no feed link where there is no feed, a time
zone picked from the IANA list with its error under itself, back at the new post
after posting, "save and next" in grading, and replies under announcements."""
import re

import pytest
from sqlalchemy import select

from forum.domain import classes, grading, posting
from forum.extensions import db
from forum.models import Classroom, Grade, Post, Stance, Topic, TopicKind
from tests.conftest import students_of


def _debate_url(topic, tail=""):
    return f"/classes/{topic.class_id}/debates/{topic.id}{tail}"


# --- A "class" mark on class content ------------------------------------------------------

def test_class_topics_are_marked_with_their_class_on_the_home_page(client, make_class, make_class_debate, make_topic,
                                                                  make_article):
    article = make_article()  # the home page's: the first
    classroom = make_class(students=1, name="Ethics 101")
    debate = make_class_debate(classroom, title="Pay the testers", article=article)
    announcement = classes.post_announcement(classroom, classroom.instructor, title="Read chapter 2", body="By Monday.")
    public = make_topic(title="An open question", article=article)
    db.session.commit()
    html = client.login(students_of(classroom)[0]).get("/").get_data(as_text=True)
    rows = {title: html.split(title)[1].split("</li>")[0] for title in ("Pay the testers", "Read chapter 2",
                                                                      "An open question")}
    assert 'class="tag tag-class">Class: <bdi>Ethics 101</bdi>' in rows["Pay the testers"]
    assert 'class="tag tag-class">Class: <bdi>Ethics 101</bdi>' in rows["Read chapter 2"]
    assert "tag-class" not in rows["An open question"]
    assert debate.id and announcement.id and public.id


def test_the_instructor_sees_the_mark_on_their_announcements_and_an_outsider_sees_nothing(
        client, make_class, make_user, make_article):
    make_article()
    classroom = make_class(name="Ethics 101")
    classes.post_announcement(classroom, classroom.instructor, title="Read chapter 2", body="By Monday.")
    db.session.commit()
    mine = client.login(classroom.instructor).get("/").get_data(as_text=True)
    assert "Read chapter 2" in mine and "Class: <bdi>Ethics 101</bdi>" in mine
    theirs = client.login(make_user()).get("/").get_data(as_text=True)
    assert "Read chapter 2" not in theirs and "Ethics 101" not in theirs


def test_the_mark_costs_no_query(client, make_class, make_class_debate, count_queries, make_article):
    article = make_article()
    classroom = make_class(students=1)
    student = students_of(classroom)[0]
    client.login(student)
    make_class_debate(classroom, article=article)
    db.session.commit()
    with count_queries() as one:
        client.get("/")
    for _ in range(3):
        make_class_debate(make_class(students=0), article=article)
        classes.join_class(student, db.session.scalars(select(Classroom).order_by(Classroom.id.desc())).first()
                           .join_code)
    db.session.commit()
    with count_queries() as four:
        assert client.get("/").get_data(as_text=True).count("tag-class") == 4
    assert len(four) == len(one)


# --- No feed link where there is no feed --------------------------------------------------

def test_a_class_topic_links_no_feed_and_has_none(client, make_class, make_class_debate):
    classroom = make_class(students=1)
    topic = make_class_debate(classroom)
    db.session.commit()
    client.login(students_of(classroom)[0])
    for path in (f"/t/{topic.id}", f"/t/{topic.id}?view=thread"):
        html = client.get(path).get_data(as_text=True)
        assert "feed.atom" not in html, path
    assert client.get(f"/t/{topic.id}/feed.atom").status_code == 404


def test_a_public_topic_still_links_its_feed(client, make_topic):
    topic = make_topic()
    html = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f"/t/{topic.id}/feed.atom" in html
    assert client.get(f"/t/{topic.id}/feed.atom").status_code == 200


# --- The time zone picker ---------------------------------------------------------------------

def test_the_time_zone_is_picked_from_the_iana_list_without_javascript(client, make_user):
    from forum.models import Role
    html = client.login(make_user(role=Role.INSTRUCTOR)).get("/classes").get_data(as_text=True)
    assert 'list="time-zones"' in html and '<datalist id="time-zones">' in html
    assert '<option value="Europe/Paris">' in html and '<option value="America/New_York">' in html


def test_a_bad_time_zone_gets_its_error_under_itself_and_changes_nothing(client, make_user):
    from forum.models import Role
    client.login(make_user(role=Role.INSTRUCTOR))
    response = client.post("/classes", data={"name": "Ethics 101", "term": "Spring", "time_zone": "Mars/Olympus"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    zone_field = html.split('for="time_zone"')[1].split('class="field')[0]
    assert "is not a time zone name" in zone_field and 'id="time_zone-error"' in zone_field
    name_field = html.split('for="name"')[1].split('for="term"')[0]
    assert "time zone" not in name_field
    assert 'value="Ethics 101"' in html and 'value="Mars/Olympus"' in html  # nothing typed is lost
    assert db.session.query(Classroom).count() == 0


@pytest.mark.parametrize("typed, stored", [("europe/paris", "Europe/Paris"), ("America/New York", "America/New_York"),
                                           ("", "UTC"), ("  Asia/Tokyo ", "Asia/Tokyo")])
def test_a_time_zone_is_stored_as_iana_spells_it(typed, stored):
    assert classes.check_time_zone(typed) == stored


def test_a_class_is_created_in_the_zone_typed_in_any_case(client, make_user):
    from forum.models import Role
    client.login(make_user(role=Role.INSTRUCTOR))
    assert client.post("/classes", data={"name": "Ethics 101", "time_zone": "europe/berlin"}).status_code == 302
    assert db.session.scalar(select(Classroom.time_zone)) == "Europe/Berlin"


# --- Back at the new post, with a word that it is there ---------------------------------------

def _anchor_target(client, location: str) -> str:
    path, anchor = location.split("#")
    html = client.get(path).get_data(as_text=True)
    assert f'id="{anchor}"' in html, f"{location} has no element #{anchor}"
    return html


def test_a_reply_in_a_discussion_lands_on_the_thread_at_the_reply(client, make_user, make_topic):
    topic = make_topic()
    first = posting.create_post(make_user(), topic, "The first word.")
    db.session.commit()
    client.login(make_user())
    response = client.post(f"/p/{first.id}/reply", data={"body": "An answer to the first word."})
    reply_id = db.session.scalar(select(Post.id).where(Post.parent_id == first.id))
    assert response.status_code == 302 and response.headers["Location"] == f"/t/{topic.id}#p{reply_id}"
    html = _anchor_target(client, response.headers["Location"])
    assert "Your reply is posted: here it is." in html


def test_a_post_on_a_later_page_lands_on_that_page(client, app, monkeypatch, make_user, make_topic):
    monkeypatch.setitem(app.config, "POSTS_PER_PAGE", 2)
    topic = make_topic()
    author = make_user()
    for i in range(4):
        posting.create_post(author, topic, f"Post {i}")
    db.session.commit()
    client.login(make_user())
    response = client.post(f"/t/{topic.id}/reply", data={"body": "The fifth post."})
    new_id = db.session.scalar(select(Post.id).where(Post.topic_id == topic.id).order_by(Post.id.desc()))
    assert response.headers["Location"] == f"/t/{topic.id}?page=3#p{new_id}"
    html = _anchor_target(client, response.headers["Location"])
    assert "Your post is posted: here it is." in html


def test_a_reply_the_thread_cannot_show_lands_on_its_own_page(client, app, monkeypatch, make_user, make_topic):
    monkeypatch.setitem(app.config, "THREAD_DEPTH_LIMIT", 2)
    topic = make_topic()
    author = make_user()
    parent = posting.create_post(author, topic, "Level 0")
    for level in (1, 2):
        parent = posting.create_post(author, topic, f"Level {level}", parent=parent)
    db.session.commit()
    client.login(make_user())
    response = client.post(f"/p/{parent.id}/reply", data={"body": "Level 3, past the limit."})
    reply_id = db.session.scalar(select(Post.id).where(Post.parent_id == parent.id))
    assert response.headers["Location"] == f"/p/{reply_id}"


def test_a_reply_past_the_replies_a_page_shows_lands_on_its_own_page(client, app, monkeypatch, make_user, make_topic):
    monkeypatch.setitem(app.config, "REPLIES_PER_PAGE", 2)
    topic = make_topic()
    author = make_user()
    root = posting.create_post(author, topic, "Root")
    for i in range(2):
        posting.create_post(author, topic, f"Reply {i}", parent=root)
    db.session.commit()
    client.login(make_user())
    response = client.post(f"/p/{root.id}/reply", data={"body": "The third reply."})
    reply_id = db.session.scalar(select(Post.id).order_by(Post.id.desc()))
    assert response.headers["Location"] == f"/p/{reply_id}"


def test_an_argument_lands_at_the_top_of_its_column(client, make_user, make_debate):
    topic = make_debate(arguments=4)
    db.session.commit()
    client.login(make_user())
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Pay the testers what testing is worth.",
                                                         "stance": "pro"})
    new_id = db.session.scalar(select(Post.id).order_by(Post.id.desc()))
    assert response.headers["Location"] == f"/t/{topic.id}?sort=new#card{new_id}"
    html = _anchor_target(client, response.headers["Location"])
    assert "Your argument is posted: here it is." in html
    pro_column = html.split('id="col-pro-h"')[1].split("</section>")[0]
    assert pro_column.count('class="card card-pro"') == 3  # first of the three, newest first
    assert re.search(r'<li class="card card-pro" id="card(\d+)"', pro_column).group(1) == str(new_id)


def test_an_answer_in_a_debate_lands_among_the_answers_to_what_it_answers(client, make_user, make_debate):
    topic = make_debate(arguments=2)
    argument = db.session.scalar(select(Post).where(Post.topic_id == topic.id, Post.stance == Stance.PRO))
    db.session.commit()
    client.login(make_user())
    response = client.post(f"/p/{argument.id}/reply", data={"body": "Volunteers chose to test.", "stance": "con"})
    reply_id = db.session.scalar(select(Post.id).where(Post.parent_id == argument.id))
    assert response.headers["Location"] == f"/p/{argument.id}?sort=new#card{reply_id}"
    assert "Your reply is posted: here it is." in _anchor_target(client, response.headers["Location"])


def test_a_statement_in_a_class_debate_lands_in_the_class_debate(client, sided_debate, open_phase):
    from forum.models import PhaseKind
    classroom, topic, pro, _ = sided_debate
    open_phase(topic, PhaseKind.OPENING)
    db.session.commit()
    client.login(pro)
    response = client.post(f"/t/{topic.id}/reply", data={"body": "My opening statement.", "stance": "pro"})
    new_id = db.session.scalar(select(Post.id).where(Post.topic_id == topic.id))
    assert response.headers["Location"] == f"/t/{topic.id}?sort=new#card{new_id}"
    assert "Your argument is posted: here it is." in _anchor_target(client, response.headers["Location"])


@pytest.mark.parametrize("where", ["discussion", "debate", "reply"])
def test_a_post_refused_by_a_lock_keeps_its_text(client, make_user, make_topic, make_debate, where):
    topic = make_debate(arguments=1) if where == "debate" else make_topic()
    parent = posting.create_post(make_user(), topic, "Earlier words.") if where == "reply" else None
    topic.is_locked = True
    db.session.commit()
    posts_before = db.session.query(Post).count()
    client.login(make_user())
    url = f"/p/{parent.id}/reply" if parent else f"/t/{topic.id}/reply"
    response = client.post(url, data={"body": "Words not to lose.", "stance": "pro"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This topic is locked" in html and ">Words not to lose.</textarea>" in html
    assert db.session.query(Post).count() == posts_before


# --- Save and next student ------------------------------------------------------------------------

def test_save_and_next_goes_to_the_next_student_in_the_tables_order(client, make_class, make_class_debate):
    classroom = make_class(students=3)
    topic = make_class_debate(classroom)
    db.session.commit()
    first, second, third = students_of(classroom)
    criterion = grading.rubric(topic.id)[0]
    client.login(classroom.instructor)
    page = client.get(_debate_url(topic, f"/grades/{first.id}")).get_data(as_text=True)
    assert "Save and next student" in page and "Student 1 of 3" in page
    response = client.post(_debate_url(topic, f"/grades/{first.id}"),
                           data={f"points_{criterion.id}": "4", "then": "next"})
    assert response.status_code == 302 and response.headers["Location"] == _debate_url(topic, f"/grades/{second.id}")
    assert db.session.scalar(select(Grade.points).where(Grade.student_id == first.id)) == 4
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Grades saved for" in page and "Student 2 of 3" in page
    last = client.get(_debate_url(topic, f"/grades/{third.id}")).get_data(as_text=True)
    assert "Save and next student" not in last and "Save grades" in last
    response = client.post(_debate_url(topic, f"/grades/{third.id}"),
                           data={f"points_{criterion.id}": "2", "then": "next"})
    assert response.headers["Location"] == _debate_url(topic, "/grades")


def test_save_and_next_with_a_bad_grade_stays_and_keeps_what_was_typed(client, make_class, make_class_debate):
    classroom = make_class(students=2)
    topic = make_class_debate(classroom)
    db.session.commit()
    first, _ = students_of(classroom)
    criterion = grading.rubric(topic.id)[0]
    client.login(classroom.instructor)
    response = client.post(_debate_url(topic, f"/grades/{first.id}"),
                           data={f"points_{criterion.id}": "999", f"comment_{criterion.id}": "Careful sources",
                                 "then": "next"})
    assert response.status_code == 400 and "Careful sources" in response.get_data(as_text=True)
    assert db.session.query(Grade).count() == 0


def test_a_student_cannot_save_and_next(client, make_class, make_class_debate):
    classroom = make_class(students=2)
    topic = make_class_debate(classroom)
    db.session.commit()
    first, second = students_of(classroom)
    criterion = grading.rubric(topic.id)[0]
    response = client.login(first).post(_debate_url(topic, f"/grades/{second.id}"),
                                        data={f"points_{criterion.id}": "20", "then": "next"})
    assert response.status_code == 403 and db.session.query(Grade).count() == 0


# --- Replies under announcements ----------------------------------------------------------------

def test_an_announcement_is_closed_to_replies_unless_the_instructor_allows_them(client, make_class, make_article):
    make_article()
    classroom = make_class(students=1)
    student = students_of(classroom)[0]
    client.login(classroom.instructor)
    client.post(f"/classes/{classroom.id}/announcements", data={"title": "Closed", "body": "No questions."})
    client.post(f"/classes/{classroom.id}/announcements", data={"title": "Open", "body": "Ask away.",
                                                                  "replies": "y"})
    closed = db.session.scalar(select(Topic).where(Topic.title == "Closed"))
    opened = db.session.scalar(select(Topic).where(Topic.title == "Open"))
    assert closed.is_locked and not opened.is_locked
    assert opened.kind == TopicKind.DISCUSSION and opened.class_id == classroom.id and opened.is_pinned
    client.login(student)
    assert client.post(f"/t/{opened.id}/reply", data={"body": "When is it due?"}).status_code == 302
    refused = client.post(f"/t/{closed.id}/reply", data={"body": "Can I ask anyway?"})
    assert refused.status_code in (400, 403)
    assert db.session.scalar(select(Post.body_md).where(Post.topic_id == closed.id)) is None
    assert db.session.scalar(select(Post.body_md).where(Post.topic_id == opened.id)) == "When is it due?"


def test_the_announcement_form_offers_replies(client, make_class):
    classroom = make_class()
    html = client.login(classroom.instructor).get(f"/classes/{classroom.id}").get_data(as_text=True)
    assert 'name="replies"' in html and "Members may reply under it" in html


# --- Breadcrumbs through the class ------------------------------------------------------------------

def test_class_topics_lead_back_through_their_class(client, make_class, make_class_debate, make_article):
    make_article()
    classroom = make_class(students=1, name="Ethics 101")
    topic = make_class_debate(classroom)
    announcement = classes.post_announcement(classroom, classroom.instructor, title="Read chapter 2", body="By Monday.")
    post = posting.create_post(classroom.instructor, topic, "An argument", stance=Stance.PRO)
    db.session.commit()
    client.login(students_of(classroom)[0])
    for path in (f"/t/{topic.id}", f"/t/{topic.id}?view=thread", f"/p/{post.id}", f"/p/{post.id}?view=thread",
                 f"/t/{announcement.id}"):
        crumbs = client.get(path).get_data(as_text=True).split('class="breadcrumb')[1].split("</nav>")[0]
        assert f'href="/classes/{classroom.id}">Ethics 101</a>' in crumbs, path
        assert 'href="/a/' not in crumbs, path
