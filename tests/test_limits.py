"""Rate limits switched on for these tests only (the suite runs with them off)."""
import re

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.config import TEST_CONFIG
from forum.extensions import db, limiter
from forum.models import Flag, Post
from tests.conftest import PASSWORD, Client


@pytest.fixture
def limited(app):
    """A client of an app with rate limits on, small ones, on the same database."""
    limited_app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                              "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                              "LIMIT_POSTS": "3 per minute;5 per hour", "LIMIT_FLAGS": "2 per hour",
                              "LIMIT_LOGIN_IP": "4 per 15 minutes", "LIMIT_LOGIN_ACCOUNT": "2 per 15 minutes"})
    limited_app.test_client_class = Client
    limiter.reset()
    yield limited_app.test_client()
    limiter.reset()
    limiter.enabled = False  # the limiter is one object; leave it off for the other tests
    with limited_app.app_context():
        db.session.remove()
        db.engine.dispose()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_posting_limit_is_per_member_across_routes_and_keeps_the_text(limited, make_user, make_topic, make_post):
    topic = make_topic()
    parent = make_post(topic=topic)
    member, other = make_user(), make_user()
    limited.login(member)
    assert limited.post(f"/t/{topic.id}/reply", data={"body": "one"}).status_code == 302
    assert limited.post(f"/p/{parent.id}/reply", data={"body": "two"}).status_code == 302
    assert limited.post(f"/t/{topic.id}/reply", data={"body": "three"}).status_code == 302
    before = _count(Post)
    response = limited.post(f"/p/{parent.id}/reply", data={"body": "My fourth, carefully written"})
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    # The page says when, as the header does (each computed at its own instant: a
    # second may tick between them on a slow machine).
    said = re.search(r"Try again in (\d+) seconds", response.text)
    assert said and abs(int(said.group(1)) - int(response.headers["Retry-After"])) <= 1
    assert "My fourth, carefully written" in response.text and "Nothing was posted" in response.text
    assert _count(Post) == before
    limited.login(other)
    assert limited.post(f"/t/{topic.id}/reply", data={"body": "someone else"}).status_code == 302
    limited.login(member)
    assert limited.get(f"/t/{topic.id}").status_code == 200  # reading is never limited


def test_flag_limit(limited, make_user, make_post):
    member = make_user()
    posts = [make_post() for _ in range(3)]
    limited.login(member)
    for post in posts[:2]:
        assert limited.post(f"/p/{post.id}/flag", data={"reason": "spam"}).status_code == 302
    assert limited.post(f"/p/{posts[2].id}/flag", data={"reason": "spam"}).status_code == 429
    assert _count(Flag) == 2


def test_login_limit_per_account(limited, make_user):
    make_user("target")
    for _ in range(2):
        assert limited.post("/auth/login", data={"username": "target", "password": "wrong"}).status_code == 400
    response = limited.post("/auth/login", data={"username": "Target", "password": PASSWORD})
    assert response.status_code == 429  # the account's allowance is spent, even for the right password
    assert limited.post("/auth/login", data={"username": "other", "password": "wrong"}).status_code == 400
    assert limited.get("/auth/login").status_code == 200


def test_login_limit_per_ip(limited):
    for n in range(4):
        assert limited.post("/auth/login", data={"username": f"name{n}", "password": "x"}).status_code == 400
    assert limited.post("/auth/login", data={"username": "fresh", "password": "x"}).status_code == 429


def test_limits_off_by_setting(client, make_user, make_topic):
    topic, member = make_topic(), make_user()
    client.login(member)
    for n in range(8):
        assert client.post(f"/t/{topic.id}/reply", data={"body": f"post {n}"}).status_code == 302


def test_limits_are_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("FLASK_LIMIT_POSTS", "1 per minute")
    monkeypatch.setenv("FLASK_FLAG_HIDE_THRESHOLD", "5")
    from flask import Flask

    from forum import config
    app = Flask(__name__)
    config.load(app)
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["LIMIT_POSTS"] == "1 per minute" and app.config["FLAG_HIDE_THRESHOLD"] == 5
    monkeypatch.delenv("FLASK_RATELIMIT_ENABLED")
    app = Flask(__name__)
    config.load(app)
    assert app.config["RATELIMIT_ENABLED"] is True  # on unless switched off
