"""A whole class in Chromium: class, debate, three students by code, sides, phases, posts, grades, CSVs."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from forum.domain import class_rules
from forum.extensions import db
from forum.models import Classroom, Post, Role, Topic, User
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

ZONE = "Europe/Paris"


def _local(delta: timedelta) -> str:
    return (datetime.now(ZoneInfo(ZONE)) + delta).strftime("%Y-%m-%dT%H:%M")


def _set_phases(page, opening: tuple[timedelta, timedelta], rebuttal: tuple[timedelta, timedelta]):
    page.click("nav.class-tabs >> text=Phases")
    for kind, (opens, closes) in (("opening", opening), ("rebuttal", rebuttal)):
        page.fill(f"#{kind}_opens", _local(opens))
        page.fill(f"#{kind}_closes", _local(closes))
    page.click("button:has-text('Save phases')")
    page.wait_for_selector("text=Phases saved.")


def test_a_class_debate_from_start_to_grades(new_page, make_article, make_user, tmp_path):
    make_article(slug="sora-leak", title="OpenAI's Sora leaks")
    make_user("ms_teacher", role=Role.INSTRUCTOR)
    for name in ("ana", "ben", "chloe"):
        make_user(name)

    teacher = new_page()
    sign_in(teacher, "ms_teacher", PASSWORD)
    teacher.click("nav.account >> text=Classes")
    teacher.fill("#name", "Media ethics 101")
    teacher.fill("#term", "Spring 2027")
    teacher.fill("#time_zone", ZONE)
    teacher.click("button:has-text('Create the class')")
    code = teacher.inner_text(".join-code").strip()
    assert len(code) == 8

    teacher.click("text=New class debate")
    teacher.fill("#title", "Red-team artists should be paid for their testing work")
    teacher.fill("#body", "Testers gave their time; should OpenAI have paid them?")
    teacher.fill("#pro_label", "Pay them")
    teacher.fill("#con_label", "Volunteer work")
    teacher.select_option("#side_mode", "random")
    teacher.click("button:has-text('Create the debate')")
    teacher.wait_for_selector("h1:has-text('Sides')")

    pages = {}
    for name in ("ana", "ben", "chloe"):
        page = pages[name] = new_page()
        sign_in(page, name, PASSWORD)
        page.goto("/classes")
        page.fill("#code", code.lower())
        page.click("button:has-text('Join')")
        page.wait_for_selector("text=Welcome to Media ethics 101.")

    teacher.reload()
    teacher.click("button:has-text('Balance at random')")
    teacher.wait_for_selector("text=Sides saved.")
    db.session.expire_all()
    topic = db.session.query(Topic).filter(Topic.class_id.is_not(None)).one()
    sides = {db.session.get(User, uid).username: side for uid, side in class_rules.sides_of(topic).items()}
    assert sorted(sides) == ["ana", "ben", "chloe"]
    assert abs(list(sides.values()).count("pro") - list(sides.values()).count("con")) <= 1

    # Opening statements are open now; rebuttals later.
    _set_phases(teacher, (timedelta(hours=-1), timedelta(hours=1)), (timedelta(hours=2), timedelta(hours=4)))
    for name, page in pages.items():
        page.goto(f"/t/{topic.id}")
        label = "Pay them" if sides[name] == "pro" else "Volunteer work"
        page.wait_for_selector(f".my-side >> text={label}")
        page.fill("#body", f"{name.title()}'s opening statement for {label}.")
        page.click("button:has-text('Post the statement')")
        page.wait_for_selector(f".card:target >> text={name.title()}'s opening statement")

    # The phases advance: opening closed, rebuttals open. The page offers no top-level post now.
    _set_phases(teacher, (timedelta(hours=-3), timedelta(hours=-2)), (timedelta(hours=-1), timedelta(hours=1)))
    rebutter = pages["ana"]
    rebutter.goto(f"/t/{topic.id}")
    rebutter.wait_for_selector("#argue >> text=Answer the other side")
    assert rebutter.locator("#argue textarea").count() == 0
    db.session.expire_all()
    other = next(p for p in db.session.query(Post).filter(Post.topic_id == topic.id)
                 if sides[p.author.username] != sides["ana"])
    rebutter.goto(f"/p/{other.id}/reply")
    rebutter.fill("#body", "Ana's rebuttal to the other side.")
    rebutter.check("input[name=stance][value=con]")  # challenges the post it answers
    rebutter.click("button:has-text('Post reply')")
    rebutter.wait_for_selector(".card:target >> text=Ana's rebuttal")

    # The instructor sees the dashboard, grades Ana and downloads both CSVs.
    teacher.goto(f"/t/{topic.id}")
    teacher.click(".debate-panel >> text=Dashboard")
    teacher.wait_for_selector("text=Everyone has posted.")
    teacher.click("tr:has(th:has-text('ana')) >> text=Grade")
    criteria = teacher.locator("fieldset.criterion input[type=number], fieldset.criterion input[type=text]")
    for i in range(criteria.count()):
        criteria.nth(i).fill("4")
    teacher.fill("fieldset.criterion >> nth=0 >> textarea", "Good sources from the article.")
    teacher.click(".grading-form button[type=submit]:not([name=then])")  # save, and back to the list
    teacher.wait_for_selector("text=Grades saved for ana.")
    with teacher.expect_download() as download:
        teacher.click("text=Grades CSV")
    grades = (tmp_path / "grades.csv")
    download.value.save_as(grades)
    text = grades.read_text(encoding="utf-8-sig")
    assert "ana,ana," in text and ",16,20,Evidence: Good sources from the article." in text
    teacher.click("nav.class-tabs >> text=Dashboard")
    with teacher.expect_download() as download:
        teacher.click("text=Participation CSV")
    participation = tmp_path / "participation.csv"
    download.value.save_as(participation)
    rows = participation.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 4 and any(r.startswith(f"ana,ana,{sides['ana']},1,1,0,") for r in rows)

    # Released grades reach Ana, and only her.
    teacher.click("nav.class-tabs >> text=Grading")
    teacher.click("button:has-text('Release grades to students')")
    rebutter.goto(f"/t/{topic.id}")
    rebutter.wait_for_selector("text=Your grade: 16 / 20")
    pages["ben"].goto(f"/t/{topic.id}")
    assert "Good sources from the article." not in pages["ben"].content()
    assert db.session.query(Classroom).count() == 1
    for page in [teacher, *pages.values()]:
        assert page.js_errors == []
