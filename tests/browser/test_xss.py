"""The XSS corpus posted through the real routes, then rendered in Chromium:
nothing runs, and no dangerous element, attribute or URL reaches the DOM."""
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Topic
from tests.security import corpus

ALERT_HOOK = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__xss.push(name + ':' + args.join(',')); };
}
"""


def _open(page, path):
    page.goto(path)
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)  # give timers and onload handlers their chance


def _assert_clean(page, selector):
    assert page.evaluate("window.__xss") == []
    assert page.evaluate(corpus.DOM_CHECK, selector) == []


def test_hostile_post_bodies_and_titles_never_run(new_page, live_server, app, client, make_user, make_topic,
                                                  monkeypatch):
    app.config["WTF_CSRF_ENABLED"] = False  # the test client posts through the real form routes
    monkeypatch.setitem(app.config, "POSTS_PER_PAGE", 1000)  # restored after: later tests paginate
    inputs = corpus.load()
    assert len(inputs) >= 100
    member = make_user("attacker")
    topic = make_topic(author=member, title="XSS corpus")
    client.login(member)
    accepted = 0
    for text in inputs:
        response = client.post(f"/t/{topic.id}/reply", data={"body": text})
        assert response.status_code in (302, 400), (text, response.status_code)
        accepted += response.status_code == 302
    for text in inputs[:60]:
        client.post(f"/t/new?article={topic.article.slug}", data={"title": text[:200], "body": text})
    app.config["WTF_CSRF_ENABLED"] = True
    assert db.session.scalar(select(func.count()).select_from(Post)) == accepted >= 100
    assert db.session.scalar(select(func.count()).select_from(Topic)) > 50

    page = new_page()
    page.add_init_script(ALERT_HOOK)
    _open(page, f"/t/{topic.id}")
    _assert_clean(page, ".prose, #topic-title")
    # Hover and focus everything that could carry a handler.
    for element in page.query_selector_all(".prose a")[:200]:
        element.hover()
    assert page.evaluate("window.__xss") == []
    _open(page, "/")
    _assert_clean(page, ".topic-title, .article-card .prose")
    _open(page, f"/u/{member.username}")
    _assert_clean(page, ".profile-posts .prose, .plain-list")
    first_post = db.session.scalar(select(Post.id).order_by(Post.id))
    _open(page, f"/p/{first_post}")
    _assert_clean(page, ".prose")
    assert page.js_errors == []
