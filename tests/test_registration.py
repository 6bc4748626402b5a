"""Registration a class gets through and a script doesn't (issue 18, item 5): a
limit per address that forty sign-ups in an hour stay under, a honeypot field,
the password hashed only after those checks, and the address kept only as a
keyed hash."""
import pytest
from sqlalchemy import func, select

from forum.domain import accounts
from forum.extensions import db
from forum.models import Role, User
from tests.test_sign_in_limits import make_limited  # noqa: F401 (a fixture)

PASSWORD = "long enough password"


def _register(client, username, *, address="192.0.2.10", **extra):
    return client.post("/auth/register", data={"username": username, "email": f"{username}@example.org",
                                               "password": PASSWORD, "confirm": PASSWORD, **extra},
                       environ_base={"HTTP_SEC_FETCH_SITE": "same-origin", "REMOTE_ADDR": address})


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def hashes(monkeypatch):
    """The passwords hashed during the test."""
    made = []
    real = accounts.generate_password_hash
    monkeypatch.setattr(accounts, "generate_password_hash", lambda password, method: made.append(password)
                        or real(password, method))
    return made


def test_a_class_of_forty_signs_up_from_one_address(make_limited):
    client = make_limited()  # the default limit, LIMIT_REGISTER_IP
    for n in range(40):
        client.logout()
        assert _register(client, f"student{n:02d}").status_code == 302, n
    assert _users() == 40


def test_registration_is_limited_per_address_with_a_clear_page(make_limited, hashes):
    client = make_limited(LIMIT_REGISTER_IP="3 per hour")
    for n in range(3):
        client.logout()
        assert _register(client, f"bulk{n}").status_code == 302
    hashes.clear()
    refused = _register(client, "bulk3")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many accounts were made from your address" in refused.text and "Nothing was created" in refused.text
    assert _users() == 3 and hashes == []  # refused before any hash
    # Another address is not affected.
    assert _register(client, "elsewhere", address="198.51.100.20").status_code == 302


def test_refused_registrations_do_not_spend_the_allowance(make_limited, make_user):
    client = make_limited(LIMIT_REGISTER_IP="2 per hour")
    make_user("taken")
    for _ in range(5):
        assert _register(client, "taken").status_code == 400
    for n in range(2):
        client.logout()
        assert _register(client, f"fresh{n}").status_code == 302


def test_the_honeypot_refuses_with_a_reason_and_hashes_nothing(client, hashes):
    response = _register(client, "script", website="http://spam.example")
    assert response.status_code == 400
    assert "Leave this empty" in response.text and "nothing was created" in response.text
    assert _users() == 0 and hashes == []
    # The form comes back with the hidden field empty: a person sends it again and gets in.
    assert 'name="website" tabindex="-1" type="text" value=""' in response.text
    assert _register(client, "script").status_code == 302


def test_the_honeypot_is_out_of_sight_and_out_of_the_tab_order(client):
    page = client.get("/auth/register").text
    hidden = page.split('<div class="hp" aria-hidden="true">')[1].split("</div>")[0]
    assert 'name="website"' in hidden and 'tabindex="-1"' in hidden and 'autocomplete="off"' in hidden


def test_rules_on_the_name_come_before_the_hash(client, make_user, hashes):
    make_user("sam_mod", role=Role.MODERATOR)
    hashes.clear()
    for username in ("sam-mod", "sam_mod", "a b", "admin"):
        assert _register(client, username).status_code == 400
    assert hashes == []
    assert _register(client, "maya").status_code == 302 and hashes == [PASSWORD]


def test_the_address_is_kept_as_a_keyed_hash(client, app):
    for username, address in (("one", "192.0.2.10"), ("two", "192.0.2.10"), ("three", "192.0.2.11"),
                               ("four", "2001:db8:0:1::1"), ("five", "2001:db8:0:1::2")):
        client.logout()
        assert _register(client, username, address=address).status_code == 302
    tags = dict(db.session.execute(select(User.username, User.registration_tag)).all())
    assert tags["one"] == tags["two"] != tags["three"]
    assert tags["four"] == tags["five"]  # one IPv6 /64
    assert all(len(tag) == 32 and "192" not in tag for tag in tags.values())
    import hashlib
    assert hashlib.sha256(b"192.0.2.10").hexdigest()[:32] != tags["one"]  # keyed: not a plain hash


def test_the_registration_limit_is_a_setting_from_the_environment(monkeypatch):
    from flask import Flask

    from forum import config
    monkeypatch.setenv("FLASK_LIMIT_REGISTER_IP", "100 per hour")
    app = Flask(__name__)
    config.load(app)
    assert app.config["LIMIT_REGISTER_IP"] == "100 per hour"
