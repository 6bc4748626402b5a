"""Everything in a class is private to its members, its instructors and admins: every door."""
import pytest

from forum.domain import classes, posting
from forum.extensions import db
from forum.models import PhaseKind, Role, Stance, User

SECRET_TITLE = "Secret motion about paying testers"
SECRET_POST = "A private argument nobody outside may read."


@pytest.fixture
def secret(make_class, make_class_debate, make_user, make_article, open_phase):
    article = make_article(slug="sora-leak")
    classroom = make_class()
    student = make_user("insider")
    classes.join_class(student, classroom.join_code)
    topic = make_class_debate(classroom, title=SECRET_TITLE, article=article)
    classes.set_sides(topic, {student.id: Stance.PRO})
    open_phase(topic, PhaseKind.OPENING)
    post = posting.create_post(student, topic, SECRET_POST, stance=Stance.PRO)
    posting.edit_post(post, student, SECRET_POST + " Edited.")
    db.session.commit()
    return classroom, topic, post, student


def _viewer(kind, make_user, make_class):
    if kind == "guest":
        return None
    if kind == "member":
        return make_user()
    if kind == "moderator":
        return make_user(role=Role.MODERATOR)
    if kind == "other-class student":
        other = make_class()
        user = make_user()
        classes.join_class(user, other.join_code)
        db.session.commit()
        return user
    if kind == "other-class instructor":
        return make_class().instructor


VIEWERS = ["guest", "member", "moderator", "other-class student", "other-class instructor"]


@pytest.fixture(params=VIEWERS)
def outsider(request, client, make_user, make_class):
    """Each kind of outsider in turn, signed in on `client` (None for a guest)."""
    viewer = _viewer(request.param, make_user, make_class)
    if viewer is not None:
        client.login(viewer)
    return viewer


def _doors(classroom, topic, post):
    debate = f"/classes/{classroom.id}/debates/{topic.id}"
    return [
        ("GET", f"/t/{topic.id}"), ("GET", f"/t/{topic.id}/history"), ("GET", f"/t/{topic.id}/edit"),
        ("POST", f"/t/{topic.id}/reply"), ("GET", f"/p/{post.id}"), ("GET", f"/p/{post.id}/history"),
        ("GET", f"/p/{post.id}/reply"), ("POST", f"/p/{post.id}/reply"), ("GET", f"/p/{post.id}/edit"),
        ("POST", f"/p/{post.id}/delete"), ("GET", f"/classes/{classroom.id}"),
        ("POST", f"/classes/{classroom.id}/code"), ("POST", f"/classes/{classroom.id}/archive"),
        ("GET", f"{debate}/dashboard"), ("GET", f"{debate}/grades"), ("GET", f"{debate}/sides"),
        ("GET", f"{debate}/phases"), ("GET", f"{debate}/grades.csv"), ("GET", f"{debate}/participation.csv"),
        ("GET", f"{debate}/transcript.md"), ("POST", f"{debate}/side"), ("POST", f"{debate}/lock"),
    ]


def test_outsiders_get_404_at_every_door(client, secret, outsider):
    classroom, topic, post, _ = secret
    viewer = outsider
    for method, url in _doors(classroom, topic, post):
        response = client.open(url, method=method, data={"body": "x", "stance": "pro", "side": "pro"})
        expected = (302, 401) if viewer is None else (404,)
        if viewer is None and method == "GET" and url.startswith(("/t/", "/p/")) and url.count("/") == 2:
            expected = (404,)  # public pages: a guest gets the 404 directly
        if viewer is None and url.endswith("/history"):
            expected = (404,)
        assert response.status_code in expected, (viewer, method, url, response.status_code)


def test_lists_and_profiles_never_show_class_content(client, secret, outsider):
    classroom, topic, post, student = secret
    for url in ("/", "/a/sora-leak", f"/u/{student.username}", f"/u/{classroom.instructor.username}", "/classes"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert SECRET_TITLE not in html and SECRET_POST not in html, (outsider, url)
        assert classroom.name not in html, (outsider, url)


def test_members_and_admins_see_it(client, secret, make_user):
    classroom, topic, post, student = secret
    for user in (student, classroom.instructor, make_user(role=Role.ADMIN)):
        client.login(user)
        assert client.get(f"/t/{topic.id}").status_code == 200
        assert SECRET_POST in client.get(f"/p/{post.id}").get_data(as_text=True)
        assert client.get(f"/classes/{classroom.id}").status_code == 200
        assert SECRET_TITLE in client.get("/").get_data(as_text=True)
        assert SECRET_POST in client.get(f"/u/{student.username}").get_data(as_text=True)


def test_removed_student_loses_sight(client, secret):
    classroom, topic, post, student = secret
    classes.remove_student(classroom, student)
    db.session.commit()
    client.login(student)
    assert client.get(f"/t/{topic.id}").status_code == 404
    assert SECRET_POST not in client.get(f"/u/{student.username}").get_data(as_text=True)


def test_a_class_topic_s_page_reads_the_reader_s_role_with_its_topic(client, secret, make_user, count_queries):
    """The topic page and the permalink load the reader's role in the class with the
    topic (topic_pages.fetch_topic, caching.topic_of_post), so their visibility check asks
    the database nothing more, and an outsider's answer is as firm as before."""
    classroom, topic, post, student = secret
    role_query = "SELECT class_memberships.role \nFROM class_memberships \nWHERE class_memberships.class_id"
    for viewer, status in ((student, 200), (make_user(), 404)):
        client.login(viewer)
        for url in (f"/t/{topic.id}", f"/p/{post.id}"):
            with count_queries() as queries:
                assert client.get(url).status_code == status, (viewer.username, url)
            assert not any(query.startswith(role_query) for query in queries), (viewer.username, url)


def test_visible_topic_filter_is_the_one_query_helper(secret, make_user, make_topic):
    from forum.domain import visibility
    classroom, topic, _, student = secret
    public = make_topic()
    seen = lambda user: set(db.session.scalars(visibility.visible_topics(user).with_only_columns(
        visibility.Topic.id)))
    from flask_login import AnonymousUserMixin
    assert seen(AnonymousUserMixin()) == {public.id}
    assert seen(make_user()) == {public.id}
    assert seen(make_user(role=Role.MODERATOR)) == {public.id}
    assert seen(student) == {public.id, topic.id}
    assert seen(make_user(role=Role.ADMIN)) == {public.id, topic.id}
    assert visibility.can_see_topic(student, topic) and not visibility.can_see_topic(make_user(), topic)
