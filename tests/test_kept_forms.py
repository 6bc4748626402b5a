"""Tokens never shared (issue 19, item 4): a page served to guests carries no form
token, so no kept copy does; a guest's form that needs an account is answered
with the sign-in page, their text and chosen side kept, and after signing in
the form is back, filled in, ready to send (forum/web/kept_forms.py)."""
import re

import pytest
from flask import g
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, StancePoll, Vote
from forum.web import kept_forms
from tests.conftest import PASSWORD

ARGUMENT = "Leaked access shows artists had no other way to be heard by the company."
EXPLANATION = "I thought the leak was only vandalism; the point about unpaid testing changed that for me."


@pytest.fixture
def debate(make_debate):
    return make_debate(arguments=2, title="Should leaks be tolerated?", pro_label="Tolerate", con_label="Punish")


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _first_argument(debate) -> Post:
    return db.session.scalars(select(Post).where(Post.topic_id == debate.id).order_by(Post.id)).first()


def _posts() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def _sign_in(client, page: str, username: str):
    """Sign in through the form of `page` (a sign-in page), as a person would."""
    back = re.search(r'name="next" type="hidden" value="([^"]*)"', page).group(1)
    return client.post("/auth/login", data={"username": username, "password": PASSWORD,
                                            "next": back.replace("&amp;", "&"), "csrf_token": _token(page)})


def test_no_page_served_to_guests_carries_a_token_or_sets_a_cookie(csrf_app, copies, debate, make_post,
                                                                   make_topic, make_user):
    client = csrf_app.test_client()
    argument = _first_argument(debate)
    discussion = make_topic(title="A plain discussion")
    reply = make_post(topic=discussion, body="A reply in the thread")
    author = make_user("writer")
    make_post(topic=discussion, author=author)
    pages = ["/", f"/a/{debate.article.slug}", f"/t/{debate.id}", f"/t/{debate.id}?view=thread",
             f"/t/{debate.id}?stance=pro", f"/p/{argument.id}", f"/p/{argument.id}?view=thread",
             f"/p/{argument.id}/deltas", f"/t/{discussion.id}", f"/p/{reply.id}", "/u/writer",
             "/search?q=leaks", f"/t/{debate.id}/history"]
    for path in pages * 2:  # the second time from the guests' shared copies
        response = client.get(path)
        assert response.status_code == 200, path
        assert "csrf_token" not in response.text, path
        assert "Set-Cookie" not in response.headers, path
    assert all(b"csrf_token" not in body for _, body in copies.local.values())


def test_two_guests_one_after_the_other_each_sign_in_and_post_their_argument(
        csrf_app, copies, debate, make_user):
    """The reported bug: the second guest got the first one's kept copy, token and
    all, and was told the form expired."""
    for name, side, text in (("ana", "pro", ARGUMENT), ("ben", "con", "Leaks hurt the artists who kept their word.")):
        before = _posts()
        make_user(name)
        g.pop("csrf_token", None)  # the tests' one app context would lend ana's token to ben
        guest = csrf_app.test_client()
        page = guest.get(f"/t/{debate.id}").text
        assert "csrf_token" not in page and 'name="next" value="/t/%d#argue"' % debate.id in page
        answer = guest.post(f"/t/{debate.id}/reply", data={"next": f"/t/{debate.id}#argue", "stance": side,
                                                          "body": text, "sources": ""})
        shown = answer.text
        assert answer.status_code == 401 and "Sign in or create an account" in shown
        assert "expired" not in shown.lower() and "signed out" not in shown
        assert text in shown and ">Next<" not in shown and ">Stance<" not in shown
        assert _posts() == before

        signed_in = _sign_in(guest, shown, name)
        assert signed_in.status_code == 302 and signed_in.location == f"/t/{debate.id}#argue", signed_in.text
        back = guest.get(f"/t/{debate.id}")
        form = back.text[back.text.index('id="argue"'):]
        assert text in form and f'value="{side}" required checked' in form
        assert "no-store" in back.headers["Cache-Control"]  # their text: no cache keeps it
        assert "back in the form" in back.text
        assert kept_forms.KEY not in _session(guest)

        sent = guest.post(f"/t/{debate.id}/reply", data={"stance": side, "body": text, "sources": "",
                                                        "csrf_token": _token(back.text)})
        assert sent.status_code == 302
        post = db.session.scalar(select(Post).where(Post.body_md == text))
        assert post.stance == side and post.author.username == name
        # The next page is the plain one again.
        assert text not in guest.get(f"/t/{debate.id}").text.split('id="argue"')[1]


def _session(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_a_guests_text_never_reaches_another_guest(csrf_app, copies, debate):
    first, second = csrf_app.test_client(), csrf_app.test_client()
    first.post(f"/t/{debate.id}/reply", data={"stance": "pro", "body": "Only mine to see"})
    assert "Only mine to see" not in second.get(f"/t/{debate.id}").text
    assert "Only mine to see" not in first.get(f"/t/{debate.id}").text  # a guest's page puts nothing back
    assert all(b"Only mine" not in body for _, body in copies.local.values())


def test_the_buttons_with_nothing_typed_open_the_sign_in_page(csrf_app, debate, make_topic, make_post):
    argument = _first_argument(debate)
    client = csrf_app.test_client()
    page = client.get(f"/p/{argument.id}").text
    # Vote and "needs a source": a plain GET of the sign-in page, coming back here.
    buttons = re.findall(r'<form method="get" action="/auth/login" class="inline-form">\s*'
                         r'<input type="hidden" name="next" value="([^"]+)">\s*'
                         r'<input type="hidden" name="asked" value="1">\s*<button[^>]*>([^<]+)</button>', page)
    assert (f"/p/{argument.id}", "▲ Strong argument") in buttons
    assert (f"/p/{argument.id}", "⚑ Needs a source") in buttons
    # Flag and Reply: links to the sign-in page that come back to the flag and reply forms.
    assert f'href="/auth/login?next=/p/{argument.id}/flag&amp;asked=1"' in page.replace("%2F", "/")
    assert f'href="/auth/login?next=/p/{argument.id}/reply&amp;asked=1"' in page.replace("%2F", "/")
    discussion = make_topic()
    make_post(topic=discussion)
    thread = client.get(f"/t/{discussion.id}").text
    assert 'action="/auth/login"' in thread and ">Watch</button>" in thread  # watch
    assert "/flag" in thread.replace("%2F", "/")
    sign_in = client.get(f"/auth/login?next=/p/{argument.id}")
    assert sign_in.status_code == 200 and f'value="/p/{argument.id}"' in sign_in.text
    assert "to do that" not in sign_in.text  # the header's "Sign in" asks nothing
    # A button's sign-in page says why the guest is there, and where they will be back.
    asked = client.get(f"/auth/login?next=/p/{argument.id}&asked=1").text
    assert "Sign in or create an account to do that. You will come back to the page you were on." in asked
    # So does a members' page opened as a guest.
    reply = client.get(f"/p/{argument.id}/reply")
    assert reply.status_code == 302 and "asked=1" in reply.headers["Location"]


@pytest.mark.parametrize("action", ["vote", "needs-source", "watch", "close"])
def test_a_guests_bare_button_from_an_old_page_asks_to_sign_in(csrf_app, debate, action):
    """A page kept from before (a token in it, or none): never "expired", never "signed out"."""
    argument = _first_argument(debate)
    path = {"vote": f"/p/{argument.id}/vote", "needs-source": f"/p/{argument.id}/needs-source",
            "watch": f"/t/{debate.id}/watch", "close": f"/t/{debate.id}/close"}[action]
    response = csrf_app.test_client().post(path, data={"next": f"/p/{argument.id}", "level": "watching",
                                                       "csrf_token": "someone-elses"})
    page = response.text
    assert response.status_code == 401 and "Sign in or create an account to do that" in page
    assert "expired" not in page.lower() and "signed out" not in page and "kept below" not in page
    assert "kept-text" not in page  # nothing typed: no "Your text" of hidden fields
    assert f'value="/p/{argument.id}"' in page  # back where they were, after signing in
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_a_guests_stance_poll_answer_comes_back_after_signing_in(csrf_app, debate, make_user):
    make_user("poller")
    client = csrf_app.test_client()
    page = client.post(f"/t/{debate.id}/poll/before", data={"value": "-1", "next": f"/t/{debate.id}#poll-before-h"})
    assert page.status_code == 401 and "-1" not in page.text.split("<main")[1].split("</form>")[1]
    assert _sign_in(client, page.text, "poller").location == f"/t/{debate.id}#poll-before-h"
    back = client.get(f"/t/{debate.id}").text
    before = back[back.index("poll-before-h"):back.index("poll-after-h")]
    assert 'value="-1" required checked' in before
    assert db.session.scalar(select(func.count()).select_from(StancePoll)) == 0


def test_a_guests_delta_explanation_comes_back_after_joining(csrf_app, debate):
    argument = _first_argument(debate)
    client = csrf_app.test_client()
    page = client.post(f"/p/{argument.id}/deltas", data={"explanation": EXPLANATION,
                                                        "next": f"/p/{argument.id}"})
    assert page.status_code == 401 and EXPLANATION in page.text
    join = client.get(f"/auth/register?next=/p/{argument.id}")
    joined = client.post(f"/auth/register?next=/p/{argument.id}",
                         data={"username": "newcomer", "email": "new@example.org", "password": PASSWORD,
                               "confirm": PASSWORD, "csrf_token": _token(join.text)})
    assert joined.status_code == 302 and joined.location == f"/p/{argument.id}"
    back = client.get(f"/p/{argument.id}").text
    award = back[back.index('class="delta-award"'):]
    assert award.startswith('class="delta-award" open') and EXPLANATION in award


def test_a_member_whose_session_ended_gets_their_reply_back_in_the_form(app, make_user, debate):
    argument = _first_argument(debate)
    before = _posts()
    make_user("maya")
    client = app.test_client()
    client.post("/auth/login", data={"username": "maya", "password": PASSWORD})
    db.session.execute(db.text("DELETE FROM user_sessions"))
    db.session.commit()
    response = client.post(f"/p/{argument.id}/reply", data={"body": "Half an essay", "stance": "con"},
                           headers={"Referer": f"http://localhost/p/{argument.id}"})
    assert response.status_code == 401 and "You were signed out" in response.text
    assert "back in the form" in response.text and "Half an essay" in response.text
    client.post("/auth/login", data={"username": "maya", "password": PASSWORD, "next": f"/p/{argument.id}"})
    back = client.get(f"/p/{argument.id}").text
    answer = back[back.index('id="answer"'):]
    assert "Half an essay" in answer and 'value="con" required checked' in answer
    assert _posts() == before


def test_a_kept_form_nobody_takes_is_dropped_at_the_first_page(client, debate, make_user):
    client.post(f"/t/{debate.id}/reply", data={"stance": "pro", "body": "Forgotten words"})
    assert kept_forms.KEY in _session(client)
    client.get("/")  # a guest's pages leave it
    assert kept_forms.KEY in _session(client)
    client.login(make_user())
    client.get("/")  # a member's first page that is not the form's drops it
    assert kept_forms.KEY not in _session(client)
    assert "Forgotten words" not in client.get(f"/t/{debate.id}").text


def test_a_text_too_long_for_the_cookie_is_shown_not_kept(client, debate):
    import secrets
    long_text = " ".join(secrets.token_hex(8) for _ in range(600))  # hardly compressible
    response = client.post(f"/t/{debate.id}/reply", data={"stance": "pro", "body": long_text})
    assert response.status_code == 401 and long_text in response.text and "kept below" in response.text
    assert kept_forms.KEY not in _session(client)
    assert len(response.headers.get("Set-Cookie", "")) < 4000


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, {}])
def test_another_site_can_plant_no_text_and_touch_no_session(csrf_app, debate, headers):
    client = csrf_app.test_client()
    client.environ_base.pop("HTTP_SEC_FETCH_SITE")
    response = client.post(f"/t/{debate.id}/reply", data={"stance": "pro", "body": "Planted by evil"},
                           headers=headers)
    assert response.status_code == 403 and "Planted by evil" not in response.text
    assert "Set-Cookie" not in response.headers


def test_a_poll_choice_is_not_shown_as_text(client, debate):
    """Hidden and chosen fields go back, but never as "Your text"."""
    page = client.post(f"/t/{debate.id}/poll/after", data={"value": "2", "next": f"/t/{debate.id}"}).text
    assert ">Value<" not in page and ">Next<" not in page and "kept-text" not in page
