"""A reply chain 1,200 deep (a long back-and-forth) renders and exports on every
page that shows it, without recursion: the transcript's own test is in
tests/test_moderation_holds.py."""
import pytest

from forum.extensions import db
from forum.models import Post, Stance


@pytest.fixture
def chain(make_user, make_debate, make_post):
    """A public debate whose first argument has an answer chain 1,200 deep."""
    pro, con = make_user("pro_side"), make_user("con_side")
    debate = make_debate(arguments=0, title="A very long exchange")
    root = make_post(topic=debate, author=pro, body="The first link", stance=Stance.PRO)
    parent, links = root, []
    for depth in range(1, 1200):  # rows straight in: the posting rules are not under test
        parent = Post(topic_id=debate.id, author_id=(con if depth % 2 else pro).id, parent=parent,
                      root_id=root.id, depth=depth, stance=Stance.CON if depth % 2 else Stance.PRO,
                      body_md=f"Link {depth}", body_html=f"<p>Link {depth}</p>")
        links.append(parent)
    db.session.add_all(links)
    db.session.commit()
    return debate, root, links


PAGES = {
    "columns": lambda d, root, links: f"/t/{d.id}",
    "thread": lambda d, root, links: f"/t/{d.id}?view=thread",
    "argument": lambda d, root, links: f"/p/{root.id}",
    "deepest permalink": lambda d, root, links: f"/p/{links[-1].id}",
    "deepest in its thread": lambda d, root, links: f"/p/{links[-1].id}?view=thread",
    "middle of the chain": lambda d, root, links: f"/p/{links[600].id}?view=thread",
    "feed": lambda d, root, links: f"/t/{d.id}/feed.atom",
    "live updates": lambda d, root, links: f"/t/{d.id}/updates?after=0",
    "profile": lambda d, root, links: "/u/con_side",
    "search": lambda d, root, links: "/search?q=link",
}


def test_every_page_of_a_chain_1200_deep_answers_guests_and_members(client, chain, make_user):
    for who in ("guest", "member"):
        if who == "member":
            client.login(make_user())
        for page, url in PAGES.items():
            response = client.get(url(*chain))
            assert response.status_code == 200, (who, page, response.status_code)
