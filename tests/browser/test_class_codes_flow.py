"""Class accounts without e-mail in Chromium: an instructor pastes three names at 1280 px
and gets the sheet (which prints on one page, without the site's header); a student signs
in with a code at 375 px, sets a password and lands in the class; the pages fit and
have no serious accessibility violation. SCREENSHOT_DIR=docs/screenshots keeps pictures."""
import os
import re
from pathlib import Path

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import AXE, _violations
from tests.conftest import PASSWORD

NAMES = ["Maya Rossi", "Sam Lee", "Zoë O'Brien"]
STUDENT_PASSWORD = "my own passphrase"


def _fits(page, name: str) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than {width} px"
    if directory := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(directory) / f"{name}-{width}.png"), full_page=True)


def test_names_to_a_sheet_to_a_student_in_the_class(new_page, make_class):
    classroom = make_class(name="Ethics of AI, group B")
    teacher = new_page(1280, 900)
    sign_in(teacher, classroom.instructor.username, PASSWORD)
    teacher.goto(f"/classes/{classroom.id}")
    teacher.click("text=Add students without e-mail")
    teacher.wait_for_selector("h1:has-text('Add students without e-mail')")
    _fits(teacher, "class-add-students")
    teacher.fill("#names", "\n".join(NAMES))
    teacher.click("button:has-text('Make the accounts and the sheet')")
    teacher.wait_for_selector("h1:has-text('signing in')")
    teacher.set_viewport_size({"width": 320, "height": 800})
    _fits(teacher, "class-sign-in-sheet")
    teacher.set_viewport_size({"width": 1280, "height": 900})
    _fits(teacher, "class-sign-in-sheet")

    rows = teacher.locator(".sheet-table tbody tr")
    assert rows.count() == 3
    sheet = [[cell.strip() for cell in rows.nth(n).locator("td").all_inner_texts()] for n in range(3)]
    assert [row[0] for row in sheet] == NAMES
    assert [row[1] for row in sheet] == ["maya-rossi", "sam-lee", "zoe-obrien"]
    assert all(re.fullmatch(r"[A-HJKMNP-Z]{5}-[A-HJKMNP-Z]{5}", row[2]) for row in sheet)

    # On paper: one page, and none of the site's header, footer or buttons.
    teacher.emulate_media(media="print")
    assert not teacher.is_visible(".site-header") and not teacher.is_visible(".sheet-tools")
    assert teacher.is_visible(".sheet-table")
    if directory := os.environ.get("SCREENSHOT_DIR"):
        teacher.screenshot(path=str(Path(directory) / "class-sign-in-sheet-print.png"), full_page=True)
    pdf = teacher.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    teacher.emulate_media(media="screen")

    student = new_page(375, 800)
    student.goto("/auth/login")
    student.click("text=Sign in with a class code")
    student.wait_for_selector("h1:has-text('Sign in with a class code')")
    _fits(student, "class-code-sign-in")
    username, code = sheet[1][1], sheet[1][2]
    student.fill("#username", username)
    student.fill("#code", "WRONG-CODES")
    student.fill("#password", STUDENT_PASSWORD)
    student.fill("#confirm", STUDENT_PASSWORD)
    student.click("button:has-text('Set my password and sign in')")
    student.wait_for_selector("text=don't match a class account")
    assert student.input_value("#username") == username
    student.fill("#code", code.lower().replace("-", " "))
    student.fill("#password", STUDENT_PASSWORD)
    student.fill("#confirm", STUDENT_PASSWORD)
    student.click("button:has-text('Set my password and sign in')")
    student.wait_for_selector(f"h1:has-text('{classroom.name}')")
    assert student.url.endswith(f"/classes/{classroom.id}")
    assert student.is_visible("text=Your password is set")
    _fits(student, "class-code-landed")

    # From now on the password signs in; the code is spent.
    student.click("nav.account button:has-text('Sign out')")
    sign_in(student, username, STUDENT_PASSWORD)
    assert student.js_errors == [] and teacher.js_errors == []

    # The roster offers a new code for the class's own accounts.
    teacher.goto(f"/classes/{classroom.id}")
    assert teacher.locator("button:has-text('New sign-in code')").count() == 3


def test_the_class_code_pages_have_no_serious_accessibility_violations(browser, live_server, make_class):
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test-browser does)"
    classroom = make_class()
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)  # to inject axe only
    page = context.new_page()
    problems = {}
    page.goto("/auth/class-code")
    problems["/auth/class-code"] = _violations(page)
    sign_in(page, classroom.instructor.username, PASSWORD)
    page.goto(f"/classes/{classroom.id}/students/new")
    problems["students/new"] = _violations(page)
    page.fill("#names", "Maya Rossi\nSam Lee")
    page.click("button:has-text('Make the accounts and the sheet')")
    page.wait_for_selector(".sheet-table")
    problems["sheet"] = _violations(page)
    context.close()
    assert not any(problems.values()), problems


def test_a_class_of_forty_prints_on_one_page(new_page, make_class):
    classroom = make_class(name="Media ethics and the law of copyright, spring term")
    page = new_page(1280, 900)
    sign_in(page, classroom.instructor.username, PASSWORD)
    page.goto(f"/classes/{classroom.id}/students/new")
    page.fill("#names", "\n".join(f"Maximiliana Longname-Example {chr(65 + n % 26)}{n}" for n in range(40)))
    page.click("button:has-text('Make the accounts and the sheet')")
    assert page.locator(".sheet-table tbody tr").count() == 40
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        assert len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format=paper))) == 1, paper
