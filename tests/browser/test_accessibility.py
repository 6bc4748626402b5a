"""axe-core on every page type, as a guest, a member, a moderator and an instructor:
no serious or critical violation of WCAG 2.2 A/AA."""
from pathlib import Path

import pytest

from forum.domain import moderation
from forum.extensions import db
from forum.models import FlagReason, Role
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def page_paths(world) -> list[str]:
    """Every page type there is; a new page type belongs in this list."""
    topic, post = world["topic"], world["post"]
    return [
        "/", f"/a/{topic.article.slug}", f"/t/{topic.id}", f"/t/{topic.id}?sort=new", f"/p/{post.id}",
        f"/p/{post.id}/history", f"/t/{topic.id}/history", f"/u/{post.author.username}",
        "/auth/login", "/auth/register", "/no-such-page",
        f"/t/new?article={topic.article.slug}", f"/p/{post.id}/reply", f"/p/{post.id}/edit",
        f"/a/{topic.article.slug}/quote?passage=section-1&paragraph=0",
        # Moderation
        f"/p/{post.id}/flag", "/flags", "/mod", "/mod?status=all", "/mod/log", f"/mod/p/{post.id}",
        f"/mod/p/{post.id}/edit", f"/mod/t/{topic.id}",
        # Debates
        f"/t/{world['debate'].id}", f"/t/{world['debate'].id}?view=thread", f"/p/{world['argument'].id}",
        f"/p/{world['argument'].id}/deltas", f"/t/{world['debate'].id}/poll",
        f"/debates/new?article={topic.article.slug}",
        # Find and follow
        "/search?q=post", "/notifications", "/settings",
        # Classes
        "/classes", f"/classes/{world['classroom'].id}", f"/t/{world['class_topic'].id}",
        f"/t/{world['class_topic'].id}?view=thread", f"/p/{world['class_post'].id}",
        f"/classes/{world['classroom'].id}/debates/{world['class_topic'].id}/dashboard",
        f"/classes/{world['classroom'].id}/debates/{world['class_topic'].id}/grades",
        f"/classes/{world['classroom'].id}/debates/{world['class_topic'].id}/phases",
    ]


@pytest.fixture
def world(make_user, make_topic, make_post, make_class, make_class_debate):
    from datetime import timedelta

    from forum.domain import classes, posting
    from forum.models import PhaseKind, Stance, TopicKind, utcnow
    # Display names unlike the usernames, as most members' are: a link that shows
    # "@author" must be named by that text (axe's label-content-name-mismatch).
    author = make_user("author", display_name="Ada Okafor")
    topic = make_topic(author=author, title="Accessible topic")
    post = make_post(topic=topic, author=author, body="A *post* with [a link](https://example.org).")
    reply = make_post(parent=post, author=make_user("replier", display_name="Rui Duarte"), body="A reply")
    # Something in the moderation queue: a flag, and a removed reply with its tombstone.
    moderation.flag_post(post, make_user("flagger", display_name="Flo Marsh"), FlagReason.OTHER, "Check the link")
    moderation.remove_post(reply, make_user("remover", role=Role.MODERATOR, display_name="Remy Vance"), "Off-topic")
    debate = make_topic(author=author, kind=TopicKind.DEBATE, title="An accessible motion")
    argument = make_post(topic=debate, author=author, body="An argument for it", stance=Stance.PRO)
    make_post(parent=argument, author=make_user("challenger", display_name="Ines Duarte"), body="A challenge",
              stance=Stance.CON)
    # The author teaches a class too, so every role's pages include one.
    teacher = make_user("a11y_teacher", role=Role.INSTRUCTOR, display_name="Tomás Reyes")
    classroom = make_class(teacher, name="Accessible class")
    classes.join_class(author, classroom.join_code)
    class_topic = make_class_debate(classroom, title="A class motion")
    # Its opening open, with a word limit: the phase banner and the word count are on its pages.
    classes.set_phase(class_topic, PhaseKind.OPENING, utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1), 100)
    class_post = posting.create_post(teacher, class_topic, "A class argument", stance=Stance.PRO)
    db.session.commit()
    return {"topic": topic, "post": post, "author": author, "debate": debate, "argument": argument,
            "classroom": classroom, "class_topic": class_topic, "class_post": class_post, "teacher": teacher}


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} — {v['help']}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.MODERATOR, Role.INSTRUCTOR])
def test_no_serious_accessibility_violations(browser, live_server, make_user, world, role):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test-browser does)")
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)  # to inject axe only
    page = context.new_page()
    if role is not None:
        user = {Role.MEMBER: world["author"], Role.INSTRUCTOR: world["teacher"]}.get(role) or \
            make_user(f"a11y_{role}", role=role, display_name=f"Staff {role.title()}")
        sign_in(page, user.username, PASSWORD)
    problems = {}
    for path in page_paths(world):
        response = page.goto(path)
        if response.status == 403 or (role is None and "/auth/login" in page.url and "login" not in path):
            continue  # not this role's page
        found = _violations(page)
        if found:
            problems[path] = found
    context.close()
    assert not problems, "\n".join(f"{path}: {p}" for path, found in problems.items() for p in found)


def test_every_flow_page_works_by_keyboard(new_page, world):
    """Sign in and reply using the keyboard alone."""
    page = new_page()
    page.goto(f"/t/{world['topic'].id}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.goto("/auth/login")
    page.focus("#username")
    page.keyboard.type("author")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("nav.account >> text=author")
    page.goto(f"/t/{world['topic'].id}")
    page.focus("#body")
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Tab")  # to "Post reply"
    assert page.evaluate("document.activeElement.textContent") == "Post reply"
    page.keyboard.press("Enter")
    page.wait_for_selector(".node:target > .post >> text=Typed without a mouse")


@pytest.mark.parametrize("width", [320, 375])
def test_narrow_screens_do_not_scroll_sideways(new_page, world, width):
    page = new_page(width=width, height=700)
    for path in [f"/t/{world['topic'].id}", "/", "/auth/login"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path


def test_text_zoomed_to_200_percent_still_fits(new_page, world):
    page = new_page(width=640, height=800)  # 1280 px at 200 %
    page.goto(f"/t/{world['topic'].id}")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
