"""Forgot password → the mail arrives at a real SMTP server → its link followed in
Chromium → a new password set → the old session elsewhere is signed out → the new
password signs in. Both pages are checked at phone and desktop widths (nothing
wider than the screen); SCREENSHOT_DIR=docs/screenshots keeps their pictures."""
import os
from pathlib import Path

from forum.domain import mail, password_reset
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _violations
from tests.conftest import PASSWORD
from tests.smtp_server import smtp_server  # noqa: F401 - a fixture

NEW_PASSWORD = "a brand new passphrase"


def _fits(page, name: str) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than {width} px"
    if directory := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(directory) / f"{name}-{width}.png"), full_page=True)


def test_forgot_password_by_mail_to_a_new_password(app, new_page, live_server, make_user, smtp_server):
    make_user("maya")
    saved = {key: app.config[key] for key in ("MAIL_HOST", "MAIL_PORT", "MAIL_SECURITY", "MAIL_TIMEOUT", "SITE_URL")}
    app.config.update(smtp_server.settings(), SITE_URL=live_server.url)
    try:
        elsewhere = new_page()
        sign_in(elsewhere, "maya", PASSWORD)

        page = new_page()
        page.goto("/auth/login")
        _fits(page, "sign-in")
        page.click("text=Forgot your password?")
        page.wait_for_selector("h1:has-text('Forgot your password?')")
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            _fits(page, "forgot-password")
        page.fill("#identifier", "maya")
        page.click("button:has-text('Send me a link')")
        page.wait_for_selector("text=If that matches an account")
        _fits(page, "forgot-password-sent")

        assert mail.deliver_pending().sent == 1
        [message] = smtp_server.inbox.messages
        assert message["To"] == "maya@example.org"
        text = message.get_body(("plain",)).get_content()
        link = next(line.strip() for line in text.splitlines() if password_reset.RESET_PATH in line)
        assert link.startswith(live_server.url)

        page.goto(link)
        page.wait_for_selector("h1:has-text('Set a new password')")
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            _fits(page, "new-password")
        page.fill("#password", NEW_PASSWORD)
        page.fill("#confirm", NEW_PASSWORD)
        page.click("button:has-text('Set the new password')")
        page.wait_for_selector("text=Your new password is set")

        elsewhere.reload()
        assert elsewhere.is_visible("nav.account >> text=Sign in")  # signed out there

        page.goto(link)  # used: refused
        page.wait_for_selector("text=This link has been used already")
        page.goto("/auth/login")
        page.fill("#username", "maya")
        page.fill("#password", PASSWORD)
        page.click("form.stack-form button[type=submit]")
        page.wait_for_selector("text=don't match an account")
        sign_in(page, "maya", NEW_PASSWORD)
        assert page.js_errors == [] and elsewhere.js_errors == []
    finally:
        app.config.update(saved)


def test_the_reset_pages_have_no_serious_accessibility_violations(browser, live_server, make_user):
    token = password_reset.issue_token(make_user("maya"))
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)  # to inject axe only
    page = context.new_page()
    problems = {}
    for path in ("/auth/login", "/auth/forgot", "/auth/forgot?sent=1", f"/auth/reset/{token}", "/auth/reset/bad"):
        page.goto(path)
        if found := _violations(page):
            problems[path] = found
    context.close()
    assert not problems, problems
