"""Depth a screen reader hears (issue 22, item 6).

Every post is named with its level in the reply tree, whom it answers and its
stance ("Reply, level 3, to Maya Okafor, challenges"), in words a screen reader
says whatever it makes of nested lists; in an anonymous class debate with the
pseudonym only. An author link's accessible name starts with the text it shows
(WCAG 2.5.3).
"""
import re
from datetime import timedelta

import pytest

from forum.domain import posting
from forum.extensions import db
from forum.models import PhaseKind, Stance, TopicKind
from forum.pages.display import isolate

HEARD = re.compile(r'<span class="visually-hidden">((?:Reply|Argument|Comment), level [^<]*)</span>')


def heard(body: str) -> list[str]:
    """What the page's posts and cards are announced as, in page order."""
    return HEARD.findall(body)


@pytest.fixture
def people(make_user):
    maya = make_user("maya_o", display_name="Maya Okafor")
    ines = make_user("inkwell_ines", display_name="Ines Duarte")
    return maya, ines


def test_discussion_replies_are_heard_with_level_and_parent(client, make_topic, make_post, people):
    maya, ines = people
    topic = make_topic(title="Depth")
    root = make_post(topic=topic, author=maya, body="Root")
    second = make_post(parent=root, author=ines, body="Second")
    third = make_post(parent=second, author=maya, body="Third")
    db.session.commit()

    body = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert heard(body) == ["Reply, level 1, to the topic, by ", "Reply, level 2, to Maya Okafor, by ",
                           "Reply, level 3, to Ines Duarte, by "]
    # The byline the article is named by starts with it.
    assert f'aria-labelledby="p{third.id}-by"' in body
    assert f'id="p{third.id}-by"><span class="visually-hidden">Reply, level 3, to Ines Duarte, by </span>' in body

    # A permalink counts levels from the top of the topic, and has the parent's name.
    body = client.get(f"/p/{third.id}").get_data(as_text=True)
    assert heard(body) == ["Reply, level 3, to Ines Duarte, by "]
    body = client.get(f"/p/{second.id}").get_data(as_text=True)
    assert heard(body) == ["Reply, level 2, to Maya Okafor, by ", "Reply, level 3, to Ines Duarte, by "]


def test_author_links_are_named_by_what_they_show(client, make_topic, make_post, people):
    maya, ines = people
    topic = make_topic()
    make_post(topic=topic, author=ines, body="Root")
    db.session.commit()
    body = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f'aria-label="@inkwell_ines, profile of {isolate("Ines Duarte")}">@inkwell_ines</a>' in body
    assert "Profile of" not in body


def test_live_updates_say_whom_a_new_reply_answers(client, make_topic, make_post, people):
    maya, ines = people
    topic = make_topic()
    root = make_post(topic=topic, author=maya, body="Root")
    make_post(parent=root, author=ines, body="Second")  # its parent is not among the new posts
    db.session.commit()
    data = client.get(f"/t/{topic.id}/updates?after={root.id}").get_json()
    assert data["count"] == 1
    assert heard(data["html"]) == ["Reply, level 2, to Maya Okafor, by "]


def test_debate_posts_are_heard_with_level_parent_and_stance(client, make_topic, make_post, people):
    maya, ines = people
    debate = make_topic(kind=TopicKind.DEBATE, pro_label="Pay them", con_label="Volunteer work")
    argument = make_post(topic=debate, author=maya, body="An argument", stance=Stance.PRO)
    challenge = make_post(parent=argument, author=ines, body="A challenge", stance=Stance.CON)
    make_post(parent=challenge, author=maya, body="Challenged back", stance=Stance.CON)
    make_post(parent=challenge, author=maya, body="A question", stance=None)
    db.session.commit()

    body = client.get(f"/t/{debate.id}?view=thread").get_data(as_text=True)
    assert heard(body) == ["Argument, level 1, on the motion, for: Pay them, by ",
                           "Reply, level 2, to Maya Okafor, challenges, by ",
                           "Reply, level 3, to Ines Duarte, challenges, by ",
                           "Reply, level 3, to Ines Duarte, comment, by "]

    # The columns: the motion's arguments as cards.
    body = client.get(f"/t/{debate.id}").get_data(as_text=True)
    assert heard(body) == ["Argument, level 1, on the motion, for: Pay them, by "]
    assert f'id="card{argument.id}-by"><span class="visually-hidden">Argument, level 1' in body

    # An argument's page: its answers, one level down, answer its author.
    body = client.get(f"/p/{argument.id}").get_data(as_text=True)
    assert heard(body) == ["Argument, level 1, on the motion, for: Pay them. ",
                           "Reply, level 2, to Maya Okafor, challenges, by "]
    # A reply's own page says whom it answers, and its answers whom they answer.
    body = client.get(f"/p/{challenge.id}").get_data(as_text=True)
    assert heard(body) == ["Reply, level 2, to Maya Okafor, challenges. ",
                           "Reply, level 3, to Ines Duarte, challenges, by ",
                           "Reply, level 3, to Ines Duarte, comment, by "]
    assert '<h1 id="focus-h" class="argument-title"><span class="visually-hidden">Reply, level 2, to Maya Okafor' \
        in body


@pytest.fixture
def anonymous(make_anonymous_debate, open_phase, client):
    """alice (named "Alicia Realname") argues pro; bruno challenges her in the rebuttals."""
    topic, alice_post, alice, bruno, classroom = make_anonymous_debate("Alice argues creators deserve pay.")
    alice.display_name = "Alicia Realname"
    db.session.commit()
    open_phase(topic, PhaseKind.OPENING, opened=timedelta(hours=3), closes_in=-timedelta(hours=2))
    open_phase(topic, PhaseKind.REBUTTAL)
    reply = posting.create_post(bruno, topic, "You forget who pays.", parent=alice_post, stance=Stance.CON)
    db.session.commit()
    from forum.domain import anonymity
    alias = anonymity.pseudonyms(topic.id, [alice.id, bruno.id])
    return {"topic": topic, "post": alice_post, "reply": reply, "alice": alice, "bruno": bruno,
            "classroom": classroom, "alias": alias}


@pytest.mark.parametrize("who", ["bruno", "instructor"])
def test_anonymous_debate_names_the_pseudonym_only(client, anonymous, who):
    world = anonymous
    reader = world["bruno"] if who == "bruno" else world["classroom"].instructor
    client.login(reader)
    topic, post, reply = world["topic"], world["post"], world["reply"]
    alice_alias = world["alias"][world["alice"].id]
    expected = f"Reply, level 2, to {alice_alias}, challenges"
    pages = {
        f"/t/{topic.id}?view=thread": f"{expected}, by ",
        f"/p/{post.id}": f"{expected}, by ",  # the card of the answer
        f"/p/{reply.id}": f"{expected}. ",  # the answer's own page
        f"/p/{reply.id}?view=thread": f"{expected}, by ",
    }
    for path, text in pages.items():
        announced = heard(client.get(path).get_data(as_text=True))
        assert text in announced, path
        assert not [t for t in announced if "Alicia" in t or "alice_real" in t], path
    data = client.get(f"/t/{topic.id}/updates?after={post.id}").get_json()
    assert heard(data["html"]) == [f"{expected}, by "]
