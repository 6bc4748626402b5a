"""One way to do each thing (issue 19, item 7): one helper submits every form
(`web.form_actions.attempt`), with one behaviour on a bad or expired token (the
text comes back, nothing is stored); one helper turns a uniqueness refusal of
the database into the person's message, in a savepoint (`domain.errors.unique_or`).
Run on PostgreSQL too: TEST_DATABASE_URL=postgresql+psycopg://... pytest tests/test_form_actions.py"""
import html
import re

import pytest
from flask import g
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.domain import moderation, reactions
from forum.domain.errors import RuleError, unique_or
from forum.extensions import db
from forum.models import Delta, Flag, Post, Role, SourceRequest, StancePoll, Topic, User, Vote, WatchedWord
from tests.conftest import PASSWORD

EXPLANATION = "The argument about unpaid testing changed my view of the leak; I used to call it vandalism."


@pytest.fixture
def scene(make_debate, make_post, make_user, make_class):
    author = make_user("author")
    debate = make_debate(title="Should leaks be tolerated?")
    argument = make_post(topic=debate, author=author, body="Testers deserve pay.", stance="pro")
    member = make_user("member")
    mod = make_user("mod", role=Role.MODERATOR)
    flagged = make_post(topic=debate, author=author, body="Flag me", stance="con")
    moderation.flag_post(flagged, make_user(), moderation.parse_reason("spam"), "")
    classroom = make_class()
    db.session.commit()
    return {"debate": debate, "argument": argument, "member": member, "mod": mod, "flagged": flagged,
            "classroom": classroom, "author": author}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _state() -> tuple:
    """Everything a refused form could have stored."""
    return tuple(_count(model) for model in (Post, Topic, Vote, Delta, Flag, SourceRequest, StancePoll, WatchedWord))


# (who, path, fields, the person's text that must come back): one of each kind of form.
FORMS = {
    "reply (text)": ("member", lambda s: f"/t/{s['debate'].id}/reply",
                     {"stance": "con", "body": "My careful answer, typed for twenty minutes."},
                     "My careful answer, typed for twenty minutes."),
    "new topic (text)": ("member", lambda s: "/t/new",
                         {"title": "A title I chose", "body": "The opening I wrote."}, "The opening I wrote."),
    "delta (text)": ("member", lambda s: f"/p/{s['argument'].id}/deltas", {"explanation": EXPLANATION}, EXPLANATION),
    "flag (choice and note)": ("member", lambda s: f"/p/{s['argument'].id}/flag",
                               {"reason": "other", "note": "It misquotes the article."}, "It misquotes the article."),
    "vote (bare button)": ("member", lambda s: f"/p/{s['argument'].id}/vote", {"next": "/p/1"}, None),
    "poll (choice)": ("member", lambda s: f"/t/{s['debate'].id}/poll/before", {"value": "2"}, None),
    "watch (bare button)": ("member", lambda s: f"/t/{s['debate'].id}/watch", {"level": "watching"}, None),
    "profile (settings)": ("member", lambda s: "/settings/profile",
                           {"display_name": "Mem Ber", "bio": "I write about art.", "email": "m@example.org"},
                           "I write about art."),
    "moderator's reason": ("mod", lambda s: f"/mod/p/{s['flagged'].id}/remove",
                           {"reason": "Spam, plainly.", "next": ""}, "Spam, plainly."),
    "watched word (admin form)": ("mod", lambda s: "/mod/words", {"word": "forbidden", "action": "block"}, None),
    "class button": ("instructor", lambda s: f"/classes/{s['classroom'].id}/code", {}, None),
}


@pytest.mark.parametrize("kind", FORMS)
def test_an_expired_token_brings_the_text_back_and_stores_nothing(csrf_app, scene, kind):
    who, path_of, fields, text = FORMS[kind]
    user = scene["classroom"].instructor if who == "instructor" else scene[who]
    client = csrf_app.test_client().login(user)
    if kind.startswith("watched"):
        user.role = Role.ADMIN
        db.session.commit()
    before = _state()
    path = path_of(scene)
    response = client.post(path, data={**fields, "csrf_token": "expired-or-forged"})
    page = html.unescape(response.text)
    assert response.status_code == 400 and "Your form expired — your text is safe" in page
    assert f'action="{path}"' in response.text and 'name="csrf_token"' in page  # a fresh token, same place
    for name, value in fields.items():
        assert f'name="{name}"' in page and value in page
    if text:
        assert re.search(rf'<(textarea|input) id="f-\d+" name="\w+"[^>]*>{re.escape(text)}|value="{re.escape(text)}"',
                         page), text
    for chosen in {"next", "stance", "level", "value"} & set(fields):  # sent again, never shown as text
        assert f'<input type="hidden" name="{chosen}" value="{fields[chosen]}">' in page
        assert f">{chosen.capitalize()}<" not in page
    assert _state() == before
    # Sent again with the fresh token, it goes through.
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
    again = client.post(path, data={**fields, "csrf_token": token})
    assert again.status_code in (200, 302), kind


@pytest.mark.parametrize("kind", ["reply (text)", "vote (bare button)", "moderator's reason"])
def test_where_the_app_wide_check_is_off_the_helper_gives_the_same_answer(csrf_app, scene, kind):
    """`attempt` itself raises the CSRF error on a bad token: one behaviour, wherever it is caught."""
    csrf_app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    try:
        who, path_of, fields, text = FORMS[kind]
        client = csrf_app.test_client().login(scene[who])
        before = _state()
        response = client.post(path_of(scene), data={**fields, "csrf_token": "stale"})
        assert response.status_code == 400 and "your text is safe" in response.text
        if text:
            assert text in html.unescape(response.text)
        assert _state() == before
    finally:
        csrf_app.config["WTF_CSRF_CHECK_DEFAULT"] = True


def test_a_refused_bare_button_says_why_and_stores_nothing(client, scene):
    client.login(scene["author"])  # their own post
    response = client.post(f"/p/{scene['argument'].id}/vote", data={"next": f"/p/{scene['argument'].id}"},
                           follow_redirects=True)
    assert "You can&#39;t vote for your own post." in response.text
    assert _count(Vote) == 0


def test_a_bare_form_missing_its_choice_says_so_not_expired(client, scene):
    client.login(scene["member"])
    response = client.post(f"/t/{scene['debate'].id}/poll/before", data={}, follow_redirects=True)
    assert "expired" not in response.text and _count(StancePoll) == 0


def test_a_second_vote_is_refused_with_the_message(client, scene):
    """The uniqueness rule of the database, as the person reads it."""
    client.login(scene["member"])
    url = f"/p/{scene['argument'].id}/vote"
    client.post(url, data={})
    response = client.post(url, data={}, follow_redirects=True)
    assert "You already voted for this post." in html.unescape(response.text)
    assert _count(Vote) == 1 and db.session.get(Post, scene["argument"].id).vote_count == 1


@pytest.mark.parametrize("react, again, message", [
    (reactions.vote, reactions.vote, "You already voted for this post."),
    (reactions.mark_needs_source, reactions.mark_needs_source, "You already asked for a source on this post."),
    (lambda post, user: reactions.award_delta(post, user, EXPLANATION),
     lambda post, user: reactions.award_delta(post, user, EXPLANATION), None),
])
def test_a_uniqueness_refusal_leaves_the_transaction_usable(scene, react, again, message):
    """In a savepoint: on PostgreSQL a failed INSERT would spoil the whole transaction,
    and SQLAlchemy's session would need a rollback on any database."""
    member, argument = scene["member"], scene["argument"]
    react(argument, member)
    with pytest.raises(RuleError) as refusal:
        again(argument, member)
    if message:
        assert str(refusal.value) == message
    # The same transaction goes on: a read, a write, a commit.
    other = db.session.scalar(select(User).where(User.username == "mod"))
    reactions.vote(argument, other)
    db.session.commit()
    assert _count(Vote) == (2 if react is reactions.vote else 1)


def test_unique_or_lets_other_refusals_through_and_keeps_the_transaction(scene):
    member = scene["member"]
    with pytest.raises(IntegrityError), unique_or("never said"):
        db.session.add(Vote(post_id=None, user_id=member.id))  # NOT NULL: a bug, not a rule
        db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0  # still usable
    with pytest.raises(RuleError, match="One flag"), unique_or("One flag is enough."):
        db.session.add(Flag(post_id=scene["flagged"].id, flagger_id=member.id, reason="spam", note=""))
        db.session.flush()
        db.session.add(Flag(post_id=scene["flagged"].id, flagger_id=member.id, reason="spam", note=""))
        db.session.flush()
    db.session.commit()


def test_a_member_signs_in_through_the_one_helper(csrf_app, scene):
    """Registering goes through `attempt` too: a taken name is the form's error."""
    client = csrf_app.test_client()
    g.pop("csrf_token", None)
    page = client.get("/auth/register").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/register", data={"username": "member", "email": "x@example.org",
                                                   "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token})
    assert response.status_code == 400 and "taken" in response.text


@pytest.mark.parametrize("who, shown, hidden", [
    ("author", ["Reply", "Edit", "Delete"], ["Flag", "Moderate"]),
    ("member", ["Reply", "Flag"], ["Edit", "Delete", "Moderate"]),
    ("mod", ["Reply", "Edit", "Flag", "Moderate"], ["Delete"]),
    ("guest", ["Reply", "Flag"], ["Edit", "Delete", "Moderate"]),
])
def test_the_argument_page_shows_what_the_presenter_decided(client, scene, who, shown, hidden):
    """Each post rule decided once (post_presenter.Presenter), for the argument's own
    post as for every post of a thread: the template asks no predicate."""
    if who != "guest":
        client.login(scene[who])
    page = client.get(f"/p/{scene['argument'].id}").text
    actions = page[page.index('<div class="post-actions">'):]
    actions = actions[:actions.index("</div>")]
    links = re.findall(r">(Reply|Edit|Delete|Flag|Moderate)<", actions)
    assert all(name in links for name in shown) and not any(name in links for name in hidden), links
    if who == "guest":
        assert "/auth/login?next=" in actions
