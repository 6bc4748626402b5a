"""Class accounts without e-mail: an instructor's list of names, the printable sheet
of usernames and one-time codes, and a new code for one student
(forum/domain/class_accounts.py).

The sheet is the answer to the POST that made the codes: a code is shown once and
only its hash is kept, so the page is stored by no cache. Sending the list again
makes nothing (each name is in the class already: a clear refusal)."""
from flask import Blueprint, abort, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..domain import class_accounts, visibility
from ..domain.permissions import can_write, require
from ..forms import EmptyForm
from ..forms.class_accounts import StudentListForm
from ..models import Classroom
from ..web.form_actions import attempt

bp = Blueprint("class_accounts", __name__, url_prefix="/classes")


def _teacher_class(class_id: int) -> Classroom:
    """404 for whoever may not see the class; 403 for its students."""
    classroom = visibility.get_visible_or_404(current_user, Classroom, class_id)
    require(can_write(current_user) and visibility.is_teacher(current_user, class_id))
    return classroom


def _names(form: StudentListForm) -> list[str]:
    upload = form.csv_file.data
    data = upload.read() if upload and getattr(upload, "filename", "") else None
    return class_accounts.read_list(form.names.data, data)


@bp.route("/<int:class_id>/students/new", methods=["GET", "POST"])
@login_required
def add_students(class_id):
    classroom = _teacher_class(class_id)
    form = StudentListForm()
    issued = attempt(form, lambda: class_accounts.add_students(classroom, current_user, _names(form)),
                     field=form.names)
    if issued:
        return _sheet(classroom, issued)
    return render_template("classes/students_new.html", classroom=classroom, form=form,
                           names_max=class_accounts.NAMES_MAX), 400 if form.errors else 200


@bp.post("/<int:class_id>/students/<int:user_id>/code")
@login_required
def new_code(class_id, user_id):
    classroom = _teacher_class(class_id)
    row = class_accounts.class_account(classroom, user_id) or abort(404)
    issued = attempt(EmptyForm(), lambda: class_accounts.issue_code(classroom, current_user, row))
    if issued:
        return _sheet(classroom, [issued])
    return redirect(url_for("classes.show", class_id=class_id))  # the refusal is flashed there


def _sheet(classroom: Classroom, issued: list):
    page = render_template("classes/sheet.html", classroom=classroom, issued=issued,
                           days=class_accounts.code_days(), expires_at=issued[0].expires_at)
    response = make_response(page)
    response.cache_control.no_store = True
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
