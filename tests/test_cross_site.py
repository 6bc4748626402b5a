"""No one-click forgery: a form sent from another site is refused with nothing
kept and no cookie touched; only the reader's own expired form comes back."""
import pytest
from flask import Flask
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post
from forum.web.security import from_this_site
from tests.conftest import PASSWORD

ATTACK = {"display_name": "Pwned by evil.example", "bio": "Mail me at attacker@evil.example",
          "email": "attacker@evil.example"}


def foreign(app, **headers):
    """A browser whose cookies a cross-site POST does not carry (SameSite=Lax)."""
    client = app.test_client()
    client.environ_base.pop("HTTP_SEC_FETCH_SITE")
    client.environ_base.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    return client


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://blog.localhost"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Referer": "https://evil.example/page"},
    {},  # a request that says nothing of where it came from
])
@pytest.mark.parametrize("path", ["/settings/profile", "/auth/logout", "/t/1/reply"])
def test_a_form_from_another_site_is_refused_with_nothing_kept(csrf_app, make_user, headers, path):
    response = foreign(csrf_app, **headers).post(path, data={**ATTACK, "body": "Spam from evil"})
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "That form came from another site" in page
    assert "evil.example" not in page and "Spam from evil" not in page and "Send again" not in page
    assert "Set-Cookie" not in response.headers  # the person's own session is left as it was


def test_a_foreign_form_to_a_login_only_action_keeps_nothing(app, make_user):
    """Even where CSRF checks are off, the sign-in page never carries another site's text."""
    response = foreign(app, **{"Sec-Fetch-Site": "cross-site"}).post("/settings/profile", data=ATTACK)
    assert response.status_code == 403 and "evil.example" not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_the_readers_own_expired_form_comes_back(csrf_app, make_user, make_topic):
    topic = make_topic()
    client = csrf_app.test_client().login(make_user())  # Sec-Fetch-Site: same-origin, as from the topic page
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Words I must not lose", "next": "/p/101",
                                                         "stance": "pro", "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Words I must not lose" in page and "Send again" in page
    # The page's hidden fields go back as hidden fields, never as the person's text.
    assert '<input type="hidden" name="next" value="/p/101">' in page
    assert '<input type="hidden" name="stance" value="pro">' in page
    assert ">Next<" not in page and ">Stance<" not in page
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_an_origin_of_this_site_counts_as_its_own(csrf_app, make_user, make_topic):
    topic = make_topic()
    client = foreign(csrf_app, Origin="http://localhost").login(make_user())
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Mine", "csrf_token": "stale"})
    assert response.status_code == 400 and "Mine" in response.get_data(as_text=True)


def test_a_guest_pressing_a_members_button_is_asked_to_sign_in_not_told_they_were_signed_out(client, make_post):
    post = make_post()
    response = client.post(f"/p/{post.id}/reply", data={"body": "My first words here", "next": "/p/1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Sign in or create an account to do that" in page and "signed out" not in page
    assert "My first words here" in page and "/p/1<" not in page


def test_a_member_whose_session_ended_is_told_so(app, make_user, make_post):
    make_user("maya")
    post = make_post()
    client = app.test_client()
    client.post("/auth/login", data={"username": "maya", "password": PASSWORD})
    db.session.execute(db.text("DELETE FROM user_sessions"))
    db.session.commit()
    response = client.post(f"/p/{post.id}/reply", data={"body": "Half an essay"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and "You were signed out" in page and "Half an essay" in page


@pytest.mark.parametrize("headers, ours", [
    ({"Sec-Fetch-Site": "same-origin"}, True),
    ({"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"}, True),  # the browser's own word wins
    ({"Sec-Fetch-Site": "same-site"}, False),
    ({"Sec-Fetch-Site": "cross-site", "Origin": "http://forum.test"}, False),
    ({"Sec-Fetch-Site": "none"}, False),
    ({"Origin": "http://forum.test"}, True),
    ({"Origin": "https://forum.test"}, True),  # behind a proxy that ends TLS
    ({"Origin": "http://forum.test.evil.example"}, False),
    ({"Referer": "http://forum.test/t/1"}, True),
    ({"Referer": "http://evil.example/http://forum.test/"}, False),
    ({}, False),
])
def test_from_this_site(headers, ours):
    app = Flask(__name__)
    with app.test_request_context("/t/1/reply", method="POST", base_url="http://forum.test", headers=headers):
        assert from_this_site() is ours
