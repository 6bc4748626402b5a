"""New since your last visit, and "Valued by both sides", in a real browser at 375 and 1280 px."""
import pytest

from forum.domain import debates, reactions
from forum.extensions import db
from forum.models import PollPhase, Stance, TopicRead
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

OVERFLOWS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [375, 1280])
def test_a_member_sees_what_is_new_and_jumps_to_it(new_page, make_user, make_topic, make_post, width):
    reader, writer = make_user("reader_rosa"), make_user("writer_wen")
    topic = make_topic(author=writer, title="What changed since Tuesday")
    seen = make_post(topic=topic, author=writer, body="Read on Tuesday.")
    db.session.add(TopicRead(user_id=reader.id, topic_id=topic.id, last_seen_post_id=seen.id))
    fresh = make_post(topic=topic, author=writer, body="Written on Wednesday.")
    db.session.commit()
    page = new_page(width)
    sign_in(page, "reader_rosa", PASSWORD)
    page.goto("/")
    row = page.locator(".topic-row", has_text="What changed since Tuesday")
    assert row.locator(".tag-new").inner_text().startswith("1 new")
    assert not page.evaluate(OVERFLOWS)
    row.locator("a.topic-title").click()
    assert page.locator(f"#p{fresh.id}-by .tag-new").is_visible()
    assert page.locator(f"#p{seen.id}-by .tag-new").count() == 0
    page.click("text=Jump to the first unread post")
    assert page.url.endswith(f"#p{fresh.id}")
    assert not page.evaluate(OVERFLOWS)
    page.goto("/")  # read now
    assert page.locator(".topic-row", has_text="What changed since Tuesday").locator(".tag-new").count() == 0
    assert not page.js_errors


@pytest.mark.parametrize("width", [375, 1280])
def test_the_valued_sort_shows_its_mark_and_its_formula(new_page, make_debate, make_user, make_post, width):
    topic = make_debate(arguments=0, title="A motion both sides read")
    bridge = make_post(topic=topic, body="An argument both sides value.", stance=Stance.PRO)
    favourite = make_post(topic=topic, body="An argument one side loves.", stance=Stance.PRO)
    for value, post in [(2, bridge), (1, bridge), (-1, bridge), (-2, bridge)] + [(2, favourite)] * 5:
        voter = make_user()
        debates.answer_poll(topic, voter, PollPhase.BEFORE, value)
        reactions.vote(post, voter)
    db.session.commit()
    page = new_page(width)
    page.goto(f"/t/{topic.id}")
    page.click("nav.sort >> text=Valued by both sides")
    cards = page.locator(".column-pro li.card")
    assert "An argument both sides value." in cards.nth(0).inner_text()
    assert cards.nth(0).locator(".tag-valued").inner_text().strip().endswith("Valued by both sides")
    assert cards.nth(1).locator(".tag-valued").count() == 0
    assert page.locator("#valued-explained").is_visible()
    assert not page.evaluate(OVERFLOWS)
