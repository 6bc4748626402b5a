"""Every page fits (issue 20, item 5): no page scrolls sideways at 320, 375, 768 and
1280 px, for any role, with long names, titles and addresses in it.

The pages come from the app's URL map: a new GET route without a case here fails
`test_every_page_route_has_a_case`. Wide content may scroll inside its own box (a
table in `.table-scroll`); only the document itself may not be wider than the screen.
"""
from datetime import timedelta

import pytest

from forum.domain import classes, debates, grading, mail_notifications, moderation, posting, reactions
from forum.extensions import db
from forum.models import FlagReason, PhaseKind, Role, Stance, utcnow
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

WIDTHS = [320, 375, 768, 1280]
ROLES = ["guest", "member", "student", "instructor", "moderator", "admin"]

# GET routes that answer with no page to lay out, and why.
SKIPPED = {
    "static": "files from static/",
    "home.healthz": "a status line for the load balancer",
    "feeds.topics": "an Atom feed", "feeds.topic": "an Atom feed", "feeds.article": "an Atom feed",
    "live.updates": "JSON (or a fragment) fetched by static/js, shown inside the topic page",
    "classes.grades_csv": "a CSV download", "classes.participation_csv": "a CSV download",
    "classes.transcript": "a Markdown download", "mod.log_csv": "a CSV download",
    "settings.export": "a JSON download",
}

# Realistic long content: what people really type, at the lengths the forms allow.
LONG_URL = ("https://www.example-newspaper.co.uk/technology/2026/12/06/artificial-intelligence/"
            "openai-sora-red-team-artists-leak-compensation-dispute-explained-in-full-detail"
            "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly_digest_technology_section")
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung"
LONG_DISPLAY = "Maximiliana Wolfeschlegelsteinhausenbergerdorffvoralternwaren"[:60]
LONG_TITLE = ("Should the artists who tested OpenAI's Sora before its release have been paid for their "
              f"work, or was early access enough? A {LONG_WORD} question")[:200]
PRO_LABEL = "Pay the red-team artists what they ask"  # 40 characters at most (SIDE_LABEL_MAX)
CON_LABEL = "Early access was payment enough for them"
LONG_BODY = (f"The whole story is at {LONG_URL} and the company's answer is quoted in full there.\n\n"
             f"Some words are long: {LONG_WORD}. Others are addresses: <{LONG_URL}>\n\n"
             "```\n" + "x" * 160 + "\n```")


@pytest.fixture
def scene(make_user, make_article, make_topic, make_post, make_class, make_class_debate):
    """One forum with every kind of page filled in, and a user for each role."""
    old = {"created_at": utcnow() - timedelta(days=60)}  # past the new accounts' limit on links
    member = make_user("a_rather_long_username_for_you", display_name=LONG_DISPLAY, **old)
    other = make_user("second_member_with_long_name", display_name="Bartholomew Featherstonehaugh-Cholmondeley",
                      **old)
    moderator = make_user("moderator_on_duty", role=Role.MODERATOR, display_name="Moderator Konstantinopoulou")
    admin = make_user("site_administrator", role=Role.ADMIN)
    teacher = make_user("professor_longname", role=Role.INSTRUCTOR, display_name="Professor " + LONG_WORD[:40],
                        **old)
    student = make_user("student_with_a_long_username", display_name="Anastasiya " + LONG_WORD[:40], **old)
    article = make_article(slug="sora-red-team-leak", title=LONG_TITLE[:150], passages=3)

    # A discussion: a long unbroken address in a post, a nested thread, a removed reply.
    topic = make_topic(author=member, article=article, title=LONG_TITLE, body=LONG_BODY)
    post = make_post(topic=topic, author=member, body=LONG_BODY)
    parent = post
    for depth in range(6):
        parent = make_post(parent=parent, author=(other, member)[depth % 2],
                           body=f"Reply {depth}: {LONG_WORD} {LONG_URL}")
    removed = make_post(parent=post, author=member, body="A reply a moderator removed.")
    moderation.remove_post(removed, moderator, "Off-topic: " + LONG_WORD)
    moderation.flag_post(post, other, FlagReason.OTHER, "Check this address: " + LONG_URL)
    moderation.hide_post(make_post(topic=topic, author=other, body=LONG_URL), moderator, LONG_WORD)

    # A public debate with long side names, a sourced argument, ∆, both polls answered.
    debate = debates.start_debate(member, article, title=LONG_TITLE, description=LONG_BODY,
                                  pro_label=PRO_LABEL, con_label=CON_LABEL)
    argument = posting.create_post(member, debate, LONG_BODY, stance=Stance.PRO)
    reactions.add_source(argument, member, "The newspaper's long account of the " + LONG_WORD, LONG_URL)
    challenge = posting.create_post(other, debate, f"Not so: {LONG_URL}", parent=argument, stance=Stance.CON)
    reactions.award_delta(argument, other, f"This changed my view of {LONG_WORD}: {LONG_URL}")
    for n, (before, after) in enumerate([(-2, 1), (0, 2), (1, -1), (2, 2), (-1, -2)]):
        voter = make_user(f"poll_voter_{n}")
        debates.answer_poll(debate, voter, "before", before)
        debates.answer_poll(debate, voter, "after", after)

    # A class with a long name, a student with a side, a running debate and an announcement.
    classroom = make_class(teacher, name=f"Media ethics and the {LONG_WORD}: a seminar"[:120])
    classes.join_class(student, classroom.join_code)
    classes.join_class(member, classroom.join_code)
    class_debate = make_class_debate(classroom, title=LONG_TITLE, pro_label=PRO_LABEL, con_label=CON_LABEL)
    classes.set_sides(class_debate, {student.id: Stance.PRO, member.id: Stance.CON})
    now = utcnow()
    classes.set_phase(class_debate, PhaseKind.OPENING, now - timedelta(hours=1), now + timedelta(hours=5), 250)
    classes.set_phase(class_debate, PhaseKind.REBUTTAL, now + timedelta(days=1), now + timedelta(days=2), 150)
    classes.set_phase(class_debate, PhaseKind.FINAL_VOTE, now + timedelta(days=3), now + timedelta(days=4))
    class_post = posting.create_post(student, class_debate, LONG_BODY, stance=Stance.PRO)
    posting.create_post(member, class_debate, f"Against, see {LONG_URL}", stance=Stance.CON)
    marks = {c.id: (c.max_points, f"Good use of {LONG_URL}") for c in grading.rubric(class_debate.id)}
    grading.save_grades(class_debate, student, marks)
    announcement = classes.post_announcement(classroom, teacher, title=LONG_TITLE, body=LONG_BODY)
    db.session.commit()
    return {
        "users": {"member": member, "student": student, "instructor": teacher, "moderator": moderator,
                  "admin": admin},
        "article": article, "topic": topic, "post": post, "removed": removed, "debate": debate,
        "argument": argument, "challenge": challenge, "classroom": classroom, "class_debate": class_debate,
        "class_post": class_post, "announcement": announcement, "student": student,
    }


def page_cases(scene) -> dict[str, list[str]]:
    """Every page route (by endpoint), with the pages it is loaded as."""
    topic, post, debate, argument = scene["topic"], scene["post"], scene["debate"], scene["argument"]
    slug, member = scene["article"].slug, scene["users"]["member"]
    cid, ctopic, cpost = scene["classroom"].id, scene["class_debate"].id, scene["class_post"].id
    in_class = f"/classes/{cid}/debates/{ctopic}"
    return {
        "home.index": ["/", "/no-such-page"],
        "articles.show": [f"/a/{slug}"],
        "articles.new": ["/a/new"],
        "articles.edit": [f"/a/{slug}/edit"],
        "quotes.discuss": [f"/a/{slug}/quote?passage=section-1&paragraph=0"],
        "topics.show": [f"/t/{topic.id}", f"/t/{debate.id}", f"/t/{debate.id}?view=thread",
                        f"/t/{ctopic}", f"/t/{ctopic}?view=thread", f"/t/{scene['announcement'].id}"],
        "topics.new": [f"/t/new?article={slug}"],
        "topics.edit": [f"/t/{topic.id}/edit"],
        "topics.history": [f"/t/{topic.id}/history"],
        "posts.show": [f"/p/{post.id}", f"/p/{argument.id}", f"/p/{scene['challenge'].id}", f"/p/{cpost}"],
        "posts.reply": [f"/p/{post.id}/reply"],
        "posts.edit": [f"/p/{post.id}/edit"],
        "posts.history": [f"/p/{post.id}/history"],
        "debates.new": [f"/debates/new?article={slug}"],
        "debates.deltas": [f"/p/{argument.id}/deltas"],
        "debates.sources": [f"/p/{argument.id}/sources"],
        "debates.poll_page": [f"/t/{debate.id}/poll"],
        "debates.map_page": [f"/t/{debate.id}/map", f"/t/{ctopic}/map"],
        "safety.flag": [f"/p/{post.id}/flag"],
        "safety.flag_topic": [f"/t/{topic.id}/flag"],
        "safety.appeal": [f"/p/{scene['removed'].id}/appeal"],
        "safety.appeal_topic": [f"/t/{topic.id}/appeal"],
        "safety.my_flags": ["/flags"],
        "search.index": ["/search?q=artists", f"/search?q=sora&author={member.username}"],
        "users.show": [f"/u/{member.username}", f"/u/{scene['student'].username}"],
        "notifications.index": ["/notifications"],
        "settings.index": ["/settings"],
        "settings.unsubscribe": [mail_notifications.UNSUBSCRIBE_PATH + token
                                 for token in (mail_notifications.unsubscribe_token(member, "reply"), "not-a-token")],
        "auth.login": ["/auth/login"],
        "auth.register": ["/auth/register"],
        "auth.forgot_password": ["/auth/forgot"],
        "auth.reset_password": ["/auth/reset/not-a-token"],
        "auth.confirm_address": ["/auth/confirm-address/not-a-token"],
        "auth.undo_address": ["/auth/undo-address/not-a-token"],
        "auth.class_code": ["/auth/class-code"],
        "class_accounts.add_students": [f"/classes/{cid}/students/new"],
        "classes.index": ["/classes"],
        "classes.join": ["/classes/join"],
        "classes.show": [f"/classes/{cid}"],
        "classes.new_debate": [f"/classes/{cid}/debates/new"],
        "classes.dashboard": [f"{in_class}/dashboard"],
        "classes.grades": [f"{in_class}/grades"],
        "classes.grade": [f"{in_class}/grades/{scene['student'].id}"],
        "classes.phases": [f"{in_class}/phases"],
        "classes.sides": [f"{in_class}/sides"],
        "mod.queue": ["/mod", "/mod?status=all"],
        "mod.post": [f"/mod/p/{post.id}"],
        "mod.edit": [f"/mod/p/{post.id}/edit"],
        "mod.topic": [f"/mod/t/{topic.id}"],
        "mod.log": ["/mod/log"],
        "mod.words": ["/mod/words"],
        "admin.people": ["/admin/people"],
    }


# The widest element that is not inside a box that scrolls or clips it: what makes
# the document wider than the window.
WIDEST = """() => {
  const limit = window.innerWidth;
  if (document.documentElement.scrollWidth <= limit) return null;
  const clipped = el => {  // an absolutely placed box escapes the clipping of unpositioned ancestors
    let position = getComputedStyle(el).position;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      const escapes = position === 'fixed' || (position === 'absolute' && style.position === 'static');
      if (!escapes && style.overflowX !== 'visible') return true;
      if (position === 'absolute' && style.position !== 'static') position = style.position;
    }
    return false;
  };
  let worst = null;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right <= limit || r.width === 0 || clipped(el)) continue;
    if (!worst || r.right > worst.right + 0.5 || (r.right > worst.right - 0.5 && r.width > worst.width)) {
      worst = {el, right: r.right, width: r.width};
    }
  }
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map(c => '.' + c).join('');
  if (!worst) return {scroll: document.documentElement.scrollWidth, element: '(none found)'};
  const path = [];
  for (let a = worst.el; a && a !== document.body && path.length < 4; a = a.parentElement) path.unshift(name(a));
  return {scroll: document.documentElement.scrollWidth, element: path.join(' > '),
          right: Math.round(worst.right), text: (worst.el.innerText || '').slice(0, 60).replace(/\\s+/g, ' ')};
}"""


def test_every_page_route_has_a_case(app, scene):
    pages = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert pages - set(SKIPPED) - set(page_cases(scene)) == set(), "a page without an overflow case: add it"
    assert set(page_cases(scene)) - pages == set(), "a case for a route that is gone"


def test_no_page_scrolls_sideways(browser, live_server, scene):
    """Every page, as every role, at every width. Each page is loaded once per role
    and laid out at each width in turn (the window resized, as a phone turned or a
    window narrowed), and a page a role is sent away from (to sign in, or an error)
    is measured once: that keeps the test near a minute."""
    paths = [path for cases in page_cases(scene).values() for path in cases]
    overflows, measured = [], set()
    for role in ROLES:
        widths = list(WIDTHS)
        context = browser.new_context(base_url=live_server.url, viewport={"width": widths[0], "height": 800})
        context.set_default_timeout(10_000)
        page = context.new_page()
        if role != "guest":
            sign_in(page, scene["users"][role].username, PASSWORD)
        seen = set()
        for path in paths:
            response = page.goto(path)
            assert response.status < 500, f"{path} as {role}: {response.status}"
            final = page.url.removeprefix(live_server.url)
            shown = response.status if response.status >= 400 else path if final == path else final.split("?")[0]
            if shown in seen:
                continue  # the same sign-in form or error page again
            seen.add(shown)
            for width in widths:  # from the width the last page was left at: one resize fewer
                if width != page.viewport_size["width"]:
                    page.set_viewport_size({"width": width, "height": 800})
                measured.add((role, path, width))
                if found := page.evaluate(WIDEST):
                    overflows.append(f"{path} as {role} at {width} px: the page is {found['scroll']} px wide; "
                                     f"widest: {found['element']} (to {found.get('right')} px) “{found.get('text')}”")
            widths.reverse()
        context.close()
    assert len(measured) > len(paths) * len(WIDTHS) * 3  # the walk did happen: pages × roles × widths
    assert not overflows, f"{len(overflows)} pages scroll sideways:\n" + "\n".join(overflows)


def test_a_phone_shows_the_debates_and_discussions_early(new_page, scene):
    """At 375 px the home page's debates and discussions are within two screens, and
    the article is one tap away (a link in the first screen)."""
    page = new_page(width=375, height=740)
    page.goto("/")
    screen = page.evaluate("window.innerHeight")
    for heading in ("#debates-h", "#discussions-h"):
        top = page.evaluate(f"document.querySelector('{heading}').getBoundingClientRect().top + scrollY")
        assert top < 2 * screen, f"{heading} starts {top:.0f} px down, past two screens ({2 * screen} px)"
    link = page.locator(f"main a[href='/a/{scene['article'].slug}']").first
    assert link.is_visible(), "no link to the article on a phone's home page"
    assert link.bounding_box()["y"] < screen, "the article's link is below the first screen"
    link.click()
    page.wait_for_url(f"**/a/{scene['article'].slug}")
    assert page.locator(".passage").count() == 3 and page.locator(".passage").first.is_visible()
