"""Search: the same expectations on SQLite (FTS5) and PostgreSQL (tsvector)."""
import re

import pytest

from forum.domain import anonymity, posting, search
from forum.domain.errors import RuleError
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
    return [(h.kind, h.post_id or h.topic_id) for h in results.hits]


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
    script = make_post(topic=make_topic(), body="The leaked <script>alert(1)</script> tag.")
    odd = make_post(topic=make_topic(), body="Leaked weights & 3 < 4 odd.")
    hits = {h.post_id: h.snippet for h in _run(make_user(), "leaked").hits}
    assert "<mark>leaked</mark>" in hits[script.id] and "<script" not in hits[script.id]
    assert "<mark>Leaked</mark>" in hits[odd.id] and "&amp;" in hits[odd.id] and "&lt;" in hits[odd.id]


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


# --- broad queries: bounded work, said honestly on the page ------------------------

@pytest.fixture
def small_cap(monkeypatch):
    """A cap of 5 stands in for 200, so 'broad' needs a dozen posts, not hundreds."""
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    return 5


def _posts(topic, author, n, body="Consent point {i}."):
    posts = [posting.create_post(author, topic, body.format(i=i)) for i in range(n)]
    db.session.commit()
    return posts


def test_search_past_the_cap_shows_the_newest_first_and_says_so(small_cap, client, make_topic, make_user):
    topic, author = make_topic(title="Elsewhere"), make_user()
    dense = posting.create_post(author, topic, "Consent consent consent, consent.")
    newer = _posts(topic, author, 8)
    results = search.search(make_user(), search.parse("consent"), search.Filters())
    assert results.capped and results.unranked
    assert [h.post_id for h in results.hits][:3] == [p.id for p in reversed(newer)][:3]
    assert dense.id not in [h.post_id for h in results.hits[:5]]
    page = client.get("/search?q=consent").get_data(as_text=True)
    assert "More than 5 results" in page and "the newest come first" in page
    by_date = client.get("/search?q=consent&sort=date").get_data(as_text=True)
    assert "More than 5 results" in by_date and "the newest come first" not in by_date


def test_search_under_the_cap_ranks_every_match(small_cap, make_topic, make_user):
    topic, author = make_topic(title="Elsewhere"), make_user()
    dense = posting.create_post(author, topic, "Consent consent consent, consent.")
    _posts(topic, author, 3)
    results = search.search(make_user(), search.parse("consent"), search.Filters())
    assert not results.capped and not results.unranked and results.total == 4
    assert results.hits[0].post_id == dense.id


def test_search_cap_counts_only_what_the_viewer_may_see(small_cap, make_topic, make_user, hide_topics):
    """Private matches, however many and however new, neither fill the bounded
    candidates nor show in the count."""
    public, private, author = make_topic(title="Open"), make_topic(title="Closed"), make_user()
    seen = _posts(public, author, 3)
    _posts(private, author, 10)
    hide_topics(private)
    results = search.search(make_user(), search.parse("consent"), search.Filters())
    assert results.total == 3 and not results.capped
    assert sorted(h.post_id for h in results.hits) == sorted(p.id for p in seen)


def test_search_page_past_the_last_still_gives_the_count(client, make_topic, make_user):
    _posts(make_topic(title="Elsewhere"), make_user(), 3)
    page = client.get("/search?q=consent&page=9").get_data(as_text=True)
    assert "3 results" in page and 'class="search-hit"' not in page


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_search_page_queries_do_not_grow_past_the_cap(small_cap, client, make_topic, make_user, count_queries,
                                                      sort):
    author = make_user()
    for n in (8, 40):
        _posts(make_topic(title=f"Size {n}"), author, n, body=f"Size{n} consent argument {{i}}.")
    counts = []
    for n in (8, 40):
        url = f"/search?q=size{n}+consent&sort={sort}"
        with count_queries() as q:
            assert "More than 5 results" in client.get(url).get_data(as_text=True)
        counts.append(len(q))
    assert counts[0] == counts[1] <= 10


# --- anonymous class debates: search unmasks no one -------------------------------

@pytest.fixture
def anonymous_post(make_anonymous_debate):
    _, post, alice, bruno, _ = make_anonymous_debate("Alice argues for royalties.")
    return post, alice, bruno


def _byline(page: str, post_id: int) -> str:
    """The name on a post's hit: what its link says before the topic's title."""
    return re.search(rf'<a href="/p/{post_id}">(.*?) in “', page, re.S).group(1)


def test_search_names_a_classmate_by_pseudonym(client, anonymous_post):
    post, alice, bruno = anonymous_post
    alias = anonymity.pseudonyms(post.topic_id, [alice.id, bruno.id])[alice.id]
    page = client.login(bruno).get("/search?q=royalties").get_data(as_text=True)
    assert _byline(page, post.id) == f"<bdi>{alias}</bdi>"
    assert "alice_real" not in page


@pytest.mark.parametrize("viewer", ["instructor", "admin"])
def test_search_shows_teachers_the_pseudonym_with_the_real_name(client, make_anonymous_debate, make_user, viewer):
    """As the thread page names her to them: the pseudonym, the real name beside it."""
    _, post, alice, bruno, classroom = make_anonymous_debate("Alice argues for royalties.")
    alias = anonymity.pseudonyms(post.topic_id, [alice.id, bruno.id])[alice.id]
    reader = classroom.instructor if viewer == "instructor" else make_user(role="admin")
    page = client.login(reader).get("/search?q=royalties").get_data(as_text=True)
    assert _byline(page, post.id) == f'<bdi>{alias}</bdi> <span class="real-name">(<bdi>alice_real</bdi>)</span>'
    thread = client.get(f"/p/{post.id}?view=thread").get_data(as_text=True)
    assert re.search(rf'<bdi>{alias}</bdi></(span|strong)> <span class="real-name">\(<bdi>alice_real</bdi>\)</span>',
                     thread)


def test_search_shows_the_author_herself_as_you(client, anonymous_post):
    post, alice, bruno = anonymous_post
    page = client.login(alice).get("/search?q=royalties").get_data(as_text=True)
    assert _byline(page, post.id).endswith('<span class="tag">you</span>')


@pytest.mark.parametrize("viewer", ["member", "other instructor", "guest"])
def test_search_finds_nothing_of_a_class_for_an_outsider(client, anonymous_post, make_user, make_class, viewer):
    post, _, _ = anonymous_post
    if viewer == "member":
        client.login(make_user())
    elif viewer == "other instructor":
        client.login(make_class().instructor)
    page = client.get("/search?q=royalties").get_data(as_text=True)
    assert f"/p/{post.id}" not in page and "alice_real" not in page


def test_search_names_people_outside_anonymous_debates_as_themselves(client, make_post, make_user):
    post = make_post(author=make_user("plain_author", display_name="Plain Person"), body="Open royalties talk.")
    page = client.get("/search?q=royalties").get_data(as_text=True)
    assert _byline(page, post.id) == "<bdi>Plain Person</bdi>"


def test_search_page_with_an_anonymous_debate_asks_a_bounded_number_of_queries(client, anonymous_post,
                                                                              count_queries):
    post, alice, bruno = anonymous_post
    client.login(bruno)
    with count_queries() as q:
        assert client.get("/search?q=royalties").status_code == 200
    assert len(q) <= 14  # the page's own, and the pseudonyms' three


@pytest.mark.parametrize("viewer", ["classmate", "author"])
def test_search_author_filter_does_not_unmask(anonymous_post, viewer):
    post, alice, bruno = anonymous_post
    found = _ids(_run(bruno if viewer == "classmate" else alice, "royalties", author="alice_real"))
    assert (("post", post.id) in found) == (viewer == "author")


def _marks(text):
    return text.replace(search._OPEN, "[").replace(search._CLOSE, "]")


def test_mark_words_marks_whole_words_in_a_window_around_the_first():
    terms = search.parse("licence happy")
    text = " ".join(f"w{i}" for i in range(50)) + " Licence and licences, happy happier consent. " + "tail " * 40
    marked = _marks(search.mark_words(text, terms))
    assert marked.startswith("…w45 ") and marked.endswith("…")
    assert "[Licence] and [licences], [happy] [happier] consent." in marked and len(marked.split()) == 35
    assert _marks(search.mark_words("Title of a licence", terms, words=None)) == "Title of a [licence]"
    assert search.mark_words("No match here.", terms) == "No match here."


def test_mark_words_never_marks_part_of_a_word_or_a_shorter_one():
    marked = _marks(search.mark_words("The US uses it because users use it; used, using, useful.",
                                      search.parse("use")))
    assert marked == "The US [uses] it because users [use] it; [used], [using], useful."


def test_plain_text_reads_rendered_html_as_a_reader_sees_it():
    html = "<p><strong>The fairness</strong> of it &amp; <em>more</em></p><ul><li>one</li><li>two</li></ul>"
    assert search.plain_text(html) == "The fairness of it & more one two"


def test_search_snippets_are_plain_text_of_the_rendered_post(make_topic, make_post, make_user):
    post = make_post(topic=make_topic(), body="**The fairness** of _this_ [link](https://example.com) matters.\n\n"
                                              "- because we use it\n- in the US")
    [hit] = _run(make_user(), "fairness").hits
    assert hit.post_id == post.id
    assert hit.snippet == "The <mark>fairness</mark> of this link matters. because we use it in the US"
    [hit] = _run(make_user(), "use").hits
    assert "we <mark>use</mark> it" in hit.snippet and "<mark>US</mark>" not in hit.snippet
    assert "be<mark>" not in hit.snippet and hit.snippet.count("<mark>") == 1


def test_search_snippet_of_a_script_is_escaped_text(make_topic, make_post, make_user):
    post = make_post(topic=make_topic(), body="Quoted <script>alert('x')</script> payload **bold**")
    [hit] = _run(make_user(), "payload").hits
    assert hit.post_id == post.id and "<script" not in hit.snippet and "**" not in hit.snippet
    assert "<mark>payload</mark> bold" in hit.snippet
