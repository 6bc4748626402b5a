from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..domain import names, notifications, profiles, sessions
from ..domain.permissions import can_write, require
from ..forms import EmptyForm
from ..forms.settings import NotificationSettingsForm, PasswordForm, ProfileForm, kind_fields
from ..web.form_actions import attempt

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _page(profile=None, password=None, notify=None, status=200):
    if profile is None:
        profile = ProfileForm(formdata=None, obj=current_user)
    if notify is None:
        off = notifications.opted_out(current_user)
        data = {f"kind_{kind}": kind not in off for kind in notifications.KIND_SETTINGS}
        notify = NotificationSettingsForm(
            formdata=None, data={**data, "auto_watch": notifications.follow_settings(current_user).auto_watch})
    return render_template("settings/index.html", profile=profile, password=password or PasswordForm(formdata=None),
                           notify=notify, kind_fields=kind_fields(notify), end=EmptyForm(),
                           sessions=sessions.active_sessions(current_user), this_session=current_user.session_row_id,
                           device_label=sessions.device_label), status


def _submit(form, action, field, message: str, **forms):
    """Save one of the page's forms; on a refusal show the page again with the person's input."""
    if attempt(form, action, field):
        flash(message, "success")
        return redirect(url_for("settings.index"))
    return _page(**forms, status=400)


@bp.get("")
@login_required
def index():
    return _page()


@bp.post("/profile")
@login_required
def profile():
    # A display name and bio are shown to everyone: writing, which a suspension stops.
    require(can_write(current_user))
    form = ProfileForm()
    # A refusal of the display name (names.py) is shown under it, any other under the email.
    field = (form.display_name if form.is_submitted() and names.display_name_refusal(current_user,
                                                                                     form.display_name.data)
             else form.email)
    return _submit(form, lambda: profiles.update_profile(
        current_user, display_name=form.display_name.data, bio=form.bio.data, email=form.email.data),
        field, "Your profile is saved.", profile=form)


@bp.post("/password")
@login_required
def password():
    form = PasswordForm()
    return _submit(form, lambda: profiles.change_password(
        current_user, current=form.current_password.data, new=form.new_password.data),
        form.current_password, "Your password is changed.", password=form)


@bp.post("/notifications")
@login_required
def notify():
    form = NotificationSettingsForm()
    enabled = {kind for kind in notifications.KIND_SETTINGS if form[f"kind_{kind}"].data}
    return _submit(form, lambda: notifications.save_settings(
        current_user, enabled_kinds=enabled, auto_watch=form.auto_watch.data),
        form.auto_watch, "Your notification settings are saved.", notify=form)



# Ending sessions is not writing: a suspended member may still sign other browsers out.
@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id):
    attempt(EmptyForm(), lambda: sessions.end_session(current_user, session_id),
            done="That session has ended: its browser is signed out.")
    return redirect(url_for("settings.index"))


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    attempt(EmptyForm(), lambda: sessions.end_other_sessions(current_user),
            done="Every other session has ended; this browser stays signed in.")
    return redirect(url_for("settings.index"))
