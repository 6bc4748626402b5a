from forum.models import Role
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

EXPLANATION = "I thought unpaid testing was a fair trade for early access; the bug bounty comparison changed that."


def test_debate_from_motion_to_results(new_page, make_article, make_user):
    make_article(slug="sora-leak", title="OpenAI's Sora leaks")
    make_user("prof", role=Role.INSTRUCTOR)
    make_user("ada")
    make_user("ben")

    teacher = new_page()
    sign_in(teacher, "prof", PASSWORD)
    teacher.click("text=Start a debate")
    teacher.fill("#title", "Red-team testers should be paid")
    teacher.fill("#body", "Outside testers of a commercial model: owed a fee?")
    teacher.fill("#pro_label", "Pay them")
    teacher.fill("#con_label", "Voluntary is fine")
    teacher.click("button:has-text('Start the debate')")
    teacher.wait_for_selector("h1:has-text('Red-team testers should be paid')")
    debate_url = teacher.url

    ada = new_page()
    sign_in(ada, "ada", PASSWORD)
    ada.goto(debate_url)
    ada.check(".poll-before input[name=value][value='-1']")
    ada.click(".poll-before button")
    ada.wait_for_selector("text=your answer is recorded")
    assert not ada.is_visible(".poll-before")
    ada.check("#argue input[name=stance][value=pro]")
    ada.fill("#argue #body", "Testing is **work**, and the value flows one way.")
    ada.fill("#argue #sources", "Bug bounty program https://en.wikipedia.org/wiki/Bug_bounty_program")
    ada.click("button:has-text('Post argument')")
    ada.wait_for_selector(".card:target >> text=the value flows one way")  # back in the debate, at it
    ada.click(".card:target .card-open")
    ada.wait_for_selector("a[rel='nofollow ugc noopener']:has-text('Bug bounty program')")

    ben = new_page(width=375, height=800)
    sign_in(ben, "ben", PASSWORD)
    ben.goto(debate_url)
    ben.check("#argue input[name=stance][value=con]")
    ben.fill("#argue #body", "Consent was real and the exit was open.")
    ben.click("button:has-text('Post argument')")
    ben.wait_for_selector("text=Consent was real")

    # Drill into Ada's argument from the columns, vote, and award a ∆.
    ben.goto(debate_url)
    assert ben.inner_text(".column-pro .column-head").startswith("✚ For: Pay them")
    ben.click(".column-pro .card-open")
    ben.wait_for_selector(".argument-focus >> text=the value flows one way")
    assert "0 votes" in ben.inner_text(".argument-focus .counts")
    ben.click("button:has-text('Strong argument')")
    ben.wait_for_selector("text=Your vote is counted.")
    assert "1 vote" in ben.inner_text(".argument-focus .counts")
    ben.click("summary:has-text('Award a ∆')")
    ben.fill("#explanation", EXPLANATION)
    ben.click("button:has-text('Award ∆')")
    ben.wait_for_selector("text=You awarded a ∆ to this argument.")
    assert EXPLANATION in ben.inner_text(".deltas")
    ben.check("#answer input[name=stance][value=con]")
    ben.fill("#answer #body", "But early access is payment in kind.")
    ben.click("button:has-text('Post answer')")
    ben.wait_for_selector("text=But early access is payment in kind.")

    # Both polls, then the results show the shift.
    ben.goto(debate_url)
    ben.check(".poll-before input[name=value][value='-2']")
    ben.click(".poll-before button")
    ben.wait_for_selector("text=your answer is recorded")
    ben.check(".poll-after input[name=value][value='1']")
    ben.click(".poll-after button:has-text('Save where I stand now')")
    ben.wait_for_selector("text=your answer is recorded")
    assert "1 person moved toward “Pay them”" in ben.inner_text("#results")
    assert "∆ 1" in ben.inner_text(".minds")

    teacher.goto(debate_url)
    assert "2 arguments" in teacher.inner_text("#arguments-h")
    teacher.click("button:has-text('Close the debate')")
    teacher.wait_for_selector("text=“Pay them” moved more people and wins this debate.")
    for page in (teacher, ada, ben):
        assert page.js_errors == []
