"""While the database is unreachable, in a real browser: the styled 503 page,
readable on a phone, and the text someone was sending shown back to them."""
import threading

import pytest
from werkzeug.serving import make_server

from forum import create_app
from forum.config import TEST_CONFIG
from forum.extensions import db
from tests.test_database_down import NOWHERE


@pytest.fixture
def down_server():
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": NOWHERE, "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_outage_page_is_styled_fits_and_gives_the_text_back(browser, down_server, width):
    context = browser.new_context(base_url=down_server, viewport={"width": width, "height": 800})
    page = context.new_page()
    response = page.goto("/t/1")
    assert response.status == 503 and response.headers["retry-after"] == "30"
    assert page.locator("h1").inner_text() and "back in a moment" in page.content()
    # Styled: the site's stylesheet applied (the body's font is not the browser's default serif).
    assert "serif" != page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # A reply sent from this site while the database is down comes back on the page
    # (a guest's on the sign-in page, which needs no database; a member's on the
    # 503 page: tests/test_database_down.py).
    with page.expect_navigation() as sent:
        page.evaluate("""() => { const form = document.createElement('form');
            form.method = 'post'; form.action = '/t/1/reply';
            const body = document.createElement('textarea'); body.name = 'body';
            body.value = 'What I wrote while the database was away'; form.appendChild(body);
            document.body.appendChild(form); form.submit(); }""")
    assert sent.value.status == 401
    assert "What I wrote while the database was away" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
