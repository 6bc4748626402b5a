"""Nothing typed is lost: a draft survives a reload, and an expired session
shows the text again and the browser offers the draft back."""
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
    # Without a session the form's token no longer matches: the text comes back, nothing is stored.
    page.wait_for_selector("text=your text is safe")
    assert page.input_value("textarea[name=body]") == TEXT
    page.goto("/auth/login")
    page.fill("#username", "writer")
    page.fill("#password", PASSWORD)
    page.click("form.stack-form button[type=submit]")
    page.wait_for_selector("nav.account >> text=writer")
    page.goto(f"/t/{topic.id}")
    assert page.input_value("#body") == TEXT  # offered back from the browser's draft
    page.click("button:has-text('Post reply')")
    page.wait_for_selector(f".post.highlight >> text={TEXT}")
    page.goto(f"/t/{topic.id}")
    assert page.input_value("#body") == ""  # sent, so the draft is gone
