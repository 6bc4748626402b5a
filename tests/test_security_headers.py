import pytest

from forum import create_app
from forum.config import TEST_CONFIG

PAGES = ["/", "/auth/login", "/auth/register", "/healthz", "/no-such-page", "/static/css/site.css"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers


def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user("alice")
    response = client.post("/auth/login", data={"username": "alice", "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_https_mode_sets_secure_cookies_and_hsts(monkeypatch, tmp_path):
    monkeypatch.setenv("FORUM_HTTPS", "1")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.test_client().get("/static/css/site.css") as response:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
