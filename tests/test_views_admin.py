"""The admins' people page (/admin/people): promote and demote, refusals, the log."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ModAction, Role, User, utcnow
from tests.conftest import new_session
from tests.test_cross_site import foreign


def _role_entries() -> list[ModAction]:
    return list(db.session.scalars(select(ModAction).where(ModAction.action == "role")))


@pytest.fixture
def people(make_user):
    return {"admin": make_user("boss", role=Role.ADMIN), "maya": make_user("maya", display_name="Maya Okafor"),
            "mod": make_user("sam_mod", role=Role.MODERATOR), "lee": make_user("prof_lee", role=Role.INSTRUCTOR),
            "away": make_user("away", suspended_until=utcnow() + timedelta(days=3), suspension_reason="Spam")}


def test_the_page_lists_members_with_their_roles_and_suspensions(client, people):
    client.login(people["admin"])
    page = client.get("/admin/people").get_data(as_text=True)
    assert "People and roles" in page
    for person in people.values():  # a form each
        assert f'action="/admin/people/{person.id}/role"' in page and person.username in page
    assert "Suspended</span> until" in page and "Spam" in page
    assert "The only admin who can act" in page
    assert 'href="/admin/people"' in client.get("/").get_data(as_text=True)  # the header's link


def test_search_by_name_and_role(client, people):
    client.login(people["admin"])
    page = client.get("/admin/people?q=okaf").get_data(as_text=True)
    assert "maya" in page and "sam_mod" not in page and "1 member found" in page
    page = client.get("/admin/people?role=moderator").get_data(as_text=True)
    assert "sam_mod" in page and "maya" not in page


def test_an_admin_promotes_a_member_and_it_is_in_the_log(client, people):
    maya = people["maya"]
    client.login(people["admin"])
    response = client.post(f"/admin/people/{maya.id}/role",
                           data={"role": "moderator", "reason": "Trusted regular", "next": "/admin/people?q=maya"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/people?q=maya"
    db.session.refresh(maya)
    assert maya.role == Role.MODERATOR
    [entry] = _role_entries()
    assert entry.actor_id == people["admin"].id and entry.reason == "member → moderator; Trusted regular"
    assert "maya is now moderator" in client.get("/admin/people?q=maya").get_data(as_text=True)
    log = client.get("/mod/log?action=role").get_data(as_text=True)
    assert "changed a role" in log and "member → moderator; Trusted regular" in log
    # A site moderator reads it in the log too.
    client.login(people["mod"])
    assert "member → moderator" in client.get("/mod/log").get_data(as_text=True)


def test_an_admin_demotes_a_moderator(client, people):
    client.login(people["admin"])
    assert client.post(f"/admin/people/{people['mod'].id}/role", data={"role": "member"}).status_code == 302
    db.session.refresh(people["mod"])
    assert people["mod"].role == Role.MEMBER and _role_entries()[0].reason == "moderator → member"


@pytest.mark.parametrize("visitor", ["mod", "lee", "maya"])
def test_others_are_refused_as_on_the_other_admin_pages(client, people, visitor):
    client.login(people[visitor])
    assert client.get("/admin/people").status_code == 403
    assert client.post(f"/admin/people/{people['maya'].id}/role", data={"role": "admin"}).status_code == 403
    db.session.refresh(people["maya"])
    assert people["maya"].role == Role.MEMBER and _role_entries() == []


def test_a_guest_is_asked_to_sign_in(client, people):
    assert "/auth/login" in client.get("/admin/people").headers["Location"]
    assert client.post(f"/admin/people/{people['maya'].id}/role", data={"role": "admin"}).status_code == 401
    db.session.refresh(people["maya"])
    assert people["maya"].role == Role.MEMBER


def test_a_suspended_admin_is_refused(client, people, make_user):
    suspended = make_user("away_boss", role=Role.ADMIN, suspended_until=utcnow() + timedelta(days=1))
    client.login(suspended)
    assert client.get("/admin/people").status_code == 403
    assert client.post(f"/admin/people/{people['maya'].id}/role", data={"role": "admin"}).status_code == 403


def test_the_last_admin_cannot_demote_themselves(client, people):
    admin = people["admin"]
    client.login(admin)
    response = client.post(f"/admin/people/{admin.id}/role", data={"role": "member", "reason": "Stepping down"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "You are the site&#39;s only admin" in page and "Nothing was changed" in page
    assert 'value="Stepping down"' in page  # what was typed comes back
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN and _role_entries() == []


def test_an_admin_steps_down_while_another_remains_and_leaves_the_page(client, people, make_user):
    make_user("other_boss", role=Role.ADMIN)
    admin = people["admin"]
    client.login(admin)
    response = client.post(f"/admin/people/{admin.id}/role", data={"role": "moderator"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.refresh(admin)
    assert admin.role == Role.MODERATOR
    assert client.get("/admin/people").status_code == 403


def test_an_unknown_role_is_refused_with_the_roles_there_are(client, people):
    client.login(people["admin"])
    response = client.post(f"/admin/people/{people['maya'].id}/role", data={"role": "owner"})
    assert response.status_code == 400
    assert "is not a role: choose member, instructor, moderator or admin" in response.get_data(as_text=True)
    db.session.refresh(people["maya"])
    assert people["maya"].role == Role.MEMBER and _role_entries() == []


def test_unknown_member_is_404(client, people):
    client.login(people["admin"])
    assert client.post("/admin/people/999999/role", data={"role": "admin"}).status_code == 404


def test_a_form_without_a_token_is_refused(csrf_app, people):
    client = csrf_app.test_client().login(people["admin"])
    response = client.post(f"/admin/people/{people['maya'].id}/role", data={"role": "admin"})
    assert response.status_code == 400
    db.session.refresh(people["maya"])
    assert people["maya"].role == Role.MEMBER


def test_another_sites_form_is_refused_with_nothing_kept(csrf_app, people):
    client = foreign(csrf_app, **{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
    client.login(people["admin"])
    response = client.post(f"/admin/people/{people['maya'].id}/role",
                           data={"role": "admin", "reason": "Pwned by evil.example"})
    assert response.status_code == 403 and "That form came from another site" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    db.session.refresh(people["maya"])
    assert people["maya"].role == Role.MEMBER and _role_entries() == []


def test_with_the_token_the_page_works(csrf_app, people):
    """The page's own form, token included, as a browser sends it."""
    client = csrf_app.test_client().login(people["admin"])
    page = client.get("/admin/people?q=maya").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(f"/admin/people/{people['maya'].id}/role", data={"role": "instructor", "csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(people["maya"])
    assert people["maya"].role == Role.INSTRUCTOR


@pytest.mark.committing  # each thread's request commits through its own connection
def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, make_user):
    """The admins' rows are locked while counted (SQLite: a POST's BEGIN IMMEDIATE),
    so of two admins demoting each other at the same moment exactly one succeeds."""
    first, second = make_user("boss_one", role=Role.ADMIN), make_user("boss_two", role=Role.ADMIN)
    ids = (first.id, second.id)
    cookies = {first.id: new_session(first), second.id: new_session(second)}
    for _ in range(3):
        start = threading.Barrier(2)
        statuses: list[int] = []

        def demote(actor_id: int, target_id: int) -> None:
            with app.app_context():
                client = app.test_client()
                with client.session_transaction() as session:
                    session["_user_id"] = cookies[actor_id]
                start.wait()
                statuses.append(client.post(f"/admin/people/{target_id}/role", data={"role": "member"}).status_code)
                db.session.remove()

        threads = [threading.Thread(target=demote, args=pair) for pair in (ids, ids[::-1])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        db.session.rollback()
        # The other is refused: by the rule (400) when both began as admins, or, when
        # it began after the first had ended, because its actor is no longer one (403).
        assert sorted(statuses)[0] == 302 and sorted(statuses)[1] in (400, 403)
        admins = db.session.scalars(select(User).where(User.id.in_(ids), User.role == Role.ADMIN)).all()
        assert len(admins) == 1
        for user in db.session.scalars(select(User).where(User.id.in_(ids))):  # both admins again
            user.role = Role.ADMIN
        db.session.commit()
