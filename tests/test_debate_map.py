"""The map of a debate (issue 22, item 4): the layout, what the page draws and
says, who may see it, pseudonyms, caching, and a fixed number of queries."""
import re

import pytest

from forum.domain import anonymity, classes, moderation, posting
from forum.extensions import db
from forum.models import Post, Role, Stance
from forum.pages import debate_map
from forum.pages.debate_map import DRAWN, HALF, INDENT, R_MAX, R_MIN, Branch, Node, layout, radius


# --- layout (pure) -----------------------------------------------------------------

def _node(id_, stance, replies=0, children=(), depth=0, tombstone=False):
    return Node(id_, None, depth, stance, "For" if stance == Stance.PRO else "Against", f"Author {id_}",
                f"The words of post {id_}", replies, tombstone, list(children))


def test_layout_puts_each_side_in_its_half_one_row_a_node_indented_by_level():
    answer = _node(3, Stance.CON, depth=1)
    pro = Branch("pro", "For", "Pay them", 1, [_node(1, Stance.PRO, replies=1, children=[answer])])
    con = Branch("con", "Against", "Voluntary", 1, [_node(2, Stance.CON)])
    plan = layout("Pay the testers", [pro, con])
    at = {item.node.id: item for item in plan.placed if item.node}
    assert at[1].x < HALF and at[3].x < HALF and at[2].x > HALF
    assert at[3].x == at[1].x + INDENT and at[3].y > at[1].y
    assert at[1].y == at[2].y  # each branch starts at the top of its half
    assert [head.line1 for head in plan.heads] == ["For: Pay them", "Against: Voluntary"]
    assert plan.motion == "Pay the testers" and plan.height > at[3].y
    # The motion joins each head, each parent its children: 2 + 3 edges.
    assert len(plan.edges) == 5
    assert all(text.startswith(("For ·", "Against ·")) for text in (at[1].line1, at[2].line1))
    assert at[1].line1 == "For · Author 1 · 1 reply" and at[1].line2 == "The words of post 1"


def test_layout_sizes_nodes_by_replies_and_shapes_them_by_stance():
    nodes = [_node(1, Stance.PRO, replies=0), _node(2, Stance.PRO, replies=9), _node(3, Stance.PRO, replies=500)]
    comment = Node(4, 1, 1, None, "Comment", "A", "Words", 0)
    nodes[0].children.append(comment)
    nodes[0].replies = 1
    plan = layout("M", [Branch("pro", "For", "Yes", 3, nodes), Branch("con", "Against", "No", 1,
                                                                      [_node(5, Stance.CON)])])
    r = {item.node.id: item.r for item in plan.placed if item.node}
    assert r[5] == R_MIN and r[1] < r[2] < r[3] == R_MAX
    assert radius(0) == R_MIN and radius(36) == R_MAX == radius(10_000)
    shapes = {item.node.id: item.node.shape for item in plan.placed if item.node}
    assert shapes == {1: "circle", 2: "circle", 3: "circle", 4: "square", 5: "diamond"}


def test_layout_says_what_is_left_out_and_clips_long_text():
    argument = _node(1, Stance.PRO, replies=45, children=[_node(2, Stance.CON, depth=1)])
    argument.snippet = "word " * 60
    plan = layout("x" * 300, [Branch("pro", "For", "Yes", 50, [argument]), Branch("con", "Against", "No", 0, [])])
    more = [(item.more, item.more_of, item.line1) for item in plan.placed if item.more]
    assert more == [(44, 1, "and 44 more →"), (49, None, "and 49 more →")]
    first = next(item for item in plan.placed if item.node and item.node.id == 1)
    assert first.line2.endswith("…") and len(first.line2) * debate_map.CHAR_WIDTH < HALF
    assert len(plan.motion) <= 110 and plan.motion.endswith("…")


def test_snippet_is_plain_text_even_when_the_html_is_cut_inside_a_tag():
    assert debate_map.snippet("<p>Fish &amp; <strong>chips</strong> for <a href=\"https://exa") == "Fish & chips for"


# --- the page ----------------------------------------------------------------------

@pytest.fixture
def small_debate(make_debate, make_user, make_post):
    debate = make_debate(pro_label="Pay them", con_label="Voluntary is fine")
    maya = make_user("maya", display_name="Maya Okafor")
    pro = make_post(topic=debate, author=maya, body="Testers are **workers** and deserve pay.", stance=Stance.PRO)
    con = make_post(topic=debate, body="Volunteering keeps red-teaming open to all.", stance=Stance.CON)
    challenge = make_post(parent=pro, body="Paying changes who turns up.", stance=Stance.CON)
    db.session.commit()
    return debate, pro, con, challenge


def test_map_draws_the_tree_and_its_outline(client, small_debate):
    debate, pro, con, challenge = small_debate
    response = client.get(f"/t/{debate.id}/map")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    svg = html[html.index("<svg"):html.index("</svg>")]
    for post in (pro, con, challenge):
        assert f'href="/p/{post.id}"' in svg and html.count(f'href="/p/{post.id}"') == 2  # drawn and outlined
    assert svg.count("<circle") == 2 and svg.count("<polygon") == 3  # pro + its head; con, challenge, con's head
    assert "For · Maya Okafor · 1 reply" in svg and "Testers are workers and deserve pay." in svg
    outline = html[html.index('class="map-outline"'):html.index("<figure")]
    assert re.search(r"For</span>\s*· <bdi>Maya Okafor</bdi>: <span class=\"map-snippet\">Testers are workers", outline)
    assert "Challenges</span>" in outline and "(1 reply)" in outline and "(0 replies)" in outline
    assert "The map draws all 3 posts" in html
    assert "**" not in html.replace("<strong>", "")


def test_columns_and_thread_link_to_the_map(client, small_debate):
    debate = small_debate[0]
    for url in (f"/t/{debate.id}", f"/t/{debate.id}?view=thread"):
        assert f'href="/t/{debate.id}/map">Map</a>' in client.get(url).get_data(as_text=True)


def test_a_discussion_has_no_map(client, make_topic):
    assert client.get(f"/t/{make_topic().id}/map").status_code == 404
    assert client.get("/t/999999/map").status_code == 404


def _grow(debate, author, arguments: int, answers: int) -> None:
    """`arguments` per side, each with `answers` answers, each of those with two: straight into the table."""
    for i in range(arguments):
        for stance in ("pro", "con"):
            top = Post(topic_id=debate.id, author_id=author.id, stance=stance, depth=0, vote_count=i,
                       body_md=f"{stance} {i}", body_html=f"<p>{stance} {i}</p>", reply_count=answers)
            db.session.add(top)
            db.session.flush()
            for j in range(answers):
                mid = Post(topic_id=debate.id, author_id=author.id, stance="con", parent_id=top.id, root_id=top.id,
                           depth=1, body_md="a", body_html=f"<p>answer {j}</p>", reply_count=2)
                db.session.add(mid)
                db.session.flush()
                db.session.add_all(Post(topic_id=debate.id, author_id=author.id, stance=None, parent_id=mid.id,
                                        root_id=top.id, depth=2, body_md="c", body_html="<p>deep</p>")
                                   for _ in range(2))
    debate.post_count = arguments * 2 * (1 + 3 * answers)
    db.session.commit()


def test_a_huge_debate_draws_its_top_and_says_so(client, make_debate, make_user):
    debate = make_debate()
    _grow(debate, make_user(), 12, 5)
    html = client.get(f"/t/{debate.id}/map").get_data(as_text=True)
    drawn = 2 * DRAWN[0] * (1 + DRAWN[1] * (1 + DRAWN[2]))
    assert f"The map draws {drawn} of the debate's {12 * 2 * 16} posts" in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count('class="map-node') == drawn
    assert "pro 11" in svg and "pro 3" not in svg.replace("pro 3 ", "")  # the most-voted arguments
    assert svg.count(">and 4 more →<") == 2  # arguments per side left out
    assert svg.count(">and 2 more →<") == 2 * DRAWN[0]  # each argument's answers left out
    assert f'href="/t/{debate.id}#col-pro-h">and 4 more arguments →' in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_map_queries_do_not_grow(client, make_debate, make_user, count_queries, signed_in):
    small, big = make_debate(), make_debate()
    author = make_user()
    _grow(small, author, 1, 1)
    _grow(big, author, 30, 6)
    if signed_in:
        client.login(make_user())
    counts = []
    for debate in (small, big):
        with count_queries() as q:
            assert client.get(f"/t/{debate.id}/map").status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1] <= (3 if not signed_in else 5)
    assert sum("WITH ranked" in statement for statement in q) == 1  # the tree: one query


def test_tombstones_follow_the_moderation_rules(client, small_debate, make_user):
    debate, pro, con, challenge = small_debate
    moderator = make_user(role=Role.MODERATOR)
    moderation.remove_post(pro, moderator, "Off-topic")
    posting.delete_post(con, con.author)
    db.session.commit()
    html = client.get(f"/t/{debate.id}/map").get_data(as_text=True)
    assert "deserve pay" not in html and "Volunteering keeps" not in html
    assert "Removed by a moderator: Off-topic" in html and "This post was deleted by its author." in html
    assert "Paying changes who turns up." in html  # its answers stay
    html = client.login(moderator).get(f"/t/{debate.id}/map").get_data(as_text=True)
    assert "deserve pay" in html and "Volunteering keeps" not in html


# --- who sees it ------------------------------------------------------------------

@pytest.fixture
def private_debate(make_class, make_class_debate, make_user):
    classroom = make_class(name="Private class")
    student = make_user("classmate")
    classes.join_class(student, classroom.join_code)
    topic = make_class_debate(classroom, title="Private motion")
    post = Post(topic_id=topic.id, author_id=classroom.created_by.id, stance="pro", depth=0,
                body_md="Private words", body_html="<p>Private words</p>")
    db.session.add(post)
    db.session.commit()
    return topic, classroom, student


@pytest.mark.parametrize("visitor, status", [("guest", 404), ("member", 404), ("outsider", 404),
                                             ("classmate", 200), ("teacher", 200)])
def test_a_private_class_debate_map_is_404_outside_the_class(client, private_debate, make_user, make_class,
                                                            visitor, status):
    topic, classroom, student = private_debate
    if visitor == "outsider":
        other = make_class()
        outsider = make_user()
        classes.join_class(outsider, other.join_code)
        client.login(outsider)
    elif visitor != "guest":
        client.login({"member": make_user(), "classmate": student, "teacher": classroom.created_by}[visitor])
    response = client.get(f"/t/{topic.id}/map")
    assert response.status_code == status
    assert ("Private words" in response.get_data(as_text=True)) == (status == 200)


def test_an_anonymous_debate_map_shows_pseudonyms(client, make_anonymous_debate):
    topic, post, alice, bruno, classroom = make_anonymous_debate("Alice argues creators deserve pay.")
    alias = anonymity.pseudonyms(topic.id, [alice.id, bruno.id])[alice.id]
    db.session.commit()
    html = client.login(bruno).get(f"/t/{topic.id}/map").get_data(as_text=True)
    assert alias in html and "creators deserve pay" in html and "alice_real" not in html
    html = client.login(classroom.instructor).get(f"/t/{topic.id}/map").get_data(as_text=True)
    assert f"{alias} ({alice.name})" in html


# --- caching -------------------------------------------------------------------------

def test_guests_share_a_copy_and_a_class_debate_is_never_kept(client, small_debate, private_debate, copies,
                                                              count_queries):
    debate = small_debate[0]
    first = client.get(f"/t/{debate.id}/map")
    assert first.status_code == 200 and first.headers["ETag"]
    with count_queries() as q:
        again = client.get(f"/t/{debate.id}/map")
    assert again.get_data() == first.get_data()
    assert not any("WITH ranked" in statement for statement in q)  # the copy: no tree drawn again
    assert client.get(f"/t/{debate.id}/map", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    topic, _, student = private_debate
    client.login(student).get(f"/t/{topic.id}/map")
    assert not any(b"Private words" in body for _, body in copies.local.values())


def test_a_hidden_post_is_marked_for_those_who_may_read_it(client, small_debate, make_user):
    debate, _, _, challenge = small_debate
    moderator = make_user(role=Role.MODERATOR)
    moderation.hide_post(challenge, moderator, "Checking")
    db.session.commit()
    html = client.get(f"/t/{debate.id}/map").get_data(as_text=True)
    assert "This post is hidden pending review." in html and "Paying changes" not in html
    html = client.login(moderator).get(f"/t/{debate.id}/map").get_data(as_text=True)
    assert "Hidden pending review — Paying changes who turns up." in html


def test_an_empty_debate_has_a_map_that_says_so(client, make_debate):
    html = client.get(f"/t/{make_debate().id}/map").get_data(as_text=True)
    assert "No arguments yet" in html and html.count("No argument for this side yet.") == 2
