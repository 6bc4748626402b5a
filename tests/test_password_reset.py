"""Password reset (forum/domain/password_reset.py, /auth/forgot, /auth/reset/<token>,
`flask users reset-password`): the same answer for every name, links that work
once for an hour, limits, and the mail itself at a real SMTP server."""
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from forum import create_app
from forum.config import TEST_CONFIG
from forum.domain import accounts, mail, password_reset
from forum.domain.errors import RuleError
from forum.extensions import db, limiter
from forum.models import MailStatus, OutboxMessage, User, UserSession, utcnow
from tests.conftest import PASSWORD, Client
from tests.smtp_server import smtp_server  # noqa: F401 - a fixture

NEW_PASSWORD = "a brand new passphrase"


def _outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _ask(client, identifier: str):
    return client.post("/auth/forgot", data={"identifier": identifier})


def _token_in(text: str) -> str:
    return text.split(password_reset.RESET_PATH, 1)[1].split()[0].split('"')[0]


def test_the_route_is_where_the_links_point(app):
    with app.test_request_context():
        assert url_for("auth.reset_password", token="abc") == password_reset.RESET_PATH + "abc"


def test_the_sign_in_page_offers_a_reset(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot"' in page and "Forgot your password?" in page


def test_a_known_name_gets_a_mail_with_a_link(client, make_user, app):
    user = make_user("maya")
    response = _ask(client, "Maya")
    assert response.status_code == 302 and response.location == "/auth/forgot?sent=1"
    [message] = _outbox()
    assert (message.status, message.to_address, message.user_id) == (MailStatus.PENDING, "maya@example.org", user.id)
    assert message.kind == "password_reset" and "maya" not in message.subject
    token = _token_in(message.body_text)
    assert f'href="{app.config["SITE_URL"]}{password_reset.RESET_PATH}{token}"' in message.body_html
    assert message.body_text.count(app.config["SITE_URL"] + password_reset.RESET_PATH) == 1
    assert password_reset.check_token(token) is user


def test_an_address_gets_one_mail_naming_each_of_its_accounts(client, make_user):
    first, second = make_user("first"), make_user("second")
    second.email = first.email.upper()
    db.session.commit()
    _ask(client, "First@Example.org")
    [message] = _outbox()
    assert message.to_address == first.email and "first" in message.body_text and "second" in message.body_text
    assert message.body_text.count(password_reset.RESET_PATH) == 2


def test_an_unknown_name_gets_the_same_answer_and_nothing_is_sent(client, make_user):
    make_user("maya")
    answers = []
    for identifier in ("maya", "nobody-here", "nobody@example.org"):
        response = _ask(client, identifier)
        page = client.get(response.location).get_data(as_text=True)
        answers.append((response.status_code, response.location, page))
    assert answers[0] == answers[1] == answers[2]
    assert "If that matches an account, a link to set a new password is on its way" in answers[0][2]
    assert [m.status for m in _outbox()] == [MailStatus.PENDING, MailStatus.VOID, MailStatus.VOID]
    assert [m.to_address for m in _outbox()][1:] == ["", ""]


def _statements(count_queries, action) -> list[str]:
    with count_queries() as statements:
        action()
    return statements


def test_an_unknown_name_costs_the_same_statements(client, make_user, count_queries):
    make_user("maya")
    known = _statements(count_queries, lambda: _ask(client, "maya"))
    unknown = _statements(count_queries, lambda: _ask(client, "mallory"))
    assert known == unknown and any(s.startswith("INSERT INTO mail_outbox") for s in known)


# What is left of the time (the same statements, above) is measured, never asserted:
# bench/reset_timing.py prints a known and an unknown name's requests, interleaved.


def test_a_link_works_once(app, make_user):
    user = make_user("maya")
    token = password_reset.issue_token(user)
    assert password_reset.reset_password(token, NEW_PASSWORD) is user
    assert accounts.authenticate("maya", NEW_PASSWORD) is user
    with pytest.raises(RuleError, match="used already"):
        password_reset.reset_password(token, "yet another password")


def test_a_link_expires_after_an_hour(app, make_user):
    user = make_user()
    token = password_reset.issue_token(user)
    assert password_reset.check_token(token, now=utcnow() + timedelta(minutes=59)) is user
    with pytest.raises(RuleError, match="expired"):
        password_reset.check_token(token, now=utcnow() + timedelta(minutes=61))


def test_a_link_dies_when_the_password_or_address_changes(app, make_user):
    user = make_user()
    token = password_reset.issue_token(user)
    accounts.set_password(user, "changed in settings")
    with pytest.raises(RuleError, match="used already"):
        password_reset.check_token(token)
    token = password_reset.issue_token(user)
    user.email = "elsewhere@example.org"
    with pytest.raises(RuleError, match="used already"):
        password_reset.check_token(token)


def test_a_tampered_link_is_refused(app, make_user):
    user, other = make_user(), make_user()
    token = password_reset.issue_token(user)
    payload, signature = token[:len(token) // 2], token[len(token) // 2:]
    flipped = payload + ("A" if signature[0] != "A" else "B") + signature[1:]
    forged = password_reset._serializer().dumps([other.id, "0" * 32])
    for bad in (flipped, token[:-3], "nonsense", forged.replace(forged[-4:], "abcd")):
        with pytest.raises(RuleError, match="not a valid one"):
            password_reset.check_token(bad)
    with pytest.raises(RuleError, match="used already"):  # signed, but for no password of theirs
        password_reset.check_token(forged)


def test_the_reset_pages_refuse_and_accept(client, make_user):
    user = make_user("maya")
    refused = client.get("/auth/reset/nonsense")
    assert refused.status_code == 400 and "not a valid one" in refused.get_data(as_text=True)
    token = password_reset.issue_token(user)
    page = client.get(f"/auth/reset/{token}")
    assert page.status_code == 200 and "For the account <strong>maya</strong>" in page.get_data(as_text=True)
    assert "no-store" in page.headers["Cache-Control"] and page.headers["Referrer-Policy"] == "no-referrer"
    short = client.post(f"/auth/reset/{token}", data={"password": "short", "confirm": "short"})
    assert short.status_code == 400 and accounts.authenticate("maya", PASSWORD) is user
    done = client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.location == "/auth/login"
    again = client.get(f"/auth/reset/{token}")
    assert again.status_code == 400 and "used already" in again.get_data(as_text=True)


def test_a_new_password_ends_every_session_of_the_member(app, make_user, client):
    user = make_user("maya")
    elsewhere = app.test_client().login(user)
    assert elsewhere.get("/settings").status_code == 200
    token = password_reset.issue_token(user)
    client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert elsewhere.get("/settings").status_code == 302
    signed_in = client.post("/auth/login", data={"username": "maya", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.post("/auth/login", data={"username": "maya", "password": PASSWORD}).status_code == 400


@pytest.fixture
def limited_client(app):
    made = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                       "LIMIT_RESET_IP": "5 per hour", "LIMIT_RESET_ACCOUNT": "2 per hour"})
    made.test_client_class = Client
    limiter.reset()
    yield made.test_client()
    limiter.reset()
    limiter.enabled = False  # one limiter object: off again for the other tests
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


def test_reset_mails_are_limited_per_account_silently_and_per_address(limited_client, make_user):
    make_user("maya")
    answers = [_ask(limited_client, name).location for name in ("maya", "MAYA", "maya@example.org", "maya")]
    assert answers == ["/auth/forgot?sent=1"] * 4  # the same answer, spent allowance or not
    assert [m.status for m in _outbox()] == [MailStatus.PENDING] * 2 + [MailStatus.VOID] * 2
    assert _ask(limited_client, "someone-else").status_code == 302  # the 5th from this address
    refused = _ask(limited_client, "someone-else")
    assert refused.status_code == 429 and "Too many password resets" in refused.get_data(as_text=True)
    assert len(_outbox()) == 5


def test_the_admin_command_prints_a_one_time_link(app, make_user):
    user = make_user("maya")
    result = app.test_cli_runner().invoke(args=["users", "reset-password", "maya"])
    assert result.exit_code == 0, result.output
    link = result.output.split()[-1]
    assert link.startswith(app.config["SITE_URL"] + password_reset.RESET_PATH)
    assert password_reset.check_token(link.rsplit("/", 1)[1]) is user
    assert accounts.authenticate("maya", PASSWORD) is user  # nothing else changed
    unknown = app.test_cli_runner().invoke(args=["users", "reset-password", "nobody"])
    assert unknown.exit_code == 1 and "No account is named 'nobody'" in unknown.output


def test_the_admin_command_can_lock_the_account_out(app, make_user):
    user = make_user("maya")
    app.test_client().login(user)
    result = app.test_cli_runner().invoke(args=["users", "reset-password", "maya", "--lock-out"])
    assert result.exit_code == 0, result.output
    token = result.output.split(password_reset.RESET_PATH)[1].split()[0]
    assert accounts.authenticate("maya", PASSWORD) is None
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert password_reset.check_token(token) is user


def test_the_mail_arrives_at_an_smtp_server_and_its_link_works(app, client, make_user, smtp_server):
    make_user("maya")
    saved = {key: app.config[key] for key in ("MAIL_HOST", "MAIL_PORT", "MAIL_SECURITY", "MAIL_SENDER")}
    app.config.update(smtp_server.settings(), MAIL_SENDER="Counterpoint <noreply@forum.example.org>")
    try:
        _ask(client, "maya")
        assert mail.deliver_pending().sent == 1
    finally:
        app.config.update(saved)
    [message] = smtp_server.inbox.messages
    assert (message["To"], message["From"]) == ("maya@example.org", "Counterpoint <noreply@forum.example.org>")
    assert message["Subject"] == "Set a new password on Counterpoint"
    assert message["Message-ID"] == _outbox()[0].message_id
    text, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    token = _token_in(text)
    assert f'href="http://127.0.0.1:5000/auth/reset/{token}"' in html and "works once, for 60 minutes" in text
    page = client.get(f"/auth/reset/{token}")
    assert page.status_code == 200
    client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert accounts.authenticate("maya", NEW_PASSWORD) == db.session.scalar(select(User))


def test_without_smtp_the_eml_file_holds_a_whole_link_that_works(app, client, make_user, tmp_path):
    """The demo (`make run`): the mail is a file, and the link in it can be copied as it is."""
    make_user("maya")
    saved = {key: app.config[key] for key in ("MAIL_HOST", "MAIL_DIR")}
    app.config.update(MAIL_HOST=None, MAIL_DIR=str(tmp_path))
    try:
        _ask(client, "maya")
        assert mail.deliver_pending().sent == 1
    finally:
        app.config.update(saved)
    [path] = tmp_path.glob("*.eml")
    raw = path.read_text()
    link = next(line for line in raw.splitlines() if line.startswith(app.config["SITE_URL"] + password_reset.RESET_PATH))
    assert f'href="{link}"' in raw  # the HTML part carries the same, unbroken
    assert client.get(link.removeprefix(app.config["SITE_URL"])).status_code == 200


def test_a_member_signed_in_here_keeps_this_session_only(app, make_user, client):
    user = make_user("maya")
    elsewhere = app.test_client().login(user)
    client.login(user)
    token = password_reset.issue_token(user)
    done = client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.location == "/"
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    assert client.get("/settings").status_code == 200 and elsewhere.get("/settings").status_code == 302
