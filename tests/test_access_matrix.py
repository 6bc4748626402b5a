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

from forum.domain import moderation, reactions
from forum.extensions import db
from forum.models import Role, WordAction, utcnow
from tests.conftest import PASSWORD

# "instructor" teaches another class; "outsider" is a student of another class;
# "student" and "teacher" belong to the world's class.
VISITORS = ["guest", "owner", "member", "suspended", "moderator", "admin", "instructor",
            "student", "teacher", "outsider"]


def rule(default: str, **outcomes: str) -> dict[str, str]:
    return {visitor: outcomes.get(visitor, default) for visitor in VISITORS}


EVERYONE_OK = rule("ok")
SIGNED_IN = rule("ok", guest="login")
WRITERS = rule("ok", guest="login", suspended="forbidden")
OWNER_OR_MOD = rule("forbidden", guest="login", owner="ok", moderator="ok", admin="ok")
OWNER_ONLY = rule("forbidden", guest="login", owner="ok")
ADMIN_ONLY = rule("forbidden", guest="login", admin="ok")
INSTRUCTORS = rule("forbidden", guest="login", admin="ok", instructor="ok", teacher="ok")
# Class pages: 404 to everyone outside the class, so its existence does not leak.
STARTERS = rule("forbidden", guest="login", moderator="ok", admin="ok", instructor="ok", teacher="ok")
CLASS_MEMBERS = rule("missing", guest="login", admin="ok", student="ok", teacher="ok")
CLASS_TEACHERS = rule("missing", guest="login", admin="ok", student="forbidden", teacher="ok")
CLASS_STUDENTS_WRITE = rule("missing", guest="login", admin="ok", student="ok", teacher="ok")
MOD_ONLY = rule("forbidden", guest="login", moderator="ok", admin="ok")
# The queue and log: instructors reach them too, and see only their own classes there.
QUEUE = rule("forbidden", guest="login", moderator="ok", admin="ok", instructor="ok", teacher="ok")
OWNER_SEES = rule("missing", guest="login", owner="ok")

# (endpoint, method) -> (path builder, {visitor: outcome})
ROUTES = {
    ("home.index", "GET"): (lambda w: "/", EVERYONE_OK),
    ("home.healthz", "GET"): (lambda w: "/healthz", EVERYONE_OK),
    ("home.read_all", "POST"): (lambda w: "/read-all", SIGNED_IN),  # reading marks: suspended members too
    ("static", "GET"): (lambda w: "/static/css/site.css", EVERYONE_OK),
    ("auth.register", "GET"): (lambda w: "/auth/register", EVERYONE_OK),
    ("auth.register", "POST"): (lambda w: "/auth/register", EVERYONE_OK),
    ("auth.login", "GET"): (lambda w: "/auth/login", EVERYONE_OK),
    ("auth.login", "POST"): (lambda w: "/auth/login", EVERYONE_OK),
    ("auth.logout", "POST"): (lambda w: "/auth/logout", SIGNED_IN),
    ("auth.forgot_password", "GET"): (lambda w: "/auth/forgot", EVERYONE_OK),
    ("auth.forgot_password", "POST"): (lambda w: "/auth/forgot", EVERYONE_OK),
    ("auth.reset_password", "GET"): (lambda w: "/auth/reset/not-a-token", EVERYONE_OK),
    ("auth.reset_password", "POST"): (lambda w: "/auth/reset/not-a-token", EVERYONE_OK),
    ("auth.confirm_address", "GET"): (lambda w: "/auth/confirm-address/not-a-token", EVERYONE_OK),
    ("auth.confirm_address", "POST"): (lambda w: "/auth/confirm-address/not-a-token", EVERYONE_OK),
    ("auth.undo_address", "GET"): (lambda w: "/auth/undo-address/not-a-token", EVERYONE_OK),
    ("auth.undo_address", "POST"): (lambda w: "/auth/undo-address/not-a-token", EVERYONE_OK),
    ("auth.class_code", "GET"): (lambda w: "/auth/class-code", EVERYONE_OK),
    ("auth.class_code", "POST"): (lambda w: "/auth/class-code", EVERYONE_OK),
    ("articles.show", "GET"): (lambda w: f"/a/{w['article'].slug}", EVERYONE_OK),
    ("quotes.discuss", "GET"): (lambda w: f"/a/{w['article'].slug}/quote", WRITERS),
    ("quotes.start_topic", "POST"): (lambda w: f"/a/{w['article'].slug}/quote/topic", WRITERS),
    ("quotes.argue", "POST"): (lambda w: f"/a/{w['article'].slug}/quote/argument", WRITERS),
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
    # Debates
    ("debates.new", "GET"): (lambda w: f"/debates/new?article={w['article'].slug}", STARTERS),
    ("debates.new", "POST"): (lambda w: f"/debates/new?article={w['article'].slug}", STARTERS),
    ("debates.close", "POST"): (lambda w: f"/t/{w['debate'].id}/close", OWNER_OR_MOD),
    ("debates.reopen", "POST"): (lambda w: f"/t/{w['debate'].id}/reopen", OWNER_OR_MOD),
    ("debates.poll", "POST"): (lambda w: f"/t/{w['debate'].id}/poll/after", WRITERS),
    ("debates.poll_page", "GET"): (lambda w: f"/t/{w['debate'].id}/poll", EVERYONE_OK),
    ("debates.map_page", "GET"): (lambda w: f"/t/{w['debate'].id}/map", EVERYONE_OK),
    ("debates.vote", "POST"): (lambda w: f"/p/{w['argument'].id}/vote", WRITERS),
    ("debates.withdraw_vote", "POST"): (lambda w: f"/p/{w['argument'].id}/vote/withdraw", WRITERS),
    ("debates.award_delta", "POST"): (lambda w: f"/p/{w['argument'].id}/deltas", WRITERS),
    ("debates.deltas", "GET"): (lambda w: f"/p/{w['argument'].id}/deltas", EVERYONE_OK),
    ("debates.needs_source", "POST"): (lambda w: f"/p/{w['argument'].id}/needs-source", WRITERS),
    ("debates.withdraw_needs_source", "POST"): (
        lambda w: f"/p/{w['argument'].id}/needs-source/withdraw", WRITERS),
    ("debates.sources", "GET"): (lambda w: f"/p/{w['argument'].id}/sources", OWNER_ONLY),
    ("debates.sources", "POST"): (lambda w: f"/p/{w['argument'].id}/sources", OWNER_ONLY),
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
    # Ending sessions is not writing: a suspended member may sign other browsers out.
    ("settings.end_session", "POST"): (lambda w: "/settings/sessions/999999/end", SIGNED_IN),
    ("settings.end_other_sessions", "POST"): (lambda w: "/settings/sessions/end-others", SIGNED_IN),
    # Keeping one's address right is not writing either.
    ("settings.email", "POST"): (lambda w: "/settings/email", SIGNED_IN),
    ("settings.resend_confirmation", "POST"): (lambda w: "/settings/email/resend", SIGNED_IN),
    ("settings.mail_settings", "POST"): (lambda w: "/settings/mail", SIGNED_IN),
    # Leaving: a suspended member may take their data and go too.
    ("settings.export", "GET"): (lambda w: "/settings/export", SIGNED_IN),
    ("settings.delete_account", "POST"): (lambda w: "/settings/delete", SIGNED_IN),
    # A mail's one-click unsubscribe works without signing in: its signed token decides (a bad one: 400).
    ("settings.unsubscribe", "GET"): (lambda w: "/settings/mail/unsubscribe/not-a-token", EVERYONE_OK),
    ("settings.unsubscribe", "POST"): (lambda w: "/settings/mail/unsubscribe/not-a-token", EVERYONE_OK),
    # Classes
    ("classes.index", "GET"): (lambda w: "/classes", SIGNED_IN),
    ("classes.index", "POST"): (lambda w: "/classes", INSTRUCTORS),
    ("classes.join", "GET"): (lambda w: "/classes/join", SIGNED_IN),
    ("classes.join", "POST"): (lambda w: "/classes/join", WRITERS),
    ("classes.show", "GET"): (lambda w: f"/classes/{w['classroom'].id}", CLASS_MEMBERS),
    ("classes.announce", "POST"): (lambda w: f"/classes/{w['classroom'].id}/announcements", CLASS_TEACHERS),
    ("classes.regenerate_code", "POST"): (lambda w: f"/classes/{w['classroom'].id}/code", CLASS_TEACHERS),
    ("classes.archive", "POST"): (lambda w: f"/classes/{w['classroom'].id}/archive", CLASS_TEACHERS),
    ("classes.remove_student", "POST"): (
        lambda w: f"/classes/{w['classroom'].id}/students/{w['student'].id}/remove", CLASS_TEACHERS),
    ("classes.add_instructor", "POST"): (lambda w: f"/classes/{w['classroom'].id}/instructors", CLASS_TEACHERS),
    ("class_accounts.add_students", "GET"): (lambda w: f"/classes/{w['classroom'].id}/students/new",
                                             CLASS_TEACHERS),
    ("class_accounts.add_students", "POST"): (lambda w: f"/classes/{w['classroom'].id}/students/new",
                                              CLASS_TEACHERS),
    # The student joined by the class's code: not an account the class made, so no
    # code for them, even from their teacher (tests/test_class_accounts.py has the rest).
    ("class_accounts.new_code", "POST"): (
        lambda w: f"/classes/{w['classroom'].id}/students/{w['student'].id}/code",
        rule("missing", guest="login", student="forbidden")),
    ("classes.new_debate", "GET"): (lambda w: f"/classes/{w['classroom'].id}/debates/new", CLASS_TEACHERS),
    ("classes.new_debate", "POST"): (lambda w: f"/classes/{w['classroom'].id}/debates/new", CLASS_TEACHERS),
    ("classes.sides", "GET"): (lambda w: _debate_path(w, "sides"), CLASS_TEACHERS),
    ("classes.sides", "POST"): (lambda w: _debate_path(w, "sides"), CLASS_TEACHERS),
    ("classes.choose_side", "POST"): (lambda w: _debate_path(w, "side"), CLASS_STUDENTS_WRITE),
    ("classes.phases", "GET"): (lambda w: _debate_path(w, "phases"), CLASS_TEACHERS),
    ("classes.phases", "POST"): (lambda w: _debate_path(w, "phases"), CLASS_TEACHERS),
    ("classes.extend", "POST"): (lambda w: _debate_path(w, "extensions"), CLASS_TEACHERS),
    ("classes.lock", "POST"): (lambda w: _debate_path(w, "lock"), CLASS_TEACHERS),
    ("classes.dashboard", "GET"): (lambda w: _debate_path(w, "dashboard"), CLASS_TEACHERS),
    ("classes.grades", "GET"): (lambda w: _debate_path(w, "grades"), CLASS_TEACHERS),
    ("classes.add_criterion", "POST"): (lambda w: _debate_path(w, "rubric"), CLASS_TEACHERS),
    ("classes.remove_criterion", "POST"): (
        lambda w: _debate_path(w, f"rubric/{w['criterion'].id}/delete"), CLASS_TEACHERS),
    ("classes.release", "POST"): (lambda w: _debate_path(w, "release"), CLASS_TEACHERS),
    ("classes.grade", "GET"): (lambda w: _debate_path(w, f"grades/{w['student'].id}"), CLASS_TEACHERS),
    ("classes.grade", "POST"): (lambda w: _debate_path(w, f"grades/{w['student'].id}"), CLASS_TEACHERS),
    ("classes.grades_csv", "GET"): (lambda w: _debate_path(w, "grades.csv"), CLASS_TEACHERS),
    ("classes.participation_csv", "GET"): (lambda w: _debate_path(w, "participation.csv"), CLASS_TEACHERS),
    ("classes.transcript", "GET"): (lambda w: _debate_path(w, "transcript.md"), CLASS_MEMBERS),
    # Moderation: members' side
    ("safety.flag", "GET"): (lambda w: f"/p/{w['other_post'].id}/flag", WRITERS),
    ("safety.flag", "POST"): (lambda w: f"/p/{w['other_post'].id}/flag", WRITERS),
    ("safety.my_flags", "GET"): (lambda w: "/flags", SIGNED_IN),
    ("safety.appeal", "GET"): (lambda w: f"/p/{w['removed'].id}/appeal", OWNER_ONLY),
    ("safety.appeal", "POST"): (lambda w: f"/p/{w['removed'].id}/appeal", OWNER_ONLY),
    ("safety.flag_topic", "GET"): (lambda w: f"/t/{w['other_topic'].id}/flag", WRITERS),
    ("safety.flag_topic", "POST"): (lambda w: f"/t/{w['other_topic'].id}/flag", WRITERS),
    ("safety.appeal_topic", "GET"): (lambda w: f"/t/{w['removed_topic'].id}/appeal", OWNER_ONLY),
    ("safety.appeal_topic", "POST"): (lambda w: f"/t/{w['removed_topic'].id}/appeal", OWNER_ONLY),
    ("safety.mute", "POST"): (lambda w: f"/u/{w['stranger'].username}/mute", WRITERS),
    ("safety.unmute", "POST"): (lambda w: f"/u/{w['stranger'].username}/unmute", WRITERS),
    ("safety.dismiss_message", "POST"): (lambda w: f"/messages/{w['message'].id}/dismiss", OWNER_SEES),
    # Moderation: moderators' side
    ("mod.queue", "GET"): (lambda w: "/mod", QUEUE),
    ("mod.log", "GET"): (lambda w: "/mod/log", QUEUE),
    ("mod.log_csv", "GET"): (lambda w: "/mod/log.csv", QUEUE),
    ("mod.post", "GET"): (lambda w: f"/mod/p/{w['post'].id}", MOD_ONLY),
    ("mod.post_action", "POST"): (lambda w: f"/mod/p/{w['post'].id}/hide", MOD_ONLY),
    ("mod.edit", "GET"): (lambda w: f"/mod/p/{w['post'].id}/edit", MOD_ONLY),
    ("mod.edit", "POST"): (lambda w: f"/mod/p/{w['post'].id}/edit", MOD_ONLY),
    ("mod.warn", "POST"): (lambda w: f"/mod/u/{w['owner'].id}/warn", MOD_ONLY),
    ("mod.suspend", "POST"): (lambda w: f"/mod/u/{w['owner'].id}/suspend", MOD_ONLY),
    ("mod.topic", "GET"): (lambda w: f"/mod/t/{w['topic'].id}", MOD_ONLY),
    ("mod.topic_action", "POST"): (lambda w: f"/mod/t/{w['topic'].id}/pin", MOD_ONLY),
    ("mod.slow_mode", "POST"): (lambda w: f"/mod/t/{w['topic'].id}/slow-mode", MOD_ONLY),
    ("mod.topic_text_action", "POST"): (lambda w: f"/mod/t/{w['topic'].id}/text/hide", MOD_ONLY),
    ("mod.decide_appeal", "POST"): (lambda w: f"/mod/appeals/{w['appeal'].id}/uphold", MOD_ONLY),
    ("mod.revoke_delta", "POST"): (lambda w: f"/mod/deltas/{w['delta'].id}/revoke", MOD_ONLY),
    ("mod.words", "GET"): (lambda w: "/mod/words", ADMIN_ONLY),
    ("mod.words", "POST"): (lambda w: "/mod/words", ADMIN_ONLY),
    ("mod.delete_word", "POST"): (lambda w: f"/mod/words/{w['word'].id}/delete", ADMIN_ONLY),
    # Admins: people and roles
    ("admin.people", "GET"): (lambda w: "/admin/people?q=own", ADMIN_ONLY),
    ("admin.change_role", "POST"): (lambda w: f"/admin/people/{w['owner'].id}/role", ADMIN_ONLY),
}


def _debate_path(w, rest: str) -> str:
    return f"/classes/{w['classroom'].id}/debates/{w['class_topic'].id}/{rest}"


# Every door to a class debate and a post in it, seen from inside and outside.
PRIVATE_DOORS = [
    ("GET", lambda w: f"/t/{w['class_topic'].id}"),
    ("GET", lambda w: f"/t/{w['class_topic'].id}/history"),
    ("GET", lambda w: f"/t/{w['class_topic'].id}/feed.atom"),
    ("GET", lambda w: f"/t/{w['class_topic'].id}/updates?after=0"),
    ("GET", lambda w: f"/p/{w['class_post'].id}"),
    ("GET", lambda w: f"/p/{w['class_post'].id}/history"),
    ("GET", lambda w: f"/p/{w['class_post'].id}/reply"),
    ("POST", lambda w: f"/p/{w['class_post'].id}/reply"),
    ("GET", lambda w: f"/p/{w['class_post'].id}/edit"),
    ("POST", lambda w: f"/t/{w['class_topic'].id}/reply"),
    ("POST", lambda w: f"/t/{w['class_topic'].id}/watch"),
    ("GET", lambda w: f"/t/{w['class_topic'].id}/edit"),
    ("GET", lambda w: f"/t/{w['class_topic'].id}/poll"),
    ("GET", lambda w: f"/t/{w['class_topic'].id}/map"),
    ("GET", lambda w: f"/t/{w['class_topic'].id}/flag"),
    ("POST", lambda w: f"/t/{w['class_topic'].id}/flag"),
    ("GET", lambda w: f"/t/{w['class_topic'].id}/appeal"),
    ("POST", lambda w: f"/t/{w['class_topic'].id}/poll/before"),
]
OUTSIDERS = ["guest", "owner", "member", "suspended", "moderator", "instructor", "outsider"]


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule


@pytest.fixture
def world(make_user, make_article, make_topic, make_post, make_class, make_class_debate):
    from forum.domain import classes, grading
    owner = make_user("owner")
    article = make_article(slug="art")
    topic = make_topic(author=owner, article=article)
    teacher = make_user("teacher", role=Role.INSTRUCTOR)
    classroom = make_class(teacher, name="Private class")
    student = make_user("student")
    classes.join_class(student, classroom.join_code)
    class_topic = make_class_debate(classroom, title="Private motion")
    instructor = make_user("instructor", role=Role.INSTRUCTOR)
    other_class = make_class(instructor, name="Another class")
    outsider = make_user("outsider")
    classes.join_class(outsider, other_class.join_code)
    class_post = make_post(topic=class_topic, author=teacher, body="Private words", stance="pro")
    criterion = grading.rubric(class_topic.id)[0]
    debate = make_topic(author=owner, article=article, kind="debate", title="A public motion")
    world = {
        "debate": debate, "argument": make_post(topic=debate, author=owner, body="An argument", stance="pro"),
        "classroom": classroom, "class_topic": class_topic, "class_post": class_post,
        "student": student, "teacher": teacher, "outsider": outsider, "instructor": instructor,
        "criterion": criterion,
        "owner": owner, "article": article, "topic": topic,
        "post": make_post(topic=topic, author=owner, body="Owned words"),
        "member": make_user("member"),
        "suspended": make_user("suspended", suspended_until=utcnow() + timedelta(days=2),
                               suspension_reason="Testing"),
        "moderator": make_user("moderator", role=Role.MODERATOR),
        "admin": make_user("admin", role=Role.ADMIN),
    }
    # Moderation: a stranger's post to flag, a removed post of the owner's with its appeal,
    # a message to the owner, a watched word.
    stranger = make_user("stranger")
    removed = make_post(topic=topic, author=owner, body="Removed words")
    moderation.remove_post(removed, world["admin"], "Off-topic")
    removed_topic = make_topic(author=owner, article=article, title="A removed topic")
    moderation.remove_topic(removed_topic, world["admin"], "Spam")
    world.update(
        stranger=stranger, other_post=make_post(topic=topic, author=stranger), removed=removed,
        other_topic=make_topic(author=stranger, article=article), removed_topic=removed_topic,
        appeal=moderation.appeal_removal(removed, owner, "Please read it again, it was on topic."),
        message=moderation.tell(owner, "Hello"),
        word=moderation.add_watched_word(world["admin"], "forbidden phrase", WordAction.BLOCK),
        delta=reactions.award_delta(world["argument"], world["member"], "It made me see the testers' side. " * 2))
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
    # Requests change the world as they go: the ones that take things away come last.
    destructive = {"classes.remove_student", "classes.archive", "posts.delete"}
    for (endpoint, method), (path_of, expected) in sorted(ROUTES.items(), key=lambda item: item[0][0] in destructive):
        client.logout()
        if visitor != "guest":
            client.login(world[visitor])
        with client.open(path_of(world), method=method, data={}) as response:
            got = _outcome(response)
        if got != expected[visitor]:
            wrong.append(f"{method} {endpoint} as {visitor}: expected {expected[visitor]}, got {got} ({response.status_code})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("visitor", OUTSIDERS)
def test_private_class_doors_are_404_from_outside(app, client, world, visitor):
    app.config["WTF_CSRF_ENABLED"] = False
    if visitor != "guest":
        client.login(world[visitor])
    answers = {}
    for method, path_of in PRIVATE_DOORS:
        with client.open(path_of(world), method=method, data={"body": "x"}) as response:
            answers[f"{method} {path_of(world)}"] = response.status_code
    expected = {door: (401 if visitor == "guest" and door.startswith("POST") else 404) for door in answers}
    expected.update({d: 302 for d in answers if visitor == "guest" and d.startswith("GET") and d.endswith(("/reply", "/edit", "/flag", "/appeal"))})
    assert answers == expected
    for page in ("/", "/a/art", "/search?q=private", "/feeds/topics.atom", f"/u/{world['teacher'].username}"):
        assert "Private" not in client.get(page).get_data(as_text=True), page


@pytest.mark.parametrize("visitor", ["student", "teacher", "admin"])
def test_private_class_doors_open_from_inside(client, world, visitor):
    client.login(world[visitor])
    for path in (f"/t/{world['class_topic'].id}", f"/t/{world['class_topic'].id}/map", f"/p/{world['class_post'].id}",
                 f"/classes/{world['classroom'].id}"):
        response = client.get(path)
        assert response.status_code == 200 and "Private" in response.get_data(as_text=True), path


def test_unlisted_methods_are_405(client, world, app):
    wrong = []
    methods_by_rule: dict[str, set] = {}
    for rule in app.url_map.iter_rules():
        methods_by_rule.setdefault(rule.rule, set()).update(rule.methods)
    for endpoint, method, rule in _routes(app):
        if method == "GET" and endpoint != "static":
            path = ROUTES[(endpoint, "GET")][0](world)
            if "POST" not in methods_by_rule[rule.rule]:
                status = client.post(path).status_code
                if status not in (405, 400):
                    wrong.append(f"POST {path}: {status}")
    assert not wrong


# Needs no form token, by design: RFC 8058's one-click unsubscribe is posted by a mail
# client, and its signed token is the proof (tests/test_mail_notifications.py).
CSRF_EXEMPT = {"settings.unsubscribe"}


def test_the_exempt_views_are_only_those(csrf_app):
    from forum.extensions import csrf
    assert {name.rsplit(".", 1)[-1] for name in csrf._exempt_views} == {e.rsplit(".", 1)[-1] for e in CSRF_EXEMPT}


def test_every_state_change_without_csrf_token_is_refused(csrf_app, world):
    client = csrf_app.test_client()
    for visitor in ("owner", "admin"):
        client.login(world[visitor])
        for (endpoint, method), (path_of, _) in ROUTES.items():
            if method != "POST" or endpoint in CSRF_EXEMPT:
                continue
            with client.post(path_of(world), data={"body": "x", "title": "y", "username": "owner",
                                                   "password": PASSWORD}) as response:
                assert response.status_code == 400, (endpoint, visitor, response.status_code)
                assert "expired" in response.get_data(as_text=True) or "CSRF" in response.get_data(as_text=True)
