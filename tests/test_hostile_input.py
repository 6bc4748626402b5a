"""Hostile input gets a clear 4xx and changes nothing."""
import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Topic, User
from tests.conftest import PASSWORD


def _counts():
    return [db.session.scalar(select(func.count()).select_from(m)) for m in (User, Topic, Post)]


@pytest.mark.parametrize("path", [
    "/t/99999999999999999999", "/p/99999999999999999999", "/t/2147483648", "/p/0", "/t/-1",
    "/p/-5/history", "/p/99999999999999999999/reply",
])
def test_out_of_range_ids_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/u/%00", "/a/%00", "/?q=%00", "/t/new?article=%00x"])
def test_null_bytes_in_urls_are_400(client, path):
    assert client.get(path).status_code == 400


def test_null_bytes_in_a_post_are_refused_and_nothing_stored(client, make_user, make_topic):
    topic = make_topic()
    client.login(make_user())
    before = _counts()
    response = client.post(f"/t/{topic.id}/reply", data={"body": "hello\x00world"})
    assert response.status_code == 400 and "null character" in response.get_data(as_text=True)
    assert _counts() == before


def test_invalid_utf8_in_form_data_is_refused(client):
    response = client.post("/auth/register", data=b"username=%ff%fe&email=a%40b.co&password=x&confirm=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert _counts()[0] == 0


def test_invalid_utf8_in_a_url_is_a_clean_404(client):
    assert client.get("/u/%ff%fe").status_code == 404


def test_reply_to_missing_parent_is_404(client, make_user):
    client.login(make_user())
    assert client.post("/p/424242/reply", data={"body": "to nowhere"}).status_code == 404
    assert _counts()[2] == 0


def test_ten_thousand_nested_quotes_are_refused_with_a_message(client, make_user, make_topic):
    topic = make_topic()
    client.login(make_user())
    response = client.post(f"/t/{topic.id}/reply", data={"body": ">" * 10_000 + " deep"})
    assert response.status_code == 400 and "nests" in response.get_data(as_text=True)
    assert _counts()[2] == 0


@pytest.mark.parametrize("username", [
    "evil\u202egnp",         # right-to-left override
    "zero\u200bwidth",       # zero-width space
    "ｍａｙａ",                # full-width look-alike of an existing name
    "MAYA",                  # the same name in another case
    "x" * 5000,              # overlong
    "tab\tname",
])
def test_register_refuses_unplain_or_lookalike_usernames(client, make_user, username):
    make_user("maya")
    before = _counts()
    response = client.post("/auth/register", data={"username": username, "email": "e@example.org",
                                                   "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert _counts() == before


def test_overlong_title_and_body_are_refused(client, make_user, make_article):
    make_article()
    client.login(make_user())
    response = client.post("/t/new", data={"title": "t" * 100_000, "body": "b"})
    assert response.status_code == 400
    response = client.post("/t/new", data={"title": "ok", "body": "b" * 100_000})
    assert response.status_code == 400
    assert _counts()[1] == 0
