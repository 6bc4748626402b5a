"""Search: the same expectations on SQLite (FTS5) and PostgreSQL (tsvector)."""
import re

import pytest

from forum import posting, search
from forum.errors import RuleError
from forum.extensions import db
from forum.models import Stance, TopicKind


@pytest.fixture
def corpus(make_user, make_article, make_topic, make_post):
    maya, tom = make_user("maya"), make_user("tom")
    sora = make_article(slug="sora")
    other = make_article(slug="other")
    debate = make_topic(author=maya, article=sora, kind=TopicKind.DEBATE, title="Should model makers pay artists?",
                        body="A motion about licensing and consent.")
    chat = make_topic(author=tom, article=other, title="Gardening tips", body="Tomatoes need sun.")
    posts = {
        "phrase": make_post(topic=debate, author=maya, stance=Stance.PRO,
                            body="Intellectual property protects the artists who trained these models."),
        "reversed": make_post(topic=debate, author=tom, stance=Stance.CON,
                              body="Property rights are not intellectual monopolies on style."),
        "many": make_post(topic=chat, author=tom,
                          body="Watering watering watering: watering early is the best watering."),
        "once": make_post(topic=chat, author=maya, body="Mulch helps, and some watering."),
    }
    return {"maya": maya, "tom": tom, "debate": debate, "chat": chat, "sora": sora, **posts}


def _run(user, text, **filters):
    return search.search(user, search.parse(text), search.Filters(**filters))


def _ids(results):
    return [(h.kind, (h.post or h.topic).id) for h in results.hits]


def test_search_finds_posts_by_stemmed_words(corpus, make_user):
    results = _run(make_user(), "licensing")
    assert _ids(results) == [("topic", corpus["debate"].id)]
    assert ("post", corpus["phrase"].id) in _ids(_run(make_user(), "protect artist"))


def test_search_ranks_the_denser_match_first(corpus, make_user):
    assert _ids(_run(make_user(), "watering"))[:2] == [("post", corpus["many"].id), ("post", corpus["once"].id)]


def test_search_date_sort_puts_newest_first(corpus, make_user):
    results = search.search(make_user(), search.parse("watering"), search.Filters(), sort="date")
    assert _ids(results)[:2] == [("post", corpus["once"].id), ("post", corpus["many"].id)]


def test_search_phrase_matches_only_the_words_in_order(corpus, make_user):
    user = make_user()
    assert _ids(_run(user, '"intellectual property"')) == [("post", corpus["phrase"].id)]
    assert set(_ids(_run(user, "intellectual property"))) == {("post", corpus["phrase"].id),
                                                              ("post", corpus["reversed"].id)}


@pytest.mark.parametrize("filters, expected", [
    ({"stance": "pro"}, ["phrase"]),
    ({"stance": "con"}, ["reversed"]),
    ({"author": "TOM"}, ["reversed"]),
    ({"kind": "discussion"}, []),
    ({"kind": "debate"}, ["phrase", "reversed"]),
    ({"article": "other"}, []),
    ({"article": "sora"}, ["phrase", "reversed"]),
    ({"author": "nobody"}, []),
])
def test_search_filters(corpus, make_user, filters, expected):
    found = _ids(_run(make_user(), "property", **filters))
    assert sorted(found) == sorted(("post", corpus[name].id) for name in expected)


def test_search_never_finds_a_deleted_post(corpus, make_user):
    posting.delete_post(corpus["once"], corpus["maya"])
    db.session.commit()
    assert ("post", corpus["once"].id) not in _ids(_run(make_user(), "mulch"))


def test_search_never_finds_a_private_topic_or_its_posts(corpus, make_user, hide_topics):
    hide_topics(corpus["chat"])
    found = _ids(_run(make_user(), "watering tomatoes"))
    assert found == []
    assert _ids(_run(make_user(), "gardening")) == []


def test_search_follows_edits_and_titles(corpus, make_user):
    posting.edit_post(corpus["once"], corpus["maya"], "Compost instead.")
    posting.edit_topic(corpus["chat"], corpus["tom"], title="Compost corner", body="Tomatoes need sun.")
    db.session.commit()
    found = _ids(_run(make_user(), "compost"))
    assert set(found) == {("post", corpus["once"].id), ("topic", corpus["chat"].id)}
    assert _ids(_run(make_user(), "mulch")) == []


def test_search_snippets_escape_the_text_and_mark_matches(make_topic, make_post, make_user):
    make_post(topic=make_topic(), body="The leaked <script>alert(1)</script> tag.")
    make_post(topic=make_topic(), body="Leaked weights & 3 < 4 odd.")
    hits = {h.post.body_md[:3]: h.snippet for h in _run(make_user(), "leaked").hits}
    assert "<mark>leaked</mark>" in hits["The"] and "<script" not in hits["The"]
    assert "<mark>Leaked</mark>" in hits["Lea"] and "&amp;" in hits["Lea"] and "&lt;" in hits["Lea"]


def test_search_title_is_highlighted(corpus, make_user):
    [hit] = _run(make_user(), "gardening").hits
    assert hit.title == "<mark>Gardening</mark> tips"


@pytest.mark.parametrize("text", [
    '"unbalanced quote', 'NEAR(watering mulch)', 'watering AND OR NOT', 'water*', '^watering',
    'body_md:watering', 'title:garden', '{title}: x', "a" * 150, "watering \x00 mulch", "(((", "-watering",
    "'; DROP TABLE posts; --", '""', '"" watering', "💧 watering",
])
def test_parse_turns_any_text_into_quoted_terms_or_a_message(text):
    try:
        terms = search.parse(text)
    except RuleError as error:
        assert str(error)
        return
    # Only quoted strings of word characters reach FTS5: no operator, column or prefix survives.
    assert re.fullmatch(r'"\w+( \w+)*"( "\w+( \w+)*")*', terms.fts5())


@pytest.mark.parametrize("text, message", [
    ("!!! ??? ...", "Type a word"),
    ("x" * 1000, "at most 200"),
    (" ".join(["word"] * 5 + [f"w{i}" for i in range(13)]), "at most 12 words"),
    ("\x00\x00", "Type a word"),
])
def test_parse_refuses_with_a_clear_message(text, message):
    with pytest.raises(RuleError, match=message):
        search.parse(text)


@pytest.mark.parametrize("q", [
    '"unbalanced', 'NEAR(watering, mulch)', 'watering OR mulch', 'wat*', '^watering', 'body_md:watering',
    'title : gardening', "x" * 1000, "!!!", "watering\x00", '"" ""', "a" * 199, "-", "🌱",
    'AND', "NOT watering", "' OR 1=1 --", "%", "_",
])
def test_search_page_never_fails_on_hostile_queries(client, corpus, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:  # the search form's message, or the door's for null bytes
        assert b'class="error"' in response.data or b"null character" in response.data


def test_search_page_shows_results_with_filters_kept(client, corpus):
    response = client.get("/search", query_string={"q": "property", "stance": "pro", "author": "maya"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 result" in page and f"/p/{corpus['phrase'].id}" in page
    assert "<mark>property</mark>" in page.lower() or "<mark>Property</mark>" in page
    assert 'value="maya"' in page and '<option value="pro" selected>' in page


def test_search_page_paginates(client, make_topic, make_post, make_user):
    topic, author = make_topic(), make_user()
    for i in range(25):
        posting.create_post(author, topic, f"Licensing point number {i}.")
    db.session.commit()
    first = client.get("/search?q=licensing").get_data(as_text=True)
    second = client.get("/search?q=licensing&page=2").get_data(as_text=True)
    assert "25 results" in first and first.count('class="search-hit"') == 20
    assert second.count('class="search-hit"') == 5 and "Page 2 of 2" in second


def test_search_page_without_a_query_shows_the_form(client):
    response = client.get("/search")
    assert response.status_code == 200 and b'role="search"' in response.data


def test_search_page_queries_do_not_grow(client, make_topic, make_user, count_queries):
    author = make_user()
    for n in (3, 60):
        topic = make_topic(title=f"Size {n}")
        for i in range(n):
            posting.create_post(author, topic, f"Size{n} consent argument {i}.")
        db.session.commit()
    counts = []
    for n in (3, 60):
        with count_queries() as q:
            assert client.get(f"/search?q=size{n}+consent").status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1] <= 10
