from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


def test_register_start_topic_reply_and_edit(new_page, make_article):
    make_article(slug="sora-leak", title="OpenAI's Sora leaks")
    page = new_page()
    page.goto("/")
    page.click("text=Join")
    page.fill("#username", "newcomer")
    page.fill("#email", "newcomer@example.org")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("form.stack-form button[type=submit]")
    page.wait_for_selector("text=Welcome to Counterpoint")

    page.click("text=Start a discussion")
    page.fill("#title", "Should testers be paid?")
    page.fill("#body", "I think **yes**, and here is why.")
    page.click("button:has-text('Preview')")
    assert page.inner_html(".preview .prose").strip() == "<p>I think <strong>yes</strong>, and here is why.</p>"
    page.click("button:has-text('Start the discussion')")
    page.wait_for_selector("h1:has-text('Should testers be paid?')")

    page.fill("#body", "Replying to myself for the record.")
    page.click("button:has-text('Post reply')")
    page.wait_for_selector(".node:target > .post >> text=Replying to myself")

    page.click(".node:target > .post >> text=Edit")
    page.fill("#body", "Replying, edited.")
    page.click("button:has-text('Save changes')")
    page.wait_for_selector("text=Replying, edited.")
    page.click(".post.highlight >> text=History")
    page.wait_for_selector("text=Replying to myself for the record.")
    assert page.js_errors == []


def test_collapse_works_without_javascript(browser, live_server, make_topic, make_post):
    topic = make_topic(title="Collapsible")
    root = make_post(topic=topic, body="Root post")
    make_post(parent=root, body="Child post")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"/t/{topic.id}")
    assert page.is_visible("text=Child post")
    page.click(f"#p{root.id} > article > details > summary")
    assert not page.is_visible("text=Child post")
    context.close()


def test_sign_out_is_a_post(new_page, make_user):
    make_user("leaver")
    page = new_page()
    sign_in(page, "leaver", PASSWORD)
    page.click("text=Sign out")
    page.wait_for_selector("text=You are signed out.")
    assert page.is_visible("nav.account >> text=Sign in")
