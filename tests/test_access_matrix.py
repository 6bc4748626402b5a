"""Every route, every method, every kind of visitor: the answer matches the table.

A route missing from ROUTES fails the test, so a new page arrives with its
access rules written down. Outcomes:
  ok        2xx, 3xx other than to the login page, or 400 (the form's own checks)
  login     sent to sign in (302 to /auth/login, or 401 with the text kept)
  forbidden 403
  missing   404
"""
from datetime import timedelta

import pytest

from forum.models import Role, utcnow
from tests.conftest import PASSWORD

VISITORS = ["guest", "owner", "member", "suspended", "moderator", "admin", "instructor"]

EVERYONE_OK = {v: "ok" for v in VISITORS}
SIGNED_IN = {"guest": "login", **{v: "ok" for v in VISITORS if v != "guest"}}
WRITERS = {**SIGNED_IN, "suspended": "forbidden"}
OWNER_OR_MOD = {"guest": "login", "owner": "ok", "member": "forbidden", "suspended": "forbidden",
                "moderator": "ok", "admin": "ok", "instructor": "forbidden"}
OWNER_ONLY = {**OWNER_OR_MOD, "moderator": "forbidden", "admin": "forbidden"}
ADMIN_ONLY = {"guest": "login", **{v: "forbidden" for v in VISITORS if v not in ("guest", "admin")}, "admin": "ok"}

# (endpoint, method) -> (path builder, {visitor: outcome})
ROUTES = {
    ("home.index", "GET"): (lambda w: "/", EVERYONE_OK),
    ("home.healthz", "GET"): (lambda w: "/healthz", EVERYONE_OK),
    ("static", "GET"): (lambda w: "/static/css/site.css", EVERYONE_OK),
    ("auth.register", "GET"): (lambda w: "/auth/register", EVERYONE_OK),
    ("auth.register", "POST"): (lambda w: "/auth/register", EVERYONE_OK),
    ("auth.login", "GET"): (lambda w: "/auth/login", EVERYONE_OK),
    ("auth.login", "POST"): (lambda w: "/auth/login", EVERYONE_OK),
    ("auth.logout", "POST"): (lambda w: "/auth/logout", SIGNED_IN),
    ("articles.show", "GET"): (lambda w: f"/a/{w['article'].slug}", EVERYONE_OK),
    ("articles.new", "GET"): (lambda w: "/a/new", ADMIN_ONLY),
    ("articles.new", "POST"): (lambda w: "/a/new", ADMIN_ONLY),
    ("articles.edit", "GET"): (lambda w: f"/a/{w['article'].slug}/edit", ADMIN_ONLY),
    ("articles.edit", "POST"): (lambda w: f"/a/{w['article'].slug}/edit", ADMIN_ONLY),
    ("topics.new", "GET"): (lambda w: "/t/new", WRITERS),
    ("topics.new", "POST"): (lambda w: "/t/new", WRITERS),
    ("topics.show", "GET"): (lambda w: f"/t/{w['topic'].id}", EVERYONE_OK),
    ("topics.reply", "POST"): (lambda w: f"/t/{w['topic'].id}/reply", WRITERS),
    ("topics.edit", "GET"): (lambda w: f"/t/{w['topic'].id}/edit", OWNER_OR_MOD),
    ("topics.edit", "POST"): (lambda w: f"/t/{w['topic'].id}/edit", OWNER_OR_MOD),
    ("topics.history", "GET"): (lambda w: f"/t/{w['topic'].id}/history", EVERYONE_OK),
    ("posts.show", "GET"): (lambda w: f"/p/{w['post'].id}", EVERYONE_OK),
    ("posts.reply", "GET"): (lambda w: f"/p/{w['post'].id}/reply", WRITERS),
    ("posts.reply", "POST"): (lambda w: f"/p/{w['post'].id}/reply", WRITERS),
    ("posts.edit", "GET"): (lambda w: f"/p/{w['post'].id}/edit", OWNER_OR_MOD),
    ("posts.edit", "POST"): (lambda w: f"/p/{w['post'].id}/edit", OWNER_OR_MOD),
    ("posts.delete", "POST"): (lambda w: f"/p/{w['post'].id}/delete", OWNER_ONLY),
    ("posts.history", "GET"): (lambda w: f"/p/{w['post'].id}/history", EVERYONE_OK),
    ("users.show", "GET"): (lambda w: f"/u/{w['owner'].username}", EVERYONE_OK),
    # Find and follow
    ("search.index", "GET"): (lambda w: "/search?q=owned", EVERYONE_OK),
    ("feeds.topics", "GET"): (lambda w: "/feeds/topics.atom", EVERYONE_OK),
    ("feeds.topic", "GET"): (lambda w: f"/t/{w['topic'].id}/feed.atom", EVERYONE_OK),
    ("feeds.article", "GET"): (lambda w: f"/a/{w['article'].slug}/feed.atom", EVERYONE_OK),
    ("live.updates", "GET"): (lambda w: f"/t/{w['topic'].id}/updates?after=0", EVERYONE_OK),
    ("notifications.index", "GET"): (lambda w: "/notifications", SIGNED_IN),
    ("notifications.read", "POST"): (lambda w: "/notifications/read", SIGNED_IN),
    ("notifications.read_all", "POST"): (lambda w: "/notifications/read-all", SIGNED_IN),
    ("notifications.watch", "POST"): (lambda w: f"/t/{w['topic'].id}/watch", SIGNED_IN),
    ("settings.index", "GET"): (lambda w: "/settings", SIGNED_IN),
    ("settings.profile", "POST"): (lambda w: "/settings/profile", WRITERS),
    ("settings.password", "POST"): (lambda w: "/settings/password", SIGNED_IN),
    ("settings.notify", "POST"): (lambda w: "/settings/notifications", SIGNED_IN),
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule


@pytest.fixture
def world(make_user, make_article, make_topic, make_post):
    owner = make_user("owner")
    article = make_article(slug="art")
    topic = make_topic(author=owner, article=article)
    return {
        "owner": owner, "article": article, "topic": topic,
        "post": make_post(topic=topic, author=owner, body="Owned words"),
        "member": make_user("member"),
        "suspended": make_user("suspended", suspended_until=utcnow() + timedelta(days=2),
                               suspension_reason="Testing"),
        "moderator": make_user("moderator", role=Role.MODERATOR),
        "admin": make_user("admin", role=Role.ADMIN),
        "instructor": make_user("instructor", role=Role.INSTRUCTOR),
    }


def _outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 401 or (response.status_code == 302 and "/auth/login" in location):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 404:
        return "missing"
    if response.status_code == 405:
        return "method"
    if response.status_code < 400 or response.status_code == 400:
        return "ok"
    return str(response.status_code)


def test_every_route_is_in_the_table(app):
    missing = {(endpoint, method) for endpoint, method, _ in _routes(app)} - set(ROUTES)
    assert not missing, f"routes without access rules in ROUTES: {sorted(missing)}"


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_matrix(app, client, world, visitor):
    app.config["WTF_CSRF_ENABLED"] = False
    wrong = []
    for (endpoint, method), (path_of, expected) in ROUTES.items():
        client.logout()
        if visitor != "guest":
            client.login(world[visitor])
        with client.open(path_of(world), method=method, data={}) as response:
            got = _outcome(response)
        if got != expected[visitor]:
            wrong.append(f"{method} {endpoint} as {visitor}: expected {expected[visitor]}, got {got} ({response.status_code})")
    assert not wrong, "\n".join(wrong)


def test_unlisted_methods_are_405(client, world, app):
    wrong = []
    for endpoint, method, rule in _routes(app):
        if method == "GET" and endpoint != "static":
            path = ROUTES[(endpoint, "GET")][0](world)
            if "POST" not in rule.methods and (endpoint, "POST") not in ROUTES:
                status = client.post(path).status_code
                if status not in (405, 400):
                    wrong.append(f"POST {path}: {status}")
    assert not wrong


def test_every_state_change_without_csrf_token_is_refused(csrf_app, world):
    client = csrf_app.test_client()
    for visitor in ("owner", "admin"):
        client.login(world[visitor])
        for (endpoint, method), (path_of, _) in ROUTES.items():
            if method != "POST":
                continue
            with client.post(path_of(world), data={"body": "x", "title": "y", "username": "owner",
                                                   "password": PASSWORD}) as response:
                assert response.status_code == 400, (endpoint, visitor, response.status_code)
                assert "expired" in response.get_data(as_text=True) or "CSRF" in response.get_data(as_text=True)
