"""While the database is unreachable every reader gets a styled 503 that asks
nothing of it, with Retry-After, their text kept, and one log line."""
import logging

import pytest

from forum import create_app
from forum.config import TEST_CONFIG

NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"  # a closed port: refused at once


@pytest.fixture
def down():
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": NOWHERE,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}})
    yield app
    with app.app_context():
        from forum.extensions import db
        db.engine.dispose()


def test_a_guest_gets_a_503_page_with_retry_after(down, caplog):
    with caplog.at_level(logging.INFO):
        response = down.test_client().get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "back in a moment" in page and "site.css" in page
    records = [r for r in caplog.records if r.name == down.logger.name]
    assert len(records) == 1 and records[0].levelno == logging.WARNING and records[0].exc_info is None
    assert "database unavailable: GET /" in records[0].getMessage()


def test_a_member_posting_keeps_their_text(down):
    client = down.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1.abcdefghijklmnopqrstuvwxyz0123"
    response = client.post("/t/1/reply", data={"body": "A reply I wrote while the database was down"},
                           headers={"Sec-Fetch-Site": "same-origin"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Your text is safe" in page and "A reply I wrote while the database was down" in page


@pytest.mark.parametrize("path", ["/t/1", "/p/1", "/search?q=sora", "/u/maya", "/healthz"])
def test_every_page_is_a_503_not_a_500(down, path):
    assert down.test_client().get(path).status_code == 503
