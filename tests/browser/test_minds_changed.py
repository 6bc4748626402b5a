"""What changed minds, in a browser: a reader answers "before", changes their answer
"after" and credits two arguments (found with the picker's live filter); the arguments'
counts and the results move, and the reader sees their own timeline. Screenshots of the
results at 1280 and 375 px go to docs/screenshots/."""
from pathlib import Path

from forum.domain import debates
from forum.extensions import db
from forum.models import Stance
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import AXE, _violations
from tests.conftest import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _results_shot(page, name: str) -> None:
    """The results, "what changed minds" and the reader's timeline, in one picture."""
    box = page.evaluate("""() => {
        const first = document.querySelector('#results').getBoundingClientRect();
        const bottoms = ['#my-timeline', '.minds'].map(s => document.querySelector(s).getBoundingClientRect().bottom);
        return {y: first.top + window.scrollY, bottom: Math.max(...bottoms) + window.scrollY};
    }""")
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True,
                    clip={"x": 0, "y": box["y"] - 8, "width": width, "height": box["bottom"] - box["y"] + 16})


def test_a_reader_credits_the_arguments_that_changed_their_mind(new_page, make_debate, make_post, make_user):
    debate = make_debate(title="Red-team testers should be paid", pro_label="Pay them",
                         con_label="Voluntary is fine")
    bounty = make_post(topic=debate, stance=Stance.PRO,
                       body="Bug bounties already pay outsiders for the **same** work: testing is labour.")
    value = make_post(topic=debate, stance=Stance.PRO, body="The value of the testing flows one way, to the lab.")
    make_post(topic=debate, stance=Stance.CON, body="Consent was real and the exit was open to every tester.")
    # Others answered already: four started against and two moved; one stayed put.
    for before, after in ((-2, -1), (-1, 1), (-2, -2), (1, 1), (0, -1)):
        other = make_user()
        debates.answer_poll(debate, other, "before", str(before))
        debates.answer_poll(debate, other, "after", str(after))
    make_user("ines", display_name="Ines Duarte")
    db.session.commit()
    url = f"/t/{debate.id}"

    page = new_page()
    sign_in(page, "ines", PASSWORD)
    page.goto(url)
    page.check(".poll-before input[name=value][value='-1']")
    page.click(".poll-before button")
    page.wait_for_selector("text=your answer is recorded")

    # After reading: a changed answer, and two arguments found with the live filter.
    picker = page.locator("#credit-picker")
    assert "which arguments moved you?" in picker.inner_text()
    page.check(".poll-after input[name=value][value='1']")
    page.fill("#credit-filter", "bounties")
    assert page.locator(".credit-option:visible").count() == 1
    page.check(f".credit-option input[value='{bounty.id}']")
    page.fill("#credit-filter", "flows one way")
    page.check(f".credit-option input[value='{value.id}']")
    page.fill("#credit-filter", "")
    assert page.locator(".credit-option:visible").count() == 3
    # Back to the first answer: the picker says nothing changed (the server would refuse too).
    page.check(".poll-after input[name=value][value='-1']")
    assert "That is your first answer" in page.inner_text(".credit-note")
    page.check(".poll-after input[name=value][value='1']")
    page.click(".poll-after button:has-text('Save where I stand now')")
    page.wait_for_selector("text=your answer is recorded")

    # The two arguments say whom they moved; the results rank them first.
    pro_column = page.inner_text(".column-pro")
    assert pro_column.count("1 reader moved (1 toward “Pay them”, 0 toward “Voluntary is fine”)") == 2
    assert "reader moved" not in page.inner_text(".column-con")
    minds = page.inner_text(".minds")
    assert minds.count("1 reader moved") == 2 and "bounties already pay" in minds
    assert "3 people moved toward “Pay them”" in page.inner_text("#results")
    assert "percentage points" in page.inner_text("#why-measures")
    # The poll reads as sentences.
    assert "I lean toward “Pay them”" in page.inner_text(".poll-after")

    # The reader's own timeline: the start, the change, what it credited, with times.
    timeline = page.inner_text("#my-timeline")
    assert "Before reading: I lean toward “Voluntary is fine”" in timeline
    assert "Moved 2 steps toward “Pay them”: I lean toward “Pay them”" in timeline
    assert "Bug bounties already pay outsiders for the same work" in timeline and "your time:" in timeline
    # The argument page says it too.
    page.click(f".minds a[href='/p/{bounty.id}']")
    page.wait_for_selector(".moved-line")
    assert "Changed the answer of 1 reader: 1 toward “Pay them”" in page.inner_text(".moved-line")
    assert page.js_errors == []

    # Another reader sees the counts but not Ines's timeline.
    other = new_page()
    make_user("tom")
    db.session.commit()
    sign_in(other, "tom", PASSWORD)
    other.goto(url)
    assert "1 reader moved" in other.inner_text(".column-pro")
    assert other.locator("#my-timeline").count() == 0

    page.goto(url + "#results")
    _results_shot(page, "results-1280.png")
    phone = new_page(width=375, height=800)
    sign_in(phone, "ines", PASSWORD)
    phone.goto(url + "#results")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _results_shot(phone, "results-375.png")
    # The picker on a phone: the reader's credits ticked again, ready to change.
    assert phone.locator(".credit-option input:checked").count() == 2
    phone.locator(".poll-after").screenshot(path=str(SCREENSHOTS / "credit-picker-375.png"))
    assert phone.js_errors == []


def test_the_picker_and_the_timeline_have_no_serious_accessibility_violations(browser, live_server, make_debate,
                                                                               make_post, make_user):
    debate = make_debate(title="Red-team testers should be paid", pro_label="Pay them",
                         con_label="Voluntary is fine")
    argument = make_post(topic=debate, stance=Stance.PRO, body="Bug bounties already pay outsiders.")
    make_post(topic=debate, stance=Stance.CON, body="Consent was real.")
    reader = make_user("ines", display_name="Ines Duarte")
    debates.answer_poll(debate, reader, "before", "-1")
    debates.answer_poll(debate, reader, "after", "1", [str(argument.id)])
    db.session.commit()
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test-browser does)"
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)  # to inject axe only
    page = context.new_page()
    sign_in(page, "ines", PASSWORD)
    problems = {}
    for path in (f"/t/{debate.id}", f"/t/{debate.id}?credit_filter=bounties", f"/t/{debate.id}/poll"):
        page.goto(path)
        assert page.locator("#credit-picker").count() == 1 and page.locator("#my-timeline").count() == 1
        found = _violations(page)
        if found:
            problems[path] = found
    context.close()
    assert problems == {}
