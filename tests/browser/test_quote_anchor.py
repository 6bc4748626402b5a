"""A sentence selected in the article becomes an argument that quotes it, and the
sentence is marked in the article with what discusses it."""
from pathlib import Path

from forum.domain import articles
from forum.models import Role
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _violations
from tests.conftest import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SUMMARY = """## What happened

A group of artists who had early access to OpenAI's Sora video model posted a tool
that let anyone generate videos with it. They said they had been unpaid testers.
OpenAI paused the access within hours.

Their open letter asked for *fair pay* and for the testing programme to be open.

## Why it matters

Testers give a company work and feedback. The company gives them early access.
Whether that trade is fair is the question the forum argues about.
"""
SENTENCE = "They said they had been unpaid testers."


def _select(page, text: str) -> None:
    """Select `text` (inside one text node of the article), as a reader's drag would."""
    page.evaluate("""text => {
        const walker = document.createTreeWalker(document.querySelector('.article-card'), NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(text);
            if (at === -1) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + text.length);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
            return;
        }
        throw new Error('text not found: ' + text);
    }""", text)


def test_a_selected_sentence_becomes_an_argument_and_is_marked(new_page, browser, live_server, make_article, make_user,
                                                               make_topic):
    article = make_article(slug="sora-leak", title="Artists leak access to Sora")
    articles.save_article(article, slug=article.slug, title=article.title, question="Who should be paid?",
                          attribution="Summarised in our words.", source_url=None, summary_md=SUMMARY)
    make_topic(article=article, kind="debate", title="Red-team testers should be paid",
               author=make_user("prof", role=Role.INSTRUCTOR), pro_label="Pay them", con_label="Voluntary is fine")
    make_user("ada")

    page = new_page()
    sign_in(page, "ada", PASSWORD)
    page.goto("/a/sora-leak")
    assert page.is_hidden("#quote-bar")
    _select(page, SENTENCE)
    page.wait_for_selector("#quote-bar:not([hidden])")
    assert SENTENCE in page.inner_text("#quote-bar-text")
    # By keyboard: the bar's button takes focus and Enter presses it.
    page.focus("#quote-bar button")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Discuss a quote')")
    assert page.inner_text(".article-quote blockquote") == SENTENCE

    page.select_option("#debate", label="Red-team testers should be paid (Pay them / Voluntary is fine)")
    page.check("input[name=stance][value=pro]")
    page.fill("#argument", "Testing a commercial model is work, and work is paid.")
    page.click("button:has-text('Post the argument')")
    page.wait_for_selector(".card:target >> text=work is paid")  # back in the debate, at the new argument
    page.click(".card:target .card-open")
    page.wait_for_selector(".argument-focus >> text=work is paid")
    quote = page.locator(".argument-focus .article-quote")
    assert quote.locator("blockquote").inner_text() == SENTENCE
    quote.locator("a:has-text('see it in the article')").click()

    page.wait_for_selector("mark.quote")
    assert page.url.endswith("#q-1")
    mark = page.locator("mark.quote")
    assert mark.evaluate("m => [...m.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')") == SENTENCE
    # What a screen reader hears of it says it is a quote, then the sentence.
    assert mark.evaluate("m => m.textContent") == "Quoted passage: " + SENTENCE
    count = page.locator("a.quote-count")
    assert count.evaluate("a => a.firstChild.data") == "1 argument"
    assert count.evaluate("a => a.textContent") == "1 argument on this quote"
    assert not page.js_errors

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.getSelection().removeAllRanges()")
    page.goto("/a/sora-leak")
    page.screenshot(path=str(SCREENSHOTS / "article-anchored-1280.png"), full_page=False)
    phone = new_page(width=375, height=800)
    sign_in(phone, "ada", PASSWORD)
    phone.goto("/a/sora-leak")
    phone.locator("mark.quote").scroll_into_view_if_needed()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path=str(SCREENSHOTS / "article-anchored-375.png"), full_page=False)

    # The count opens what discusses the quote.
    count.click()
    page.wait_for_selector("#discussing")
    assert "Red-team testers should be paid" in page.inner_text("#discussing")

    # axe (injected, so with the CSP bypassed) on the marked article, the discuss page and the argument.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        checker = context.new_page()
        sign_in(checker, "ada", PASSWORD)
        for path, shows in (("/a/sora-leak", "mark.quote"),
                            ("/a/sora-leak/quote?passage=section-1&paragraph=1", "#quote-argument-h"),
                            (page.url, ".article-quote")):
            checker.goto(path)
            assert checker.is_visible(shows), path
            assert _violations(checker) == [], path
    finally:
        context.close()
