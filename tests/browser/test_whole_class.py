"""A whole class in the browser (issue 20, item 8), as a school uses it: thirty students
behind one public address, through a reverse proxy that says so, with the production
sign-in limits on. The instructor creates the class and a debate with phases at
1280 px; the students join by the link and sign in within a minute, post their
statements on 375 px phones, rebut when the phase moves on, and vote at the end; the
instructor grades everyone from the dashboard ("Save and next student") and releases
the grades; a student sees their own. On the way: no 429, no 5xx, no page wider than
its screen, no serious or critical axe finding."""
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.config import TEST_CONFIG
from forum.domain import class_rules
from forum.extensions import db, limiter
from forum.models import Grade, Post, Role, StancePoll, Topic, User
from tests.browser.conftest import CHROMIUM, fill_sign_in
from tests.browser.school import School
from tests.conftest import PASSWORD

SCHOOL_ADDRESS = "198.51.100.23"
STUDENTS = 30
REBUTTERS = 10
ZONE = "Europe/Paris"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def school(app):
    """The app as production runs it behind nginx: one trusted proxy, CSRF and the
    default sign-in limits on (30 failures per address, 10 per account, in 15 minutes)."""
    settings = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "TRUSTED_PROXIES": 1, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://"}
    for name in ("LIMIT_LOGIN_IP", "LIMIT_LOGIN_ACCOUNT", "LIMIT_REGISTER_IP"):
        settings.pop(name, None)  # the defaults, as shipped
    served = create_app(settings)
    limiter.reset()
    school = School(served, SCHOOL_ADDRESS)
    yield school
    school.close()
    limiter.reset()
    limiter.enabled = False  # one limiter object: off again for the rest of the suite
    with served.app_context():
        db.session.remove()
        db.engine.dispose()


class Walk:
    """What every page on the way must be: no 429 or 5xx answer, not wider than its
    screen, and (once per kind of page) no serious or critical axe finding."""

    def __init__(self):
        self.failures: list[str] = []
        self.checked_kinds: set[str] = set()

    def watch(self, page):
        def answered(response):
            if response.status == 429 or response.status >= 500:
                self.failures.append(f"{response.status} for {response.request.method} {response.url}")
        page.on("response", answered)
        return page

    def check(self, page, kind: str | None = None):
        width, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > screen:
            self.failures.append(f"{page.url} is {width} px wide on a {screen} px screen")
        if kind and kind not in self.checked_kinds:
            self.checked_kinds.add(kind)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                                   "resultTypes: ['violations']})", AXE_TAGS)
            self.failures += [f"axe on {kind} ({page.url}): {v['id']} ({v['impact']}) {v['nodes'][0]['target']}"
                              for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _local(delta: timedelta) -> str:
    return (datetime.now(ZoneInfo(ZONE)) + delta).strftime("%Y-%m-%dT%H:%M")


def _set_phases(page, walk, **phases: tuple[timedelta, timedelta]):
    page.click("nav.class-tabs >> text=Phases")
    walk.check(page, "phases")
    for kind, (opens, closes) in phases.items():
        page.fill(f"#{kind}_opens", _local(opens))
        page.fill(f"#{kind}_closes", _local(closes))
    page.click("button:has-text('Save phases')")
    page.wait_for_selector("text=Phases saved.")


def test_a_class_of_thirty_behind_one_address(browser, school, make_article, make_user):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test-browser does)")
    assert Path(CHROMIUM).exists()
    make_article(slug="sora-leak", title="OpenAI's Sora leaks")
    make_user("ms_okafor", role=Role.INSTRUCTOR, display_name="Maya Okafor")
    names = [f"student{n:02d}" for n in range(1, STUDENTS + 1)]
    for n, name in enumerate(names, 1):
        make_user(name, display_name=f"Student Number {n}")
    db.session.commit()
    walk = Walk()

    def open_page(width: int, *, axe: bool = False):
        context = browser.new_context(base_url=school.url, viewport={"width": width, "height": 800},
                                      bypass_csp=axe)  # axe is injected on those pages only
        context.set_default_timeout(15_000)
        page = walk.watch(context.new_page())
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        return page

    # --- The instructor: a class, a debate, its phases (1280 px) ---------------------------
    teacher = open_page(1280, axe=True)
    teacher.goto("/auth/login")
    fill_sign_in(teacher, "ms_okafor", PASSWORD)
    teacher.goto("/classes")
    walk.check(teacher, "classes")
    teacher.fill("#name", "Media ethics 101")
    teacher.fill("#term", "Spring 2027")
    teacher.fill("#time_zone", "europe/paris")  # any case: stored as IANA spells it
    teacher.click("button:has-text('Create the class')")
    join_link = teacher.get_attribute("a[href*='/classes/join?code=']", "href")
    walk.check(teacher, "class page")
    teacher.click("text=New class debate")
    walk.check(teacher, "new class debate")
    teacher.fill("#title", "Red-team artists should be paid for their testing work")
    teacher.fill("#body", "Testers gave their time; should OpenAI have paid them?")
    teacher.fill("#pro_label", "Pay them")
    teacher.fill("#con_label", "Volunteer work")
    teacher.select_option("#side_mode", "random")
    teacher.click("button:has-text('Create the debate')")
    teacher.wait_for_selector("h1:has-text('Sides')")
    walk.check(teacher, "sides")
    topic_id = int(re.search(r"/debates/(\d+)/", teacher.url).group(1))
    _set_phases(teacher, walk, opening=(timedelta(hours=-1), timedelta(hours=2)),
                rebuttal=(timedelta(hours=3), timedelta(hours=4)), final_vote=(timedelta(hours=5), timedelta(hours=6)))

    # --- Thirty students join by the link and sign in, one address, within a minute ------------
    students = {}
    started = time.monotonic()
    for name in names:
        page = students[name] = open_page(375, axe=name == names[0])
        page.goto(join_link)  # signed out: the sign-in page, then back to the link
        fill_sign_in(page, name, PASSWORD)
        walk.check(page, "join")
        page.click("button:has-text('Join')")
        page.wait_for_selector("text=Welcome to Media ethics 101.")
        walk.check(page, "class page (student)")
    joined_in = time.monotonic() - started
    print(f"\n{STUDENTS} students joined and signed in from {SCHOOL_ADDRESS} in {joined_in:.0f} s")

    db.session.expire_all()
    topic = db.session.get(Topic, topic_id)
    sides = {db.session.get(User, uid).username: side for uid, side in class_rules.sides_of(topic).items()}
    assert sorted(sides) == names, "every latecomer has a side at once"
    assert abs(list(sides.values()).count("pro") - list(sides.values()).count("con")) <= 1

    # --- Opening statements, on a phone ----------------------------------------------------
    for n, (name, page) in enumerate(students.items(), 1):
        page.goto(f"/t/{topic_id}")
        assert "Opening statements" in page.inner_text("section.phase-banner")
        walk.check(page, "class debate, opening")
        page.check("form[action$='/poll/before'] input[name=value][value='0']")
        page.click("button:has-text('Record my starting position')")
        page.wait_for_selector("text=Thank you: your answer is recorded.")
        page.fill("#body", f"Statement {n}: testers did real work, and real work is paid.")
        page.click("button:has-text('Post the statement')")
        page.wait_for_selector(f".card:target >> text=Statement {n}:")
        walk.check(page, "class debate, after posting")

    # --- Rebuttals: the phase moves on ---------------------------------------------------
    _set_phases(teacher, walk, opening=(timedelta(hours=-3), timedelta(hours=-2)),
                rebuttal=(timedelta(hours=-1), timedelta(hours=1)), final_vote=(timedelta(hours=2), timedelta(hours=3)))
    for name in names[:REBUTTERS]:
        page = students[name]
        page.goto(f"/t/{topic_id}")
        assert "Rebuttals" in page.inner_text("section.phase-banner")
        assert page.locator("#argue textarea").count() == 0
        walk.check(page, "class debate, rebuttals")
        other = "con" if sides[name] == "pro" else "pro"
        page.click(f".column-{other} .card-open >> nth=0")
        walk.check(page, "argument, rebuttals")
        page.check("#answer input[name=stance][value=con]")
        page.fill("#body", f"{name} answers: access is not a wage.")
        page.click("button:has-text('Post answer')")
        page.wait_for_selector(f".card:target >> text={name} answers")

    # --- The final vote --------------------------------------------------------------------
    _set_phases(teacher, walk, opening=(timedelta(hours=-5), timedelta(hours=-4)),
                rebuttal=(timedelta(hours=-3), timedelta(hours=-2)), final_vote=(timedelta(hours=-1), timedelta(hours=1)))
    for n, (name, page) in enumerate(students.items()):
        page.goto(f"/t/{topic_id}")
        assert "Final vote" in page.inner_text("section.phase-banner")
        walk.check(page, "class debate, final vote")
        page.check(f"form[action$='/poll/after'] input[name=value][value='{1 if n % 3 else -1}']")
        page.click("button:has-text('Save where I stand now')")
        page.wait_for_selector("text=Thank you: your answer is recorded.")

    # --- The instructor grades everyone from the dashboard, then releases ---------------------------
    teacher.goto(f"/t/{topic_id}")
    walk.check(teacher, "class debate (instructor)")
    teacher.click(".debate-panel >> text=Dashboard")
    teacher.wait_for_selector("text=Everyone has posted.")
    walk.check(teacher, "dashboard")
    teacher.click("nav.class-tabs >> text=Grading")
    walk.check(teacher, "grades")
    teacher.click("table a:text-is('Grade') >> nth=0")
    for n in range(STUDENTS):
        assert f"Student {n + 1} of {STUDENTS}" in teacher.inner_text("main")
        if n == 0:
            walk.check(teacher, "grading")
        criteria = teacher.locator("fieldset.criterion input[type=number]")
        for i in range(criteria.count()):
            criteria.nth(i).fill(str(3 + n % 3))
        teacher.fill("fieldset.criterion >> nth=0 >> textarea", f"Comment for student {n + 1}.")
        teacher.click("button:has-text('Save and next student')" if n < STUDENTS - 1
                      else "button:has-text('Save grades')")
        teacher.wait_for_selector("text=Grades saved for")
    teacher.click("button:has-text('Release grades to students')")
    teacher.wait_for_selector("text=Released:")

    first = students[names[0]]
    first.goto(f"/t/{topic_id}")
    first.wait_for_selector("text=Your grade:")
    walk.check(first, "class debate, grades released")

    # --- What the database says --------------------------------------------------------------
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Post).where(
        Post.topic_id == topic_id, Post.parent_id.is_(None))) == STUDENTS
    assert db.session.scalar(select(func.count()).select_from(Post).where(
        Post.topic_id == topic_id, Post.parent_id.is_not(None))) == REBUTTERS
    assert db.session.scalar(select(func.count()).select_from(StancePoll).where(
        StancePoll.topic_id == topic_id)) == 2 * STUDENTS
    graded = db.session.scalar(select(func.count(func.distinct(Grade.student_id))).where(Grade.topic_id == topic_id))
    assert graded == STUDENTS
    assert walk.failures == [], "\n".join(walk.failures)
    assert [e for page in [teacher, *students.values()] for e in page.js_errors] == []
