"""Site roles: roles.change_role, called directly (the people page: test_views_admin.py)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.domain import roles
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import MemberMessage, ModAction, Role, utcnow


def _entries() -> list[ModAction]:
    return list(db.session.scalars(select(ModAction).where(ModAction.action == "role").order_by(ModAction.id)))


def test_an_admin_promotes_a_member_and_the_log_says_from_what_to_what(make_user):
    admin, maya = make_user("boss", role=Role.ADMIN), make_user("maya")
    entry = roles.change_role(admin, maya, "moderator", "Helps keep threads civil")
    db.session.commit()
    assert maya.role == Role.MODERATOR and maya.is_moderator
    assert entry in _entries() and entry.actor_id == admin.id and entry.user_id == maya.id
    assert entry.reason == "member → moderator; Helps keep threads civil"
    message = db.session.scalar(select(MemberMessage).where(MemberMessage.user_id == maya.id))
    assert "from member to moderator" in message.text


@pytest.mark.parametrize("old, new", [("member", "instructor"), ("instructor", "admin"), ("admin", "moderator"),
                                      ("moderator", "member")])
def test_every_role_to_every_other(make_user, old, new):
    admin, person = make_user(role=Role.ADMIN), make_user(role=Role(old))
    roles.change_role(admin, person, new)
    assert person.role == new and _entries()[-1].reason == f"{old} → {new}"


def test_an_admin_may_step_down_while_another_admin_remains(make_user):
    first, second = make_user(role=Role.ADMIN), make_user(role=Role.ADMIN)
    roles.change_role(first, first, Role.MEMBER)
    assert first.role == Role.MEMBER and second.is_admin


def test_the_last_admin_cannot_demote_themselves(make_user):
    admin = make_user("only_boss", role=Role.ADMIN)
    with pytest.raises(RuleError, match="You are the site's only admin"):
        roles.change_role(admin, admin, "moderator")
    db.session.rollback()
    assert admin.role == Role.ADMIN and _entries() == []


def test_a_suspended_admin_does_not_count_as_the_admin_the_site_keeps(make_user):
    active = make_user("active_boss", role=Role.ADMIN)
    suspended = make_user("away_boss", role=Role.ADMIN, suspended_until=utcnow() + timedelta(days=3))
    with pytest.raises(RuleError, match="only admin"):
        roles.change_role(active, active, Role.MEMBER)
    # The suspended one may be demoted: the active admin stays.
    roles.change_role(active, suspended, Role.MEMBER)
    assert suspended.role == Role.MEMBER and active.is_admin


def test_refusals_change_nothing(make_user):
    admin, maya = make_user(role=Role.ADMIN), make_user("maya")
    with pytest.raises(RuleError, match="“owner” is not a role"):
        roles.change_role(admin, maya, "owner")
    with pytest.raises(RuleError, match="is not a role"):
        roles.change_role(admin, maya, "")
    with pytest.raises(RuleError, match="maya is already a member"):
        roles.change_role(admin, maya, "member")
    with pytest.raises(RuleError, match="under 500 characters"):
        roles.change_role(admin, maya, "moderator", "x" * 501)
    assert maya.role == Role.MEMBER and _entries() == []


@pytest.mark.parametrize("who", ["member", "instructor", "moderator", "suspended admin"])
def test_only_an_admin_who_can_act_changes_roles(make_user, who):
    role = Role.ADMIN if who == "suspended admin" else Role(who)
    actor = make_user(role=role, suspended_until=utcnow() + timedelta(days=1) if who == "suspended admin" else None)
    make_user(role=Role.ADMIN)
    target = make_user()
    with pytest.raises(RuleError, match="Only an admin"):
        roles.change_role(actor, target, "admin")
    assert target.role == Role.MEMBER and _entries() == []


def test_demoted_to_member_a_display_name_with_a_staff_word_is_cleared(make_user):
    admin = make_user(role=Role.ADMIN)
    sam = make_user("sam", role=Role.MODERATOR, display_name="Sam the Mod")
    entry = roles.change_role(admin, sam, "member")
    assert sam.display_name == "" and sam.name == "sam"
    assert "display name “Sam the Mod” cleared" in entry.reason
    # Demoted to instructor (still staff), a display name stays.
    lee = make_user("lee", role=Role.MODERATOR, display_name="Lee, staff")
    roles.change_role(admin, lee, "instructor")
    assert lee.display_name == "Lee, staff"
