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


def test_hostile_text_in_every_other_field_never_runs(new_page, app, client, make_user, make_topic, make_post):
    """Display names, bios, ∆ explanations, flag notes, source titles and URLs, class names."""
    from forum.models import Role, TopicKind
    app.config["WTF_CSRF_ENABLED"] = False
    inputs = [text for text in corpus.load() if "\x00" not in text][:40]
    author = make_user("target")
    debate = make_topic(kind=TopicKind.DEBATE, title="Hostile fields")
    argument = make_post(topic=debate, author=author, body="An argument", stance="pro")
    teacher = make_user("teacher_x", role=Role.INSTRUCTOR)
    for n, text in enumerate(inputs):
        attacker = make_user(f"attacker{n}")
        client.login(attacker)
        client.post("/settings/profile", data={"display_name": text[:60], "bio": text, "email": f"a{n}@example.org"})
        client.post(f"/p/{argument.id}/deltas", data={"explanation": (text + " " + "x" * 60)[:3900]})
        client.post(f"/p/{argument.id}/flag", data={"reason": "other", "note": text[:500]})
        client.login(author)
        client.post(f"/p/{argument.id}/sources", data={"title": text[:300], "url": text[:900]})
        client.post(f"/p/{argument.id}/sources", data={"title": text[:300], "url": "https://example.org/" + text[:200]})
        client.login(teacher)
        client.post("/classes", data={"name": text[:80], "term": text[:40], "description": text, "time_zone": "UTC"})
    app.config["WTF_CSRF_ENABLED"] = True
    # A refused POST leaves its (write-locked) transaction open in the test's shared
    # session, where a real request would have ended it: end it before the browser writes.
    db.session.rollback()

    page = new_page()
    page.add_init_script(ALERT_HOOK)
    for n in range(0, len(inputs), 5):
        _open(page, f"/u/attacker{n}")
        _assert_clean(page, ".profile-head")
    _open(page, f"/p/{argument.id}/deltas")
    _assert_clean(page, ".delta-list")
    _open(page, f"/p/{argument.id}")
    _assert_clean(page, ".sources")
    from tests.browser.conftest import sign_in
    from tests.conftest import PASSWORD
    sign_in(page, "attacker3", PASSWORD)
    _open(page, "/flags")
    _assert_clean(page, ".mod-log")
    assert page.js_errors == []
    teacher_page = new_page()
    teacher_page.add_init_script(ALERT_HOOK)
    sign_in(teacher_page, "teacher_x", PASSWORD)
    _open(teacher_page, "/classes")
    _assert_clean(teacher_page, "main ul, main ol")
    assert teacher_page.js_errors == []
