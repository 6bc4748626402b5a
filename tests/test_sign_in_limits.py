"""Sign-in that a class survives and an attacker doesn't (issue 20, item 1): failed
attempts are limited per account and per address, successful ones are not, and
the client's address comes from a reverse proxy's headers only when the app is
told to trust that many proxies."""
import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.config import TEST_CONFIG
from forum.extensions import db, limiter
from forum.models import User, UserSession
from tests.conftest import PASSWORD, Client


def _app(app, **settings):
    """An app with rate limits on (the suite runs with them off), on the same database."""
    made = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                       "LIMIT_LOGIN_IP": "30 per 15 minutes", "LIMIT_LOGIN_ACCOUNT": "10 per 15 minutes",
                       **settings})
    made.test_client_class = Client
    return made


@pytest.fixture
def make_limited(app):
    made = []

    def make(**settings):
        limited = _app(app, **settings)
        made.append(limited)
        limiter.reset()
        return limited.test_client()
    yield make
    if made:
        limiter.reset()
    limiter.enabled = False  # the limiter is one object; leave it off for the other tests
    for limited in made:
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()


def _sign_in(client, username, password=PASSWORD, **environ):
    return client.post("/auth/login", data={"username": username, "password": password},
                       environ_base={"HTTP_SEC_FETCH_SITE": "same-origin", **environ})


def test_a_class_of_forty_signs_in_from_one_address(make_limited, make_user):
    client = make_limited()
    students = [make_user(f"student{n:02d}") for n in range(40)]
    for student in students:
        client.logout()
        assert _sign_in(client, student.username).status_code == 302, student.username
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 40


def test_failed_sign_ins_are_limited_per_account_with_a_clear_page(make_limited, make_user):
    client = make_limited()
    make_user("target")
    for _ in range(10):
        assert _sign_in(client, "target", "wrong guess").status_code == 400
    refused = _sign_in(client, "target", "wrong guess")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many failed sign-ins for this account or from your address" in refused.text
    # Refused before the password is checked: the right one is refused too, for now.
    assert _sign_in(client, "target").status_code == 429
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    # Another account from the same address still signs in.
    make_user("classmate")
    assert _sign_in(client, "classmate").status_code == 302


def test_successful_sign_ins_do_not_spend_the_allowance(make_limited, make_user):
    client = make_limited(LIMIT_LOGIN_ACCOUNT="3 per 15 minutes")
    make_user("regular")
    for _ in range(6):
        client.logout()
        assert _sign_in(client, "regular").status_code == 302
    for _ in range(3):
        assert _sign_in(client, "regular", "nope nope").status_code == 400
    assert _sign_in(client, "regular", "nope nope").status_code == 429


def test_failed_sign_ins_are_limited_per_address(make_limited, make_user):
    client = make_limited(LIMIT_LOGIN_IP="4 per 15 minutes")
    for n in range(4):
        assert _sign_in(client, f"name{n}", "x" * 8).status_code == 400
    assert _sign_in(client, "fresh", "x" * 8).status_code == 429
    # Another address is not affected.
    assert _sign_in(client, "fresh", "x" * 8, REMOTE_ADDR="203.0.113.9").status_code == 400


def test_an_ipv6_network_counts_as_one_address(make_limited):
    client = make_limited(LIMIT_LOGIN_IP="2 per 15 minutes")
    for host in ("1", "2"):
        assert _sign_in(client, "x", "y" * 8, REMOTE_ADDR=f"2001:db8:0:1::{host}").status_code == 400
    assert _sign_in(client, "x", "y" * 8, REMOTE_ADDR="2001:db8:0:1:ffff::3").status_code == 429
    assert _sign_in(client, "x", "y" * 8, REMOTE_ADDR="2001:db8:0:2::1").status_code == 400


def test_forwarded_for_is_ignored_without_the_proxy_setting(make_limited):
    client = make_limited(LIMIT_LOGIN_IP="2 per 15 minutes")
    for n in range(2):
        assert _sign_in(client, "x", "y" * 8, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code == 400
    # A new X-Forwarded-For each time buys nothing: the peer's address is what counts.
    assert _sign_in(client, "x", "y" * 8, HTTP_X_FORWARDED_FOR="198.51.100.77").status_code == 429


def test_forwarded_for_decides_the_address_behind_a_trusted_proxy(make_limited):
    client = make_limited(LIMIT_LOGIN_IP="2 per 15 minutes", TRUSTED_PROXIES=1)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(2):
        assert _sign_in(client, "x", "y" * 8, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 400
    assert _sign_in(client, "x", "y" * 8, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 429
    # Another client behind the same proxy is another address.
    assert _sign_in(client, "x", "y" * 8, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 400
    # With one proxy trusted, only the address it added counts, not what the client wrote before it.
    forged = "10.0.0.1, 198.51.100.7"
    assert _sign_in(client, "x", "y" * 8, HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429


def test_trusted_proxies_is_a_setting_from_the_environment(monkeypatch):
    from flask import Flask

    from forum import config
    monkeypatch.setenv("FLASK_TRUSTED_PROXIES", "2")
    app = Flask(__name__)
    config.load(app)
    assert app.config["TRUSTED_PROXIES"] == 2
    monkeypatch.delenv("FLASK_TRUSTED_PROXIES")
    app = Flask(__name__)
    config.load(app)
    assert app.config["TRUSTED_PROXIES"] == 0  # never trusted unless said


def test_the_sign_in_limit_refuses_before_hashing(make_limited, make_user, monkeypatch):
    client = make_limited(LIMIT_LOGIN_ACCOUNT="1 per 15 minutes")
    make_user("target")
    assert _sign_in(client, "target", "wrong guess").status_code == 400
    from forum.domain import accounts
    checked = []
    monkeypatch.setattr(accounts, "check_password_hash", lambda *a: checked.append(a) or False)
    assert _sign_in(client, "target", "another guess").status_code == 429
    assert checked == []
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
