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

from forum import moderation
from forum.extensions import db
from forum.models import Role, WordAction, utcnow
from tests.conftest import PASSWORD

VISITORS = ["guest", "owner", "member", "suspended", "moderator", "admin", "instructor"]

EVERYONE_OK = {v: "ok" for v in VISITORS}
SIGNED_IN = {"guest": "login", **{v: "ok" for v in VISITORS if v != "guest"}}
WRITERS = {**SIGNED_IN, "suspended": "forbidden"}
OWNER_OR_MOD = {"guest": "login", "owner": "ok", "member": "forbidden", "suspended": "forbidden",
                "moderator": "ok", "admin": "ok", "instructor": "forbidden"}
OWNER_ONLY = {**OWNER_OR_MOD, "moderator": "forbidden", "admin": "forbidden"}
ADMIN_ONLY = {"guest": "login", **{v: "forbidden" for v in VISITORS if v not in ("guest", "admin")}, "admin": "ok"}
MOD_ONLY = {**{v: "forbidden" for v in VISITORS}, "guest": "login", "moderator": "ok", "admin": "ok"}
OWNER_SEES = {**{v: "missing" for v in VISITORS}, "guest": "login", "owner": "ok"}

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
    # Moderation: members' side
    ("safety.flag", "GET"): (lambda w: f"/p/{w['other_post'].id}/flag", WRITERS),
    ("safety.flag", "POST"): (lambda w: f"/p/{w['other_post'].id}/flag", WRITERS),
    ("safety.my_flags", "GET"): (lambda w: "/flags", SIGNED_IN),
    ("safety.appeal", "GET"): (lambda w: f"/p/{w['removed'].id}/appeal", OWNER_ONLY),
    ("safety.appeal", "POST"): (lambda w: f"/p/{w['removed'].id}/appeal", OWNER_ONLY),
    ("safety.mute", "POST"): (lambda w: f"/u/{w['stranger'].username}/mute", WRITERS),
    ("safety.unmute", "POST"): (lambda w: f"/u/{w['stranger'].username}/unmute", WRITERS),
    ("safety.dismiss_message", "POST"): (lambda w: f"/messages/{w['message'].id}/dismiss", OWNER_SEES),
    # Moderation: moderators' side
    ("mod.queue", "GET"): (lambda w: "/mod", MOD_ONLY),
    ("mod.log", "GET"): (lambda w: "/mod/log", MOD_ONLY),
    ("mod.log_csv", "GET"): (lambda w: "/mod/log.csv", MOD_ONLY),
    ("mod.post", "GET"): (lambda w: f"/mod/p/{w['post'].id}", MOD_ONLY),
    ("mod.post_action", "POST"): (lambda w: f"/mod/p/{w['post'].id}/hide", MOD_ONLY),
    ("mod.edit", "GET"): (lambda w: f"/mod/p/{w['post'].id}/edit", MOD_ONLY),
    ("mod.edit", "POST"): (lambda w: f"/mod/p/{w['post'].id}/edit", MOD_ONLY),
    ("mod.warn", "POST"): (lambda w: f"/mod/u/{w['owner'].id}/warn", MOD_ONLY),
    ("mod.suspend", "POST"): (lambda w: f"/mod/u/{w['owner'].id}/suspend", MOD_ONLY),
    ("mod.topic", "GET"): (lambda w: f"/mod/t/{w['topic'].id}", MOD_ONLY),
    ("mod.topic_action", "POST"): (lambda w: f"/mod/t/{w['topic'].id}/pin", MOD_ONLY),
    ("mod.slow_mode", "POST"): (lambda w: f"/mod/t/{w['topic'].id}/slow-mode", MOD_ONLY),
    ("mod.decide_appeal", "POST"): (lambda w: f"/mod/appeals/{w['appeal'].id}/uphold", MOD_ONLY),
    ("mod.words", "GET"): (lambda w: "/mod/words", ADMIN_ONLY),
    ("mod.words", "POST"): (lambda w: "/mod/words", ADMIN_ONLY),
    ("mod.delete_word", "POST"): (lambda w: f"/mod/words/{w['word'].id}/delete", ADMIN_ONLY),
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
    world = {
        "owner": owner, "article": article, "topic": topic,
        "post": make_post(topic=topic, author=owner, body="Owned words"),
        "member": make_user("member"),
        "suspended": make_user("suspended", suspended_until=utcnow() + timedelta(days=2),
                               suspension_reason="Testing"),
        "moderator": make_user("moderator", role=Role.MODERATOR),
        "admin": make_user("admin", role=Role.ADMIN),
        "instructor": make_user("instructor", role=Role.INSTRUCTOR),
    }
    # Moderation: a stranger's post to flag, a removed post of the owner's with its appeal,
    # a message to the owner, a watched word.
    stranger = make_user("stranger")
    removed = make_post(topic=topic, author=owner, body="Removed words")
    moderation.remove_post(removed, world["admin"], "Off-topic")
    world.update(
        stranger=stranger, other_post=make_post(topic=topic, author=stranger), removed=removed,
        appeal=moderation.appeal_removal(removed, owner, "Please read it again, it was on topic."),
        message=moderation.tell(owner, "Hello"),
        word=moderation.add_watched_word(world["admin"], "forbidden phrase", WordAction.BLOCK))
    db.session.commit()
    return world


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
