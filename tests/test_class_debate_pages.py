"""Class debates on the same pages as public ones (issue 20, items 2-4): the columns and
the argument page, that follow the phase, with pseudonyms, privacy and sides for latecomers.
Routes: the status, what changed in the database, what the page shows."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.domain import anonymity, class_rules, classes, posting
from forum.extensions import db
from forum.models import PhaseKind, Post, Role, Stance, StancePoll, utcnow
from tests.conftest import page_queries


def _posts() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


@pytest.fixture
def debate(sided_debate):
    """The sided debate with an argument for each side (by the instructor, not bound by phases)."""
    classroom, topic, pro, con = sided_debate
    ours = posting.create_post(classroom.instructor, topic, "Pay for skilled testing.", stance=Stance.PRO)
    theirs = posting.create_post(classroom.instructor, topic, "Access was the payment.", stance=Stance.CON)
    db.session.commit()
    return classroom, topic, pro, con, ours, theirs


def _banners(html: str) -> int:
    return len(re.findall(r'class="phase-banner[ "]', html))


def _reply_links(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/p/(\d+)/reply"', html)}


# --- The same pages: columns and drill-down -------------------------------------------------

def test_class_debate_opens_on_its_columns_with_sides_and_class_breadcrumb(client, debate, open_phase):
    classroom, topic, pro, _, ours, theirs = debate
    open_phase(topic, PhaseKind.OPENING)
    response = client.login(pro).get(f"/t/{topic.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="column column-pro"' in html and 'class="column column-con"' in html
    assert "For: Pay them" in html and "Against: Volunteer work" in html  # the side names in the header
    assert "Pay for skilled testing." in html and "Access was the payment." in html
    assert re.search(rf'<a href="/classes">Classes</a> ›\s*<a href="/classes/{classroom.id}">{classroom.name}</a> ›'
                     rf'\s*<span aria-current="page">{topic.title}</span>', html)
    assert 'aria-current="page" class="current">Columns' in html and f'href="/t/{topic.id}?view=thread"' in html
    assert client.get(f"/t/{topic.id}?view=columns").get_data(as_text=True).count('class="column column-') == 2
    thread = client.get(f"/t/{topic.id}?view=thread").get_data(as_text=True)
    assert '<ol class="thread">' in thread and "Your side:" in thread


def test_class_argument_page_drills_down_through_the_class(client, debate, open_phase):
    classroom, topic, pro, _, ours, _ = debate
    open_phase(topic, PhaseKind.OPENING)
    html = client.login(pro).get(f"/p/{ours.id}").get_data(as_text=True)
    assert 'class="post argument-focus' in html and "Answers to this argument" in html
    assert re.search(rf'<a href="/classes">Classes</a> ›\s*<a href="/classes/{classroom.id}">{classroom.name}</a> ›'
                     rf'\s*<a href="/t/{topic.id}">', html)
    assert '<ol class="thread">' in client.get(f"/p/{ours.id}?view=thread").get_data(as_text=True)


def test_anonymous_columns_and_arguments_name_students_by_pseudonym(client, make_anonymous_debate):
    topic, alice_post, alice, bruno, classroom = make_anonymous_debate("Alice argues for pay.")
    bruno_post = posting.create_post(bruno, topic, "Bruno argues access was enough.", stance=Stance.CON)
    db.session.commit()
    aliases = anonymity.pseudonyms(topic.id, [alice.id, bruno.id])
    client.login(bruno)
    for url in (f"/t/{topic.id}", f"/p/{alice_post.id}", f"/p/{bruno_post.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "alice_real" not in html and "/u/alice_real" not in html, url
        assert aliases[alice.id] in html or url.endswith(f"/{bruno_post.id}"), url
    columns = client.get(f"/t/{topic.id}").get_data(as_text=True)
    own_card = f'<span class="author pseudonym"><bdi>{aliases[bruno.id]}</bdi></span> <span class="tag">you</span>'
    assert own_card in columns
    argument = client.get(f"/p/{alice_post.id}").get_data(as_text=True)
    assert f"<title>\u2068{aliases[alice.id]}\u2069: an argument" in argument
    teacher = client.login(classroom.instructor).get(f"/t/{topic.id}").get_data(as_text=True)
    assert f'<bdi>{aliases[alice.id]}</bdi></span> <span class="real-name">(<bdi>alice_real</bdi>)' in teacher


@pytest.mark.parametrize("visitor", ["guest", "member", "moderator", "other_instructor", "suspended"])
def test_outsiders_get_404_on_class_columns_and_arguments_warm_or_cold(client, copies, debate, make_user,
                                                                      make_class, visitor):
    _, topic, pro, _, ours, _ = debate
    urls = [f"/t/{topic.id}", f"/t/{topic.id}?view=columns", f"/p/{ours.id}", f"/p/{ours.id}?sort=new"]
    outsider = {"guest": None, "member": make_user(), "moderator": make_user(role=Role.MODERATOR),
                "other_instructor": make_class().instructor,
                "suspended": make_user(suspended_until=utcnow() + timedelta(days=1), suspension_reason="x")}[visitor]
    for warm in (False, True):
        etags = {}
        if warm:  # a member's pages are made (and kept where they may be) first
            client.login(pro)
            for url in urls:
                etags[url] = client.get(url).headers.get("ETag")
        client.logout()
        if outsider is not None:
            client.login(outsider)
        for url in urls:
            headers = {"If-None-Match": etags[url]} if etags.get(url) else {}
            response = client.get(url, headers=headers)
            assert response.status_code == 404, (warm, url, response.status_code)
            assert "Pay for skilled testing." not in response.get_data(as_text=True)


@pytest.mark.parametrize("view", ["columns", "argument", "argument thread"])
def test_class_debate_pages_take_a_fixed_number_of_queries(client, make_class, make_class_debate, make_user,
                                                           open_phase, count_queries, view):
    counts = []
    for n in (3, 30):
        classroom = make_class()
        students = [make_user() for _ in range(n)]
        for student in students:
            classes.join_class(student, classroom.join_code)
        topic = make_class_debate(classroom, anonymous=True, side_mode="random")
        open_phase(topic, PhaseKind.OPENING)
        posts = [posting.create_post(s, topic, "An argument.", stance=class_rules.side_of(topic, s)) for s in students]
        db.session.commit()
        url = {"columns": f"/t/{topic.id}", "argument": f"/p/{posts[0].id}",
               "argument thread": f"/p/{posts[0].id}?view=thread"}[view]
        client.login(students[1])
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        # A first visit to a topic's page also records the member's read mark.
        counts.append(page_queries(queries, read_marks=1 if view == "columns" else 0))
    assert counts[0] == counts[1] <= 10, counts


# --- The page follows the phase -------------------------------------------------------------

def test_opening_offers_a_statement_for_the_students_side_only(client, debate, open_phase):
    _, topic, pro, _, ours, theirs = debate
    open_phase(topic, PhaseKind.OPENING, word_limit=50)
    client.login(pro)
    html = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f'action="/t/{topic.id}/reply#argue"' in html
    assert '<input type="hidden" name="stance" value="pro">' in html and 'name="stance" value="con"' not in html
    assert f'href="/t/{topic.id}?stance=pro#argue"' in html and "stance=con#argue" not in html
    assert 'data-word-limit="50"' in html and "Opening statements: at most 50 words per post." in html
    assert _banners(html) == 1 and "Ends <time" in html and "data-localise" in html
    assert "Post opening statements for your side, “Pay them”" in html
    assert _reply_links(html) == set()
    thread = client.get(f"/t/{topic.id}?view=thread").get_data(as_text=True)
    assert _reply_links(thread) == set() and _banners(thread) == 1
    argument = client.get(f"/p/{theirs.id}").get_data(as_text=True)
    assert f'action="/p/{theirs.id}/reply"' not in argument and "replies wait for the rebuttals" in argument
    assert _banners(argument) == 1


def test_rebuttals_offer_replies_to_the_other_side_only(client, debate, open_phase):
    _, topic, pro, _, ours, theirs = debate
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=4), closes_in=-timedelta(hours=2))
    open_phase(topic, PhaseKind.REBUTTAL, word_limit=80)
    client.login(pro)
    html = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f'action="/t/{topic.id}/reply' not in html and "Answer the other side" in html
    assert "stance=pro#argue" not in html and "stance=con#argue" not in html
    thread = client.get(f"/t/{topic.id}?view=thread").get_data(as_text=True)
    assert _reply_links(thread) == {theirs.id}
    assert _reply_links(client.get(f"/p/{theirs.id}?view=thread").get_data(as_text=True)) == {theirs.id}
    assert _reply_links(client.get(f"/p/{ours.id}?view=thread").get_data(as_text=True)) == set()
    other = client.get(f"/p/{theirs.id}").get_data(as_text=True)
    assert f'action="/p/{theirs.id}/reply"' in other and 'data-word-limit="80"' in other
    own = client.get(f"/p/{ours.id}").get_data(as_text=True)
    assert f'action="/p/{ours.id}/reply"' not in own and "This argument is for your own side." in own
    response = client.post(f"/p/{theirs.id}/reply", data={"body": "Access is not pay.", "stance": "con"})
    assert response.status_code == 302
    assert db.session.scalar(select(Post).where(Post.parent_id == theirs.id)).phase == PhaseKind.REBUTTAL


def test_reply_page_follows_the_phase_and_counts_words_on_preview(client, debate, open_phase):
    _, topic, pro, _, ours, theirs = debate
    open_phase(topic, PhaseKind.REBUTTAL, word_limit=5)
    client.login(pro)
    own = client.get(f"/p/{ours.id}/reply").get_data(as_text=True)
    assert "<textarea" not in own.split('id="main"')[-1] and "This post is for your own side." in own
    other = client.get(f"/p/{theirs.id}/reply").get_data(as_text=True)
    assert 'data-word-limit="5"' in other and "Rebuttals: at most 5 words per post." in other
    preview = client.post(f"/p/{theirs.id}/reply", data={"body": "Access pays no rent at all", "stance": "con",
                                                          "preview": "1"})
    html = preview.get_data(as_text=True)
    assert "Your text: 6 words, 1 over the limit." in html and "Access pays no rent at all</textarea>" in html
    refused = client.post(f"/p/{ours.id}/reply", data={"body": "Kept for my own side", "stance": "pro"})
    assert refused.status_code == 400 and "Kept for my own side</textarea>" in refused.get_data(as_text=True)


def test_live_updates_offer_the_reply_links_the_phase_allows(client, debate, open_phase):
    _, topic, pro, _, ours, theirs = debate
    phase = open_phase(topic, PhaseKind.OPENING)
    client.login(pro)
    assert _reply_links(client.get(f"/t/{topic.id}/updates?after=0").get_json()["html"]) == set()
    phase.closes_at = utcnow() - timedelta(minutes=1)
    open_phase(topic, PhaseKind.REBUTTAL)
    db.session.commit()
    assert _reply_links(client.get(f"/t/{topic.id}/updates?after=0").get_json()["html"]) == {theirs.id}


def test_final_vote_offers_the_after_poll_and_no_post(client, debate, open_phase):
    _, topic, pro, _, _, _ = debate
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=4), closes_in=-timedelta(hours=2))
    open_phase(topic, PhaseKind.FINAL_VOTE)
    client.login(pro)
    html = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f'action="/t/{topic.id}/poll/after"' in html and f'action="/t/{topic.id}/poll/before"' not in html
    assert html.index('id="poll-after-h"') < html.index('id="arguments-h"')  # what the phase is for comes first
    assert f'action="/t/{topic.id}/reply' not in html and "no new posts" in html
    response = client.post(f"/t/{topic.id}/poll/after", data={"value": "1"})
    assert response.status_code == 302 and response.location.endswith(f"/t/{topic.id}#results")
    assert db.session.scalar(select(StancePoll.value).where(StancePoll.user_id == pro.id)) == 1


def test_before_poll_is_answered_on_the_debate_page(client, debate, open_phase):
    _, topic, pro, _, _, _ = debate
    open_phase(topic, PhaseKind.OPENING)
    open_phase(topic, PhaseKind.FINAL_VOTE, opened=-timedelta(hours=3), closes_in=timedelta(hours=4))
    client.login(pro)
    html = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f'action="/t/{topic.id}/poll/before"' in html
    assert f'action="/t/{topic.id}/poll/after"' not in html  # the final vote is not open yet
    response = client.post(f"/t/{topic.id}/poll/before", data={"value": "-1"})
    assert response.status_code == 302 and response.location.endswith(f"/t/{topic.id}#arguments")
    assert db.session.scalar(select(StancePoll.value).where(StancePoll.user_id == pro.id)) == -1
    after = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f'action="/t/{topic.id}/poll/before"' not in after and "Thank you: your answer is recorded." in after
    refused = client.post(f"/t/{topic.id}/poll/after", data={"value": "2"}, follow_redirects=True)
    assert "it opens in the final-vote phase" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StancePoll)) == 1


def test_word_count_on_preview_and_in_the_refusal_with_the_text_kept(client, debate, open_phase):
    _, topic, pro, _, _, _ = debate
    open_phase(topic, PhaseKind.OPENING, word_limit=3)
    client.login(pro)
    before = _posts()
    preview = client.post(f"/t/{topic.id}/reply", data={"body": "one two three four five", "stance": "pro",
                                                         "preview": "1"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Your text: 5 words, 2 over the limit." in html
    assert "one two three four five</textarea>" in html
    refused = client.post(f"/t/{topic.id}/reply", data={"body": "one two three four five", "stance": "pro"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "allows 3 words per post; yours has 5" in html
    assert "one two three four five</textarea>" in html and "Your text: 5 words, 2 over the limit." in html
    short = client.post(f"/t/{topic.id}/reply", data={"body": "one two", "stance": "pro", "preview": "1"})
    assert "Your text: 2 words of 3." in short.get_data(as_text=True)
    assert _posts() == before


# --- Refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["outsider", "moderator", "other_side", "reply_in_opening", "closed_phase",
                                  "suspended"])
def test_class_posting_refusals(client, debate, open_phase, make_user, case):
    _, topic, pro, _, ours, theirs = debate
    if case == "closed_phase":
        open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=3), closes_in=-timedelta(hours=1))
    else:
        open_phase(topic, PhaseKind.OPENING)
    actor = {"outsider": make_user(), "moderator": make_user(role=Role.MODERATOR)}.get(case, pro)
    if case == "suspended":
        pro.suspended_until, pro.suspension_reason = utcnow() + timedelta(days=1), "Cooling off."
        db.session.commit()
    client.login(actor)
    before = _posts()
    if case == "reply_in_opening":
        response = client.post(f"/p/{theirs.id}/reply", data={"body": "Kept reply", "stance": "con"})
    else:
        response = client.post(f"/t/{topic.id}/reply",
                               data={"body": "Kept words", "stance": "con" if case == "other_side" else "pro"})
    expected = {"outsider": 404, "moderator": 404, "suspended": 403}.get(case, 400)
    assert response.status_code == expected
    html = response.get_data(as_text=True)
    if expected == 400:
        assert ("Kept reply" if case == "reply_in_opening" else "Kept words") in html
        assert {"other_side": "Your side is", "reply_in_opening": "top-level statements only",
                "closed_phase": "the last was Opening statements"}[case] in html
    assert _posts() == before
    if case == "suspended":
        page = client.get(f"/t/{topic.id}").get_data(as_text=True)
        assert f'action="/t/{topic.id}/reply' not in page and "can't post" in page


# --- Sides for latecomers --------------------------------------------------------------------

def test_a_latecomer_gets_a_side_at_once_under_balanced_at_random(client, make_class, make_class_debate, make_user,
                                                                   open_phase):
    classroom = make_class(students=3)
    topic = make_class_debate(classroom, side_mode="random")
    open_phase(topic, PhaseKind.OPENING)
    db.session.commit()
    latecomer = make_user()
    response = client.login(latecomer).post("/classes/join", data={"code": classroom.join_code})
    assert response.status_code == 302
    side = class_rules.side_of(topic, latecomer)
    sides = list(class_rules.sides_of(topic).values())
    assert side in ("pro", "con") and sides.count("pro") == sides.count("con") == 2
    html = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert "Your side:" in html and f'<input type="hidden" name="stance" value="{side}">' in html


def test_a_latecomer_is_asked_for_a_side_under_student_choice(client, make_class, make_class_debate, make_user,
                                                              open_phase):
    classroom = make_class(students=1)
    topic = make_class_debate(classroom, side_mode="choice")
    open_phase(topic, PhaseKind.OPENING)
    db.session.commit()
    latecomer = make_user()
    client.login(latecomer).post("/classes/join", data={"code": classroom.join_code})
    assert class_rules.side_of(topic, latecomer) is None
    html = client.get(f"/t/{topic.id}").get_data(as_text=True)
    action = f"/classes/{classroom.id}/debates/{topic.id}/side"
    assert f'action="{action}"' in html and "Choose your side" in html
    assert "You need a side before you can post." in html and f'action="/t/{topic.id}/reply' not in html
    assert client.post(action, data={"side": "con"}).status_code == 302
    assert class_rules.side_of(topic, latecomer) == "con"
    assert 'name="stance" value="con"' in client.get(f"/t/{topic.id}").get_data(as_text=True)
