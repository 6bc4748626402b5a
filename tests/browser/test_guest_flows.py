"""Guests in a real browser (issue 19, item 4): a button that needs an account
opens the sign-in page, never "form expired" or "signed out"; after signing in
they are back where they were, their text and chosen side in the form."""
import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post
from tests.browser.conftest import fill_sign_in
from tests.conftest import PASSWORD

GUESTS = [("ana", "pro", "Artists who test a model for free should be paid: the leak shows the deal was unfair."),
          ("ben", "con", "A leak breaks the trust every tester agreed to; the answer is better terms, not leaks.")]


@pytest.fixture
def debate(make_debate):
    return make_debate(arguments=2, title="Should the leak be forgiven?", pro_label="Forgive", con_label="Punish")


def _argument(debate) -> Post:
    return db.session.scalars(select(Post).where(Post.topic_id == debate.id).order_by(Post.id)).first()


def _on_the_sign_in_page(page) -> None:
    page.wait_for_selector("h1:has-text('Sign in')")
    text = page.inner_text("main")
    assert "expired" not in text.lower() and "signed out" not in text.lower(), text
    assert "Next" not in text and "Stance" not in text  # hidden fields are never "your text"


def test_two_guests_one_after_the_other_sign_in_and_post_their_arguments(new_page, copies, make_user, debate):
    """The reported bug: the second guest got the first one's kept copy of the page,
    token and all, and was told the form expired."""
    for name, side, text in GUESTS:
        make_user(name)
        page = new_page()
        page.goto(f"/t/{debate.id}")
        assert "csrf_token" not in page.content()
        page.check(f"#argue input[name=stance][value={side}]")
        page.fill("#argue textarea[name=body]", text)
        page.click("#argue button:has-text('Post argument')")
        _on_the_sign_in_page(page)
        assert "will be back in the form" in page.inner_text("main")
        assert page.input_value(".kept-text textarea") == text
        fill_sign_in(page, name, PASSWORD)
        assert page.url.endswith(f"/t/{debate.id}#argue")
        assert page.input_value("#argue textarea[name=body]") == text
        assert page.is_checked(f"#argue input[name=stance][value={side}]")
        page.click("#argue button:has-text('Post argument')")
        page.wait_for_selector(".card:target")  # back in the debate, at the new argument
        assert page.is_visible(f"text={text}") and not page.js_errors
        db.session.expire_all()
        post = db.session.scalar(select(Post).where(Post.body_md == text))
        assert post.stance == side and post.author.username == name


def _vote(page, debate):
    page.goto(f"/p/{_argument(debate).id}")
    page.click("button:has-text('▲ Strong argument')")


def _delta(page, debate):
    page.goto(f"/p/{_argument(debate).id}")
    page.click("summary:has-text('Award a ∆')")
    page.fill("textarea[name=explanation]", "I thought leaks were only vandalism; this showed me the unpaid work.")
    page.click("button:has-text('Award ∆')")


def _reply(page, debate):
    page.goto(f"/p/{_argument(debate).id}")
    page.click(".post-actions a:has-text('Reply')")


def _answer(page, debate):
    page.goto(f"/p/{_argument(debate).id}")
    page.check("#answer input[name=stance][value=con]")
    page.fill("#answer textarea[name=body]", "That misses who set the terms.")
    page.click("button:has-text('Post answer')")


def _watch(page, debate):
    page.goto(f"/t/{debate.id}?view=thread")
    page.click(".follow-controls button:has-text('Watch')")


def _flag(page, debate):
    page.goto(f"/p/{_argument(debate).id}")
    page.click(".post-actions a:has-text('Flag')")


def _poll(page, debate):
    page.goto(f"/t/{debate.id}")
    page.check(".poll-before input[name=value][value='1']")
    page.click("button:has-text('Record my starting position')")


PRESS = {"vote": (_vote, "/p/{post}"), "delta": (_delta, "/p/{post}"), "reply": (_reply, "/p/{post}/reply"),
         "answer": (_answer, "/p/{post}#answer"), "watch": (_watch, "/t/{topic}?view=thread"),
         "flag": (_flag, "/p/{post}/flag"), "poll": (_poll, "/t/{topic}#poll-before-h")}


@pytest.mark.parametrize("kind", PRESS)
def test_a_guest_pressing_a_members_button_is_asked_to_sign_in_and_comes_back(new_page, make_user, debate, kind):
    press, back = PRESS[kind]
    make_user("visitor")
    page = new_page()
    press(page, debate)
    _on_the_sign_in_page(page)
    fill_sign_in(page, "visitor", PASSWORD)
    assert page.url.endswith(back.format(post=_argument(debate).id, topic=debate.id)), page.url
    if kind == "delta":
        assert "unpaid work" in page.input_value("textarea[name=explanation]")
    if kind == "answer":
        assert page.input_value("#answer textarea[name=body]") == "That misses who set the terms."
        assert page.is_checked("#answer input[name=stance][value=con]")
    if kind == "poll":
        assert page.is_checked(".poll-before input[name=value][value='1']")
    assert not page.js_errors
