import re

import pytest

from forum.domain import markup
from forum.domain.errors import RuleError


def test_render_allows_basic_markdown():
    html = markup.render("**bold** *em* `code`\n\n> quote\n\n- a\n- b")
    for tag in ("<strong>", "<em>", "<code>", "<blockquote>", "<ul>", "<li>"):
        assert tag in html


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe src=//evil></iframe>",
])
def test_render_never_passes_raw_html(source):
    html = markup.render(source)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "onerror" not in html or "&lt;" in html


@pytest.mark.parametrize("link", [
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox)", "<javascript:alert(1)>", "[x](&#106;avascript:alert(1))",
])
def test_render_drops_dangerous_link_protocols(link):
    html = markup.render(link)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert all(h.startswith(("http://", "https://", "mailto:")) for h in hrefs), hrefs


def test_render_links_get_rel_and_only_safe_protocols():
    html = markup.render("[site](https://example.org) and [mail](mailto:a@example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow ugc noopener"' in html
    assert 'href="mailto:a@example.org"' in html


def test_render_bare_urls_become_links():
    assert 'href="https://example.org/x"' in markup.render("see https://example.org/x today")


def test_render_images_are_not_embedded():
    html = markup.render("![alt](https://example.org/a.png)")
    assert "<img" not in html


def test_render_headings_start_below_the_page_headings():
    html = markup.render("# Big\n\n## Smaller")
    assert "<h1>" not in html and "<h2>" not in html and "<h3>Big</h3>" in html


def test_render_refuses_what_it_cannot_show_whole():
    with pytest.raises(RuleError, match="nests"):
        markup.render(">" * 30 + " deep")


def test_render_handles_ten_thousand_nested_quotes_quickly():
    with pytest.raises(RuleError):
        markup.render(">" * 10_000 + " deep")


def test_render_plain_escapes_and_keeps_lines():
    html = markup.render_plain("<b>hi</b>\nthere")
    assert "<b>" not in html and "&lt;b&gt;" in html and "<br>" in html


def test_render_keeps_only_absolute_web_mail_and_site_links():
    html = markup.render('[a](/t/5) [b](foo/bar) [c](//evil.example) [d](jav&#x09;ascript:alert(1)) [e](#x)')
    assert re.findall(r'href="([^"]*)"', html) == ["/t/5", "#x"]
    assert "b" in html and "c" in html and "d" in html  # the text stays
