"""A form that makes a post makes it once (issue 18, item 7): each reply, argument
and topic form carries a one-time key; sent again with it (a double click, a lost
response, a worker that died after its commit), it makes nothing more and leads
to what the first made."""
import re
import threading
import time

import pytest
from sqlalchemy import func, select

from forum.domain import debates, posting, sent_forms
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import Post, Role, SentForm, Topic, TopicKind
from forum.web import caching
from tests.conftest import new_session

KEY = "k" * 24
OTHER_KEY = "o" * 24
KEY_FIELD = re.compile(r'name="form_key" value="([A-Za-z0-9_-]+)"')


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _keys(html: str) -> list[str]:
    return KEY_FIELD.findall(html)


# --- the rule -----------------------------------------------------------------

def test_post_argument_sent_twice_with_one_key_posts_once(make_user, make_topic):
    author, topic = make_user(), make_topic()
    first = debates.post_argument(author, topic, "Once only.", stance_value=None, key=KEY)
    again = debates.post_argument(author, topic, "Once only.", stance_value=None, key=KEY)
    assert again is first
    assert _count(Post, Post.topic_id == topic.id) == 1
    assert db.session.get(Topic, topic.id).post_count == 1
    sent = db.session.get(SentForm, (author.id, KEY))
    assert (sent.post_id, sent.topic_id) == (first.id, topic.id)


def test_post_argument_with_two_keys_posts_twice(make_user, make_topic):
    author, topic = make_user(), make_topic()
    debates.post_argument(author, topic, "Same words.", stance_value=None, key=KEY)
    debates.post_argument(author, topic, "Same words.", stance_value=None, key=OTHER_KEY)
    assert _count(Post, Post.topic_id == topic.id) == 2


def test_post_argument_refuses_a_used_key_with_other_text(make_user, make_topic):
    author, topic = make_user(), make_topic()
    debates.post_argument(author, topic, "The first text.", stance_value=None, key=KEY)
    with pytest.raises(RuleError, match="sent before with other text"):
        debates.post_argument(author, topic, "Another text.", stance_value=None, key=KEY)
    assert _count(Post, Post.topic_id == topic.id) == 1


def test_post_argument_refuses_a_used_key_for_another_place(make_user, make_topic):
    author, topic, elsewhere = make_user(), make_topic(), make_topic()
    debates.post_argument(author, topic, "Words.", stance_value=None, key=KEY)
    with pytest.raises(RuleError, match="sent before"):
        debates.post_argument(author, elsewhere, "Words.", stance_value=None, key=KEY)
    assert _count(Post, Post.topic_id == elsewhere.id) == 0


def test_a_key_is_each_authors_own(make_user, make_topic):
    topic = make_topic()
    one = debates.post_argument(make_user(), topic, "Words.", stance_value=None, key=KEY)
    two = debates.post_argument(make_user(), topic, "Words.", stance_value=None, key=KEY)
    assert one.id != two.id


@pytest.mark.parametrize("key", ["short", "has spaces in it, twenty+", "<script>alert(1)</script>xx", "é" * 20,
                                 "k" * 65])
def test_a_damaged_key_is_refused_and_nothing_is_stored(make_user, make_topic, key):
    author, topic = make_user(), make_topic()
    with pytest.raises(RuleError, match="one-time key is damaged"):
        debates.post_argument(author, topic, "Words.", stance_value=None, key=key)
    db.session.rollback()
    assert _count(Post, Post.topic_id == topic.id) == 0 and _count(SentForm) == 0


def test_a_refused_post_leaves_its_key_unused(make_user, make_topic):
    author, topic = make_user(), make_topic(is_locked=True)
    with pytest.raises(RuleError, match="locked"):
        debates.post_argument(author, topic, "Words.", stance_value=None, key=KEY)
    db.session.rollback()
    topic.is_locked = False
    db.session.commit()
    assert debates.post_argument(author, topic, "Words.", stance_value=None, key=KEY).id


def test_create_topic_sent_twice_with_one_key_makes_one_topic(make_user, make_article):
    author, article = make_user(), make_article()
    first = posting.create_topic(author, article, title="Once", body="Opening.", key=KEY)
    again = posting.create_topic(author, article, title="Once", body="Opening.", key=KEY)
    assert again is first and _count(Topic, Topic.author_id == author.id) == 1


def test_no_key_posts_as_before(make_user, make_topic):
    author, topic = make_user(), make_topic()
    for _ in range(2):
        debates.post_argument(author, topic, "Words.", stance_value=None, key=None)
    assert _count(Post, Post.topic_id == topic.id) == 2 and _count(SentForm) == 0


# --- through the forms ------------------------------------------------------------

def test_reply_sent_twice_with_one_key_posts_once_and_leads_to_it(client, make_user, make_topic):
    member, topic = make_user(), make_topic()
    client.login(member)
    key = _keys(client.get(f"/t/{topic.id}").get_data(as_text=True))[0]
    data = {"body": "A reply the network lost the answer to.", "form_key": key}
    first = client.post(f"/t/{topic.id}/reply", data=data)
    second = client.post(f"/t/{topic.id}/reply", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    post_id = db.session.scalar(select(Post.id).where(Post.topic_id == topic.id))
    assert first.headers["Location"].endswith(f"/t/{topic.id}#p{post_id}")
    assert _count(Post, Post.topic_id == topic.id) == 1


def test_reply_with_two_keys_posts_twice(client, make_user, make_topic):
    member, topic = make_user(), make_topic()
    client.login(member)
    for key in (KEY, OTHER_KEY):
        response = client.post(f"/t/{topic.id}/reply", data={"body": "Twice on purpose.", "form_key": key})
        assert response.status_code == 302
    assert _count(Post, Post.topic_id == topic.id) == 2


def test_reply_to_a_post_sent_twice_posts_once(client, make_user, make_post):
    parent, member = make_post(), make_user()
    client.login(member)
    key = _keys(client.get(f"/p/{parent.id}/reply").get_data(as_text=True))[0]
    answers = [client.post(f"/p/{parent.id}/reply", data={"body": "Answered once.", "form_key": key})
               for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert _count(Post, Post.parent_id == parent.id) == 1


def test_argument_in_a_debate_sent_twice_posts_once(client, make_user, make_topic):
    member = make_user()
    debate = make_topic(kind=TopicKind.DEBATE, pro_label="Pay", con_label="Free")
    client.login(member)
    key = _keys(client.get(f"/t/{debate.id}").get_data(as_text=True))[0]  # the columns' "Add an argument"
    data = {"body": "Creators should be paid.", "stance": "pro", "form_key": key}
    answers = [client.post(f"/t/{debate.id}/reply", data=data) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert _count(Post, Post.topic_id == debate.id) == 1


@pytest.mark.parametrize("path, role, fields", [
    ("/t/new", Role.MEMBER, {"title": "A new discussion", "body": "Opening."}),
    ("/debates/new", Role.INSTRUCTOR, {"title": "Testers should be paid", "body": "Why.", "pro_label": "Yes",
                                       "con_label": "No"}),
])
def test_new_topic_sent_twice_makes_one(client, make_user, make_article, path, role, fields):
    member, article = make_user(role=role), make_article()
    client.login(member)
    key = _keys(client.get(f"{path}?article={article.slug}").get_data(as_text=True))[0]
    answers = [client.post(f"{path}?article={article.slug}", data={**fields, "form_key": key}) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert _count(Topic, Topic.author_id == member.id) == 1


def test_a_used_key_with_other_text_is_refused_and_the_form_comes_back_fresh(client, make_user, make_topic):
    member, topic = make_user(), make_topic()
    client.login(member)
    client.post(f"/t/{topic.id}/reply", data={"body": "The first text.", "form_key": KEY})
    # The browser's Back: the same page, its key already used, other text typed in it.
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Something else entirely.", "form_key": KEY})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "sent before with other text" in html and "Something else entirely." in html
    fresh = _keys(html)
    assert fresh and KEY not in fresh
    assert _count(Post, Post.topic_id == topic.id) == 1
    # Sent again from the page that came back, it is posted.
    assert client.post(f"/t/{topic.id}/reply", data={"body": "Something else entirely.",
                                                     "form_key": fresh[0]}).status_code == 302
    assert _count(Post, Post.topic_id == topic.id) == 2


def test_a_damaged_key_is_refused_with_a_message(client, make_user, make_topic):
    member, topic = make_user(), make_topic()
    client.login(member)
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Kept text.", "form_key": "not a key!"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "one-time key is damaged" in html and "Kept text." in html
    assert _count(Post, Post.topic_id == topic.id) == 0 and _count(SentForm) == 0


def test_preview_uses_no_key(client, make_user, make_topic):
    member, topic = make_user(), make_topic()
    client.login(member)
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Just looking.", "form_key": KEY, "preview": "1"})
    assert response.status_code == 200 and _count(SentForm) == 0
    assert client.post(f"/t/{topic.id}/reply", data={"body": "Just looking.", "form_key": KEY}).status_code == 302


# --- where keys are, and are not ----------------------------------------------------

def test_each_rendering_of_a_members_form_has_its_own_key(client, make_user, make_post):
    post = make_post()
    client.login(make_user())
    for url in (f"/t/{post.topic_id}", f"/p/{post.id}/reply", f"/t/new?article={post.topic.article.slug}"):
        first, second = (_keys(client.get(url).get_data(as_text=True)) for _ in range(2))
        assert len(first) == len(second) == 1, url
        assert first != second, url


def test_a_guests_page_carries_no_key(client, copies, make_topic):
    topic = make_topic(kind=TopicKind.DEBATE)
    for url in (f"/t/{topic.id}", f"/t/{topic.id}?view=thread"):
        html = client.get(url).get_data(as_text=True)
        assert 'name="form_key"' not in html and "form-key" not in html, url


def test_a_members_own_copy_gets_a_fresh_key_in_each_form_each_time(app):
    page = f"<form>{caching.FORM_KEY_PLACEHOLDER}</form><form>{caching.FORM_KEY_PLACEHOLDER}</form>"
    with app.test_request_context():
        one, two = caching._fill_in(page), caching._fill_in(page)
    keys = re.findall(r"<form>([^<]+)</form>", one) + re.findall(r"<form>([^<]+)</form>", two)
    assert len(set(keys)) == 4 and all(sent_forms.KEY_RE.fullmatch(k) for k in keys)


def test_the_key_is_not_shown_as_the_persons_text_on_the_sign_in_page(client, make_topic):
    topic = make_topic()
    html = client.post(f"/t/{topic.id}/reply", data={"body": "Typed as a guest.", "form_key": KEY,
                                                     "next": f"/t/{topic.id}"}).get_data(as_text=True)
    assert "Typed as a guest." in html and KEY not in html


def test_an_expired_form_sent_again_keeps_its_key_hidden(csrf_app, make_user, make_topic):
    """"Send again" is the same form sent again: the same key, never shown as text."""
    topic = make_topic()
    client = csrf_app.test_client().login(make_user())
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Words I must not lose", "form_key": KEY,
                                                         "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Send again" in page
    assert f'<input type="hidden" name="form_key" value="{KEY}">' in page and ">Form_key<" not in page


# --- a race ------------------------------------------------------------------------------

@pytest.mark.committing  # two threads write through their own connections
def test_the_same_form_sent_twice_at_once_posts_once(app, make_user, make_topic, monkeypatch):
    # The first to claim the key takes its time making the post, so the second
    # arrives while the claim is not yet committed (on PostgreSQL it waits on the
    # key's unique index, on SQLite for the write lock).
    create_post = posting.create_post
    monkeypatch.setattr(posting, "create_post", lambda *a, **kw: (time.sleep(0.3), create_post(*a, **kw))[1])
    member = make_user()
    topic_id, cookie_id = make_topic().id, new_session(member)
    start, answers = threading.Barrier(2), []

    def send() -> None:
        with app.app_context():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = cookie_id
            start.wait()
            response = client.post(f"/t/{topic_id}/reply", data={"body": "Double click.", "form_key": KEY})
            answers.append((response.status_code, response.headers.get("Location")))
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    assert len(answers) == 2 and answers[0] == answers[1] and answers[0][0] == 302
    assert _count(Post, Post.topic_id == topic_id) == 1
    assert db.session.get(Topic, topic_id).post_count == 1
