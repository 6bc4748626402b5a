"""The moderation flow in a real browser: flags hide a post, a moderator removes it,
the author appeals, another moderator restores it, and the log shows each step."""
from forum.models import Role
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

TEXT = "You are all thieves and I know where you live."


def test_flag_hide_remove_appeal_restore(new_page, make_user, make_topic, make_post):
    topic = make_topic(title="Who owns a style?")
    author = make_user("harsh")
    post = make_post(topic=topic, author=author, body=TEXT)
    make_post(parent=post, body="That is out of line.")
    for name in ("ana", "ben", "cyd", "dee"):
        make_user(name)
    make_user("mod_one", role=Role.MODERATOR)
    make_user("mod_two", role=Role.MODERATOR)

    for name in ("ana", "ben", "cyd"):
        page = new_page()
        sign_in(page, name, PASSWORD)
        page.goto(f"/t/{topic.id}")
        page.click(f"#p{post.id} .post-actions >> text=Flag")
        page.check("text=Abusive")
        page.click("button:has-text('Send the flag')")
        page.wait_for_selector("text=your flag was received")

    fourth = new_page()
    sign_in(fourth, "dee", PASSWORD)
    fourth.goto(f"/t/{topic.id}")
    assert fourth.is_visible(f"#p{post.id} >> text=This post is hidden pending review.")
    assert TEXT not in fourth.content()
    assert fourth.is_visible("text=That is out of line.")

    mod_one = new_page()
    sign_in(mod_one, "mod_one", PASSWORD)
    mod_one.click("nav.account >> text=Moderation")
    mod_one.wait_for_selector(f"#q{post.id} >> text=3 open flags")
    mod_one.fill(f"#reason-{post.id}", "Threatening other members")
    mod_one.click(f"#q{post.id} button:has-text('Remove')")
    mod_one.wait_for_selector("text=Done; it is in the moderation log.")

    fourth.goto(f"/p/{post.id}")
    assert fourth.is_visible("text=Removed by a moderator: Threatening other members")
    assert TEXT not in fourth.content()

    writer = new_page()
    sign_in(writer, "harsh", PASSWORD)
    writer.wait_for_selector("text=A moderator removed your post: Threatening other members")
    writer.goto(f"/p/{post.id}")
    writer.click("text=Appeal this removal")
    writer.fill("#text", "It was a quote from the article, not a threat of mine.")
    writer.click("button:has-text('Send the appeal')")
    writer.wait_for_selector("text=Your appeal was sent")

    mod_two = new_page()
    sign_in(mod_two, "mod_two", PASSWORD)
    mod_two.goto("/mod")
    mod_two.wait_for_selector("text=It was a quote from the article")
    mod_two.fill(f"#q{post.id} .appeal input[name=reason]", "Quoted in context")
    mod_two.click(f"#q{post.id} button:has-text('Restore the post')")
    mod_two.wait_for_selector("text=Done; it is in the moderation log.")

    fourth.goto(f"/t/{topic.id}")
    assert fourth.is_visible(f"text={TEXT}")
    writer.goto("/")
    writer.wait_for_selector("text=Your appeal was accepted")

    mod_two.goto("/mod/log")
    rows = mod_two.inner_text("table.mod-log tbody")
    for expected in ("hidden by flags", "removed a post", "Threatening other members",
                     "restored on appeal", "Quoted in context", "mod_one", "mod_two"):
        assert expected in rows, expected
    for page in (fourth, mod_one, writer, mod_two):
        assert page.js_errors == []


def test_a_queue_served_from_the_moderators_copy_still_acts(new_page, copies, make_user, make_topic, make_post):
    """The queue's forms carry the moderator's own CSRF token, put into their copy when
    served: acting from a queue loaded from the copy works, and the next load shows it."""
    from forum.domain import moderation
    from forum.extensions import db
    from forum.models import FlagReason
    post = make_post(topic=make_topic(title="Who owns a style?"), body="Copied straight from a portfolio.")
    moderation.flag_post(post, make_user(), FlagReason.SPAM)
    db.session.commit()
    make_user("mod_one", role=Role.MODERATOR)
    page = new_page()
    sign_in(page, "mod_one", PASSWORD)
    page.goto("/mod")
    page.goto("/mod")  # from the copy
    assert len(copies.local) == 1
    page.click(f"#q{post.id} button:has-text('Dismiss flags')")
    page.wait_for_selector("text=Done; it is in the moderation log.")
    page.goto("/mod")
    page.wait_for_selector("text=The queue is clear.")
    assert page.js_errors == []
