"""Debate routes: pages (status, content, fixed queries), actions (database), refusals."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.domain import debates, reactions
from forum.extensions import db
from forum.models import Delta, Post, Role, Source, SourceRequest, Stance, StancePoll, Topic, Vote, utcnow
from forum.pages import debate_pages

REASON = "I thought voluntary testing was harmless; this showed me who can afford to volunteer."


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def member(make_user):
    return make_user()


@pytest.fixture
def debate(make_debate):
    return make_debate(title="Testers should be paid", pro_label="Pay them", con_label="Voluntary is fine")


@pytest.fixture
def argument(debate, make_post):
    return make_post(topic=debate, stance=Stance.PRO, body="Testing is **work**.")


# --- Pages ------------------------------------------------------------------

def test_debate_opens_on_columns(client, debate, make_post):
    make_post(topic=debate, stance=Stance.PRO, body="A pro argument")
    make_post(topic=debate, stance=Stance.CON, body="A con argument")
    html = client.get(f"/t/{debate.id}").get_data(as_text=True)
    assert "Testers should be paid" in html
    assert 'class="column column-pro"' in html and 'class="column column-con"' in html
    # Pro first (left, and on top when stacked), each side named in words.
    columns = html[html.index('id="arguments"'):]
    assert columns.index("For: Pay them") < columns.index("A pro argument") \
        < columns.index("Against: Voluntary is fine") < columns.index("A con argument")
    assert 'href="/t/%d?view=thread"' % debate.id in html


def test_thread_view_is_one_click_away(client, debate, argument, make_post):
    make_post(parent=argument, stance=Stance.CON, body="A rebuttal")
    html = client.get(f"/t/{debate.id}?view=thread").get_data(as_text=True)
    assert 'class="thread"' in html and "A rebuttal" in html and "Challenges" in html
    assert f'href="/t/{debate.id}"' in html  # back to columns


@pytest.mark.parametrize("sort, first", [("votes", "Popular"), ("new", "Newest"), ("deltas", "Moving")])
def test_cards_sort(client, debate, make_post, make_user, sort, first):
    popular = make_post(topic=debate, stance=Stance.PRO, body="Popular")
    moving = make_post(topic=debate, stance=Stance.PRO, body="Moving")
    make_post(topic=debate, stance=Stance.PRO, body="Newest")
    for _ in range(2):
        reactions.vote(popular, make_user())
    reactions.award_delta(moving, make_user(), REASON)
    db.session.commit()
    html = client.get(f"/t/{debate.id}?sort={sort}").get_data(as_text=True)
    positions = {body: html.index(f"<p>{body}</p>") for body in ("Popular", "Moving", "Newest")}
    assert min(positions, key=positions.get) == first


def test_thread_view_sorts_best_first(client, debate, make_post, make_user):
    make_post(topic=debate, stance=Stance.PRO, body="Older and plain")
    best = make_post(topic=debate, stance=Stance.CON, body="Newer and strong")
    reactions.vote(best, make_user())
    db.session.commit()
    html = client.get(f"/t/{debate.id}?view=thread&sort=best").get_data(as_text=True)
    assert html.index("Newer and strong") < html.index("Older and plain")


def test_argument_page_shows_answers_side_by_side_and_the_way_back(client, debate, argument, make_post):
    rebuttal = make_post(parent=argument, stance=Stance.CON, body="A rebuttal")
    support = make_post(parent=rebuttal, stance=Stance.PRO, body="Supporting the rebuttal")
    make_post(parent=support, stance=Stance.CON, body="Deeper")
    html = client.get(f"/p/{support.id}").get_data(as_text=True)
    start = html.index('class="breadcrumb')
    crumbs = html[start:html.index("</nav>", start)]
    assert f'href="/t/{debate.id}"' in crumbs and f'href="/p/{argument.id}"' in crumbs \
        and f'href="/p/{rebuttal.id}"' in crumbs
    assert crumbs.index(f"/p/{argument.id}") < crumbs.index(f"/p/{rebuttal.id}")
    assert "Deeper" in html[html.index('column column-con'):]
    assert 'name="stance" value="pro"' in html and 'name="stance" value="con"' in html
    assert f'href="/p/{support.id}?view=thread"' in html


def test_argument_thread_view_nests(client, argument, make_post):
    reply = make_post(parent=argument, stance=Stance.CON, body="A rebuttal")
    make_post(parent=reply, body="A question?", stance=None)
    html = client.get(f"/p/{argument.id}?view=thread").get_data(as_text=True)
    assert html.count('class="node"') == 3 and "Comment" in html


def test_sources_are_shown_with_safe_rel(client, argument):
    reactions.add_source(argument, argument.author, "Red team", "https://en.wikipedia.org/wiki/Red_team")
    db.session.commit()
    html = client.get(f"/p/{argument.id}").get_data(as_text=True)
    assert '<a href="https://en.wikipedia.org/wiki/Red_team" rel="nofollow ugc noopener">Red team</a>' in html


def test_results_and_what_changed_minds(client, debate, argument, make_user):
    reactions.award_delta(argument, make_user(), REASON)
    for before, after in [(-1, 1), (0, 1), (1, 1)]:
        user = make_user()
        debates.answer_poll(debate, user, "before", before)
        debates.answer_poll(debate, user, "after", after)
    db.session.commit()
    html = client.get(f"/t/{debate.id}").get_data(as_text=True)
    minds = html[html.index('id="minds-h"'):]
    assert "Testing is work" in minds
    assert "Net shift: <strong>+1.00</strong>" in html
    assert "2 people moved toward “Pay them”" in html
    assert "wins this debate" not in html
    debates.close_debate(debate, debate.author)
    db.session.commit()
    html = client.get(f"/t/{debate.id}").get_data(as_text=True)
    assert "“Pay them” moved more people and wins this debate." in html
    assert "Before you read on" not in html and "Where do you stand now?" not in html


def test_before_poll_is_offered_until_answered(client, debate, member):
    client.login(member)
    assert "Before you read on" in client.get(f"/t/{debate.id}").get_data(as_text=True)
    debates.answer_poll(debate, member, "before", 1)
    db.session.commit()
    assert "Before you read on" not in client.get(f"/t/{debate.id}").get_data(as_text=True)


def test_profile_shows_deltas_received(client, argument, make_user):
    reactions.award_delta(argument, make_user(), REASON)
    db.session.commit()
    html = client.get(f"/u/{argument.author.username}").get_data(as_text=True)
    assert "1 ∆ received" in html and REASON in html



def test_profile_links_each_debate_post_and_delta(client, argument, debate, make_topic, make_user):
    """The profile's links come from patterns built once per page: each must be
    the URL url_for gives."""
    author = argument.author
    started = make_topic(author=author, title="A topic of their own")
    reactions.award_delta(argument, make_user(), REASON)
    db.session.commit()
    html = client.get(f"/u/{author.username}").get_data(as_text=True)
    debates = html[html.index('id="debates-h"'):html.index('id="deltas-h"')]
    assert f'<a href="/t/{debate.id}">Testers should be paid</a>' in debates and "Pay them" in debates
    assert "1 argument" in debates
    assert f'<a href="/t/{started.id}">A topic of their own</a>' in debates
    deltas = html[html.index('id="deltas-h"'):html.index('id="posts-h"')]
    assert f'<a href="/p/{argument.id}">an argument in “Testers should be paid”</a>' in deltas
    posts = html[html.index('id="posts-h"'):]
    assert f'In <a href="/t/{debate.id}">Testers should be paid</a>' in posts
    assert f'<a href="/p/{argument.id}"><time' in posts


def test_delta_permalink_page(client, argument, make_user):
    reactions.award_delta(argument, make_user(), REASON)
    db.session.commit()
    html = client.get(f"/p/{argument.id}/deltas").get_data(as_text=True)
    assert REASON in html and "What this post changed (1)" in html


def _fill_debate(debate, n: int, make_user):
    people = [make_user() for _ in range(3)]
    for i in range(n):
        post = Post(topic_id=debate.id, author_id=people[i % 3].id, stance=("pro", "con")[i % 2],
                    body_md=f"Argument {i}", body_html=f"<p>Argument {i}</p>", vote_count=i % 7)
        db.session.add(post)
    db.session.commit()
    return people


@pytest.mark.parametrize("signed_in", [False, True])
def test_columns_view_queries_do_not_grow(client, make_debate, make_user, count_queries, signed_in):
    small, big = make_debate(), make_debate()
    _fill_debate(small, 10, make_user)
    _fill_debate(big, 500, make_user)
    if signed_in:
        client.login(make_user())
    with count_queries() as q_small:
        assert client.get(f"/t/{small.id}").status_code == 200
    with count_queries() as q_big:
        response = client.get(f"/t/{big.id}")
    assert response.status_code == 200
    assert len(q_small) == len(q_big) <= 10
    # A page of each side, whatever the debate's size.
    assert response.get_data(as_text=True).count('<li class="card ') == 2 * debate_pages.ARGUMENTS_PER_COLUMN


@pytest.mark.parametrize("signed_in", [False, True])
def test_argument_page_queries_do_not_grow(client, make_debate, make_user, make_post, count_queries, signed_in):
    debate = make_debate()
    pages = []
    for n in (10, 500):
        root = make_post(topic=debate, stance=Stance.PRO)
        middle = make_post(parent=root, stance=Stance.CON)
        reactions.add_source(middle, middle.author, "A source", "https://example.org/")
        for i in range(n):
            db.session.add(Post(topic_id=debate.id, author_id=root.author_id, parent_id=middle.id,
                                root_id=root.id, depth=2, stance=("pro", "con", None)[i % 3],
                                body_md=f"Answer {i}", body_html=f"<p>Answer {i}</p>"))
        db.session.commit()
        pages.append(middle.id)
    if signed_in:
        client.login(make_user())
    counts = []
    for post_id in pages:
        with count_queries() as q:
            response = client.get(f"/p/{post_id}")
        assert response.status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1] <= 10
    assert response.get_data(as_text=True).count('<li class="card ') == 3 * debate_pages.ARGUMENTS_PER_COLUMN


# --- Actions ----------------------------------------------------------------

def test_instructor_starts_a_debate(client, make_user, make_article):
    article = make_article(slug="sora-leak")
    client.login(make_user(role=Role.INSTRUCTOR))
    assert 'value="For"' in client.get("/debates/new?article=sora-leak").get_data(as_text=True)
    response = client.post("/debates/new?article=sora-leak", data={
        "title": "Leaking was right", "body": "Was it?", "pro_label": "Right", "con_label": "Wrong",
        "passage": article.passages[0].anchor})
    topic = db.session.scalar(select(Topic))
    assert response.status_code == 302 and response.location.endswith(f"/t/{topic.id}")
    assert (topic.kind, topic.pro_label, topic.con_label, topic.passage_id) == (
        "debate", "Right", "Wrong", article.passages[0].id)


def test_start_debate_keeps_the_text_on_error(client, make_user, make_article):
    make_article(slug="sora-leak")
    client.login(make_user(role=Role.MODERATOR))
    response = client.post("/debates/new?article=sora-leak", data={"title": "", "body": "My long description"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The title can&#39;t be empty." in html and "My long description" in html
    assert _count(Topic) == 0


@pytest.mark.parametrize("who, status", [
    ("member", 403), ("suspended", 403),
])
def test_start_debate_refusals(client, make_user, make_article, who, status):
    make_article(slug="sora-leak")
    user = (make_user() if who == "member" else
            make_user(role=Role.INSTRUCTOR, suspended_until=utcnow() + timedelta(days=2)))
    client.login(user)
    assert client.post("/debates/new?article=sora-leak", data={"title": "T", "body": "B"}).status_code == status
    assert _count(Topic) == 0


def test_guest_is_sent_to_log_in_and_back(client, debate, argument):
    response = client.get("/debates/new")
    assert response.status_code == 302 and "/auth/login?next=" in response.location
    for url, data in [(f"/p/{argument.id}/vote", {}), (f"/p/{argument.id}/deltas", {"explanation": REASON}),
                      (f"/t/{debate.id}/poll/before", {"value": "1"}), (f"/p/{argument.id}/needs-source", {}),
                      (f"/t/{debate.id}/reply", {"body": "My pro", "stance": "pro"})]:
        response = client.post(url, data=data, headers={"Referer": f"http://localhost/t/{debate.id}"})
        html = response.get_data(as_text=True)
        assert response.status_code == 401 and 'name="password"' in html, url
        assert f'value="/t/{debate.id}"' in html  # the way back after signing in
    assert "My pro" in html  # the text is kept on the sign-in page
    assert (_count(Vote), _count(Delta), _count(StancePoll), _count(SourceRequest), _count(Post)) == (0, 0, 0, 0, 1)


def test_post_argument_requires_a_side(client, debate, member):
    client.login(member)
    response = client.post(f"/t/{debate.id}/reply", data={"body": "My argument without a side"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Say which side this argument takes" in html and "My argument without a side" in html
    assert 'class="column column-pro"' in html  # still the columns view
    assert _count(Post) == 0
    response = client.post(f"/t/{debate.id}/reply", data={"body": "For!", "stance": "pro",
                                                           "sources": "A study https://example.org/study"})
    post = db.session.scalar(select(Post))
    assert response.status_code == 302 and post.stance == "pro" and post.sources[0].url == "https://example.org/study"


def test_reply_requires_a_stance_and_counts_it(client, argument, member):
    client.login(member)
    response = client.post(f"/p/{argument.id}/reply", data={"body": "Undecided text"})
    assert response.status_code == 400 and "Undecided text" in response.get_data(as_text=True)
    response = client.post(f"/p/{argument.id}/reply", data={"body": "I disagree", "stance": "con"})
    assert response.status_code == 302
    db.session.refresh(argument)
    assert (argument.con_count, argument.reply_count) == (1, 1)


def test_vote_and_withdraw_routes(client, argument, member):
    client.login(member)
    response = client.post(f"/p/{argument.id}/vote", data={"next": f"/t/{argument.topic_id}"})
    assert response.status_code == 302 and response.location.endswith(f"/t/{argument.topic_id}")
    db.session.refresh(argument)
    assert argument.vote_count == 1 and _count(Vote) == 1
    assert "Voted “strong argument”" in client.get(f"/p/{argument.id}").get_data(as_text=True)
    client.post(f"/p/{argument.id}/vote")
    html = client.get(f"/p/{argument.id}").get_data(as_text=True)
    assert "You already voted for this post." in html and _count(Vote) == 1
    client.post(f"/p/{argument.id}/vote/withdraw")
    db.session.refresh(argument)
    assert argument.vote_count == 0 and _count(Vote) == 0


def test_vote_on_own_post_is_refused(client, argument):
    client.login(argument.author)
    client.post(f"/p/{argument.id}/vote")
    assert "You can&#39;t vote for your own post." in client.get(f"/p/{argument.id}").get_data(as_text=True)
    assert _count(Vote) == 0


def test_award_delta_route(client, argument, member):
    client.login(member)
    response = client.post(f"/p/{argument.id}/deltas", data={"explanation": "Too short to count"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "at least 50 characters" in html and "Too short to count" in html
    assert _count(Delta) == 0
    response = client.post(f"/p/{argument.id}/deltas", data={"explanation": REASON})
    assert response.status_code == 302
    db.session.refresh(argument)
    assert argument.delta_count == 1
    assert "You awarded a ∆ to this argument." in client.get(f"/p/{argument.id}").get_data(as_text=True)


def test_poll_routes(client, debate, member):
    client.login(member)
    client.post(f"/t/{debate.id}/poll/before", data={"value": "-2"})
    client.post(f"/t/{debate.id}/poll/after", data={"value": "1"})
    client.post(f"/t/{debate.id}/poll/after", data={"value": "2"})
    rows = dict(db.session.execute(select(StancePoll.phase, StancePoll.value)).all())
    assert rows == {"before": -2, "after": 2}
    refused = client.post(f"/t/{debate.id}/poll/after", data={"value": "7"})
    # Refused on the debate's page itself (minds.py's refusals give the answer back there too).
    assert refused.status_code == 400 and "Choose where you stand" in refused.get_data(as_text=True)


def test_needs_source_and_add_source_routes(client, argument, member):
    client.login(member)
    client.post(f"/p/{argument.id}/needs-source")
    db.session.refresh(argument)
    assert argument.needs_source_count == 1
    assert client.post(f"/p/{argument.id}/sources", data={"title": "X", "url": "https://x.org"}).status_code == 403
    client.login(argument.author)
    response = client.post(f"/p/{argument.id}/sources", data={"title": "My study", "url": "javascript:alert(1)"})
    assert response.status_code == 400 and "My study" in response.get_data(as_text=True)
    assert _count(Source) == 0
    response = client.post(f"/p/{argument.id}/sources", data={"title": "My study", "url": "https://x.org/s"})
    assert response.status_code == 302 and _count(Source) == 1


@pytest.mark.parametrize("who, allowed", [
    ("author", True), ("moderator", True), ("admin", True), ("member", False), ("other_instructor", False),
])
def test_close_and_reopen_permissions(client, debate, make_user, who, allowed):
    user = {"author": lambda: debate.author, "moderator": lambda: make_user(role=Role.MODERATOR),
            "admin": lambda: make_user(role=Role.ADMIN), "member": make_user,
            "other_instructor": lambda: make_user(role=Role.INSTRUCTOR)}[who]()
    client.login(user)
    response = client.post(f"/t/{debate.id}/close")
    db.session.refresh(debate)
    assert response.status_code == (302 if allowed else 403)
    assert (debate.closed_at is not None) == allowed
    if allowed:
        client.post(f"/t/{debate.id}/reopen")
        db.session.refresh(debate)
        assert debate.closed_at is None


@pytest.mark.parametrize("url, data, model", [
    ("/p/{post}/vote", {}, Vote),
    ("/p/{post}/deltas", {"explanation": REASON}, Delta),
    ("/t/{topic}/poll/after", {"value": "1"}, StancePoll),
    ("/p/{post}/needs-source", {}, SourceRequest),
    ("/t/{topic}/reply", {"body": "Late argument", "stance": "pro"}, Post),
    ("/p/{post}/reply", {"body": "Late answer", "stance": "con"}, Post),
])
def test_closed_debate_refuses_everything(client, debate, argument, member, url, data, model):
    debates.close_debate(debate, debate.author)
    db.session.commit()
    before = _count(model)
    client.login(member)
    response = client.post(url.format(post=argument.id, topic=debate.id), data=data)
    assert _count(model) == before
    page = response.get_data(as_text=True) if response.status_code == 400 else \
        client.get(response.location).get_data(as_text=True)
    assert "closed" in page


@pytest.mark.parametrize("url", ["/p/{post}/vote", "/p/{post}/deltas", "/t/{topic}/poll/before",
                                 "/p/{post}/needs-source"])
def test_suspended_member_cannot_react(client, debate, argument, make_user, url):
    client.login(make_user(suspended_until=utcnow() + timedelta(days=1)))
    response = client.post(url.format(post=argument.id, topic=debate.id), data={"explanation": REASON, "value": "1"})
    assert response.status_code == 403
    assert (_count(Vote), _count(Delta), _count(StancePoll), _count(SourceRequest)) == (0, 0, 0, 0)


def test_buttons_follow_the_permission(client, debate, argument, make_user):
    guest_html = client.get(f"/p/{argument.id}").get_data(as_text=True)
    assert "Strong argument" in guest_html  # a guest who presses it is asked to sign in
    client.login(make_user(suspended_until=utcnow() + timedelta(days=1)))
    html = client.get(f"/p/{argument.id}").get_data(as_text=True)
    assert "Strong argument" not in html and "Award a ∆" not in html
    assert "Before you read on" not in client.get(f"/t/{debate.id}").get_data(as_text=True)
    client.login(argument.author)
    assert "Strong argument" not in client.get(f"/p/{argument.id}").get_data(as_text=True)


def test_poll_page_answers_and_shows_results(client, make_user, make_topic):
    from forum.models import StancePoll, TopicKind
    debate = make_topic(kind=TopicKind.DEBATE, title="Polls on their own page")
    member = make_user()
    page = client.login(member).get(f"/t/{debate.id}/poll")
    assert page.status_code == 200 and "Record my starting position" in page.get_data(as_text=True)
    response = client.post(f"/t/{debate.id}/poll/before", data={"value": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(StancePoll.value).where(StancePoll.user_id == member.id)) == 1
    html = client.get(f"/t/{debate.id}/poll").get_data(as_text=True)
    assert "Record my starting position" not in html and "Save where I stand now" in html


def test_poll_page_of_a_discussion_is_404(client, make_topic):
    assert client.get(f"/t/{make_topic().id}/poll").status_code == 404
