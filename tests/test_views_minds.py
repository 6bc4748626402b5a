"""What changed minds through the routes: crediting on the "after" poll, each refusal
(the answer given back, nothing stored), the counts on the columns, thread and argument
pages, the results' ranking, the reader's private timeline and the instructor's view."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.domain import classes, debates, moderation, reactions
from forum.extensions import db
from forum.models import PhaseKind, PollAnswer, PollCredit, Role, Stance, StancePoll
from tests.conftest import students_of


@pytest.fixture
def scene(make_debate, make_post, make_user):
    debate = make_debate(title="Paying artists is fair", pro_label="Pay them", con_label="Voluntary is fine")
    args = {name: make_post(topic=debate, stance=stance, body=f"The **{name}** argument.")
            for name, stance in (("royalty", Stance.PRO), ("consent", Stance.PRO), ("market", Stance.CON),
                                 ("cost", Stance.CON))}
    other = make_debate(title="Another motion")
    return dict(debate=debate, elsewhere=make_post(topic=other, stance=Stance.PRO, body="Elsewhere."),
                reply=make_post(parent=args["royalty"], stance=Stance.CON, body="A reply."),
                reader=make_user("reader"), **args)


def _after(client, s, value, *names, ids=None):
    ids = ids if ids is not None else [s[name].id for name in names]
    return client.post(f"/t/{s['debate'].id}/poll/after", data={"value": str(value), "credit": [str(i) for i in ids]})


def _count(model, **where):
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def _answered_before(client, s, value=-1):
    client.login(s["reader"])
    assert client.post(f"/t/{s['debate'].id}/poll/before", data={"value": str(value)}).status_code == 302


def test_a_changed_answer_credits_arguments_and_the_pages_show_it(client, scene):
    s = scene
    _answered_before(client, s)
    page = client.get(f"/t/{s['debate'].id}").text
    assert "which arguments moved you?" in page and 'name="credit"' in page
    response = _after(client, s, 1, "royalty", "market")
    assert response.status_code == 302
    assert _count(PollCredit) == 2
    page = client.get(f"/t/{s['debate'].id}").text
    # Each credited argument says whom it moved, and which way (pro here: −1 → +1).
    assert page.count('class="count-moved"') == 2
    assert "1 <span class=\"count-label\">reader moved (1 toward “<bdi>Pay them</bdi>”, 0 toward" in page
    minds = page[page.index('id="minds-h"'):]
    assert f'href="/p/{s["royalty"].id}"' in minds and f'href="/p/{s["market"].id}"' in minds
    assert minds.count("1 reader moved") == 2 and "No argument has changed a mind yet" not in minds
    # The argument page and the thread view say it too.
    argument = client.get(f"/p/{s['royalty'].id}").text
    assert "Changed the answer of 1 reader: 1 toward “<bdi>Pay them</bdi>”" in argument
    thread = client.get(f"/t/{s['debate'].id}?view=thread").text
    assert "1 reader moved" in thread
    # The reader's timeline: before, then the change with what it credited.
    timeline = page[page.index('id="my-timeline-h"'):]
    assert "Before reading:" in timeline and "Moved 2 steps toward “Pay them”:" in timeline
    assert "The royalty argument." in timeline and "The market argument." in timeline


def test_what_changed_minds_ranks_by_readers_moved_with_delta_beside(client, scene, make_user):
    s = scene
    for reader in (make_user(), make_user()):
        debates.answer_poll(s["debate"], reader, "before", "-1")
        debates.answer_poll(s["debate"], reader, "after", "1", [str(s["consent"].id)])
    debates.answer_poll(s["debate"], make_user(), "before", "1")
    db.session.commit()
    reactions.award_delta(s["royalty"], make_user(),
                          "It showed me the cost to artists, in numbers, and that changed how I weigh it.")
    db.session.commit()
    page = client.get(f"/t/{s['debate'].id}").text
    minds = page[page.index('id="minds-h"'):]
    assert minds.index(f'/p/{s["consent"].id}"') < minds.index(f'/p/{s["royalty"].id}"')
    assert "2 readers moved" in minds and "2 toward “<bdi>Pay them</bdi>”" in minds


@pytest.mark.parametrize("case", ["other debate", "reply", "four", "unchanged", "hidden", "not a number",
                                  "no before"])
def test_each_refused_credit_gives_the_answer_back_and_stores_nothing(client, scene, make_user, case):
    s = scene
    if case != "no before":
        _answered_before(client, s, -1)
    else:
        client.login(s["reader"])
    value, ids = 1, [s["royalty"].id]
    if case == "other debate":
        ids = [s["elsewhere"].id]
    elif case == "reply":
        ids = [s["reply"].id]
    elif case == "four":
        ids = [s[n].id for n in ("royalty", "consent", "market", "cost")]
    elif case == "unchanged":
        value = -1
    elif case == "hidden":
        moderation.hide_post(s["royalty"], make_user(role=Role.MODERATOR), "Pending review.")
        db.session.commit()
    answers_before = _count(PollAnswer)
    if case == "not a number":
        response = client.post(f"/t/{s['debate'].id}/poll/after", data={"value": "1", "credit": ["x1"]})
    else:
        response = _after(client, s, value, ids=ids)
    assert response.status_code == 400
    page = response.text
    assert 'id="poll-after-error" role="alert"' in page
    # The answer chosen comes back chosen, and the arguments ticked (those listed) stay ticked.
    assert re.search(rf'name="value" value="{value}" required checked', page)
    if case == "four":
        assert page.count('name="credit" value=') == 4 and page.count("checked>") >= 4
    assert _count(PollCredit) == 0 and _count(PollAnswer) == answers_before
    assert _count(StancePoll, phase="after") == 0


def test_nobody_sees_anyone_elses_timeline(client, scene, make_user):
    s = scene
    _answered_before(client, s, -2)
    assert _after(client, s, 2, "royalty").status_code == 302
    own = client.get(f"/t/{s['debate'].id}").text
    assert "Your answers over time" in own and "Moved 4 steps" in own
    other = make_user()
    page = client.login(other).get(f"/t/{s['debate'].id}").text
    assert "Moved 4 steps" not in page and "Your answers over time" not in page  # they answered nothing
    assert client.post(f"/t/{s['debate'].id}/poll/before", data={"value": "0"}).status_code == 302
    page = client.get(f"/t/{s['debate'].id}").text
    timeline = page[page.index('id="my-timeline-h"'):page.index('id="minds-h"')]
    assert "Before reading:" in timeline and "undecided" in timeline and "Moved 4 steps" not in timeline
    assert "Your answers over time" not in client.logout().get(f"/t/{s['debate'].id}").text
    # No URL names a reader's timeline: the poll routes take no member.
    assert client.login(other).get(f"/t/{s['debate'].id}/poll?user={s['reader'].id}").text.count("Moved 4") == 0


def test_a_timeline_change_is_never_answered_with_the_old_page(client, scene):
    """A history row alone (no current answer, no credit) leaves the topic's version:
    the reader's own page still changes (pages/viewer.py)."""
    s = scene
    client.login(s["reader"])
    url = f"/t/{s['debate'].id}"
    first = client.get(url)
    db.session.add(PollAnswer(topic_id=s["debate"].id, user_id=s["reader"].id, phase="before", value=2))
    db.session.commit()
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "I strongly agree: “Pay them”" in again.text.split('id="my-timeline-h"')[1]


@pytest.mark.parametrize("signed_in", ["guest", "credited reader"])
def test_debate_pages_queries_stay_fixed_with_credits(client, make_debate, make_post, make_user, count_queries,
                                                      signed_in):
    counts = {}
    for size in (4, 40):
        debate = make_debate()
        posts = [make_post(topic=debate, stance=(Stance.PRO, Stance.CON)[i % 2], body=f"Argument {i}.")
                 for i in range(size)]
        for i in range(size // 2):
            reader = make_user()
            debates.answer_poll(debate, reader, "before", "-1")
            debates.answer_poll(debate, reader, "after", "1", [str(posts[i].id), str(posts[-1 - i].id)])
        me = make_user()
        debates.answer_poll(debate, me, "before", "-1")
        for value in (1, 2, -2):
            debates.answer_poll(debate, me, "after", str(value), [str(posts[0].id)] if value != -1 else [])
        db.session.commit()
        if signed_in == "guest":
            client.logout()
        else:
            client.login(me)
        for name, url in (("columns", f"/t/{debate.id}"), ("argument", f"/p/{posts[0].id}"),
                          ("thread", f"/t/{debate.id}?view=thread")):
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counts.setdefault(name, []).append(len(queries))
    for name, (small, big) in counts.items():
        assert small == big, (name, counts)
    assert counts["columns"][0] <= 10 and counts["argument"][0] <= 10, counts


# --- the class dashboard: an instructor sees their students' timelines ---------------------

@pytest.fixture
def class_scene(make_class, make_class_debate, open_phase, make_post):
    classroom = make_class(students=2)
    topic = make_class_debate(classroom, anonymous=True)
    pro, con = students_of(classroom)
    classes.set_sides(topic, {pro.id: Stance.PRO, con.id: Stance.CON})
    open_phase(topic, PhaseKind.OPENING)
    argument = make_post(topic=topic, author=pro, stance=Stance.PRO, body="Pay the red-teamers.")
    debates.answer_poll(topic, con, "before", "-2")
    db.session.commit()
    open_phase(topic, PhaseKind.FINAL_VOTE, opened=timedelta(minutes=5))
    debates.answer_poll(topic, con, "after", "1", [str(argument.id)])
    db.session.commit()
    return classroom, topic, pro, con


def _dashboard(topic):
    return f"/classes/{topic.class_id}/debates/{topic.id}/dashboard"


def test_the_instructor_sees_each_students_timeline_with_real_names(client, class_scene):
    classroom, topic, pro, con = class_scene
    page = client.login(classroom.instructor).get(_dashboard(topic)).text
    section = page[page.index('id="timelines-h"'):]
    assert con.name in section  # the pseudonym with the real name, as the dashboard names students
    assert "Moved 3 steps toward “Pay them”" in section and "Pay the red-teamers." in section


def test_no_one_else_reaches_a_students_timeline(client, class_scene, make_class, make_user):
    classroom, topic, pro, con = class_scene
    assert client.login(pro).get(_dashboard(topic)).status_code == 403  # a student: the dashboard's own rule
    assert client.login(make_class().instructor).get(_dashboard(topic)).status_code == 404
    assert client.login(make_user()).get(_dashboard(topic)).status_code == 404
    # The classmate's debate page shows only their own timeline.
    page = client.login(pro).get(f"/t/{topic.id}").text
    assert "Moved 3 steps" not in page


def test_the_results_say_why_the_winner_and_the_net_shift_disagree(client, make_debate, make_user):
    debate = make_debate(title="A motion", pro_label="Pay them", con_label="Voluntary is fine")
    # Four soften from strongly con to leaning con; two leaning pro become undecided; four stay leaning pro.
    for before, after in [(-2, -1)] * 4 + [(1, 0)] * 2 + [(1, 1)] * 4:
        reader = make_user()
        debates.answer_poll(debate, reader, "before", str(before))
        debates.answer_poll(debate, reader, "after", str(after))
    db.session.commit()
    results = client.get(f"/t/{debate.id}").text
    why = results[results.index('id="why-measures"'):]
    assert "Here they point different ways." in why and "percentage points" in why
    assert "(toward “Pay them”)" in results  # the net shift, while "Voluntary is fine" lost no share
