import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Revision, Role


def test_permalink_shows_post_subtree_and_link_up(client, make_post):
    root = make_post(body="Root words")
    child = make_post(parent=root, body="Child words")
    grandchild = make_post(parent=child, body="Grandchild words")
    make_post(topic=root.topic, body="Unrelated sibling")
    page = client.get(f"/p/{child.id}").get_data(as_text=True)
    assert "Child words" in page and "Grandchild words" in page
    assert "Unrelated sibling" not in page
    assert f'href="/p/{root.id}"' in page and "up to the parent post" in page
    assert grandchild.id


def test_edit_own_post_keeps_every_version(client, make_user, make_post):
    author = make_user()
    post = make_post(author=author, body="Version one")
    client.login(author)
    client.post(f"/p/{post.id}/edit", data={"body": "Version two"})
    client.post(f"/p/{post.id}/edit", data={"body": "Version three", "reason": "typo"})
    db.session.refresh(post)
    assert post.body_md == "Version three" and post.edit_reason == "typo"
    history = client.get(f"/p/{post.id}/history").get_data(as_text=True)
    for text in ("Version one", "Version two", "Version three", "typo"):
        assert text in history
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 2


def test_edit_with_empty_body_is_refused_and_changes_nothing(client, make_user, make_post):
    author = make_user()
    post = make_post(author=author, body="Keep me")
    client.login(author)
    response = client.post(f"/p/{post.id}/edit", data={"body": "  "})
    assert response.status_code == 400 and "can&#39;t be empty" in response.get_data(as_text=True)
    db.session.refresh(post)
    assert post.body_md == "Keep me"


@pytest.mark.parametrize("who", ["guest", "other member", "suspended author"])
def test_editing_refusals(client, make_user, make_post, who):
    from datetime import timedelta

    from forum.models import utcnow
    author = make_user()
    post = make_post(author=author, body="Original")
    if who == "other member":
        client.login(make_user())
    elif who == "suspended author":
        author.suspended_until = utcnow() + timedelta(hours=1)
        db.session.commit()
        client.login(author)
    response = client.post(f"/p/{post.id}/edit", data={"body": "Changed"})
    assert response.status_code == (302 if who == "guest" else 403) or response.status_code == 401
    db.session.refresh(post)
    assert post.body_md == "Original"


def test_moderator_may_edit_any_post(client, make_user, make_post):
    post = make_post(body="Original")
    client.login(make_user(role=Role.MODERATOR))
    assert client.post(f"/p/{post.id}/edit", data={"body": "Fixed", "reason": "link"}).status_code == 302


def test_delete_leaves_tombstone_with_replies(client, make_user, make_post):
    author = make_user()
    post = make_post(author=author, body="Regrettable")
    make_post(parent=post, body="A reply that stays")
    client.login(author)
    assert client.post(f"/p/{post.id}/delete").status_code == 302
    db.session.refresh(post)
    assert post.deleted_at is not None and post.body_md == "Regrettable"  # kept for the record
    client.logout()
    page = client.get(f"/t/{post.topic_id}").get_data(as_text=True)
    assert "deleted by its author" in page and "Regrettable" not in page
    assert "A reply that stays" in page
    history = client.get(f"/p/{post.id}/history").get_data(as_text=True)
    assert "Regrettable" not in history


def test_delete_by_get_is_not_allowed(client, make_user, make_post):
    author = make_user()
    post = make_post(author=author)
    client.login(author)
    assert client.get(f"/p/{post.id}/delete").status_code == 405


def test_delete_another_members_post_is_403(client, make_user, make_post):
    post = make_post()
    client.login(make_user())
    assert client.post(f"/p/{post.id}/delete").status_code == 403
    db.session.refresh(post)
    assert post.deleted_at is None


def test_reply_to_post_of_another_topic_is_refused(app, make_post, make_user):
    from forum.domain import posting
    from forum.domain.errors import RuleError
    other = make_post()
    topic = make_post().topic
    with pytest.raises(RuleError, match="same topic"):
        posting.create_post(make_user(), topic, "Cross-topic", parent=other)


def test_reply_form_page_for_guest_redirects_to_login(client, make_post):
    post = make_post()
    response = client.get(f"/p/{post.id}/reply")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("size", [10, 300])
def test_permalink_queries_do_not_grow(client, make_topic, count_queries, size):
    topic = make_topic(posts=size)
    root = db.session.scalar(select(Post).where(Post.topic_id == topic.id, Post.parent_id.is_(None)))
    with count_queries() as queries:
        assert client.get(f"/p/{root.id}").status_code == 200
    assert len(queries) <= 10, queries
