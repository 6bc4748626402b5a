"""Sessions that end: sign-out, a password change and settings end them on the
server, so a copied session or remember-me cookie signs nobody in afterwards."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.domain import accounts, sessions
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import UserSession, utcnow
from tests.conftest import PASSWORD


def sign_in(app, username: str, *, remember: bool = False):
    """A new browser signed in through the real form."""
    client = app.test_client()
    data = {"username": username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302
    return client


def signed_in_as(client) -> str | None:
    """Whose settings page this browser gets, or None when it is sent to sign in."""
    response = client.get("/settings")
    if response.status_code != 200:
        return None
    return response.get_data(as_text=True).split('href="/u/', 1)[1].split('"', 1)[0]


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def replay(app, **cookies):
    """Another browser holding copies of these cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def test_sign_out_ends_a_copied_session_cookie(app, make_user):
    make_user("maya")
    browser = sign_in(app, "maya")
    copied = cookie(browser, "session")
    assert signed_in_as(replay(app, session=copied)) == "maya"
    browser.post("/auth/logout")
    assert signed_in_as(browser) is None
    assert signed_in_as(replay(app, session=copied)) is None
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_sign_out_ends_a_copied_remember_me_cookie(app, make_user):
    make_user("maya")
    browser = sign_in(app, "maya", remember=True)
    remembered = cookie(browser, "remember_token")
    assert remembered and signed_in_as(replay(app, remember_token=remembered)) == "maya"
    browser.post("/auth/logout")
    assert signed_in_as(replay(app, remember_token=remembered)) is None


def test_each_sign_in_gets_its_own_remember_me_token_for_30_days(app, make_user):
    make_user("maya")
    first, second = sign_in(app, "maya", remember=True), sign_in(app, "maya", remember=True)
    assert cookie(first, "remember_token") != cookie(second, "remember_token")
    expires = first.get_cookie("remember_token").expires
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)
    rows = db.session.scalars(select(UserSession)).all()
    assert len(rows) == 2 and all(row.remember for row in rows)
    # Signing one browser out leaves the other signed in.
    first.post("/auth/logout")
    assert signed_in_as(second) == "maya"


def test_a_password_change_ends_every_other_session(app, make_user):
    make_user("maya")
    here = sign_in(app, "maya")
    elsewhere = sign_in(app, "maya", remember=True)
    remembered = cookie(elsewhere, "remember_token")
    response = here.post("/settings/password", data={"current_password": PASSWORD, "new_password": "a new passphrase",
                                                     "confirm": "a new passphrase"})
    assert response.status_code == 302
    assert signed_in_as(here) == "maya"
    assert signed_in_as(elsewhere) is None
    assert signed_in_as(replay(app, remember_token=remembered)) is None


def test_set_password_outside_a_request_ends_them_all(app, make_user):
    make_user("maya")
    sign_in(app, "maya")
    db.session.expunge_all()  # as the command line has it: no request, no session of its own
    accounts.set_password(accounts.find_user("maya"), "another passphrase")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_settings_list_sessions_and_end_another(app, make_user):
    make_user("maya")
    laptop = app.test_client()
    laptop.post("/auth/login", data={"username": "maya", "password": PASSWORD},
                headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"})
    phone = app.test_client()
    phone.post("/auth/login", data={"username": "maya", "password": PASSWORD},
               headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"})
    page = laptop.get("/settings").get_data(as_text=True)
    assert "Firefox on Linux" in page and "Safari on iPhone" in page and "(this browser)" in page
    phone_session = db.session.scalar(select(UserSession).where(UserSession.user_agent.contains("iPhone")))
    response = laptop.post(f"/settings/sessions/{phone_session.id}/end", follow_redirects=True)
    assert "That session has ended" in response.get_data(as_text=True)
    assert signed_in_as(phone) is None and signed_in_as(laptop) == "maya"


def test_sign_out_everywhere_else(app, make_user):
    make_user("maya")
    here, there, third = (sign_in(app, "maya") for _ in range(3))
    here.post("/settings/sessions/end-others")
    assert [signed_in_as(c) for c in (here, there, third)] == ["maya", None, None]


def test_a_member_cannot_end_another_members_session(app, make_user):
    noor_id = make_user("noor").id
    make_user("maya")
    maya, noor = sign_in(app, "maya"), sign_in(app, "noor")
    noors = db.session.scalar(select(UserSession).where(UserSession.user_id == noor_id))
    response = maya.post(f"/settings/sessions/{noors.id}/end", follow_redirects=True)
    assert "already ended" in response.get_data(as_text=True)
    assert signed_in_as(noor) == "noor"


def test_a_suspended_member_may_still_end_their_sessions(app, make_user):
    make_user("maya", suspended_until=utcnow() + timedelta(days=3), suspension_reason="Cooling off")
    here, there = sign_in(app, "maya"), sign_in(app, "maya")
    assert here.post("/settings/sessions/end-others").status_code == 302
    assert signed_in_as(there) is None


def test_an_expired_session_signs_nobody_in(app, make_user):
    make_user("maya")
    browser = sign_in(app, "maya", remember=True)
    db.session.execute(UserSession.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert signed_in_as(browser) is None


def test_the_csrf_secret_is_renewed_at_sign_in_and_sign_out(csrf_app, make_user):
    make_user("maya")
    client = csrf_app.test_client()
    client.get("/auth/login")
    with client.session_transaction() as session:
        before = session["csrf_token"]
    token = _token(client.get("/auth/login"))
    client.post("/auth/login", data={"username": "maya", "password": PASSWORD, "csrf_token": token})
    client.get("/settings")
    with client.session_transaction() as session:
        signed_in = session["csrf_token"]
    assert signed_in != before
    client.post("/auth/logout", data={"csrf_token": _token(client.get("/settings"))})
    client.get("/auth/login")
    with client.session_transaction() as session:
        assert session["csrf_token"] not in (before, signed_in)


def _token(response) -> str:
    return response.get_data(as_text=True).split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("cookie_id", ["", "12", "12.", "x.abcdefghijklmnopqrstuvwxyz", "12.short",
                                       "12.abcdefghijklmnopqrstuvwxyz!", "1" * 30 + ".abcdefghijklmnopqrstuvwxyz"])
def test_parse_cookie_id_refuses_malformed_ids(cookie_id):
    assert sessions.parse_cookie_id(cookie_id) is None


def test_a_bare_user_id_signs_nobody_in(client, make_user):
    """What the cookies held before sessions could end: the user id alone."""
    maya = make_user("maya")
    with client.session_transaction() as session:
        session["_user_id"] = str(maya.id)
    assert signed_in_as(client) is None


def test_a_token_of_another_member_signs_nobody_in(client, make_user):
    maya, noor = make_user("maya"), make_user("noor")
    token = sessions.start_session(noor, remember=False).split(".", 1)[1]
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = f"{maya.id}.{token}"
    assert signed_in_as(client) is None


def test_end_session_refuses_a_session_already_ended(app, make_user):
    maya = make_user("maya")
    sessions.start_session(maya, remember=False)
    ended = maya.session_row_id
    sessions.end_session(maya, ended)
    with pytest.raises(RuleError):
        sessions.end_session(maya, ended)


@pytest.mark.parametrize("agent, label", [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36 Edg/130.0", "Edge on Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15", "Safari on macOS"),
    ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36", "Chrome on Android"),
    ("curl/8.0", "An unknown browser"),
])
def test_device_label(agent, label):
    assert sessions.device_label(agent) == label
