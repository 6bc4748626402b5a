"""A student follows a class debate's phases on a 375 px phone: the page offers what the
phase allows (issue 20, items 2-3), with a live word count, and never scrolls sideways."""
from datetime import timedelta

from sqlalchemy import select

from forum.domain import classes, posting
from forum.extensions import db
from forum.models import PhaseKind, Post, Role, Stance, StancePoll, utcnow
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide on a 375 px screen"


def _schedule(topic, open_kind: str, word_limit: int) -> None:
    """The phases one after another, `open_kind` open now; those before it closed."""
    now = utcnow()
    order = [PhaseKind.OPENING, PhaseKind.REBUTTAL, PhaseKind.FINAL_VOTE]
    current = order.index(open_kind)
    for i, kind in enumerate(order):
        start = now + timedelta(hours=4 * (i - current) - 1)
        classes.set_phase(topic, kind, start, start + timedelta(hours=2), word_limit if i == current else None)
    db.session.commit()


def test_a_student_follows_the_phases_on_a_phone(new_page, make_article, make_user):
    article = make_article(slug="sora-leak", title="OpenAI's Sora leaks")
    teacher = make_user("ms_rivera", role=Role.INSTRUCTOR)
    ana, ben = make_user("ana_phone"), make_user("ben_phone")
    classroom = classes.create_class(teacher, name="Media ethics", time_zone="Europe/Paris")
    for student in (ana, ben):
        classes.join_class(student, classroom.join_code)
    topic = classes.create_class_debate(classroom, teacher, article, title="Red-team artists should be paid",
                                        body="Should OpenAI have paid its testers?", pro_label="Pay them",
                                        con_label="Volunteer work", anonymous=True)
    classes.set_sides(topic, {ana.id: Stance.PRO, ben.id: Stance.CON})
    _schedule(topic, PhaseKind.OPENING, 40)
    bens = posting.create_post(ben, topic, "Access was the payment: they tested a tool months early.",
                               stance=Stance.CON)
    db.session.commit()

    page = new_page(width=375, height=800)
    sign_in(page, "ana_phone", PASSWORD)
    page.goto(f"/t/{topic.id}")
    # The columns, the class in the breadcrumb, the phase banner once, the before poll here.
    assert page.locator(".column-pro").count() == 1 and page.locator(".column-con").count() == 1
    assert page.locator("nav.breadcrumb >> text=Media ethics").count() == 1
    banner = page.locator("section.phase-banner")
    assert banner.count() == 1 and "Opening statements" in banner.inner_text()
    assert "At most 40 words per post." in banner.inner_text()
    _fits(page)
    page.check("form[action$='/poll/before'] input[name=value][value='1']")
    page.click("button:has-text('Record my starting position')")
    page.wait_for_selector("text=Thank you: your answer is recorded.")
    assert page.locator("form[action$='/poll/before']").count() == 0

    # A statement for ana's side only, with a live word count.
    assert page.locator("#argue input[name=stance][type=hidden]").get_attribute("value") == "pro"
    page.fill("#body", "Testers did skilled work.")
    assert page.inner_text("#body-words .word-count-now") == "Your text: 4 words of 40."
    page.fill("#body", "word " * 45)
    page.wait_for_selector("#body-words .word-count-now.over >> text=5 over the limit")
    page.fill("#body", "Testers did skilled work that a company worth billions can pay for.")
    page.click("button:has-text('Post the statement')")
    page.wait_for_selector(".card:target >> text=Testers did skilled work")
    _fits(page)

    # Rebuttals: no statement form; ben's argument offers an answer, ana's own does not.
    _schedule(topic, PhaseKind.REBUTTAL, 30)
    page.goto(f"/t/{topic.id}")
    assert "Rebuttals" in page.inner_text("section.phase-banner")
    assert page.locator("#argue textarea").count() == 0
    assert "Answer the other side" in page.inner_text("#argue")
    _fits(page)
    page.click(".column-con .card-open")
    page.wait_for_selector(f"form[action='/p/{bens.id}/reply']")
    page.check("#answer input[name=stance][value=con]")
    page.fill("#body", "Early access is not a wage: it pays nobody's rent.")
    assert page.inner_text("#body-words .word-count-now") == "Your text: 10 words of 30."
    _fits(page)
    page.click("button:has-text('Post answer')")
    page.wait_for_selector(".card:target >> text=it pays nobody")
    _fits(page)

    # The final vote: the after poll comes first, and nothing else can be posted.
    _schedule(topic, PhaseKind.FINAL_VOTE, 30)
    page.goto(f"/t/{topic.id}")
    assert "Final vote" in page.inner_text("section.phase-banner")
    assert page.locator("#argue textarea").count() == 0
    page.check("form[action$='/poll/after'] input[name=value][value='2']")
    page.click("button:has-text('Save where I stand now')")
    page.wait_for_selector("text=Thank you: your answer is recorded.")
    _fits(page)

    db.session.expire_all()
    mine = dict(db.session.execute(select(StancePoll.phase, StancePoll.value)
                                   .where(StancePoll.user_id == ana.id)).all())
    assert mine == {"before": 1, "after": 2}
    phases = [p.phase for p in db.session.scalars(select(Post).where(Post.author_id == ana.id).order_by(Post.id))]
    assert phases == ["opening", "rebuttal"]
    assert page.js_errors == []
