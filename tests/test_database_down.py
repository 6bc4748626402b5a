"""While the database is unreachable every reader gets a styled 503 that asks
nothing of it, with Retry-After, their text kept, and one log line."""
import logging

import pytest
from sqlalchemy.exc import OperationalError

from forum import create_app
from forum.config import TEST_CONFIG
from forum.extensions import db

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


@pytest.mark.committing  # a read's own COMMIT, at the end of a real transaction
def test_a_read_whose_database_goes_away_before_its_commit_keeps_its_page(client, make_topic, monkeypatch,
                                                                            caplog):
    """On PostgreSQL a read ends with COMMIT after its page is made (web/transactions.py).
    The database gone by then (bench/soak.py --outage met it): the reader still gets
    the page, not the server's bare 500, and one log line, no traceback."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a read ends with COMMIT on PostgreSQL only")
    topic = make_topic(title="Read before the database went away")

    def gone(self):
        raise OperationalError("COMMIT", None, Exception("server closed the connection unexpectedly"))
    monkeypatch.setattr(type(db.session()), "commit", gone)
    with caplog.at_level(logging.INFO):
        response = client.get(f"/t/{topic.id}")
    monkeypatch.undo()
    assert response.status_code == 200 and "Read before the database went away" in response.get_data(as_text=True)
    records = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(records) == 1 and records[0].levelno == logging.WARNING and records[0].exc_info is None
    assert "at the end of a read: GET /t/" in records[0].getMessage()
