"""Site roles: admins promote and demote members (member, instructor, moderator,
admin) from the people page; every change is an entry of the audit log (action
"role", the old and the new role in its reason) and a message to the member.

The site always keeps one admin who can act: the last admin who is not suspended
cannot be demoted, by anyone, themselves included. The admins' rows are locked
while they are counted (on PostgreSQL; SQLite's writers take turns), so two
admins demoting each other at the same moment cannot both succeed.
"""
from sqlalchemy import or_, select

from ..extensions import db
from ..models import ModAction, Role, User, utcnow
from . import moderation, names, permissions
from .errors import RuleError

# In the order the page offers them, with the words it shows.
ROLE_LABELS = {Role.MEMBER: "Member", Role.INSTRUCTOR: "Instructor", Role.MODERATOR: "Moderator",
               Role.ADMIN: "Admin"}
_ARTICLES = {Role.MEMBER: "a member", Role.INSTRUCTOR: "an instructor", Role.MODERATOR: "a moderator",
             Role.ADMIN: "an admin"}


def parse_role(value: str | None) -> Role:
    """The role a form names, or a RuleError that lists the roles there are."""
    try:
        return Role((value or "").strip().lower())
    except ValueError:
        shown = (value or "").strip()[:30] or "(nothing)"
        raise RuleError(f"“{shown}” is not a role: choose member, instructor, moderator or admin; "
                        "nothing was changed.") from None


def active_admin_ids(*, lock: bool = False) -> list[int]:
    """The admins who can act (not suspended); `lock`: their rows locked until the
    transaction ends, so that a concurrent change of roles waits and counts again."""
    query = (select(User.id).where(User.role == Role.ADMIN,
                                   or_(User.suspended_until.is_(None), User.suspended_until <= utcnow()))
             .order_by(User.id))
    if lock:
        query = query.with_for_update()
    return list(db.session.scalars(query))


def change_role(actor: User, member: User, new_role: str, reason: str = "") -> ModAction:
    """Give `member` the site role `new_role` (a Role or its value), as `actor` (an
    admin who is not suspended). Returns the audit log entry. Refused, with
    nothing changed: an unknown role, the role they already have, and the
    demotion of the last admin who can act.

    A member demoted to "member" whose display name reads as a staff word
    (names.role_word_in: "Sam the Mod") loses that display name, which members may
    not wear; they are shown by their username until they choose another."""
    if not permissions.can_manage_roles(actor):
        raise RuleError("Only an admin can change a member's role.")
    role = parse_role(new_role)
    reason = " ".join((reason or "").split())
    if len(reason) > moderation.REASON_MAX:
        raise RuleError(f"Keep the reason under {moderation.REASON_MAX} characters; nothing was changed.")
    if member.is_deleted:
        raise RuleError("That account is deleted: it has no role to change. Nothing was changed.")
    old = Role(member.role)
    if old == role:
        raise RuleError(f"{member.username} is already {_ARTICLES[role]}; nothing was changed.")
    if old == Role.ADMIN and member.id in (admins := active_admin_ids(lock=True)) and len(admins) == 1:
        raise RuleError(f"{'You are' if member.id == actor.id else member.username + ' is'} the site's only "
                        "admin: make someone else an admin first, so that the site keeps one. "
                        "Nothing was changed.")
    member.role = role
    notes = [f"{old.value} → {role.value}"]
    if role not in names.STAFF_ROLES and member.display_name and names.role_word_in(member.display_name):
        notes.append(f"display name “{member.display_name}” cleared (a staff word)")
        names.set_display_name(member, "")
    if reason:
        notes.append(reason)
    entry = moderation.log(actor, "role", user=member, reason="; ".join(notes))
    moderation.tell(member, f"An admin changed your role from {ROLE_LABELS[old].lower()} to "
                            f"{ROLE_LABELS[role].lower()}." + (f" Reason: {reason}" if reason else ""))
    db.session.flush()
    return entry


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
