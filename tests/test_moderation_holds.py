"""Moderation that holds (issue 18, item 4): exports keep tombstones, instructors warn
only their class, removed text stays what was removed, no reactions on taken-down
posts, no one decides the appeal of their own removal, an audit log the database
itself keeps, topic edits under the same rules as posts."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from forum.domain import moderation, posting, reactions
from forum.extensions import db
from forum.models import ModAction, PhaseKind, Post, PostStatus, Role, Stance, WordAction
from tests.conftest import students_of


@pytest.fixture
def class_debate(sided_debate, open_phase):
    """A class debate in its opening phase, two students on opposite sides."""
    open_phase(sided_debate[1], PhaseKind.OPENING)
    return sided_debate


def transcript_url(topic) -> str:
    return f"/classes/{topic.class_id}/debates/{topic.id}/transcript.md"


# --- a. Exports show tombstones, and deep chains export ----------------------------------------

@pytest.fixture
def taken_down(class_debate):
    """Three posts by `pro`: one removed by the instructor, one hidden, one held."""
    classroom, topic, pro, con = class_debate
    removed = posting.create_post(pro, topic, "Removed secret words", stance=Stance.PRO)
    hidden = posting.create_post(pro, topic, "Hidden secret words", stance=Stance.PRO)
    held = posting.create_post(pro, topic, "Held secret words", stance=Stance.PRO)
    moderation.remove_post(removed, classroom.instructor, "Personal attack")
    moderation.hide_post(hidden, classroom.instructor)
    held.status = PostStatus.HELD
    db.session.commit()
    return classroom, topic, pro, con


def test_transcript_shows_classmates_tombstones_for_removed_hidden_and_held_posts(client, taken_down):
    classroom, topic, pro, con = taken_down
    text = client.login(con).get(transcript_url(topic)).get_data(as_text=True)
    assert "secret words" not in text
    assert "*Removed by a moderator: Personal attack*" in text
    assert text.count("*This post is hidden pending review.*") == 2


def test_transcript_shows_an_author_their_hidden_text_but_not_their_removed_text(client, taken_down):
    classroom, topic, pro, con = taken_down
    text = client.login(pro).get(transcript_url(topic)).get_data(as_text=True)
    assert "Removed secret words" not in text and "*Removed by a moderator: Personal attack*" in text
    assert "Hidden secret words" in text and "Held secret words" in text
    assert "*Held for review: only its author and moderators see this text.*" in text


def test_transcript_shows_the_instructor_removed_text_marked(client, taken_down):
    classroom, topic, pro, con = taken_down
    text = client.login(classroom.instructor).get(transcript_url(topic)).get_data(as_text=True)
    assert "*Removed text, shown to moderators only:*\n\nRemoved secret words" in text
    assert "Hidden secret words" in text and "Held secret words" in text


def test_transcript_exports_a_reply_chain_1200_deep(client, class_debate):
    classroom, topic, pro, con = class_debate
    root = posting.create_post(pro, topic, "The first link", stance=Stance.PRO)
    db.session.commit()
    parent = root
    chain = []
    for depth in range(1, 1200):  # rows straight in: the posting rules are not under test
        parent = Post(topic_id=topic.id, author_id=(con if depth % 2 else pro).id, parent=parent,
                      root_id=root.id, depth=depth, stance=Stance.CON, body_md=f"Link {depth}",
                      body_html=f"<p>Link {depth}</p>")
        chain.append(parent)
    db.session.add_all(chain)
    db.session.commit()
    response = client.login(con).get(transcript_url(topic))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Link 1199" in text and f"answering post {chain[-2].id}" in text
    assert max(len(line) for line in text.splitlines()) < 400  # quotes stop nesting past a depth


# --- b. Instructors warn only their class, in their own name, where site moderators see it -----

def test_warn_member_refuses_an_instructor_warning_an_outsider(class_debate, make_user):
    classroom, topic, pro, con = class_debate
    post = posting.create_post(pro, topic, "An argument", stance=Stance.PRO)
    outsider = make_user()
    with pytest.raises(moderation.RuleError, match="not a member of"):
        moderation.warn_member(outsider, classroom.instructor, "Behave", post)


def test_warn_member_refuses_an_instructor_warning_about_a_public_post(make_class, make_post):
    classroom = make_class(students=1)
    with pytest.raises(moderation.RuleError):
        moderation.warn_member(students_of(classroom)[0], classroom.instructor, "Behave", make_post())


def test_instructor_warning_an_outsider_by_url_is_refused(client, class_debate, make_user):
    classroom, topic, pro, con = class_debate
    post = posting.create_post(pro, topic, "An argument", stance=Stance.PRO)
    db.session.commit()
    outsider = make_user()
    response = client.login(classroom.instructor).post(f"/mod/u/{outsider.id}/warn",
                                                       data={"reason": "You are banned", "post_id": post.id})
    assert response.status_code == 400 and "not a member of" in response.get_data(as_text=True)
    assert db.session.scalar(select(ModAction).where(ModAction.action == "warn")) is None
    assert not outsider.unread_messages


def test_instructor_warning_names_them_and_the_class_and_site_moderators_see_it(client, class_debate,
                                                                                 make_user):
    classroom, topic, pro, con = class_debate
    post = posting.create_post(pro, topic, "An argument", stance=Stance.PRO)
    db.session.commit()
    teacher = classroom.instructor
    response = client.login(teacher).post(f"/mod/u/{pro.id}/warn", data={"reason": "Cite your sources",
                                                                         "post_id": post.id})
    assert response.status_code == 302
    db.session.expire_all()
    message = pro.unread_messages[0].text
    assert message == f"{teacher.name}, instructor of {classroom.name}, warned you: Cite your sources"
    entry = db.session.scalar(select(ModAction).where(ModAction.action == "warn"))
    assert (entry.actor_id, entry.user_id, entry.topic_id) == (teacher.id, pro.id, None)
    assert classroom.name in entry.reason and "Cite your sources" in entry.reason
    assert "Cite your sources" in client.get("/mod/log").get_data(as_text=True)  # the giver's own log
    site_log = client.login(make_user(role=Role.MODERATOR)).get("/mod/log").get_data(as_text=True)
    assert "Cite your sources" in site_log and classroom.name in site_log
    assert topic.title not in site_log  # the class's topics stay private


# --- c. What moderators took down stays what they took down ------------------------------------

@pytest.mark.parametrize("take_down", ["remove", "hide"])
def test_edit_post_refuses_the_author_of_a_taken_down_post(make_post, make_user, take_down):
    post, mod = make_post(body="The words they took down."), make_user(role=Role.MODERATOR)
    if take_down == "remove":
        moderation.remove_post(post, mod, "Abuse")
    else:
        moderation.hide_post(post, mod)
    with pytest.raises(moderation.RuleError, match="can't be edited"):
        posting.edit_post(post, post.author, "Innocent words now.")
    assert post.body_md == "The words they took down." and not posting.history(post)


def test_edit_post_refuses_a_moderator_edit_of_a_removed_post(make_post, make_user):
    post, mod = make_post(body="The words they took down."), make_user(role=Role.MODERATOR)
    moderation.remove_post(post, mod, "Abuse")
    with pytest.raises(moderation.RuleError, match="restore it first"):
        moderation.edit_post(post, mod, "Redacted.", "tidy")


def test_appeal_review_shows_the_removed_text_after_the_author_tries_to_rewrite_it(client, make_post, make_user):
    post, mod = make_post(body="The words they took down."), make_user(role=Role.MODERATOR)
    moderation.remove_post(post, mod, "Abuse")
    db.session.commit()
    author = post.author
    response = client.login(author).post(f"/p/{post.id}/edit", data={"body": "Innocent words now.", "reason": ""})
    assert response.status_code == 400 and "A moderator removed this post" in response.get_data(as_text=True)
    client.post(f"/p/{post.id}/appeal", data={"text": "I was quoting someone else, not attacking anyone."})
    page = client.login(make_user(role=Role.MODERATOR)).get(f"/mod/p/{post.id}").get_data(as_text=True)
    assert "The words they took down." in page and "Innocent words now." not in page


# --- d. No votes or ∆ on posts moderators took down ----------------------------------------------

def _take_down(post, mod, how: str) -> None:
    if how == "removed":
        moderation.remove_post(post, mod, "Abuse")
    elif how == "hidden":
        moderation.hide_post(post, mod)
    else:
        post.status = PostStatus.HELD


@pytest.mark.parametrize("how", ["removed", "hidden", "held"])
@pytest.mark.parametrize("react", [
    lambda post, user: reactions.vote(post, user),
    lambda post, user: reactions.award_delta(post, user, "This changed my view because " + "x" * 40),
    lambda post, user: reactions.mark_needs_source(post, user),
], ids=["vote", "delta", "needs_source"])
def test_reactions_refuse_taken_down_posts(make_post, make_user, how, react):
    post = make_post()
    _take_down(post, make_user(role=Role.MODERATOR), how)
    db.session.commit()
    with pytest.raises(moderation.RuleError, match="removed this post|hidden pending review"):
        react(post, make_user())
    db.session.rollback()
    db.session.refresh(post)
    assert (post.vote_count, post.delta_count, post.needs_source_count) == (0, 0, 0)


def test_vote_route_refuses_a_removed_post(client, make_post, make_user):
    post = make_post()
    moderation.remove_post(post, make_user(role=Role.MODERATOR), "Abuse")
    db.session.commit()
    client.login(make_user()).post(f"/p/{post.id}/vote")
    db.session.expire_all()
    assert post.vote_count == 0


# --- e. An appeal is never decided by its remover -------------------------------------------------

def test_appeal_page_says_it_waits_for_an_admin_when_the_remover_is_the_only_moderator(client, make_post,
                                                                                         make_user):
    post, remover = make_post(), make_user(role=Role.MODERATOR)
    moderation.remove_post(post, remover, "Spam")
    db.session.commit()
    client.login(post.author)
    assert "waits for an admin" in client.get(f"/p/{post.id}/appeal").get_data(as_text=True)
    client.post(f"/p/{post.id}/appeal", data={"text": "This was not spam, it was a source I cited."})
    assert "It waits for an admin" in client.get(f"/p/{post.id}").get_data(as_text=True)
    make_user(role=Role.MODERATOR)
    # The remover's review page shows the appeal without the buttons to decide it, and refuses the decision.
    page = client.login(remover).get(f"/mod/p/{post.id}").get_data(as_text=True)
    assert "so you don't decide its appeal" in page and "Uphold the removal" not in page
    appeal = db.session.scalar(select(moderation.Appeal))
    assert client.post(f"/mod/appeals/{appeal.id}/restore", data={"reason": ""}).status_code == 400
    db.session.expire_all()
    assert appeal.status == "open" and post.is_removed


def test_appeal_page_says_another_moderator_when_there_is_one(client, make_post, make_user):
    post = make_post()
    moderation.remove_post(post, make_user(role=Role.MODERATOR), "Spam")
    make_user(role=Role.MODERATOR)
    db.session.commit()
    page = client.login(post.author).get(f"/p/{post.id}/appeal").get_data(as_text=True)
    assert "waits for another moderator" in page


# --- f. The audit log is append-only in the database itself ---------------------------------------

@pytest.mark.parametrize("statement", ["UPDATE mod_actions SET reason = 'rewritten'", "DELETE FROM mod_actions"])
def test_audit_log_refuses_raw_update_and_delete(make_post, make_user, statement):
    post = make_post()
    moderation.hide_post(post, make_user(role=Role.MODERATOR), "checking")
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.scalars(select(ModAction.reason)).all() == ["checking"]


def test_audit_log_refuses_truncate_on_postgresql(make_post, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    moderation.hide_post(make_post(), make_user(role=Role.MODERATOR), "checking")
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("TRUNCATE mod_actions CASCADE"))
    db.session.rollback()
    assert db.session.scalar(select(ModAction.reason)) == "checking"


# --- g. Topic edits pass the same rules as posts ------------------------------------------------------

def test_edit_topic_refuses_its_author_in_a_locked_topic(make_topic, make_user):
    topic = make_topic(body="The opening.")
    moderation.lock_topic(topic, make_user(role=Role.MODERATOR))
    with pytest.raises(moderation.RuleError, match="locked"):
        posting.edit_topic(topic, topic.author, title=topic.title, body="Rewritten after the lock.")


def test_edit_topic_refuses_a_blocked_watched_word_in_the_body_or_title(make_topic, make_user):
    moderation.add_watched_word(make_user(role=Role.ADMIN), "scam", WordAction.BLOCK)
    topic = make_topic()
    with pytest.raises(moderation.RuleError, match="scam"):
        posting.edit_topic(topic, topic.author, title=topic.title, body="Now a scam")
    with pytest.raises(moderation.RuleError, match="scam"):
        posting.edit_topic(topic, topic.author, title="A scam title", body=topic.body_md)


def test_edit_topic_caps_links_for_new_accounts(app, make_topic, make_user):
    author = make_user()  # just registered
    topic = make_topic(author=author)
    links = " ".join(f"https://example.org/{n}" for n in range(app.config["NEW_ACCOUNT_MAX_LINKS"] + 1))
    with pytest.raises(moderation.RuleError, match="links"):
        posting.edit_topic(topic, author, title=topic.title, body=f"Read these: {links}")


def test_moderator_edit_of_a_topic_needs_a_reason_and_is_logged(client, make_topic, make_user):
    topic = make_topic(body="Spammy opening.")
    mod = make_user(role=Role.MODERATOR)
    client.login(mod)
    refused = client.post(f"/t/{topic.id}/edit", data={"title": topic.title, "body": "Tidied.", "reason": ""})
    assert refused.status_code == 400 and "reason for the edit" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert topic.body_md == "Spammy opening."
    done = client.post(f"/t/{topic.id}/edit", data={"title": topic.title, "body": "Tidied.", "reason": "Spam link"})
    assert done.status_code == 302
    entry = db.session.scalar(select(ModAction).where(ModAction.action == "edit_topic"))
    assert (entry.actor_id, entry.topic_id, entry.user_id, entry.reason) == (mod.id, topic.id, topic.author_id,
                                                                           "Spam link")
    assert "edited a topic" in client.get("/mod/log").get_data(as_text=True)


def test_author_edits_own_topic_without_a_reason(client, make_topic):
    topic = make_topic(body="The opening.")
    response = client.login(topic.author).post(f"/t/{topic.id}/edit", data={"title": "Better title",
                                                                           "body": "The opening."})
    assert response.status_code == 302
    assert db.session.scalar(select(ModAction)) is None
