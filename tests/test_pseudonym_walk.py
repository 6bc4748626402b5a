"""Pseudonyms at every door (issue 18, item 1).

In an anonymous class debate, a classmate never learns who wrote what: every
route that could name a person is walked as a classmate, for posts, replies,
votes, ∆, flags, mentions, edits and notifications made by the anonymous
students, and no response may carry a real name or username. The instructor,
on the same pages, sees the real names beside the pseudonyms.
"""
import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.domain import anonymity, classes, moderation, notifications, posting, reactions
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import FlagReason, Notification, NotificationKind, PhaseKind, Post, Stance

ALICE_DISPLAY = "Alicia Realname"
EXPLANATION = "This answer showed me that the licensing question matters more than I had thought."

# Routes that are not walked, and why. Everything else the URL map holds is
# requested with GET (and forms also with an empty POST, which re-renders them).
SKIPPED = {
    "static": "files from static/: no person in them",
    "auth.logout": "POST only: would end the walking classmate's session",
}
# POST-only actions answer with a redirect (PRG) and show nothing of a person;
# what they change is seen through the GET pages walked after them. These are
# the exceptions that re-render a page when refused, and are walked.
REFUSED_POSTS_RENDER = {"topics.reply", "debates.award_delta"}


@pytest.fixture
def debate_world(make_anonymous_debate, open_phase):
    """An anonymous debate where alice_real (with a display name) did all a student can."""
    topic, alice_post, alice, bruno, classroom = make_anonymous_debate("Alice argues creators deserve pay.")
    alice.display_name = ALICE_DISPLAY
    bruno_post = posting.create_post(bruno, topic, "Bruno argues innovation comes first.", stance=Stance.CON)
    posting.edit_post(alice_post, alice, "Alice argues creators deserve pay, and says why.", "clearer")
    db.session.commit()
    # The opening closes, the rebuttals open: alice answers bruno (an @mention is
    # refused in an anonymous debate: test_a_mention_in_an_anonymous_debate_is_refused).
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=3), closes_in=-timedelta(hours=2))
    open_phase(topic, PhaseKind.REBUTTAL)
    reply = posting.create_post(alice, topic, "Your point ignores the artists who were paid nothing.",
                                parent=bruno_post)
    reactions.vote(bruno_post, alice)
    reactions.award_delta(bruno_post, alice, EXPLANATION)
    reactions.award_delta(alice_post, bruno, EXPLANATION)
    reactions.mark_needs_source(bruno_post, alice)
    moderation.flag_post(bruno_post, alice, FlagReason.OFF_TOPIC, "alice's note")
    # What the write path tells bruno about alice's reply is one REPLY; the other
    # kinds that name an actor (a mention made before mentions were refused here,
    # a watched topic) are made here.
    for kind in (NotificationKind.MENTION, NotificationKind.WATCHED):
        notifications.notify(bruno, kind, actor=alice, post=reply)
    db.session.commit()
    return {"topic": topic, "classroom": classroom, "alice": alice, "bruno": bruno,
            "posts": [alice_post, bruno_post, reply],
            "alias": anonymity.pseudonyms(topic.id, [alice.id, bruno.id])[alice.id]}


def _leaks(body: str) -> list[str]:
    return [name for name in ("alice_real", ALICE_DISPLAY) if name.lower() in body.lower()]


def _walk_leaks(world, url: str, body: str) -> list[str]:
    """What in this response would tell the classmate who alice is in the debate.

    Her own profile names her, of course: there, nothing of the debate may show
    (her texts, the ∆ given to her, the debate's title). The reader's own search
    terms, echoed in the search form, are not a leak."""
    path, _, query = url.partition("?")
    alice_texts = ["Alice argues creators", "artists who were paid nothing", EXPLANATION]
    if path == f"/u/{world['alice'].username}":
        return [text for text in [*alice_texts, world["topic"].title] if text in body]
    for value in re.findall(r"=([^&]*)", query):
        body = body.replace(f'value="{value}"', "")
    found = _leaks(body)
    if path.startswith("/u/"):  # the reader's own profile: alice's ∆ to him is left out
        found += [text for text in alice_texts if text in body]
    return found


def _values(world) -> dict[str, list]:
    topic, alice, bruno = world["topic"], world["alice"], world["bruno"]
    return {"post_id": [p.id for p in world["posts"]], "topic_id": [topic.id],
            "class_id": [world["classroom"].id], "username": [alice.username, bruno.username],
            "user_id": [alice.id], "student_id": [alice.id], "slug": [topic.article.slug],
            # A password-reset link the classmate has no mail for: its refusal shows nobody.
            "token": ["not-a-token"]}


def _urls(app, world):
    """(method, url, endpoint) for every route that can show a page, ids filled in."""
    values = _values(world)
    get_paths = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in SKIPPED:
                continue
            methods = []
            if "GET" in rule.methods:
                methods.append("GET")
            if "POST" in rule.methods and (rule.rule in get_paths or rule.endpoint in REFUSED_POSTS_RENDER):
                methods.append("POST")
            if not methods:
                continue  # a POST-only action (see REFUSED_POSTS_RENDER)
            missing = [arg for arg in rule.arguments if arg not in values]
            assert not missing, f"the walk does not know how to fill {missing} in {rule.rule}: add it"
            for combo in itertools.product(*(values[arg] for arg in sorted(rule.arguments))):
                url = app.url_for(rule.endpoint, **dict(zip(sorted(rule.arguments), combo)))
                for method in methods:
                    yield method, url, rule.endpoint


def _extra_urls(world) -> list[str]:
    """Query strings that change what a page shows."""
    topic, alice_post = world["topic"], world["posts"][0]
    return [f"/t/{topic.id}?view=thread", f"/t/{topic.id}?view=columns", f"/t/{topic.id}?sort=new", f"/t/{topic.id}/map",
            f"/t/{topic.id}/updates?after=0", f"/p/{alice_post.id}?view=thread",
            "/search?q=creators", "/search?q=artists", "/search?q=creators&author=alice_real",
            f"/search?q=creators&author={ALICE_DISPLAY}", "/mod/log?member=alice_real",
            f"/u/{world['bruno'].username}?page=2"]


def test_route_walk_covers_every_route(app, debate_world):
    walked = {endpoint for _, _, endpoint in _urls(app, debate_world)}
    every = {rule.endpoint for rule in app.url_map.iter_rules()}
    posts_only = {rule.endpoint for rule in app.url_map.iter_rules()
                  if "GET" not in rule.methods and rule.endpoint not in REFUSED_POSTS_RENDER
                  and not any(r.rule == rule.rule and "GET" in r.methods for r in app.url_map.iter_rules())}
    assert every - walked - set(SKIPPED) - posts_only == set()


def test_classmate_never_sees_a_real_name(app, client, debate_world):
    """The pseudonym walk: every route, as bruno, a classmate of alice."""
    client.login(debate_world["bruno"])
    requests = list(_urls(app, debate_world)) + [("GET", url, url) for url in _extra_urls(debate_world)]
    leaks = []
    for method, url, _ in requests:
        response = client.open(url, method=method, data={})
        assert response.status_code < 500, (method, url, response.status_code)
        if found := _walk_leaks(debate_world, url, response.get_data(as_text=True)):
            leaks.append((method, url, response.status_code, found))
        client.login(debate_world["bruno"])  # a refused form may not sign the walker out
    assert leaks == [], '\n'.join(map(str, leaks))
    assert len(requests) > 80  # the walk did happen


def test_flag_page_shows_the_pseudonym(client, debate_world):
    alice_post = debate_world["posts"][0]
    html = client.login(debate_world["bruno"]).get(f"/p/{alice_post.id}/flag").get_data(as_text=True)
    assert debate_world["alias"] in html and not _leaks(html)


def test_profile_lists_leave_anonymous_debates_out(client, debate_world):
    alice, bruno = debate_world["alice"], debate_world["bruno"]
    client.login(bruno)
    own = client.get(f"/u/{bruno.username}").get_data(as_text=True)  # alice's ∆ to bruno
    assert EXPLANATION not in own and not _leaks(own)
    theirs = client.get(f"/u/{alice.username}").get_data(as_text=True)  # bruno's ∆ to alice, her posts
    assert EXPLANATION not in theirs and "creators deserve pay" not in theirs
    assert "Alice argues creators" not in theirs


def test_notifications_name_the_actor_by_pseudonym(client, debate_world):
    html = client.login(debate_world["bruno"]).get("/notifications").get_data(as_text=True)
    alias = debate_world["alias"]
    # a reply, a ∆, a mention, a watched topic: each names alice as her pseudonym
    assert re.search(rf"<strong><bdi>{alias}</bdi></strong>\s+replied to your post", html), html
    assert re.search(rf"<strong><bdi>{alias}</bdi></strong>\s+awarded your post a ∆", html), html
    assert re.search(rf"<strong><bdi>{alias}</bdi></strong>\s+mentioned you", html), html
    assert re.search(rf"<strong><bdi>{alias}</bdi></strong>\s+posted in a topic you watch", html), html
    assert not _leaks(html)


def test_notifications_name_the_actor_for_the_reader(client, debate_world):
    """Named when shown, for the reader: the instructor (who watches the debate) sees who."""
    html = client.login(debate_world["classroom"].instructor).get("/notifications").get_data(as_text=True)
    assert debate_world["alias"] in html and ALICE_DISPLAY in html


def test_instructor_sees_real_names(client, debate_world):
    alice, bruno = debate_world["alice"], debate_world["bruno"]
    alice_post, bruno_post, _ = debate_world["posts"]
    instructor = debate_world["classroom"].instructor
    client.login(instructor)
    for url in (f"/t/{debate_world['topic'].id}", f"/t/{debate_world['topic'].id}/map", f"/p/{alice_post.id}",
                f"/p/{alice_post.id}/flag",
                f"/p/{alice_post.id}/history", f"/p/{bruno_post.id}/deltas", f"/p/{alice_post.id}/reply",
                f"/mod/p/{bruno_post.id}"):
        html = client.get(url).get_data(as_text=True)
        assert ALICE_DISPLAY in html, url
        assert debate_world["alias"] in html or url.startswith("/mod/"), url
    # Profiles: the instructor of the class sees the debate's posts and ∆ with real names.
    theirs = client.get(f"/u/{alice.username}").get_data(as_text=True)
    assert "creators deserve pay" in theirs and EXPLANATION in theirs
    own = client.get(f"/u/{bruno.username}").get_data(as_text=True)
    assert EXPLANATION in own and ALICE_DISPLAY in own


def test_outsider_instructor_and_member_see_no_anonymous_content_on_profiles(client, debate_world, make_user,
                                                                              make_class):
    other_class = make_class()
    for viewer in (make_user(), other_class.instructor):
        html = client.login(viewer).get(f"/u/{debate_world['alice'].username}").get_data(as_text=True)
        assert "creators deserve pay" not in html and EXPLANATION not in html


def test_shown_names_a_person_by_the_pages_pseudonyms(debate_world):
    alice, bruno = debate_world["alice"], debate_world["bruno"]
    topic, instructor = debate_world["topic"], debate_world["classroom"].instructor
    as_bruno = anonymity.names_for_topic(bruno, topic)
    assert anonymity.shown(as_bruno, alice.id, alice.name, alice.username) == anonymity.Shown(debate_world["alias"])
    assert anonymity.shown(as_bruno, bruno.id, bruno.name).is_you
    teacher_view = anonymity.shown(anonymity.names_for_topic(instructor, topic), alice.id, alice.name)
    assert teacher_view.full == f"{debate_world['alias']} ({ALICE_DISPLAY})" and teacher_view.username is None
    outside = anonymity.shown({}, alice.id, alice.name, alice.username)
    assert (outside.label, outside.username) == (ALICE_DISPLAY, "alice_real")


def test_names_by_topic_agrees_with_the_page_mapping(debate_world, make_topic, make_user):
    topic, public = debate_world["topic"], make_topic()
    for viewer in (debate_world["bruno"], debate_world["classroom"].instructor, make_user(role="admin")):
        by_topic = anonymity.names_by_topic(viewer, [topic.id, public.id])
        assert by_topic == {topic.id: anonymity.names_for_topic(viewer, topic)}


def test_muting_a_member_does_not_single_out_their_pseudonym(client, debate_world):
    """Muting alice on her profile must not collapse her posts in the debate: her
    pseudonym would be the one marked "muted"."""
    alice, bruno, topic = debate_world["alice"], debate_world["bruno"], debate_world["topic"]
    moderation.mute_member(bruno, alice)
    db.session.commit()
    client.login(bruno)
    for url in (f"/t/{topic.id}", f"/p/{debate_world['posts'][0].id}", f"/t/{topic.id}/updates?after=0"):
        assert "muted-note" not in client.get(url).get_data(as_text=True), url


# --- @mentions: refused in an anonymous debate ------------------------------------

MENTION_REFUSED = "can't @mention anyone"


@pytest.mark.parametrize("body", ["@bruno_real your point ignores the artists.",  # a classmate
                                  "As @alice_real, I say so.",  # herself
                                  "Ask @nobody_at_all about it.",  # no such account: refused alike
                                  "Silver Owl, see @Silver Owl's post."])  # a pseudonym with an @
def test_a_mention_in_an_anonymous_debate_is_refused(debate_world, body):
    alice, bruno_post = debate_world["alice"], debate_world["posts"][1]
    with pytest.raises(RuleError, match=MENTION_REFUSED):
        posting.create_post(alice, debate_world["topic"], body, parent=bruno_post)


def test_a_mention_is_refused_to_the_instructor_too(debate_world):
    topic, alice_post = debate_world["topic"], debate_world["posts"][0]
    instructor = debate_world["classroom"].instructor
    with pytest.raises(RuleError, match=MENTION_REFUSED):
        posting.create_post(instructor, topic, "Well argued, @alice_real.", parent=alice_post)


def test_the_motion_cannot_gain_a_mention_before_the_debate_opens(make_class, make_class_debate, make_user):
    classroom = make_class()
    topic = make_class_debate(classroom, anonymous=True)  # no phase open yet: the motion can be edited
    with pytest.raises(RuleError, match=MENTION_REFUSED):
        posting.edit_topic(topic, classroom.instructor, title=topic.title, body="Ask @someone_real about it.")


def test_an_edit_cannot_add_a_mention(debate_world):
    reply = debate_world["posts"][2]  # alice's rebuttal, in the open phase
    with pytest.raises(RuleError, match=MENTION_REFUSED):
        posting.edit_post(reply, debate_world["alice"], "@bruno_real " + reply.body_md)


def test_the_refusal_keeps_the_text_and_stores_nothing(client, debate_world):
    alice, bruno, bruno_post = debate_world["alice"], debate_world["bruno"], debate_world["posts"][1]
    posts_before = db.session.scalar(select(func.count()).select_from(Post))
    notes_before = db.session.scalar(select(func.count()).select_from(Notification))
    text = "@bruno_real your point ignores the artists who were paid nothing at all."
    response = client.login(alice).post(f"/p/{bruno_post.id}/reply", data={"body": text, "stance": "con"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and MENTION_REFUSED in html.replace("&#39;", "'")
    assert "your point ignores the artists who were paid nothing at all." in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Post)) == posts_before
    assert db.session.scalar(select(func.count()).select_from(Notification)) == notes_before
    assert bruno.id  # told nothing


def test_mentions_still_link_and_notify_outside_anonymous_debates(make_post, make_user, make_class,
                                                                    make_class_debate, open_phase):
    named = make_user("named_one")
    public = make_post(body="Hello @named_one, what do you think?")
    assert 'href="/u/named_one"' in public.body_html
    classroom = make_class()
    classes.join_class(named, classroom.join_code)
    topic = make_class_debate(classroom, anonymous=False)
    classes.set_sides(topic, {named.id: Stance.PRO})
    open_phase(topic, PhaseKind.OPENING)
    post = posting.create_post(classroom.instructor, topic, "Over to @named_one for the opening.", parent=None,
                               stance=Stance.PRO)
    assert 'href="/u/named_one"' in post.body_html
    told = db.session.scalars(select(Notification.post_id).where(
        Notification.recipient_id == named.id, Notification.kind == NotificationKind.MENTION)).all()
    assert set(told) == {public.id, post.id}
