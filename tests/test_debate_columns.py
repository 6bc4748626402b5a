"""The columns view and the argument page at any size: a page of cards per side,
side totals, paging without JavaScript, and what each reader may see of a card."""
import re
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from forum.domain import moderation, permissions, reactions
from forum.extensions import db
from forum.models import Post, PostStatus, Role, Stance, utcnow
from forum.pages import debate_pages

PER = debate_pages.ARGUMENTS_PER_COLUMN
REASON = "I thought voluntary testing was harmless; this showed me who can afford to volunteer."


def _cards(html: str, side: str) -> list[str]:
    """The bodies of the cards in one column, in order."""
    start = html.index(f'class="column column-{side}"')
    end = html.index("</section>", start)
    return re.findall(r"<p>((?:Pro|Con|Answer) \d+)</p>", html[start:end])


def _add(topic, author, n: int, stance: str, prefix: str, parent: Post | None = None) -> None:
    """`n` posts straight into the table (fast); vote counts give a known order: 0 first."""
    for i in range(n):
        db.session.add(Post(topic_id=topic.id, author_id=author.id, stance=stance,
                            parent_id=parent and parent.id, root_id=parent and (parent.root_id or parent.id),
                            depth=parent.depth + 1 if parent else 0,
                            body_md=f"{prefix} {i}", body_html=f"<p>{prefix} {i}</p>", vote_count=1000 - i))
    db.session.commit()


@pytest.fixture
def big(make_debate, make_user):
    debate = make_debate(pro_label="Pay them", con_label="Voluntary is fine")
    author = make_user()
    _add(debate, author, 2 * PER + 5, "pro", "Pro")
    _add(debate, author, 3, "con", "Con")
    return debate


def test_columns_show_one_page_per_side_and_the_totals(client, big):
    html = client.get(f"/t/{big.id}").get_data(as_text=True)
    assert _cards(html, "pro") == [f"Pro {i}" for i in range(PER)]
    assert _cards(html, "con") == ["Con 0", "Con 1", "Con 2"]
    assert f"{2 * PER + 8} arguments" in html
    assert f"For: Pay them <span class=\"column-count\">({2 * PER + 5})</span>" in html
    assert f"1–{PER} of {2 * PER + 5}" in html and "Page 1 of 3" in html
    assert f'href="/t/{big.id}?pro_page=2#col-pro-h" rel="next">More arguments for “Pay them” →' in html
    assert "con_page" not in html  # the con column fits on one page


def test_each_column_pages_on_its_own(client, big):
    html = client.get(f"/t/{big.id}?pro_page=3&sort=new").get_data(as_text=True)
    assert len(_cards(html, "pro")) == 5 and "Page 3 of 3" in html
    assert sorted(_cards(html, "con")) == ["Con 0", "Con 1", "Con 2"]
    assert f'href="/t/{big.id}?pro_page=2&amp;sort=new#col-pro-h" rel="prev">' in html
    assert 'rel="next"' not in html
    # The sort links start again from the first page.
    assert f'href="/t/{big.id}?sort=votes"' in html or f'href="/t/{big.id}"' in html


@pytest.mark.parametrize("number, shown", [("abc", "Pro 0"), ("-4", "Pro 0"), ("0", "Pro 0"), ("", "Pro 0"),
                                           ("2", f"Pro {PER}"), ("99999999999", f"Pro {2 * PER}")])
def test_bad_page_numbers_give_the_first_or_last_page(client, big, number, shown):
    response = client.get(f"/t/{big.id}?pro_page={number}")
    assert response.status_code == 200
    assert _cards(response.get_data(as_text=True), "pro")[0] == shown


def test_argument_page_pages_its_answers(client, make_debate, make_user, make_post):
    debate = make_debate()
    argument = make_post(topic=debate, stance=Stance.PRO)
    _add(debate, make_user(), PER + 2, "con", "Answer", parent=argument)
    _add(debate, make_user(), PER + 1, None, "Comment", parent=argument)
    html = client.get(f"/p/{argument.id}").get_data(as_text=True)
    assert len(_cards(html, "con")) == PER and f"Challenges <span class=\"column-count\">({PER + 2})" in html
    assert f"Comments and questions ({PER + 1})" in html
    assert html.count("<p>Comment ") == PER
    assert f'href="/p/{argument.id}?con_page=2#col-con-h" rel="next">More challenges →' in html
    assert f'href="/p/{argument.id}?comment_page=2#col-comment-h" rel="next">More comments and questions →' in html
    html = client.get(f"/p/{argument.id}?con_page=2&comment_page=x").get_data(as_text=True)
    assert _cards(html, "con") == [f"Answer {PER}", f"Answer {PER + 1}"]
    assert html.count("<p>Comment ") == PER


def test_argument_page_lists_the_first_deltas_and_links_to_all(client, make_debate, make_post, make_user,
                                                               monkeypatch):
    monkeypatch.setattr(debate_pages, "DELTAS_LISTED", 2)
    argument = make_post(topic=make_debate(), stance=Stance.PRO)
    for _ in range(3):
        reactions.award_delta(argument, make_user(), REASON)
    db.session.commit()
    html = client.get(f"/p/{argument.id}").get_data(as_text=True)
    assert html.count(REASON) == 2
    assert f'href="/p/{argument.id}/deltas">All 3 ∆ explanations →' in html


# --- what a reader may see of a card ---------------------------------------------

SECRET = "Words only moderators may read"


@pytest.fixture
def moderated(make_debate, make_user, make_post):
    debate = make_debate(pro_label="Pay them", con_label="Voluntary is fine")
    author = make_user()
    hidden = make_post(topic=debate, author=author, stance=Stance.PRO, body=f"Hidden: {SECRET}")
    removed = make_post(topic=debate, author=author, stance=Stance.CON, body=f"Removed: {SECRET}")
    answer = make_post(parent=hidden, stance=Stance.CON, body=f"Answer: {SECRET}")
    mod = make_user(role=Role.MODERATOR)
    for post in (hidden, removed, answer):
        reactions.award_delta(post, make_user(), REASON)
    moderation.hide_post(hidden, mod)
    moderation.hide_post(answer, mod)
    moderation.remove_post(removed, mod, "Personal attack")
    db.session.commit()
    return SimpleNamespace(debate=debate, author=author, hidden=hidden, removed=removed, answer=answer, mod=mod)


def test_cards_never_show_hidden_or_removed_text_to_others(client, moderated, make_user, make_post):
    deeper = make_post(parent=moderated.answer, stance=Stance.PRO, body="Deeper")
    urls = [f"/t/{moderated.debate.id}", f"/p/{moderated.hidden.id}", f"/p/{deeper.id}"]
    for viewer in (None, make_user()):
        if viewer is not None:
            client.login(viewer)
        for url in urls:
            html = client.get(url).get_data(as_text=True)
            assert SECRET not in html, (viewer, url)
        columns = client.get(urls[0]).get_data(as_text=True)
        assert "This post is hidden pending review." in columns
        assert "Removed by a moderator: Personal attack" in columns


def test_cards_show_the_text_with_a_marker_to_moderators_and_the_author(client, moderated):
    client.login(moderated.mod)
    html = client.get(f"/t/{moderated.debate.id}").get_data(as_text=True)
    assert f"Removed: {SECRET}" in html and "(text shown to moderators only)" in html
    assert f"Hidden: {SECRET}" in html
    client.login(moderated.author)
    html = client.get(f"/t/{moderated.debate.id}").get_data(as_text=True)
    assert f"Hidden: {SECRET}" in html and "only its author and moderators see this text" in html
    assert f"Removed: {SECRET}" not in html


def _row(status: str, deleted: bool, author_id: int):
    return SimpleNamespace(status=status, deleted_at=utcnow() if deleted else None, author_id=author_id,
                           body_html="<p>text</p>", removal_reason="reason")


@pytest.mark.parametrize("status", list(PostStatus))
@pytest.mark.parametrize("deleted", [False, True])
@pytest.mark.parametrize("who", ["guest", "member", "author", "moderator"])
def test_reader_text_follows_can_see_post_text(make_debate, make_user, make_post, status, deleted, who):
    debate = make_debate()
    author = make_user()
    post = make_post(topic=debate, author=author, stance=Stance.PRO)
    post.status, post.deleted_at = status, utcnow() if deleted else None
    user = {"guest": AnonymousUserMixin(), "member": make_user(), "author": author,
            "moderator": make_user(role=Role.MODERATOR)}[who]
    html, _ = debate_pages.Reader.of(user, debate).text(_row(status, deleted, author.id))
    # A deleted post is a tombstone on cards for everyone, as in the thread view.
    assert (html is not None) == (permissions.can_see_post_text(user, post) and not deleted)
