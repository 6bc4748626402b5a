"""Leaving with your data (issue 21, item 6): the export of everything a member
wrote and chose, and the deletion of their account (forum/domain/leaving.py)."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.domain import (classes, debates, grading, leaving, notifications, password_reset, posting, reactions,
                          roles)
from forum.domain.accounts import authenticate, create_user
from forum.domain.anonymity import pseudonyms
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import (ClassDebate, ClassMembership, Delta, Grade, ModAction, Notification, NotificationKind,
                          PhaseKind, PollAnswer, Post, Revision, Role, Stance, StancePoll, Topic, TopicKind,
                          TopicWatch, User,
                          UserSession, Vote, WatchLevel, utcnow)
from forum.models.users import DELETED_NAME
from tests.conftest import PASSWORD
from tests.test_sign_in_limits import make_limited  # noqa: F401 (a fixture)

ERASED = leaving.ERASED


@pytest.fixture
def scene(make_user, make_topic, make_debate, make_class, make_class_debate, open_phase):
    """maya writes, edits, votes, gives a ∆, answers a poll, watches, opts out, is in a
    class with a released grade; bruno is another member with private things of his own."""
    maya = make_user("maya", display_name="Maya Rivers", bio="I paint.")
    bruno = make_user("bruno", display_name="Bruno Private", bio="Bruno's secret bio.")
    topic = make_topic(author=maya, title="Maya's question", body="Maya's opening text.")
    bruno_post = posting.create_post(bruno, topic, "Bruno's own words.")
    post = posting.create_post(maya, topic, "First draft by Maya.", parent=bruno_post)
    posting.edit_post(post, maya, "Second version by Maya.", reason="typo")
    debate = make_debate(arguments=2, title="A motion")
    argument = db.session.scalar(select(Post).where(Post.topic_id == debate.id).order_by(Post.id))
    reactions.vote(argument, maya)
    reactions.vote(argument, bruno)
    reactions.award_delta(argument, maya, "This changed how I think about training data and consent.")
    debates.answer_poll(debate, maya, "before", 1)
    debates.answer_poll(debate, bruno, "before", -1)
    notifications.set_watch(maya, debate, WatchLevel.WATCHING)
    notifications.save_settings(maya, enabled_kinds={NotificationKind.REPLY}, auto_watch=False)
    classroom = make_class()
    classes.join_class(maya, classroom.join_code)
    classes.join_class(bruno, classroom.join_code)
    class_debate = make_class_debate(classroom, anonymous=True, title="Class motion")
    classes.set_sides(class_debate, {maya.id: Stance.PRO, bruno.id: Stance.CON})
    open_phase(class_debate, PhaseKind.OPENING)
    class_post = posting.create_post(maya, class_debate, "Maya's class argument.", stance=Stance.PRO)
    posting.create_post(bruno, class_debate, "Bruno's class argument.", stance=Stance.CON)
    evidence, *_ = grading.rubric(class_debate.id)
    grading.save_grades(class_debate, maya, {evidence.id: (4, "Good sources, Maya.")})
    grading.save_grades(class_debate, bruno, {evidence.id: (2, "Bruno's private comment.")})
    grading.set_released(db.session.get(ClassDebate, class_debate.id), True)
    db.session.flush()
    return {"maya": maya, "bruno": bruno, "topic": topic, "post": post, "bruno_post": bruno_post,
            "debate": debate, "argument": argument, "classroom": classroom, "class_debate": class_debate,
            "class_post": class_post, "evidence": evidence}


# --- Export ---------------------------------------------------------------------------

def test_export_contains_each_kind_of_thing(scene):
    data = leaving.export(scene["maya"])
    assert data["format"] == "counterpoint-export"
    assert data["profile"] == {**data["profile"], "username": "maya", "display_name": "Maya Rivers",
                               "email": "maya@example.org", "bio": "I paint."}
    assert [t["title"] for t in data["topics"]] == ["Maya's question"]
    assert data["topics"][0]["body_markdown"] == "Maya's opening text."
    post = next(p for p in data["posts"] if p["id"] == scene["post"].id)
    assert post["body_markdown"] == "Second version by Maya."
    assert [(v["body_markdown"], v["edited_by"]) for v in post["earlier_versions"]] == [
        ("First draft by Maya.", "you")]
    assert post["edit_reason"] == "typo"
    assert post["topic_title"] == "Maya's question"
    assert [v["post_id"] for v in data["votes"]] == [scene["argument"].id]
    assert data["deltas_given"][0]["explanation"].startswith("This changed how I think")
    assert [(a["topic_id"], a["phase"], a["value"], a["credited_post_ids"]) for a in data["poll_answers"]] == [
        (scene["debate"].id, "before", 1, [])]
    assert {(w["topic_id"], w["level"]) for w in data["watches"]} >= {(scene["debate"].id, "watching")}
    assert data["notification_settings"]["auto_watch"] is False
    assert NotificationKind.MENTION in data["notification_settings"]["turned_off"]
    assert NotificationKind.REPLY not in data["notification_settings"]["turned_off"]
    assert data["notification_settings"]["by_mail"]["reply"] == "now"
    assert [(c["class_id"], c["role"]) for c in data["classes"]] == [(scene["classroom"].id, "student")]
    assert data["debate_sides"] == [{"topic_id": scene["class_debate"].id, "topic_title": "Class motion",
                                     "side": "pro"}]
    [grades] = data["grades"]
    assert grades["topic_id"] == scene["class_debate"].id
    assert [(c["points"], c["comment"]) for c in grades["criteria"]] == [(4, "Good sources, Maya.")]
    json.dumps(data)  # every value is JSON


def test_export_holds_nothing_of_other_members(scene):
    text = json.dumps(leaving.export(scene["maya"]))
    for theirs in ("bruno", "Bruno", "Bruno's own words", "Bruno's class argument", "Bruno's private comment",
                   "secret bio", scene["classroom"].instructor.username):
        assert theirs not in text


def test_export_leaves_out_grades_not_released(scene):
    grading.set_released(db.session.get(ClassDebate, scene["class_debate"].id), False)
    assert leaving.export(scene["maya"])["grades"] == []


def test_export_of_an_anonymous_debate_names_no_classmate(make_anonymous_debate):
    topic, post, alice, bruno, _ = make_anonymous_debate("Alice's text, signed with a pseudonym.")
    posting.create_post(bruno, topic, "Bruno answers Alice.", stance=Stance.CON)
    text = json.dumps(leaving.export(alice))
    assert "Alice's text" in text
    assert "bruno_real" not in text and "Bruno answers" not in text


def test_export_view_is_a_private_attachment_of_ones_own_data(client, scene):
    response = client.login(scene["maya"]).get("/settings/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="counterpoint-maya-')
    assert response.cache_control.no_store and response.cache_control.private
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["username"] == "maya" and "bruno" not in response.get_data(as_text=True)


def test_export_needs_sign_in(client):
    response = client.get("/settings/export")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# --- Refusals -------------------------------------------------------------------------

def _fingerprint(user: User) -> tuple:
    db.session.expire_all()
    return (user.username, user.email, user.display_name, user.bio, user.deleted_at,
            db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)),
            db.session.scalar(select(func.count()).select_from(Vote).where(Vote.user_id == user.id)),
            db.session.scalar(select(func.count()).select_from(ModAction)))


@pytest.mark.parametrize("password", ["", "not my password"])
def test_deletion_without_the_password_is_refused_and_changes_nothing(client, scene, password):
    maya = scene["maya"]
    client.login(maya)
    before = _fingerprint(maya)
    response = client.post("/settings/delete", data={"password": password, "erase": "y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert ("not your password" if password else "Type your password") in page
    assert _fingerprint(maya) == before
    assert client.get("/settings").status_code == 200  # still signed in
    assert db.session.get(Post, scene["post"].id).body_md == "Second version by Maya."


def test_a_wrong_password_counts_as_a_failed_sign_in(make_limited, make_user):
    client = make_limited(LIMIT_LOGIN_ACCOUNT="2 per 15 minutes")
    maya = make_user("maya")
    client.login(maya)
    for _ in range(2):
        assert client.post("/settings/delete", data={"password": "a guess"}).status_code == 400
    refused = client.post("/settings/delete", data={"password": PASSWORD})
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.get_data(as_text=True)
    assert not db.session.get(User, maya.id).is_deleted
    # The same allowance as signing in to that account: spent there too.
    client.logout()
    assert client.post("/auth/login", data={"username": "maya", "password": PASSWORD}).status_code == 429


def test_wrong_password_raises_and_writes_nothing(scene):
    with pytest.raises(leaving.WrongPassword):
        leaving.delete_account(scene["maya"], "wrong", erase=False)
    assert db.session.scalar(select(func.count()).select_from(ModAction)) == 0


def test_deletion_needs_sign_in(client):
    response = client.post("/settings/delete", data={"password": PASSWORD})
    # The sign-in page, which never keeps a password typed (web/kept_forms.py).
    assert response.status_code == 401 and "Sign in" in response.get_data(as_text=True)
    assert PASSWORD not in response.get_data(as_text=True)


def test_the_last_admin_cannot_delete_their_account(client, make_user):
    admin = make_user(role=Role.ADMIN)
    response = client.login(admin).post("/settings/delete", data={"password": PASSWORD})
    assert response.status_code == 400 and "only admin" in response.get_data(as_text=True)
    assert not db.session.get(User, admin.id).is_deleted
    # With a second admin, they may.
    make_user(role=Role.ADMIN)
    leaving.delete_account(admin, PASSWORD, erase=False)
    assert admin.is_deleted


def test_an_account_is_deleted_once(scene):
    leaving.delete_account(scene["maya"], PASSWORD, erase=False)
    with pytest.raises(RuleError, match="already deleted"):
        leaving.delete_account(scene["maya"], PASSWORD, erase=False)


# --- Deletion -------------------------------------------------------------------------

def test_deletion_empties_the_account_and_keeps_what_it_wrote(scene):
    maya, post = scene["maya"], scene["post"]
    maya_id = maya.id
    leaving.delete_account(maya, PASSWORD, erase=False)
    db.session.expire_all()
    maya = db.session.get(User, maya_id)
    assert maya.is_deleted and maya.name == DELETED_NAME
    assert (maya.email, maya.display_name, maya.bio, maya.registration_tag) == ("", "", "", None)
    assert "maya" not in maya.username_key
    # What they wrote stays, with its history.
    assert db.session.get(Post, post.id).body_md == "Second version by Maya."
    assert db.session.scalar(select(func.count()).select_from(Revision).where(Revision.post_id == post.id)) == 1
    assert db.session.get(Topic, scene["topic"].id).body_md == "Maya's opening text."
    # Their own things are gone.
    for model, column in ((UserSession, UserSession.user_id), (TopicWatch, TopicWatch.user_id),
                          (Notification, Notification.recipient_id)):
        assert db.session.scalar(select(func.count()).select_from(model).where(column == maya_id)) == 0


def test_votes_deltas_and_poll_answers_still_count_without_the_member(scene):
    argument, debate = scene["argument"], scene["debate"]
    maya_id = scene["maya"].id
    leaving.delete_account(scene["maya"], PASSWORD, erase=False)
    db.session.expire_all()
    argument = db.session.get(Post, argument.id)
    assert argument.vote_count == 2 and argument.delta_count == 1
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.post_id == argument.id)) == 2
    for column in (Vote.user_id, Delta.awarder_id, StancePoll.user_id, PollAnswer.user_id):
        assert db.session.scalar(select(func.count()).where(column == maya_id)) == 0
    results = debates.poll_results(db.session.get(Topic, debate.id))
    assert results.before[1] == 1 and results.before[-1] == 1
    # The ∆'s explanation stays (unless erased), from "[deleted member]".
    delta = db.session.scalar(select(Delta).where(Delta.post_id == argument.id))
    assert delta.awarder_id is None and delta.explanation.startswith("This changed how I think")


def test_erase_makes_tombstones_and_erases_history(scene):
    post, topic = scene["post"], scene["topic"]
    leaving.delete_account(scene["maya"], PASSWORD, erase=True)
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert post.body_md == ERASED and ERASED in post.body_html and "Maya" not in post.body_html
    assert db.session.scalar(select(func.count()).select_from(Revision).where(Revision.post_id == post.id)) == 0
    topic = db.session.get(Topic, topic.id)
    assert topic.body_md == ERASED and topic.title == "Maya's question"  # the thread keeps its name
    assert db.session.scalar(select(Delta.explanation).where(Delta.post_id == scene["argument"].id)) == ERASED
    # Others' words stay.
    assert db.session.get(Post, scene["bruno_post"].id).body_md == "Bruno's own words."


def test_audit_entry_names_no_one(scene):
    maya = scene["maya"]
    maya_id = maya.id
    leaving.delete_account(maya, PASSWORD, erase=True)
    entry = db.session.scalar(select(ModAction).where(ModAction.action == "account_deleted"))
    assert entry.actor_id == entry.user_id == maya_id and entry.post_id is None and entry.topic_id is None
    for personal in ("maya", "Maya", "example.org", "Rivers"):
        assert personal not in entry.reason


def test_the_deleted_username_cannot_sign_in_nor_be_taken(client, scene):
    leaving.delete_account(scene["maya"], PASSWORD, erase=False)
    assert authenticate("maya", PASSWORD) is None
    response = client.post("/auth/login", data={"username": "maya", "password": PASSWORD})
    assert response.status_code == 400
    for name in ("maya", "Maya", "rnaya"):  # the name and its look-alikes stay reserved
        with pytest.raises(RuleError):
            create_user(name, "someone@example.org", "a long password")
    assert authenticate(DELETED_NAME, "!") is None


def test_every_session_ends_at_once(app, client, scene):
    maya = scene["maya"]
    other_browser = app.test_client()
    other_browser.login(maya)
    assert other_browser.get("/settings").status_code == 200
    response = client.login(maya).post("/settings/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"storage"'
    assert "/auth/login" in other_browser.get("/settings").headers["Location"]
    assert "/auth/login" in client.get("/settings").headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == maya.id)) == 0


def _no_trace(page: str) -> None:
    assert DELETED_NAME in page
    assert "Maya Rivers" not in page and "/u/maya" not in page and "/u/%5Bdeleted" not in page


def test_threads_show_deleted_member_without_a_link(client, scene, make_user):
    topic, post = scene["topic"], scene["post"]
    reactions.award_delta(db.session.get(Post, scene["bruno_post"].id), scene["maya"],
                          "A reason given for this post by its reader, long enough to count.")
    leaving.delete_account(scene["maya"], PASSWORD, erase=False)
    db.session.commit()
    reader = make_user()
    for who in (None, reader):
        if who is not None:
            client.login(who)
        thread = client.get(f"/t/{topic.id}").get_data(as_text=True)
        _no_trace(thread)
        assert "Second version by Maya." in thread and "Bruno's own words." in thread
        _no_trace(client.get(f"/p/{post.id}").get_data(as_text=True))
        _no_trace(client.get(f"/p/{scene['bruno_post'].id}/deltas").get_data(as_text=True))
    # The ∆ she gave, on the debate's page of ∆.
    _no_trace(client.get(f"/p/{scene['argument'].id}/deltas").get_data(as_text=True))


def test_columns_and_search_show_deleted_member(client, make_user, make_debate):
    maya = make_user("maya", display_name="Maya Rivers")
    debate = make_debate()
    argument = posting.create_post(maya, debate, "Zebracorn arguments are strong.", stance=Stance.PRO)
    db.session.commit()
    hit = f'href="/p/{argument.id}"'
    assert hit in client.get("/search?q=zebracorn&author=maya").get_data(as_text=True)
    leaving.delete_account(maya, PASSWORD, erase=False)
    db.session.commit()
    _no_trace(client.get(f"/t/{debate.id}").get_data(as_text=True))
    _no_trace(client.get(f"/t/{debate.id}?view=thread").get_data(as_text=True))
    _no_trace(client.get(f"/p/{argument.id}").get_data(as_text=True))
    results = client.get("/search?q=zebracorn").get_data(as_text=True)
    assert hit in results
    _no_trace(results)
    # Searching by the old name finds nothing of theirs.
    assert hit not in client.get("/search?q=zebracorn&author=maya").get_data(as_text=True)


def test_profile_of_a_deleted_member_is_a_404(client, scene):
    leaving.delete_account(scene["maya"], PASSWORD, erase=False)
    assert client.get("/u/maya").status_code == 404
    assert client.get("/u/" + DELETED_NAME).status_code == 404


def test_others_notifications_show_deleted_member(client, scene):
    bruno = scene["bruno"]
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.recipient_id == bruno.id, Notification.actor_id == scene["maya"].id)) >= 1
    leaving.delete_account(scene["maya"], PASSWORD, erase=False)
    db.session.commit()
    page = client.login(bruno).get("/notifications").get_data(as_text=True)
    _no_trace(page)


def test_mentions_of_a_deleted_member_link_nowhere(scene, make_topic):
    bruno = scene["bruno"]
    old = posting.create_post(bruno, scene["topic"], "Thanks @maya for this.")
    assert 'href="/u/maya"' in old.body_html
    leaving.delete_account(scene["maya"], PASSWORD, erase=False)
    db.session.expire_all()
    old = db.session.get(Post, old.id)
    assert "/u/maya" not in old.body_html and "@maya" in old.body_html
    new = posting.create_post(bruno, scene["topic"], "Where did @maya go?")
    assert "/u/" not in new.body_html
    assert notifications.mentioned_users("@maya") == []


def test_grades_stay_for_the_instructor_under_the_pseudonym(client, scene):
    class_debate, classroom, maya = scene["class_debate"], scene["classroom"], scene["maya"]
    maya_id = maya.id
    leaving.delete_account(maya, PASSWORD, erase=False)
    db.session.commit()
    assert db.session.scalar(select(Grade.points).where(Grade.student_id == maya_id)) == 4
    assert db.session.scalar(select(ClassMembership.id).where(ClassMembership.user_id == maya_id)) is not None
    page = client.login(classroom.instructor).get(
        f"/classes/{classroom.id}/debates/{class_debate.id}/grades").get_data(as_text=True)
    alias = pseudonyms(class_debate.id, classes.student_ids(classroom.id))[maya_id]
    assert alias in page and f"({DELETED_NAME})" in page and "maya" not in page.lower()


def test_grades_of_a_named_debate_read_deleted_member(client, make_class, make_class_debate, make_user):
    classroom = make_class()
    maya = make_user("maya", display_name="Maya Rivers")
    classes.join_class(maya, classroom.join_code)
    topic = make_class_debate(classroom)
    evidence, *_ = grading.rubric(topic.id)
    grading.save_grades(topic, maya, {evidence.id: (3, "")})
    leaving.delete_account(maya, PASSWORD, erase=False)
    db.session.commit()
    page = client.login(classroom.instructor).get(
        f"/classes/{classroom.id}/debates/{topic.id}/grades").get_data(as_text=True)
    assert DELETED_NAME in page and "Maya Rivers" not in page


def test_deletion_moves_the_version_of_every_topic_that_shows_the_member(scene):
    ids = [scene[k].id for k in ("topic", "debate", "class_debate")]
    before = dict(db.session.execute(select(Topic.id, Topic.version).where(Topic.id.in_(ids))).all())
    leaving.delete_account(scene["maya"], PASSWORD, erase=False)
    db.session.expire_all()
    after = dict(db.session.execute(select(Topic.id, Topic.version).where(Topic.id.in_(ids))).all())
    assert all(after[i] > before[i] for i in ids)


def test_settings_page_has_the_leaving_section(client, make_user):
    page = client.login(make_user()).get("/settings").get_data(as_text=True)
    assert 'id="leaving-h"' in page and 'href="/settings/export"' in page
    assert 'action="/settings/delete#delete-h"' in page and 'name="erase"' in page and 'name="password"' in page


def test_deletion_view_signs_out_and_says_so(client, scene):
    response = client.login(scene["maya"]).post("/settings/delete", data={"password": PASSWORD, "erase": "y"},
                                                follow_redirects=True)
    assert response.status_code == 200 and "Your account is deleted" in response.get_data(as_text=True)
    assert db.session.get(Post, scene["post"].id).body_md == ERASED
    assert db.session.get(Topic, scene["topic"].id).author.name == DELETED_NAME
    assert db.session.scalar(select(Topic.kind).where(Topic.id == scene["debate"].id)) == TopicKind.DEBATE


def test_the_moderation_log_shows_the_deletion_without_a_name(client, scene, make_user):
    leaving.delete_account(scene["maya"], PASSWORD, erase=False)
    db.session.commit()
    page = client.login(make_user(role=Role.ADMIN)).get("/mod/log").get_data(as_text=True)
    assert "deleted their account" in page
    _no_trace(page)


def test_erased_words_are_no_longer_found(client, make_user, make_topic):
    maya = make_user("maya")
    posting.create_post(maya, make_topic(), "Quokkaberry is my secret word.")
    db.session.commit()
    assert "Quokkaberry" in client.get("/search?q=quokkaberry").get_data(as_text=True)
    leaving.delete_account(maya, PASSWORD, erase=True)
    db.session.commit()
    assert "Quokkaberry" not in client.get("/search?q=quokkaberry").get_data(as_text=True)


def test_a_deleted_member_hears_of_nothing_and_old_reset_links_die(scene):
    maya, post = scene["maya"], scene["post"]
    token = password_reset.issue_token(maya)
    leaving.delete_account(maya, PASSWORD, erase=False)
    reply = posting.create_post(scene["bruno"], scene["topic"], "An answer to a deleted member.", parent=post)
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.recipient_id == maya.id)) == 0
    assert reply.parent_id == post.id
    with pytest.raises(RuleError):
        password_reset.check_token(token)


def test_a_suspended_admin_does_not_count_as_the_one_left(make_user):
    leaving_admin = make_user(role=Role.ADMIN)
    make_user(role=Role.ADMIN, suspended_until=utcnow() + timedelta(days=3))
    with pytest.raises(RuleError, match="only admin"):
        leaving.delete_account(leaving_admin, PASSWORD, erase=False)


def test_a_deleted_account_gets_no_role(make_user):
    admin, maya = make_user(role=Role.ADMIN), make_user()
    leaving.delete_account(maya, PASSWORD, erase=False)
    with pytest.raises(RuleError, match="deleted"):
        roles.change_role(admin, maya, Role.ADMIN)
    assert maya.role == Role.MEMBER
