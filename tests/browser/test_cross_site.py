"""No one-click forgery, in a real browser: a page on another site (localhost,
where the forum is 127.0.0.1) sends a form to the forum in a signed-in
member's name. Nothing is done, nothing is offered to "send again", and the
member is still signed in, with or without "keep me signed in"."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from forum.extensions import db
from forum.models import User
from tests.conftest import PASSWORD


@pytest.fixture
def evil_site(live_server):
    """A page on another site with a form aimed at the forum's profile settings."""
    page = f"""<!doctype html><title>Win a prize</title>
<form method="post" action="{live_server.url}/settings/profile">
<input type="hidden" name="display_name" value="Pwned">
<input type="hidden" name="email" value="attacker@evil.example">
<button>Claim your prize</button></form>""".encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}/"  # another site: localhost is not 127.0.0.1
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.mark.parametrize("remember", [False, True])
def test_a_form_on_another_site_changes_nothing(new_page, make_user, evil_site, remember):
    victim = make_user("victim", email="victim@example.org")
    page = new_page()
    page.goto("/auth/login")
    page.fill("#username", "victim")
    page.fill("#password", PASSWORD)
    if remember:
        page.check("#remember")
    page.click("form.stack-form button[type=submit]")
    page.wait_for_selector("nav.account >> text=victim")

    page.goto(evil_site)
    page.click("text=Claim your prize")
    page.wait_for_selector("text=That form came from another site")
    assert page.locator("text=Send again").count() == 0
    assert "attacker@evil.example" not in page.content()

    page.goto("/settings")
    page.wait_for_selector("nav.account >> text=victim")  # still signed in: no cookie was replaced
    db.session.expire_all()
    assert db.session.get(User, victim.id).email == "victim@example.org"
    assert db.session.get(User, victim.id).display_name != "Pwned"
