"""Nothing typed is lost: a draft survives a reload, and after a session expires
mid-post the text is kept through signing in and is back in the form."""
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

TEXT = "A long, careful reply that took me twenty minutes to write."


def test_draft_survives_a_reload(new_page, make_user, make_topic):
    make_user("writer")
    topic = make_topic(title="Drafts")
    page = new_page()
    sign_in(page, "writer", PASSWORD)
    page.goto(f"/t/{topic.id}")
    page.fill("#body", TEXT)
    page.wait_for_timeout(700)  # the autosave waits for a pause in typing
    page.reload()
    assert page.input_value("#body") == TEXT
    assert page.is_visible("text=Your unsent draft was restored.")


def test_expired_session_mid_post_keeps_the_text(new_page, make_user, make_topic):
    make_user("writer")
    topic = make_topic(title="Sessions expire")
    page = new_page()
    sign_in(page, "writer", PASSWORD)
    page.goto(f"/t/{topic.id}")
    page.fill("#body", TEXT)
    page.wait_for_timeout(700)
    page.context.clear_cookies()  # the session expires while the person writes
    page.click("button:has-text('Post reply')")
    # Without a session the form needs an account: sign in, the text kept, nothing stored.
    page.wait_for_selector("text=will be back in the form")
    assert page.input_value(".kept-text textarea") == TEXT
    page.fill("#username", "writer")
    page.fill("#password", PASSWORD)
    page.click("form.stack-form button[type=submit]")
    page.wait_for_selector("nav.account >> text=writer")
    assert page.url.endswith(f"/t/{topic.id}")  # back where they were
    assert page.input_value("#body") == TEXT  # back in the form
    page.click("button:has-text('Post reply')")
    page.wait_for_selector(f".node:target > .post >> text={TEXT}")
    page.goto(f"/t/{topic.id}")
    assert page.input_value("#body") == ""  # sent, so the draft is gone
