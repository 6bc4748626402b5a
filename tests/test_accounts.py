import pytest

from forum.domain import accounts
from forum.domain.errors import RuleError
from forum.models import Role


@pytest.mark.parametrize("name", ["ab", "a" * 31, "has space", "émile", "semi;colon", "", "dot.name"])
def test_create_user_rejects_bad_usernames(app, name):
    with pytest.raises(RuleError):
        accounts.create_user(name, "x@example.org", "long enough pw")


def test_create_user_usernames_unique_ignoring_case(app, make_user):
    make_user("Maya")
    with pytest.raises(RuleError, match="taken"):
        accounts.create_user("maya", "m@example.org", "long enough pw")


def test_create_user_hashes_the_password(app):
    user = accounts.create_user("hasher", "h@example.org", "long enough pw")
    assert "long enough pw" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_create_user_rejects_short_password(app):
    with pytest.raises(RuleError, match="8"):
        accounts.create_user("shorty", "s@example.org", "short")


def test_authenticate(app, make_user):
    user = make_user("alice", password="long enough pw")
    assert accounts.authenticate("ALICE", "long enough pw") == user
    assert accounts.authenticate("alice", "wrong password") is None
    assert accounts.authenticate("nobody", "long enough pw") is None


def test_roles(app, make_user):
    admin = make_user(role=Role.ADMIN)
    mod = make_user(role=Role.MODERATOR)
    teacher = make_user(role=Role.INSTRUCTOR)
    member = make_user()
    assert admin.is_moderator and admin.is_instructor and admin.is_admin
    assert mod.is_moderator and not mod.is_instructor
    assert teacher.is_instructor and not teacher.is_moderator
    assert not (member.is_moderator or member.is_instructor or member.is_admin)


def test_a_members_name_is_the_same_in_python_and_in_sql(make_user):
    """`User.name` (the display name, else the username) is also a column expression."""
    from sqlalchemy import select

    from forum.extensions import db
    from forum.models import User
    people = [make_user("ada_l", display_name="Ada Lovelace"), make_user("bo_b", display_name="")]
    in_sql = dict(db.session.execute(select(User.id, User.name).where(User.id.in_([p.id for p in people]))).all())
    assert in_sql == {p.id: p.name for p in people} and sorted(in_sql.values()) == ["Ada Lovelace", "bo_b"]
