import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Revision, Topic


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_home_shows_article_question_and_topics(client, make_topic, make_article):
    article = make_article(slug="sora-leak", title="OpenAI's Sora leaks")
    make_topic(article=article, title="Who owns the training data?")
    page = client.get("/").get_data(as_text=True)
    assert "How do we balance innovation with intellectual property?" in page
    assert "OpenAI&#39;s Sora leaks" in page
    assert "Who owns the training data?" in page
    assert 'id="section-1"' in page


def test_guest_starting_a_topic_is_sent_to_login(client, make_article):
    make_article()
    response = client.get("/t/new")
    assert response.status_code == 302 and "/auth/login?next=" in response.headers["Location"]


def test_member_starts_a_topic_on_a_passage(client, make_user, make_article):
    article = make_article(slug="art")
    client.login(make_user())
    response = client.post("/t/new?article=art&passage=section-2", data={"title": "On section two", "body": "Why?"})
    assert response.status_code == 302
    topic = db.session.scalar(select(Topic))
    assert topic.passage.anchor == "section-2" and topic.article_id == article.id
    page = client.get("/").get_data(as_text=True)
    assert "1 topic on this passage" in page


@pytest.mark.parametrize("data, message", [
    ({"title": "", "body": "text"}, "title can"),
    ({"title": "   ", "body": "text"}, "title can"),
    ({"title": "x" * 201, "body": "text"}, "limit is 200"),
    ({"title": "Fine", "body": "   \n  "}, "text can"),
    ({"title": "Fine", "body": "x" * 20_001}, "limit is 20,000"),
])
def test_new_topic_refuses_bad_input_keeps_text_and_stores_nothing(client, make_user, make_article,
                                                                     data, message):
    make_article()
    client.login(make_user())
    response = client.post("/t/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert _count(Topic) == 0
    if data["body"].strip():
        assert data["body"][:50] in page


def test_preview_renders_and_stores_nothing(client, make_user, make_article):
    make_article()
    client.login(make_user())
    response = client.post("/t/new", data={"title": "T", "body": "**strong**", "preview": "1"})
    assert response.status_code == 200
    assert "<strong>strong</strong>" in response.get_data(as_text=True)
    assert _count(Topic) == 0


def test_reply_to_topic_and_to_post_nests(client, make_user, make_topic):
    topic = make_topic()
    client.login(make_user())
    client.post(f"/t/{topic.id}/reply", data={"body": "Top level"})
    top = db.session.scalar(select(Post).where(Post.body_md == "Top level"))
    client.post(f"/p/{top.id}/reply", data={"body": "Nested"})
    nested = db.session.scalar(select(Post).where(Post.body_md == "Nested"))
    assert nested.parent_id == top.id and nested.root_id == top.id and nested.depth == 1
    db.session.refresh(top)
    db.session.refresh(topic)
    assert top.reply_count == 1 and topic.post_count == 2 and topic.root_count == 1
    page = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert page.index("Top level") < page.index("Nested")


def test_reply_refused_when_topic_locked(client, make_user, make_topic):
    topic = make_topic(is_locked=True)
    client.login(make_user())
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Let me in"})
    assert response.status_code == 400 and "locked" in response.get_data(as_text=True)
    assert _count(Post) == 0


def test_guest_reply_post_keeps_the_text_and_asks_to_sign_in(client, make_topic):
    topic = make_topic()
    response = client.post(f"/t/{topic.id}/reply", data={"body": "My careful argument"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "My careful argument" in page and "Sign in" in page
    assert _count(Post) == 0


def test_suspended_member_cannot_reply(client, make_user, make_topic):
    from datetime import timedelta

    from forum.models import utcnow
    topic = make_topic()
    client.login(make_user(suspended_until=utcnow() + timedelta(days=1), suspension_reason="Spam"))
    assert client.post(f"/t/{topic.id}/reply", data={"body": "hi"}).status_code == 403
    assert _count(Post) == 0


def test_topic_page_sorts_and_paginates(client, app, make_topic, make_post):
    topic = make_topic()
    first = make_post(topic=topic, body="the first")
    for n in range(25):
        make_post(topic=topic, body=f"number {n}")
    page1 = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert "the first" in page1 and "Page 1 of 2" in page1
    newest = client.get(f"/t/{topic.id}?sort=new").get_data(as_text=True)
    assert "number 24" in newest and "the first" not in newest
    page2 = client.get(f"/t/{topic.id}?page=2").get_data(as_text=True)
    assert "number 24" in page2
    assert client.get(f"/t/{topic.id}?page=abc").status_code == 200
    assert first.id


def test_deep_threads_offer_continue_this_thread(client, app, make_topic, make_post):
    topic = make_topic()
    parent = make_post(topic=topic, body="depth 0")
    for depth in range(1, app.config["THREAD_DEPTH_LIMIT"] + 2):
        parent = make_post(parent=parent, body=f"depth {depth}")
    page = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert "Continue this thread" in page
    assert f"depth {app.config['THREAD_DEPTH_LIMIT'] + 1}" not in page


def test_unknown_topic_is_404(client):
    assert client.get("/t/999999").status_code == 404


def test_edit_topic_keeps_history(client, make_user, make_topic):
    author = make_user()
    topic = make_topic(author=author, title="Old title", body="Old body")
    client.login(author)
    response = client.post(f"/t/{topic.id}/edit", data={"title": "New title", "body": "New body"})
    assert response.status_code == 302
    history = client.get(f"/t/{topic.id}/history").get_data(as_text=True)
    assert "Old title" in history and "New title" in history and "Old body" in history
    assert _count(Revision) == 1


def test_editing_another_members_topic_is_403(client, make_user, make_topic):
    topic = make_topic()
    client.login(make_user())
    assert client.post(f"/t/{topic.id}/edit", data={"title": "Hijack", "body": "x"}).status_code == 403


@pytest.mark.parametrize("size", [10, 300])
def test_topic_page_queries_do_not_grow(client, make_user, make_topic, count_queries, size):
    topic = make_topic(posts=size)
    client.login(make_user())
    with count_queries() as queries:
        assert client.get(f"/t/{topic.id}").status_code == 200
    assert len(queries) <= 10, queries
    TOPIC_QUERIES[size] = len(queries)
    if len(TOPIC_QUERIES) == 2:
        assert TOPIC_QUERIES[10] == TOPIC_QUERIES[300]


TOPIC_QUERIES: dict[int, int] = {}
