"""Quotes of the article through the routes: the discuss page and its two forms,
the quote shown where it is discussed, the article's marks and counts, refusals."""
import re

import pytest
from sqlalchemy import func, select

from forum.domain import articles, classes, quoting
from forum.domain.anchors import Selector
from forum.extensions import db
from forum.models import PhaseKind, Post, QuoteAnchor, Role, Stance, Topic

SUMMARY = """## The leak

Artists with early access to Sora posted a tool that let anyone use the model.
They said they were unpaid testers.

Their letter asked for fair pay and open evaluation.

## The reaction

Others called it a breach of trust.
"""
SENTENCE = "They said they were unpaid testers."


@pytest.fixture
def article(make_article):
    article = make_article()
    _save(article, SUMMARY)
    db.session.commit()
    return article


def _save(article, summary):
    articles.save_article(article, slug=article.slug, title=article.title, question="", attribution="",
                          source_url=None, summary_md=summary)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_guest_is_sent_to_sign_in(client, article):
    response = client.get(f"/a/{article.slug}/quote", query_string={"exact": SENTENCE})
    assert response.status_code == 302 and "/auth/login" in response.location
    response = client.post(f"/a/{article.slug}/quote/topic", data={"exact": SENTENCE, "title": "T", "body": "B"})
    assert response.status_code in (302, 400, 401) and _count(Topic) == 0
    assert "/auth/login" in (response.location or response.get_data(as_text=True))


def test_discuss_page_shows_the_quote_and_both_forms(client, article, make_user, make_debate):
    make_debate(article=article, title="Pay the testers")
    client.login(make_user())
    page = client.get(f"/a/{article.slug}/quote", query_string={"exact": " they were  unpaid testers"}).get_data(
        as_text=True)
    assert "<blockquote><p>they were unpaid testers</p></blockquote>" in page
    assert "Start a discussion on it" in page and "Pay the testers" in page
    # The context is the article's own, whatever the request said.
    assert 'name="prefix" type="hidden" value="anyone use the model. They said "' in page
    assert 'name="suffix" type="hidden" value=". Their letter asked for fair pa"' in page


def test_discuss_page_refuses_a_forged_quote(client, article, make_user):
    client.login(make_user())
    response = client.get(f"/a/{article.slug}/quote", query_string={"exact": "They were paid in full."})
    assert response.status_code == 400
    assert "That quote is not in the article" in response.get_data(as_text=True)


def test_forged_quote_is_refused_and_the_text_kept(client, article, make_user):
    client.login(make_user())
    response = client.post(f"/a/{article.slug}/quote/topic", data={
        "exact": "They were paid in full.", "title": "My title", "body": "My carefully written opening."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "That quote is not in the article" in page
    assert "My carefully written opening." in page and 'value="My title"' in page
    assert _count(Topic) == 0 and _count(QuoteAnchor) == 0


def test_topic_on_a_quote_is_shown_with_it_and_marked_in_the_article(client, article, make_user):
    client.login(make_user())
    response = client.post(f"/a/{article.slug}/quote/topic", data={
        "exact": SENTENCE, "prefix": "use the model. ", "suffix": " Their letter",
        "title": "Were they testers?", "body": "Testers are usually paid, so what were they?"})
    assert response.status_code == 302
    topic = db.session.scalar(select(Topic).where(Topic.title == "Were they testers?"))
    anchor = topic.anchor
    assert anchor.exact == SENTENCE and topic.passage.heading == "The leak"
    page = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f"<blockquote><p>{SENTENCE}</p></blockquote>" in page
    assert f'href="/a/{article.slug}#q-{anchor.id}">see it in the article</a>' in page
    page = client.get(f"/a/{article.slug}").get_data(as_text=True)
    assert f'<span class="quote-target" id="q-{anchor.id}"></span>' in page
    assert re.search(r'<mark class="quote"><span class="visually-hidden" data-quote-skip>Quoted passage: </span>'
                     r'They said they were unpaid testers\.</mark> <a class="quote-count" data-quote-skip '
                     rf'href="/a/{article.slug}\?quote={anchor.id}#discussing">1 topic<', page)


def test_argument_on_a_quote(client, article, make_user, make_debate):
    debate = make_debate(article=article)
    db.session.commit()
    client.login(make_user())
    response = client.post(f"/a/{article.slug}/quote/argument", data={
        "exact": SENTENCE, "debate": debate.id, "stance": "con",
        "argument": "Unpaid testing is still work, and work is paid."})
    assert response.status_code == 302
    post = db.session.scalar(select(Post).where(Post.topic_id == debate.id))
    assert response.headers["Location"] == f"/t/{debate.id}?sort=new#card{post.id}"  # in the debate, at it
    assert post.stance == Stance.CON and post.anchor.exact == SENTENCE and post.parent_id is None
    argument_page = client.get(f"/p/{post.id}").get_data(as_text=True)
    assert f"<blockquote><p>{SENTENCE}</p></blockquote>" in argument_page
    thread = client.get(f"/t/{debate.id}?view=thread").get_data(as_text=True)
    assert f"<blockquote><p>{SENTENCE}</p></blockquote>" in thread
    page = client.get(f"/a/{article.slug}?quote={post.anchor_id}").get_data(as_text=True)
    assert ">1 argument<" in page
    assert 'id="discussing"' in page and f'href="/p/{post.id}"' in page


@pytest.mark.parametrize("data, message", [
    ({"stance": "pro"}, "Choose the debate"),
    ({"stance": ""}, "Choose a side"),
    ({"stance": "pro", "exact": "Not a word of the article."}, "not in the article"),
])
def test_argument_refusals(client, article, make_user, make_debate, data, message):
    debate = make_debate(article=article)
    db.session.commit()
    client.login(make_user())
    form = {"exact": SENTENCE, "debate": debate.id, "argument": "An argument I wrote with care."} | data
    if "Choose the debate" in message:
        form.pop("debate")
    response = client.post(f"/a/{article.slug}/quote/argument", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "An argument I wrote with care." in page
    assert _count(Post) == 0


def test_suspended_member_may_not_quote(client, article, make_user):
    from datetime import timedelta

    from forum.models import utcnow
    member = make_user()
    member.suspended_until = utcnow() + timedelta(days=2)
    db.session.commit()
    client.login(member)
    assert client.get(f"/a/{article.slug}/quote", query_string={"exact": SENTENCE}).status_code == 403
    response = client.post(f"/a/{article.slug}/quote/topic", data={"exact": SENTENCE, "title": "T", "body": "Body."})
    assert response.status_code == 403 and _count(Topic) == 0


@pytest.fixture
def class_argument(article, make_class, make_class_debate, open_phase, make_user):
    """A class debate on the article, where a student argued on the sentence."""
    classroom = make_class()
    student = make_user("student_q")
    classes.join_class(student, classroom.join_code)
    debate = make_class_debate(classroom, article=article, title="A private motion")
    classes.set_sides(debate, {student.id: Stance.PRO})
    open_phase(debate, PhaseKind.OPENING)
    post = quoting.argue_on_quote(student, debate, article, Selector(SENTENCE), stance_value="pro",
                                  body="Our class says they should have been paid.")
    db.session.commit()
    return classroom, debate, post, student


def test_a_class_quote_is_not_shown_outside_the_class(client, article, make_user, class_argument):
    classroom, debate, post, student = class_argument
    anchor_id = post.anchor_id
    for viewer in (None, make_user("outsider")):
        if viewer is not None:
            client.login(viewer)
        for url in (f"/a/{article.slug}", f"/a/{article.slug}?quote={anchor_id}"):
            page = client.get(url).get_data(as_text=True)
            assert "<mark" not in page and "quote-count" not in page
            assert f"/p/{post.id}" not in page and "A private motion" not in page
            assert f"q-{anchor_id}" not in page
    client.login(student)
    page = client.get(f"/a/{article.slug}?quote={anchor_id}").get_data(as_text=True)
    assert '<mark class="quote">' in page and ">1 argument<" in page and f"/p/{post.id}" in page


def test_an_outsider_cannot_argue_in_a_class_debate(client, article, make_user, class_argument):
    classroom, debate, post, student = class_argument
    client.login(make_user("outsider"))
    response = client.post(f"/a/{article.slug}/quote/argument", data={
        "exact": SENTENCE, "debate": debate.id, "stance": "pro", "argument": "Let me in."})
    assert response.status_code == 404
    assert _count(Post) == 1


def test_paragraph_link_without_javascript(client, article, make_user):
    page = client.get(f"/a/{article.slug}").get_data(as_text=True)
    links = re.findall(
        rf'href="(/a/{article.slug}/quote\?passage=[a-z0-9-]+&amp;paragraph=\d+)">Discuss this paragraph', page)
    assert len(links) == 3
    client.login(make_user())
    page = client.get(links[1].replace("&amp;", "&")).get_data(as_text=True)
    assert "<blockquote><p>Their letter asked for fair pay and open evaluation.</p></blockquote>" in page
    response = client.get(f"/a/{article.slug}/quote?passage=section-1&paragraph=9")
    assert response.status_code == 400 and "That paragraph is not in the article" in response.get_data(as_text=True)


def test_counts_are_fresh_on_each_load(client, article, make_user, make_debate):
    debate = make_debate(article=article)
    member = make_user()
    quoting.argue_on_quote(member, debate, article, Selector(SENTENCE), stance_value="pro", body="First of them.")
    db.session.commit()
    assert ">1 argument<" in client.get(f"/a/{article.slug}").get_data(as_text=True)
    quoting.start_topic_on_quote(member, article, Selector(SENTENCE), title="A topic", body="On it.")
    db.session.commit()
    assert ">1 topic, 1 argument<" in client.get(f"/a/{article.slug}").get_data(as_text=True)


def test_edit_that_removes_the_sentence_orphans_its_quote(client, article, make_user, make_debate):
    member, admin = make_user(), make_user("boss", role=Role.ADMIN)
    topic = quoting.start_topic_on_quote(member, article, Selector(SENTENCE), title="Testers?", body="Were they?")
    db.session.commit()
    before = client.get(f"/t/{topic.id}")
    etag = before.headers["ETag"]
    client.login(admin)
    response = client.post(f"/a/{article.slug}/edit", data={
        "slug": article.slug, "title": article.title, "question": "", "attribution": "", "source_url": "",
        "summary_md": SUMMARY.replace(SENTENCE, "They said little.")})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).anchor.orphaned
    admin_page = client.get(f"/a/{article.slug}").get_data(as_text=True)
    assert "Quotes whose text was removed from the article" in admin_page and SENTENCE in admin_page
    client.login(member)
    member_page = client.get(f"/a/{article.slug}").get_data(as_text=True)
    assert "Quotes whose text was removed" not in member_page and "<mark" not in member_page
    client.logout()
    response = client.get(f"/t/{topic.id}", headers={"If-None-Match": etag.strip('"')})
    assert response.status_code == 200
    topic_page = response.get_data(as_text=True)
    assert "This passage was removed from the article." in topic_page
    anchor_id = db.session.get(Topic, topic.id).anchor_id
    back = f"/a/{article.slug}?quote={anchor_id}#discussing"
    assert f'href="{back}"' in topic_page
    discussing = client.get(back).get_data(as_text=True)
    assert 'id="discussing"' in discussing and "This passage was removed from the article." in discussing
    assert "Testers?" in discussing and "<mark" not in discussing


# --- Quoting the article in a reply -------------------------------------------------

def test_a_reply_quotes_the_article(client, article, make_user, make_topic, make_post):
    topic = make_topic(article=article, title="On the leak")
    parent = make_post(topic=topic, body="What did the artists say?")
    db.session.commit()
    client.login(make_user())
    form = client.get(f"/p/{parent.id}/reply").get_data(as_text=True)
    assert 'name="quote"' in form and "Quote the article (optional)" in form
    response = client.post(f"/p/{parent.id}/reply", data={"body": "They called themselves this:",
                                                          "quote": "were unpaid  testers"})
    assert response.status_code == 302
    reply = db.session.scalar(select(Post).where(Post.parent_id == parent.id))
    assert reply.anchor.exact == "were unpaid testers"
    assert "<blockquote><p>were unpaid testers</p></blockquote>" in client.get(f"/t/{topic.id}").get_data(as_text=True)


def test_a_reply_with_a_forged_quote_is_refused_and_kept(client, article, make_user, make_topic, make_post):
    topic = make_topic(article=article, title="On the leak")
    parent = make_post(topic=topic, body="What did the artists say?")
    db.session.commit()
    client.login(make_user())
    response = client.post(f"/p/{parent.id}/reply", data={"body": "My reply, kept.",
                                                          "quote": "They were paid in full."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "That quote is not in the article" in page
    assert "My reply, kept." in page and "They were paid in full." in page
    assert _count(Post) == 1 and _count(QuoteAnchor) == 0


def test_article_page_queries_do_not_grow_with_its_quotes(client, article, make_user, make_debate, count_queries):
    member = make_user()
    debate = make_debate(article=article)
    words = ["Artists with early", "They said they", "unpaid testers", "Their letter asked", "fair pay",
             "open evaluation", "breach of trust", "Others called"]

    def quote(exact):
        quoting.argue_on_quote(member, debate, article, Selector(exact), stance_value="pro", body=f"On {exact}.")
        db.session.commit()

    quote(words[0])
    client.get(f"/a/{article.slug}")
    with count_queries() as one:
        assert client.get(f"/a/{article.slug}").get_data(as_text=True).count('<mark class="quote">') == 1
    for exact in words[1:]:
        quote(exact)
    with count_queries() as many:
        page = client.get(f"/a/{article.slug}").get_data(as_text=True)
    assert page.count('class="quote-target"') == len(words)
    assert len(one) == len(many)


def test_the_demo_article_has_a_quoted_sentence(app, client):
    from forum.seed import demo
    demo.seed_demo()
    db.session.commit()
    anchor = db.session.scalar(select(QuoteAnchor))
    assert anchor.exact == "In return for feedback they got early access." and not anchor.orphaned
    slug = anchor.article.slug
    page = client.get(f"/a/{slug}").get_data(as_text=True)
    assert f'id="q-{anchor.id}"' in page and ">1 argument<" in page
