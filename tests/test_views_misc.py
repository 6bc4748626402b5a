"""Profiles, articles, health, error pages, CSRF expiry, the CLI."""
import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Article, Post, Role, Topic, User


def test_profile_lists_posts(client, make_user, make_post):
    author = make_user("writer", display_name="Wendy Writer", bio="I write.")
    make_post(author=author, body="My considered view")
    page = client.get("/u/WRITER").get_data(as_text=True)
    assert "Wendy Writer" in page and "My considered view" in page and "I write." in page
    assert client.get("/u/nobody-here").status_code == 404


def test_profile_hides_deleted_posts(client, make_user, make_post):
    from forum.domain import posting
    author = make_user("writer")
    post = make_post(author=author, body="Withdrawn words")
    posting.delete_post(post, author)
    db.session.commit()
    assert "Withdrawn words" not in client.get("/u/writer").get_data(as_text=True)


@pytest.mark.parametrize("size", [3, 100])
def test_profile_queries_do_not_grow(client, make_user, make_topic, make_post, count_queries, size):
    author = make_user("writer")
    topic = make_topic(author=author)
    for n in range(size):
        make_post(topic=topic, author=author, body=f"post {n}")
    with count_queries() as queries:
        client.get("/u/writer")
    assert len(queries) <= 10


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("path, code", [("/no/such/page", 404), ("/t/0", 404), ("/p/123456", 404)])
def test_error_pages_are_in_the_site_style(client, path, code):
    response = client.get(path)
    assert response.status_code == code
    assert "Counterpoint" in response.get_data(as_text=True)


def test_403_page(client, make_user):
    client.login(make_user())
    response = client.get("/a/new")
    assert response.status_code == 403 and "You can't do that here" in response.get_data(as_text=True)


def test_expired_csrf_token_reshows_the_text(csrf_app, make_user, make_topic):
    client = csrf_app.test_client()
    topic = make_topic()
    client.login(make_user())
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Words I must not lose", "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Words I must not lose" in page and 'name="csrf_token"' in page
    assert f'action="/t/{topic.id}/reply"' in page
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_admin_edits_article_and_anchors_stay(client, make_user, make_article, make_topic):
    article = make_article(slug="art", passages=2)
    passage = article.passages[1]
    make_topic(article=article, passage=passage)
    client.login(make_user(role=Role.ADMIN))
    summary = "## Section 1\n\nNew text one.\n\n## Section 2\n\nNew text two."
    response = client.post("/a/art/edit", data={"slug": "art", "title": "Renamed", "summary_md": summary,
                                                "attribution": "Ours", "question": "Q?"})
    assert response.status_code == 302
    db.session.refresh(article)
    assert article.title == "Renamed" and [p.anchor for p in article.passages] == ["section-1", "section-2"]
    assert article.passages[1].id == passage.id and "New text two." in article.passages[1].body_html


def test_admin_cannot_drop_a_passage_that_topics_discuss(client, make_user, make_article, make_topic):
    article = make_article(slug="art", passages=2)
    make_topic(article=article, passage=article.passages[1])
    client.login(make_user(role=Role.ADMIN))
    response = client.post("/a/art/edit", data={"slug": "art", "title": "T", "summary_md": "## Section 1\n\nOnly one."})
    assert response.status_code == 400 and "anchored" in response.get_data(as_text=True)
    db.session.refresh(article)
    assert len(article.passages) == 2


def test_admin_adds_an_article(client, make_user):
    client.login(make_user(role=Role.ADMIN))
    response = client.post("/a/new", data={"slug": "second", "title": "Second", "summary_md": "## A\n\nText."})
    assert response.status_code == 302
    assert db.session.scalar(select(Article).where(Article.slug == "second")).passages[0].anchor == "a"


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.MODERATOR, Role.INSTRUCTOR])
def test_only_admins_manage_articles(client, make_user, make_article, role):
    make_article(slug="art")
    if role:
        client.login(make_user(role=role))
    for path in ("/a/new", "/a/art/edit"):
        assert client.get(path).status_code in ((302,) if role is None else (403,))


def test_cli_users_create(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "teacher", "--role", "instructor", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "teacher"))
    assert user.role == "instructor"
    assert user.email == "teacher@localhost" and user.email_verified_at is None  # a placeholder, never mailed
    typed = runner.invoke(args=["users", "create", "ines", "--email", "ines@school.example", "--password", "long enough pw"])
    assert typed.exit_code == 0, typed.output
    assert db.session.scalar(select(User).where(User.username == "ines")).email_verified_at is not None
    again = runner.invoke(args=["users", "create", "TEACHER", "--password", "long enough pw"])
    assert again.exit_code != 0 and "taken" in again.output


def test_cli_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (User, Topic, Post, Article)]
    assert counts[0] >= 3 and counts[1] >= 7 and counts[2] > 50
    second = runner.invoke(args=["seed-demo"])
    assert "nothing added" in second.output
    assert counts == [db.session.scalar(select(func.count()).select_from(m)) for m in (User, Topic, Post, Article)]
    assert "maya-demo-pass" in first.output


def test_passage_link_lists_the_topics_on_it(client, make_article, make_topic):
    article = make_article(slug="art", passages=2)
    make_topic(article=article, passage=article.passages[0], title="About the first")
    make_topic(article=article, passage=article.passages[1], title="About the second")
    page = client.get("/a/art?passage=section-1").get_data(as_text=True)
    assert "About the first" in page and "About the second" not in page
    everything = client.get("/a/art").get_data(as_text=True)
    assert "About the first" in everything and "About the second" in everything


@pytest.mark.parametrize("signed_in", [False, True])
def test_home_queries_do_not_grow(client, make_user, make_article, make_topic, make_post, count_queries,
                                  signed_in):
    article = make_article()
    if signed_in:
        client.login(make_user())

    def add_topics(n: int) -> None:
        for _ in range(n):
            make_post(topic=make_topic(article=article, author=make_user()))

    def load() -> tuple[int, str]:
        with count_queries() as queries:
            page = client.get("/").get_data(as_text=True)
        return len(queries), page

    add_topics(2)
    small, _ = load()
    add_topics(38)
    large, page = load()
    assert page.count('class="topic-row') == 40
    assert small == large <= 10
