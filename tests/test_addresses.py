"""Confirmed addresses (forum/domain/addresses.py, /auth/confirm-address, /auth/undo-address,
the settings page's address section): links that work once and expire, the old address's
undo for 7 days, and FLASK_REQUIRE_VERIFIED_EMAIL refusing posts with the text kept."""
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from forum.domain import addresses, mail
from forum.pages import viewer
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import EmailChange, MailStatus, OutboxMessage, Post, Topic, User, UserSession, utcnow
from tests.conftest import PASSWORD, Client
from tests.smtp_server import smtp_server  # noqa: F401 - a fixture
from tests.test_sign_in_limits import make_limited  # noqa: F401 - a fixture


def _outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def _token(text: str, path: str) -> str:
    return text.split(path, 1)[1].split()[0].split('"')[0]


def _confirm_token(user: User) -> str:
    [message] = [m for m in _outbox("address_confirm") if m.to_address == user.email][-1:]
    return _token(message.body_text, addresses.CONFIRM_PATH)


def _undo_token() -> str:
    message = _outbox("address_changed")[-1]
    return _token(message.body_text, addresses.UNDO_PATH)


@pytest.fixture(autouse=True)
def _in_a_request(app):
    """Mail is rendered with the templates' context, as it is in a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def require_confirmed(app, monkeypatch):
    """Turns FLASK_REQUIRE_VERIFIED_EMAIL on (after the test's topics were made)."""
    return lambda: monkeypatch.setitem(app.config, "REQUIRE_VERIFIED_EMAIL", True)


def _change(client, address):
    return client.post("/settings/email", data={"email": address})


def test_the_routes_are_where_the_links_point(app):
    with app.test_request_context():
        assert url_for("auth.confirm_address", token="abc") == addresses.CONFIRM_PATH + "abc"
        assert url_for("auth.undo_address", token="abc") == addresses.UNDO_PATH + "abc"


# --- Registering and confirming -------------------------------------------------------

def test_registering_mails_a_link_that_confirms_the_address(client):
    response = client.post("/auth/register", data={"username": "maya", "email": "maya@example.org",
                                                   "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    maya = db.session.scalar(select(User).where(User.username == "maya"))
    assert maya.email_verified_at is None and not addresses.is_confirmed(maya)
    [message] = _outbox("address_confirm")
    assert (message.to_address, message.status, message.user_id) == ("maya@example.org", MailStatus.PENDING, maya.id)
    token = _token(message.body_text, addresses.CONFIRM_PATH)
    assert addresses.CONFIRM_PATH + token in message.body_html
    page = client.get(addresses.CONFIRM_PATH + token)  # a GET shows a button and changes nothing
    assert page.status_code == 200 and b"Confirm my address" in page.data
    assert page.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    assert maya.email_verified_at is None
    assert client.post(addresses.CONFIRM_PATH + token).status_code == 302
    db.session.expire_all()
    assert addresses.is_confirmed(maya)
    settings = client.get("/settings").get_data(as_text=True)
    assert "Confirmed" in settings and "Not confirmed yet" not in settings


def test_a_confirmation_link_works_once(client, make_user):
    maya = make_user("maya")
    addresses.send_confirmation(maya)
    token = _confirm_token(maya)
    addresses.confirm_address(token)
    db.session.commit()
    first = maya.email_verified_at
    response = client.post(addresses.CONFIRM_PATH + token)
    assert response.status_code == 400 and b"used already" in response.data
    db.session.expire_all()
    assert maya.email_verified_at == first


def test_a_confirmation_link_expires(client, make_user, app):
    maya = make_user("maya")
    addresses.send_confirmation(maya)
    token = _confirm_token(maya)
    later = utcnow() + timedelta(hours=app.config["EMAIL_CONFIRM_HOURS"], minutes=1)
    with pytest.raises(RuleError, match="expired"):
        addresses.confirm_address(token, now=later)
    assert maya.email_verified_at is None
    addresses.confirm_address(token, now=utcnow() + timedelta(hours=app.config["EMAIL_CONFIRM_HOURS"] - 1))


@pytest.mark.parametrize("cut", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: t[:20],
                                 lambda t: "x" + t])
def test_a_tampered_confirmation_link_is_refused(client, make_user, cut):
    maya = make_user("maya")
    addresses.send_confirmation(maya)
    response = client.post(addresses.CONFIRM_PATH + cut(_confirm_token(maya)))
    assert response.status_code == 400 and b"not a valid one" in response.data
    db.session.expire_all()
    assert maya.email_verified_at is None


def test_a_confirmation_link_dies_when_the_address_changes_again(client, make_user):
    maya = make_user("maya")
    client.login(maya)
    _change(client, "first@example.org")
    old_token = _confirm_token(maya)
    _change(client, "second@example.org")
    response = client.post(addresses.CONFIRM_PATH + old_token)
    assert response.status_code == 400 and b"changed since" in response.data
    db.session.expire_all()
    assert maya.email == "second@example.org" and maya.email_verified_at is None


# --- Changing and undoing -------------------------------------------------------------

def _confirmed(user):
    user.email_verified_at = utcnow()
    db.session.commit()
    return user


def test_a_change_mails_the_new_address_a_link_and_the_old_one_an_undo(client, make_user):
    maya = _confirmed(make_user("maya"))
    response = _change(client.login(maya), "new@example.org")
    assert response.status_code == 302
    db.session.expire_all()
    assert (maya.email, maya.email_verified_at) == ("new@example.org", None)
    [confirm] = _outbox("address_confirm")
    [told] = _outbox("address_changed")
    assert confirm.to_address == "new@example.org" and told.to_address == "maya@example.org"
    assert "new@example.org" in told.body_text and addresses.UNDO_PATH in told.body_html
    page = client.get("/settings").get_data(as_text=True)
    assert "Not confirmed yet" in page and "Resend confirmation" in page


def test_a_bad_address_changes_nothing_and_keeps_the_input(client, make_user):
    maya = _confirmed(make_user("maya"))
    response = _change(client.login(maya), "not an address")
    assert response.status_code == 400
    assert "name@example.org" in response.get_data(as_text=True) and 'value="not an address"' in \
        response.get_data(as_text=True)
    db.session.expire_all()
    assert maya.email == "maya@example.org" and maya.email_verified_at is not None and not _outbox()


def test_an_unconfirmed_old_address_is_not_sent_an_undo(make_user):
    maya = make_user("maya")  # never confirmed: never shown to be hers
    addresses.change_address(maya, "new@example.org")
    assert not _outbox("address_changed") and len(_outbox("address_confirm")) == 1


def test_undo_restores_the_old_address_and_ends_the_other_sessions(app, client, make_user):
    maya = _confirmed(make_user("maya"))
    was_confirmed = maya.email_verified_at
    elsewhere = Client(app, app.response_class).login(maya)
    _change(client.login(maya), "thief@example.org")
    token = _undo_token()
    owner = Client(app, app.response_class)  # whoever reads the old mailbox, not signed in
    page = owner.get(addresses.UNDO_PATH + token)
    assert page.status_code == 200 and b"Undo the change" in page.data
    response = owner.post(addresses.UNDO_PATH + token)
    assert response.status_code == 302 and response.location == "/auth/forgot"
    db.session.expire_all()
    assert (maya.email, maya.email_verified_at) == ("maya@example.org", was_confirmed)
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == maya.id)) == 0
    assert elsewhere.get("/settings").status_code == 302  # signed out
    again = owner.post(addresses.UNDO_PATH + token)
    assert again.status_code == 400 and b"undone already" in again.data


def test_undo_also_closes_later_changes(make_user):
    maya = _confirmed(make_user("maya"))
    addresses.change_address(maya, "second@example.org")
    first_undo = _undo_token()
    addresses.confirm_address(_confirm_token(maya))
    addresses.change_address(maya, "third@example.org")
    second_undo = _undo_token()
    addresses.undo_change(first_undo)
    assert maya.email == "maya@example.org"
    with pytest.raises(RuleError, match="undone already"):
        addresses.undo_change(second_undo)
    assert maya.email == "maya@example.org" and addresses.open_changes(maya) == []


def test_undo_works_for_seven_days_only(client, make_user):
    maya = _confirmed(make_user("maya"))
    addresses.change_address(maya, "new@example.org")
    db.session.commit()
    token = _undo_token()
    with pytest.raises(RuleError, match="expired"):
        addresses.undo_change(token, now=utcnow() + timedelta(days=addresses.UNDO_DAYS, minutes=1))
    change = db.session.scalar(select(EmailChange))
    change.created_at -= timedelta(days=addresses.UNDO_DAYS, minutes=1)
    db.session.commit()
    response = client.post(addresses.UNDO_PATH + token)
    assert response.status_code == 400 and b"can be undone for 7 days" in response.data
    db.session.expire_all()
    assert maya.email == "new@example.org"


@pytest.mark.parametrize("cut", [lambda t: t[:-3], lambda t: t.replace(".", "x", 1)])
def test_a_tampered_undo_link_is_refused(client, make_user, cut):
    maya = _confirmed(make_user("maya"))
    addresses.change_address(maya, "new@example.org")
    db.session.commit()
    response = client.post(addresses.UNDO_PATH + cut(_undo_token()))
    assert response.status_code == 400 and b"not a valid one" in response.data
    db.session.expire_all()
    assert maya.email == "new@example.org"


def test_an_undo_link_for_another_change_of_another_member_is_refused(make_user):
    maya, sam = _confirmed(make_user("maya")), _confirmed(make_user("sam"))
    addresses.change_address(maya, "maya2@example.org")
    addresses.change_address(sam, "sam2@example.org")
    change = db.session.scalar(select(EmailChange).where(EmailChange.user_id == sam.id))
    forged = addresses._serializer("undo-address").dumps([change.id, maya.id])
    with pytest.raises(RuleError, match="not a valid one"):
        addresses.undo_change(forged)
    assert sam.email == "sam2@example.org"


def test_resend_from_settings(client, make_user):
    maya = make_user("maya")
    response = client.login(maya).post("/settings/email/resend")
    assert response.status_code == 302
    [message] = _outbox("address_confirm")
    assert message.to_address == "maya@example.org"
    _confirmed(maya)
    client.post("/settings/email/resend")
    assert len(_outbox("address_confirm")) == 1


# --- Posting before confirming ----------------------------------------------------------

def test_unconfirmed_members_post_when_the_setting_is_off(client, make_user, make_topic):
    maya, topic = make_user(), make_topic()
    assert client.login(maya).post(f"/t/{topic.id}/reply", data={"body": "Hello"}).status_code == 302
    assert "Resend confirmation" not in client.get(f"/t/{topic.id}").get_data(as_text=True)


def test_posting_is_refused_with_the_text_kept_when_the_setting_requires_it(client, make_user, make_topic,
                                                                           require_confirmed):
    maya, topic = make_user(), make_topic()
    require_confirmed()
    response = client.login(maya).post(f"/t/{topic.id}/reply", data={"body": "My long careful argument"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Confirm your email address before posting" in page and "My long careful argument" in page
    assert "Resend confirmation" in page and 'formaction="/settings/email/resend"' in page
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.author_id == maya.id)) == 0
    new_topic = client.post("/t/new", data={"title": "My title", "body": "My opening"})
    assert new_topic.status_code == 400 and "My opening" in new_topic.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Topic).where(Topic.author_id == maya.id)) == 0


def test_the_resend_button_of_a_refused_post_gives_the_text_back(client, make_user, make_topic, require_confirmed):
    maya, topic = make_user(), make_topic()
    require_confirmed()
    response = client.login(maya).post("/settings/email/resend",
                                       data={"body": "My long careful argument", "back": f"/t/{topic.id}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "My long careful argument" in page
    assert f'href="/t/{topic.id}"' in page and "on its way" in page
    assert len(_outbox("address_confirm")) == 1


def test_a_confirmed_member_posts_when_the_setting_requires_it(client, make_user, make_topic, require_confirmed):
    maya, topic = _confirmed(make_user()), make_topic()
    require_confirmed()
    assert client.login(maya).post(f"/t/{topic.id}/reply", data={"body": "Hello"}).status_code == 302


# --- The mail itself ---------------------------------------------------------------------

def test_the_confirmation_mail_arrives_at_an_smtp_server_and_its_link_works(app, client, make_user, smtp_server):
    maya = make_user("maya")
    client.login(maya)
    saved = {key: app.config[key] for key in ("MAIL_HOST", "MAIL_PORT", "MAIL_SECURITY", "MAIL_TIMEOUT")}
    app.config.update(smtp_server.settings())
    try:
        assert _change(client, "maya.new@example.org").status_code == 302
        assert mail.deliver_pending().sent == 1
    finally:
        app.config.update(saved)
    [message] = smtp_server.inbox.messages
    assert message["To"] == "maya.new@example.org" and message["Subject"] == "Confirm your address on Counterpoint"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = app.config["SITE_URL"] + addresses.CONFIRM_PATH
    token = _token(text, link)
    assert f'href="{link}{token}"' in html
    assert client.get(addresses.CONFIRM_PATH + token).status_code == 200
    assert client.post(addresses.CONFIRM_PATH + token).status_code == 302
    db.session.expire_all()
    assert addresses.is_confirmed(maya) and maya.email == "maya.new@example.org"


def test_no_mail_goes_to_an_account_without_an_address(make_user):
    maya = make_user("maya", email="")
    with pytest.raises(RuleError, match="no email address"):
        addresses.send_confirmation(maya)


def test_whether_a_member_must_confirm_is_part_of_what_their_pages_show(client, make_user, require_confirmed):
    """The posting forms' notice depends on it: a page kept before confirming is not
    the page after (forum/pages/viewer.py, web/caching.py)."""
    maya = make_user("maya")
    client.login(maya)
    before_setting = viewer.state(maya)
    require_confirmed()
    before = viewer.state(maya)
    assert before != before_setting and addresses.must_confirm(maya)
    _confirmed(maya)
    assert viewer.state(maya) != before and not addresses.must_confirm(maya)


def test_the_same_address_again_is_refused_and_another_case_is_kept_confirmed(client, make_user):
    maya = _confirmed(make_user("maya"))
    client.login(maya)
    same = _change(client, "maya@example.org")
    assert same.status_code == 400 and "already your address" in same.get_data(as_text=True)
    response = _change(client, "Maya@Example.org")
    assert response.status_code == 302
    assert "Your address is saved." in client.get("/settings").get_data(as_text=True)
    db.session.expire_all()
    assert maya.email == "Maya@Example.org" and addresses.is_confirmed(maya) and not _outbox()


def test_confirmation_mails_are_limited_per_member(make_limited, make_user):
    client = make_limited(LIMIT_ADDRESS_MAIL="2 per hour")
    maya = make_user("maya")
    client.login(maya)
    assert client.post("/settings/email/resend").status_code == 302
    assert client.post("/settings/email", data={"email": "maya2@example.org"}).status_code == 302
    refused = client.post("/settings/email", data={"email": "maya3@example.org"})
    assert refused.status_code == 429 and "Too many confirmation mails" in refused.text
    assert len(_outbox("address_confirm")) == 2
    db.session.expire_all()
    assert maya.email == "maya2@example.org"
    other = make_user("sam")
    client.login(other)
    assert client.post("/settings/email/resend").status_code == 302
