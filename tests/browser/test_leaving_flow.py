"""Leaving, in Chromium: the settings section at phone and desktop widths (nothing
wider than the screen, no serious axe finding), a wrong password refused under its
field, then the account deleted: this browser and another one are signed out, and
the thread signs the member's post "[deleted member]". SCREENSHOT_DIR=docs/screenshots
keeps the pictures."""
import os
from pathlib import Path

from forum.domain import posting
from forum.extensions import db
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


def _fits(page, name: str) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than {width} px"
    if directory := os.environ.get("SCREENSHOT_DIR"):
        page.locator("section.leaving").screenshot(path=str(Path(directory) / f"{name}-{width}.png"))


def test_delete_an_account_from_settings(new_page, make_user, make_topic):
    maya = make_user("maya", display_name="Maya Rivers")
    topic = make_topic()
    posting.create_post(maya, topic, "Words that stay after I leave.")
    db.session.commit()
    elsewhere = new_page()
    sign_in(elsewhere, "maya", PASSWORD)

    page = new_page(375, 800)
    sign_in(page, "maya", PASSWORD)
    page.goto("/settings#leaving-h")
    page.wait_for_selector("#leaving-h")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        _fits(page, "settings-leaving")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.get_attribute("a:has-text('Download my data')", "href") == "/settings/export"

    page.fill("#password", "not my password")
    page.click("button:has-text('Delete my account')")
    page.wait_for_selector("#password-error")
    assert "not your password" in page.inner_text("#password-error")
    _fits(page, "settings-leaving-refused")

    page.fill("#password", PASSWORD)
    assert not page.is_checked("#erase")  # what she wrote stays
    page.click("button:has-text('Delete my account')")
    page.wait_for_selector("text=Your account is deleted")
    assert page.locator("nav.account >> text=maya").count() == 0

    elsewhere.goto("/settings")
    assert "/auth/login" in elsewhere.url
    elsewhere.goto(f"/t/{topic.id}")
    thread = elsewhere.inner_text("main")
    assert "[deleted member]" in thread and "Words that stay after I leave." in thread
    assert "Maya Rivers" not in thread
    assert page.js_errors == [] and elsewhere.js_errors == []
