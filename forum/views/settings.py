from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import notifications, profiles
from ..settings_forms import NotificationSettingsForm, PasswordForm, ProfileForm, kind_fields
from . import attempt

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
                           notify=notify, kind_fields=kind_fields(notify)), status


def _done(message: str):
    flash(message, "success")
    return redirect(url_for("settings.index"))


@bp.get("")
@login_required
def index():
    return _page()


@bp.post("/profile")
@login_required
def profile():
    form = ProfileForm()
    if attempt(form, lambda: profiles.update_profile(current_user, display_name=form.display_name.data,
                                                     bio=form.bio.data, email=form.email.data), form.email):
        return _done("Your profile is saved.")
    return _page(profile=form, status=400)


@bp.post("/password")
@login_required
def password():
    form = PasswordForm()
    if attempt(form, lambda: profiles.change_password(current_user, current=form.current_password.data,
                                                      new=form.new_password.data), form.current_password):
        return _done("Your password is changed.")
    return _page(password=form, status=400)


@bp.post("/notifications")
@login_required
def notify():
    form = NotificationSettingsForm()
    enabled = {kind for kind in notifications.KIND_SETTINGS if form[f"kind_{kind}"].data}
    if attempt(form, lambda: notifications.save_settings(current_user, enabled_kinds=enabled,
                                                         auto_watch=form.auto_watch.data), form.auto_watch):
        return _done("Your notification settings are saved.")
    return _page(notify=form, status=400)
