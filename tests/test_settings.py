"""The settings page and the profile page."""
import pytest
from werkzeug.security import check_password_hash

from forum.domain import posting, profiles
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import NotificationOptOut, Stance, TopicKind, User
from tests.conftest import PASSWORD


def test_change_password_refuses_a_wrong_current_password(make_user):
    maya = make_user()
    with pytest.raises(RuleError, match="not your current password"):
        profiles.change_password(maya, current="wrong password", new="a brand new one")
    assert check_password_hash(maya.password_hash, PASSWORD)


@pytest.mark.parametrize("fields, message", [
    ({"display_name": "x" * 61}, "at most 60"),
    ({"bio": "x" * 501}, "limit is 500"),
])
def test_update_profile_refusals(make_user, fields, message):
    with pytest.raises(RuleError, match=message):
        profiles.update_profile(make_user(), **{"display_name": "", "bio": "", **fields})


def test_settings_page_shows_the_three_forms(client, make_user):
    page = client.login(make_user(display_name="Maya R.")).get("/settings").get_data(as_text=True)
    assert 'value="Maya R."' in page and 'name="current_password"' in page and 'name="kind_reply"' in page


def test_settings_needs_sign_in(client):
    assert "/auth/login" in client.get("/settings").headers["Location"]


def test_save_profile(client, make_user):
    maya = make_user()
    response = client.login(maya).post("/settings/profile", data={
        "display_name": "  Maya   R. ", "bio": "I draw.\n<b>Not bold</b>"})
    assert response.status_code == 302
    db.session.expire_all()
    assert maya.display_name == "Maya R."
    page = client.get(f"/u/{maya.username}").get_data(as_text=True)
    assert "Maya R." in page and "I draw.\n&lt;b&gt;Not bold&lt;/b&gt;" in page  # shown with white-space: pre-line


def test_bad_profile_keeps_the_text_and_stores_nothing(client, make_user):
    maya = make_user()
    response = client.login(maya).post("/settings/profile", data={
        "display_name": "Maya", "bio": "My long-typed bio" + "!" * 500})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "My long-typed bio" in page and "limit is 500" in page
    db.session.expire_all()
    assert maya.display_name == "" and maya.bio == ""


def test_password_change_with_the_wrong_current_password_changes_nothing(client, make_user):
    maya = make_user()
    response = client.login(maya).post("/settings/password", data={
        "current_password": "wrong password", "new_password": "another password", "confirm": "another password"})
    assert response.status_code == 400 and b"not your current password" in response.data
    db.session.expire_all()
    assert check_password_hash(maya.password_hash, PASSWORD)


def test_password_change(client, make_user):
    maya = make_user()
    response = client.login(maya).post("/settings/password", data={
        "current_password": PASSWORD, "new_password": "another password", "confirm": "another password"})
    assert response.status_code == 302
    db.session.expire_all()
    assert check_password_hash(maya.password_hash, "another password")


def test_password_confirmation_must_match(client, make_user):
    maya = make_user()
    response = client.login(maya).post("/settings/password", data={
        "current_password": PASSWORD, "new_password": "another password", "confirm": "different"})
    assert response.status_code == 400 and b"don&#39;t match" in response.data


def test_notification_settings(client, make_user):
    maya = make_user()
    client.login(maya).post("/settings/notifications", data={"kind_reply": "y", "kind_mention": "y"})
    off = set(db.session.scalars(db.select(NotificationOptOut.kind).where(NotificationOptOut.user_id == maya.id)))
    assert "reply" not in off and "mention" not in off and {"watched", "delta", "phase_open"} <= off
    page = client.get("/settings").get_data(as_text=True)
    assert '<input checked id="kind_reply"' in page and '<input id="kind_watched"' in page
    assert '<input id="auto_watch"' in page


def test_profile_shows_debates_with_stances(client, make_user, make_topic, make_post):
    maya = make_user()
    debate = make_topic(kind=TopicKind.DEBATE, title="The motion", pro_label="Innovation first",
                        con_label="Protect creators")
    make_post(topic=debate, author=maya, stance=Stance.CON)
    make_post(topic=debate, author=maya, stance=Stance.CON)
    page = client.get(f"/u/{maya.username}").get_data(as_text=True)
    assert "The motion" in page and "Protect creators" in page and "2 arguments" in page
    assert "Innovation first</span> " not in page


def test_profile_hides_private_activity(client, make_class, make_class_debate, open_phase):
    from forum.domain import classes
    from forum.models import PhaseKind
    classroom = make_class(students=1)
    [maya] = [db.session.get(User, i) for i in classes.student_ids(classroom.id)]
    secret = make_class_debate(classroom, title="Class debate")
    classes.set_sides(secret, {maya.id: Stance.PRO})
    open_phase(secret, PhaseKind.OPENING)
    posting.create_post(maya, secret, "Private argument", stance=Stance.PRO)
    db.session.commit()
    page = client.get(f"/u/{maya.username}").get_data(as_text=True)
    assert "Class debate" not in page and "Private argument" not in page and "0 posts" in page


def test_profile_queries_do_not_grow(client, make_user, make_topic, make_post, count_queries):
    counts = []
    for n in (2, 30):
        person = make_user()
        debate = make_topic(kind=TopicKind.DEBATE)
        for _ in range(n):
            make_post(topic=debate, author=person, stance=Stance.PRO)
        with count_queries() as q:
            assert client.get(f"/u/{person.username}").status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1] <= 10
