"""Depth a screen reader hears (issue 22, item 6), read from Chromium's
accessibility tree, not the markup: a reply three levels down is an article
named "Reply, level 3, to <whom it answers>, challenges, by <its author> …", and
an author link is named by the text it shows."""
import re

import pytest

from forum.extensions import db
from forum.models import Stance, TopicKind


@pytest.fixture
def thread(make_user, make_topic, make_post):
    maya = make_user("maya_o", display_name="Maya Okafor")
    ines = make_user("inkwell_ines", display_name="Ines Duarte")
    debate = make_topic(kind=TopicKind.DEBATE, title="Should testers be paid?", pro_label="Pay them",
                        con_label="Volunteer work")
    argument = make_post(topic=debate, author=maya, body="Testing is work.", stance=Stance.PRO)
    challenge = make_post(parent=argument, author=ines, body="Most testers volunteer gladly.", stance=Stance.CON)
    deep = make_post(parent=challenge, author=maya, body="Gladly is not freely.", stance=Stance.CON)
    db.session.commit()
    return {"debate": debate, "argument": argument, "challenge": challenge, "deep": deep}


def test_a_level_3_reply_is_heard_with_its_level_parent_and_stance(new_page, thread):
    page = new_page()
    page.goto(f"/t/{thread['debate'].id}?view=thread")
    deep = page.locator(f"#p{thread['deep'].id} > article")
    # The name Chromium gives the article, as a screen reader gets it.
    tree = deep.aria_snapshot()
    first = tree.splitlines()[0]
    assert re.match(r'- article "Reply, level 3, to Ines Duarte, challenges, by Maya Okafor\b', first), first
    heard = page.get_by_role("article", name=re.compile(r"^Reply, level 3, to Ines Duarte, challenges, by Maya Okafor"))
    assert heard.count() == 1
    assert page.get_by_role("article", name=re.compile(r"^Reply, level 2, to Maya Okafor, challenges, by Ines Duarte")
                            ).count() == 1
    assert page.get_by_role("article", name=re.compile(
        r"^Argument, level 1, on the motion, for: Pay them, by Maya Okafor")).count() == 1
    # Said, not shown: the words take no room on the screen, where the badge still reads "Challenges".
    box = deep.locator(".post-meta > .visually-hidden").bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1
    assert deep.locator(".post-meta .stance").inner_text().endswith("Challenges")

    # The author link's name starts with what it shows (WCAG 2.5.3, label in name).
    link = deep.get_by_role("link", name=re.compile(r"^@maya_o, profile of \W?Maya Okafor\W?$"))
    assert link.count() == 1 and link.inner_text() == "@maya_o"

    # The reply's own page in columns: the same words, where it sits, and its answer's card.
    page.goto(f"/p/{thread['challenge'].id}")
    assert page.get_by_role("heading", level=1, name=re.compile(
        r"^Reply, level 2, to Maya Okafor, challenges\. Argument by Ines Duarte")).count() == 1
    assert page.get_by_role("article", name=re.compile(
        r"^Reply, level 3, to Ines Duarte, challenges, by Maya Okafor")).count() == 1
    assert not page.js_errors
