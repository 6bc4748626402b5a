from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


def test_a_reply_appears_on_an_open_page_after_clicking_the_bar(new_page, make_user, make_topic, make_post):
    maya, tom = make_user("maya"), make_user("tom")
    topic = make_topic(author=maya, title="Live topic")
    root = make_post(topic=topic, author=maya, body="Maya's first point.")

    reader = new_page()
    sign_in(reader, "maya", PASSWORD)
    reader.goto(f"/t/{topic.id}")
    reader.wait_for_selector("text=Maya's first point.")
    reader.evaluate("window.notReloaded = true")

    writer = new_page()
    sign_in(writer, "tom", PASSWORD)
    writer.goto(f"/p/{root.id}/reply")
    writer.fill("#body", "Tom answers, live.")
    writer.click("button:has-text('Post reply')")
    writer.wait_for_selector(".node:target > .post >> text=Tom answers, live.")

    # The reader's page has not moved: a bar offers the new post.
    button = reader.wait_for_selector(".live-bar button", timeout=15_000)
    assert button.inner_text() == "1 new post — show"
    assert reader.locator("text=Tom answers, live.").count() == 0
    button.click()
    reply = reader.wait_for_selector(f"#p{root.id} ol.thread >> text=Tom answers, live.")
    assert reply.is_visible()
    assert reader.locator(".live-bar button").count() == 0
    assert reader.evaluate("window.notReloaded") is True
    assert reader.js_errors == [] and writer.js_errors == []

    # The header counts maya's unread notification (a reply to her post).
    reader.reload()
    assert reader.inner_text(".notifications-link .badge").startswith("1")
