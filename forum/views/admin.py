"""The admins' area (blueprint `admin`, under /admin): the people page, where
admins promote and demote members. Others are refused as on the other admin
pages (403; a guest is asked to sign in)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import roles
from ..domain.permissions import can_manage_roles, require
from ..extensions import db
from ..forms.people import RoleForm
from ..models import User
from ..pages import people_pages
from ..web.form_actions import attempt
from ..web.navigation import page_arg, safe_next

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    require(can_manage_roles(current_user))


def _people(filters: people_pages.PeopleFilters, refused: tuple[int, RoleForm] | None = None, status: int = 200):
    page = people_pages.people_page(filters, page=page_arg())
    return render_template("admin/people.html", page=page, roles=roles.ROLE_LABELS, refused=refused), status


@bp.get("/people")
def people():
    return _people(people_pages.PeopleFilters.parse(request.args.get("q"), request.args.get("role")))


@bp.post("/people/<int:user_id>/role")
def change_role(user_id):
    member = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if attempt(form, lambda: roles.change_role(current_user, member, form.role.data, form.reason.data),
               field=form.role):
        flash(f"{member.username} is now {roles.role_label(member.role).lower()}; "
              "the change is in the moderation log.", "success")
        if not can_manage_roles(current_user):  # an admin who made themselves something else
            return redirect(url_for("home.index"))
        return redirect(safe_next(form.next.data, url_for("admin.people")))
    # Refused: the member's row again (found by their username), with the reason and what was chosen.
    return _people(people_pages.PeopleFilters(q=member.username), refused=(member.id, form), status=400)
