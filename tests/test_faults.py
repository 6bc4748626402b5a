"""Faults get clear pages (issue 18, item 7): the parts done so far."""
import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post
from forum.web.navigation import safe_next
from tests.conftest import PASSWORD


def test_a_body_over_the_limit_is_413_with_a_clear_message(app, client, make_topic, make_user):
    topic = make_topic()
    client.login(make_user())
    response = client.post(f"/t/{topic.id}/reply", data={"body": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "more than the forum takes at once" in page and "nothing was saved" in page
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.topic_id == topic.id)) == 0


@pytest.mark.parametrize("target", ["/t/1\r\nX-Evil: 1", "/t/1\nSet-Cookie: a=b", "/t/1\x00", "/t/\x7f1"])
def test_a_next_with_control_characters_is_ignored(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"


def test_a_good_sign_in_with_a_crlf_next_lands_home(client, make_user):
    make_user("maya")
    response = client.post("/auth/login?next=/t/1%0d%0aX-Evil:%201",
                           data={"username": "maya", "password": PASSWORD, "next": "/t/1\r\nX-Evil: 1"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "X-Evil" not in response.headers


def test_private_pages_and_exports_are_never_stored(client, make_user, make_class, make_class_debate):
    classroom = make_class(students=1)
    topic = make_class_debate(classroom)
    client.login(classroom.instructor)
    for path in ("/settings", "/notifications", f"/classes/{classroom.id}",
                 f"/classes/{classroom.id}/debates/{topic.id}/grades.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert {"private", "no-store"} <= set(response.headers["Cache-Control"].replace(" ", "").split(",")), path


def test_a_guests_page_keeps_its_own_caching(client, make_topic):
    topic = make_topic()
    response = client.get(f"/t/{topic.id}")
    assert "no-store" not in response.headers.get("Cache-Control", "")
