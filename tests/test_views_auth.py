import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import User
from tests.conftest import PASSWORD


def _register(client, **overrides):
    data = {"username": "newbie", "email": "newbie@example.org", "password": PASSWORD, "confirm": PASSWORD}
    return client.post("/auth/register", data={**data, **overrides})


def test_register_creates_account_and_signs_in(client):
    response = _register(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "newbie"))
    assert user is not None and user.password_hash != PASSWORD
    assert "newbie" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("overrides, message", [
    ({"username": "x"}, "3 to 30"),
    ({"username": "bad name"}, "3 to 30"),
    ({"email": "not-an-email"}, "email"),
    ({"confirm": "something else"}, "match"),
    ({"password": "short", "confirm": "short"}, "8"),
])
def test_register_refuses_bad_input_and_stores_nothing(client, overrides, message):
    response = _register(client, **overrides)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_register_refuses_taken_name_in_any_case(client, make_user):
    make_user("Taken")
    response = _register(client, username="tAKEN")
    assert response.status_code == 400 and "taken" in response.get_data(as_text=True)


def test_login_and_logout(client, make_user):
    make_user("alice")
    response = client.post("/auth/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)
    assert client.post("/auth/logout").status_code == 302
    assert "Sign out" not in client.get("/").get_data(as_text=True)


def test_login_error_does_not_say_whether_the_name_exists(client, make_user):
    make_user("alice")
    wrong_password = client.post("/auth/login", data={"username": "alice", "password": "nope nope"})
    no_such_user = client.post("/auth/login", data={"username": "nobody", "password": "nope nope"})
    assert wrong_password.status_code == no_such_user.status_code == 400
    message = "That username and password don&#39;t match an account."
    assert message in wrong_password.get_data(as_text=True)
    assert message in no_such_user.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/t/1", "/t/1"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_login_next_only_redirects_to_this_site(client, make_user, target, expected):
    make_user("alice")
    response = client.post("/auth/login", data={"username": "alice", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_by_get_does_nothing(client, make_user):
    client.login(make_user("alice"))
    assert client.get("/auth/logout").status_code == 405
    assert "Sign out" in client.get("/").get_data(as_text=True)


def test_logout_without_csrf_token_is_refused(csrf_app, make_user):
    client = csrf_app.test_client()
    client.login(make_user("alice"))
    response = client.post("/auth/logout")
    assert response.status_code == 400
    assert "Sign out" in client.get("/").get_data(as_text=True)


def test_remember_me_sets_a_remember_cookie(client, make_user):
    make_user("alice")
    client.post("/auth/login", data={"username": "alice", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
