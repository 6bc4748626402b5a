"""Quotes anchored in the article: finding a quote by its text (domain/anchors.py),
and what an edit of the article does to the quotes of it."""
import pytest

from forum.domain import anchors, articles, markup, quoting
from forum.domain.anchors import Selector, resolve
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import QuoteAnchor, Stance

ARTICLE = """## The leak

Artists with early access to Sora posted a tool that let anyone use the model.
They said they were unpaid testers. The company paused access within hours.

## The reaction

Some called it a protest. The company paused access within hours, said a reporter.
Others called it a breach of trust.
"""


def text_of(markdown: str) -> str:
    return anchors.text_of_html(markup.render(markdown))


# --- resolve: a plain function over the article's plain text ---------------------

def test_resolve_finds_exact_text():
    text = "One sentence here. Another sentence there."
    assert resolve(text, Selector("Another sentence")) == (19, 35)
    assert text[19:35] == "Another sentence"


def test_resolve_refuses_text_that_is_not_there():
    assert resolve("One sentence here.", Selector("Two sentences")) is None
    assert resolve("One sentence here.", Selector("   ")) is None


def test_resolve_disambiguates_a_duplicate_phrase_by_prefix_and_suffix():
    text = "The company paused access within hours. Later: the company paused access within hours, said a reporter."
    second = text.index("company paused access", 10)
    found = resolve(text, Selector("company paused access", prefix="Later: the ", suffix=" within hours, said"))
    assert found == (second, second + 21)
    assert resolve(text, Selector("company paused access", prefix="The ", suffix=" within hours. Later")) == (4, 25)


def test_resolve_prefix_alone_or_suffix_alone_is_enough():
    text = "alpha beta gamma. delta beta epsilon."
    assert resolve(text, Selector("beta", prefix="delta ")) == (24, 28)
    assert resolve(text, Selector("beta", suffix=" gamma")) == (6, 10)


def test_resolve_ambiguous_without_context_is_none():
    text = "same words and same words"
    assert resolve(text, Selector("same words")) is None
    # Context that matches both equally says nothing either.
    assert resolve("x same y x same y", Selector("same", prefix="x ", suffix=" y")) is None


def test_resolve_collapses_white_space_in_the_quote():
    text = text_of("Artists with early\naccess to   Sora posted a tool.")
    assert text == "Artists with early access to Sora posted a tool."
    assert resolve(text, Selector("early \n access  to Sora")) == (13, 33)


def test_plain_text_ignores_markdown_and_parts_blocks():
    assert text_of("A **bold** claim, *said* she.\n\nNext `para`.") == "A bold claim, said she. Next para."
    assert text_of("- one\n- two") == "one two"
    assert text_of("Fish &amp; chips < 3") == "Fish & chips < 3"


# --- Anchors of an article, and its edits ----------------------------------------------

@pytest.fixture
def article(make_article):
    article = make_article()
    articles.save_article(article, slug=article.slug, title=article.title, question="", attribution="",
                          source_url=None, summary_md=ARTICLE)
    db.session.flush()
    return article


def _edit(article, summary: str) -> None:
    articles.save_article(article, slug=article.slug, title=article.title, question="", attribution="",
                          source_url=None, summary_md=summary)
    db.session.flush()


def _anchor(article, user, exact, prefix="", suffix="") -> QuoteAnchor:
    return anchors.anchor_quote(article, user, Selector(exact, prefix, suffix))


def test_anchor_quote_stores_canonical_context(article, make_user):
    anchor = _anchor(article, make_user(), "They said they were unpaid testers.")
    plain = anchors.article_text(article).text
    assert plain[anchor.start_offset:anchor.end_offset] == anchor.exact == "They said they were unpaid testers."
    assert anchor.prefix == plain[anchor.start_offset - 32:anchor.start_offset] == "a tool that let anyone use the model. "[-32:]
    assert anchor.suffix == " The company paused access withi"
    assert len(anchor.prefix) == len(anchor.suffix) == 32
    assert not anchor.orphaned


def test_anchor_quote_reuses_the_anchor_of_the_same_place(article, make_user):
    one = _anchor(article, make_user(), "unpaid testers")
    two = _anchor(article, make_user(), " unpaid   testers ")
    assert one.id == two.id


@pytest.mark.parametrize("exact, message", [
    ("They were paid handsomely.", "not in the article"),
    ("ab", "at least 3"),
    ("x" * 2001, "at most"),
    ("The company paused access within hours", "more than once"),
    ("breach of trust. Artists", "not in the article"),  # no such text: passages are apart
])
def test_anchor_quote_refuses_forged_short_long_or_ambiguous_quotes(article, make_user, exact, message):
    with pytest.raises(RuleError, match=message):
        _anchor(article, make_user(), exact)
    assert db.session.query(QuoteAnchor).count() == 0


def test_a_quote_across_two_sections_is_refused(article, make_user):
    with pytest.raises(RuleError, match="within one section"):
        _anchor(article, make_user(), "within hours. Some called it")


def test_duplicate_phrase_with_context_anchors_the_right_one(article, make_user):
    anchor = _anchor(article, make_user(), "The company paused access within hours", prefix="a protest. ")
    plain = anchors.article_text(article)
    assert plain.passage_at(anchor.start_offset, anchor.end_offset) == 1
    assert anchor.suffix.startswith(", said a reporter")


def test_an_edit_that_moves_the_sentence_keeps_the_anchor(article, make_user):
    anchor = _anchor(article, make_user(), "They said they were unpaid testers.")
    moved = ARTICLE.replace("They said they were unpaid testers. ", "").replace(
        "Others called it a breach of trust.",
        "Others called it a breach of trust. They said they were unpaid testers.")
    _edit(article, "## A new first section\n\nAn introduction.\n\n" + moved)
    assert not anchor.orphaned
    plain = anchors.article_text(article)
    assert plain.text[anchor.start_offset:anchor.end_offset] == "They said they were unpaid testers."
    assert plain.passage_at(anchor.start_offset, anchor.end_offset) == 2


def test_an_edit_that_moves_a_duplicate_keeps_it_by_its_context(article, make_user):
    anchor = _anchor(article, make_user(), "The company paused access within hours", prefix="a protest. ")
    _edit(article, "## Before\n\nNew words first.\n\n" + ARTICLE)
    plain = anchors.article_text(article)
    assert not anchor.orphaned
    assert plain.text[anchor.end_offset:].startswith(", said a reporter")


def test_an_edit_that_deletes_the_sentence_orphans_the_anchor(article, make_user):
    anchor = _anchor(article, make_user(), "They said they were unpaid testers.")
    kept = _anchor(article, make_user(), "Others called it a breach of trust.")
    _edit(article, ARTICLE.replace("They said they were unpaid testers.", "They said nothing."))
    assert anchor.orphaned
    assert not kept.orphaned
    # Never moved to some other text: the offsets are those it had.
    assert anchor.exact == "They said they were unpaid testers."


def test_an_edit_that_makes_a_quote_ambiguous_without_context_orphans_it(article, make_user):
    anchor = _anchor(article, make_user(), "unpaid testers")
    # The same words twice, neither with the old context around it.
    _edit(article, "## One\n\nX unpaid testers Y.\n\n## Two\n\nX unpaid testers Y.")
    assert anchor.orphaned


def test_white_space_and_markdown_edits_keep_the_anchor(article, make_user):
    anchor = _anchor(article, make_user(), "They said they were unpaid testers.")
    _edit(article, ARTICLE.replace("They said they were unpaid testers.",
                                   "They said they were\n*unpaid*   **testers**."))
    assert not anchor.orphaned


def test_paragraph_selector_quotes_one_paragraph(article):
    selector = anchors.paragraph_selector(article, 0, 0)
    assert selector.exact.startswith("Artists with early access") and selector.exact.endswith("within hours.")
    with pytest.raises(RuleError):
        anchors.paragraph_selector(article, 0, 5)


# --- Starting a topic or an argument on a quote --------------------------------------

def test_start_topic_on_quote_anchors_the_topic_and_its_passage(article, make_user):
    topic = quoting.start_topic_on_quote(make_user(), article, Selector("unpaid testers"),
                                         title="Were they testers?", body="Were they really unpaid?")
    db.session.flush()
    assert topic.anchor.exact == "unpaid testers"
    assert topic.passage.heading == "The leak"


def test_argue_on_quote_refuses_a_side_less_argument_and_another_article(article, make_user, make_debate):
    debate = make_debate(article=article)
    member = make_user()
    with pytest.raises(RuleError, match="Choose a side"):
        quoting.argue_on_quote(member, debate, article, Selector("unpaid testers"), stance_value=None, body="x" * 30)
    other = make_debate()
    with pytest.raises(RuleError, match="another article"):
        quoting.argue_on_quote(member, other, article, Selector("unpaid testers"), stance_value="pro",
                               body="x" * 30)
    post = quoting.argue_on_quote(member, debate, article, Selector("unpaid testers"), stance_value="pro",
                                  body="They were testers and deserved pay for it.")
    assert post.anchor.exact == "unpaid testers" and post.stance == Stance.PRO


def test_discussed_counts_what_quotes_each_anchor(article, make_user, make_debate):
    from forum.domain import visibility
    from forum.pages.topic_pages import listed_topic_filter
    member = make_user()
    quoting.start_topic_on_quote(member, article, Selector("unpaid testers"), title="Testers?", body="Were they?")
    debate = make_debate(article=article)
    quoting.argue_on_quote(member, debate, article, Selector("unpaid testers"), stance_value="con",
                           body="A tester is paid; these were not.")
    db.session.flush()
    found = anchors.discussed(article, listed_topic_filter(member), visibility.public_post_filter())
    assert [(d.anchor.exact, d.topics, d.arguments) for d in found] == [("unpaid testers", 1, 1)]
    assert found[0].total == 2


def test_a_change_of_an_anchor_moves_the_version_of_what_quotes_it(article, make_user, make_debate, make_topic):
    """Migration 0024's trigger: a topic's pages show its quote and its posts' quotes,
    and say when the passage was removed; only the topics that quote it move."""
    from sqlalchemy import select, update

    from forum.models import Topic
    member = make_user()
    topic = quoting.start_topic_on_quote(member, article, Selector("unpaid testers"), title="T?", body="Body.")
    debate = make_debate(article=article)
    quoting.argue_on_quote(member, debate, article, Selector("unpaid testers"), stance_value="pro",
                           body="An argument on the quote.")
    bystander = make_topic(article=article)
    db.session.commit()
    versions = lambda: dict(db.session.execute(select(Topic.id, Topic.version)).all())  # noqa: E731
    before = versions()
    db.session.execute(update(QuoteAnchor).where(QuoteAnchor.id == topic.anchor_id).values(orphaned=True))
    db.session.commit()
    after = versions()
    assert {i for i in after if after[i] != before[i]} == {topic.id, debate.id}
    assert after[bystander.id] == before[bystander.id]


def test_marks_split_at_tags_and_where_quotes_overlap():
    from markupsafe import Markup

    from forum.pages.quote_pages import QUOTE_LABEL, Mark, weave
    layout = anchors.Layout(markup.render("A *big* claim here, and more words."))
    assert layout.text == "A big claim here, and more words."
    html = weave(layout, [Mark(0, 11, 1, Markup("<a>[1]</a>")), Mark(6, 16, 2, Markup("<a>[2]</a>"))])
    assert html == (
        f'<p><span class="quote-target" id="q-1"></span><mark class="quote">{QUOTE_LABEL}A </mark>'
        '<em><mark class="quote">big</mark></em><mark class="quote"> </mark>'
        f'<span class="quote-target" id="q-2"></span><mark class="quote">{QUOTE_LABEL}claim</mark><a>[1]</a>'
        '<mark class="quote"> here</mark><a>[2]</a>, and more words.</p>\n')
    # Escaped text stays escaped.
    layout = anchors.Layout(markup.render("Fish & chips <3 are quoted."))
    marked = weave(layout, [Mark(0, 4, 7, Markup(""))])
    assert "&amp; chips &lt;3" in marked and "<3" not in marked
