import json

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from ..domain import addresses, mail_notifications, names, notifications, profiles, sessions
from ..domain import leaving
from ..domain.errors import RuleError
from ..domain.permissions import can_write, require
from ..extensions import csrf, db
from ..forms import EmptyForm
from ..forms.leaving import DeleteAccountForm
from ..forms.settings import (AddressForm, MailSettingsForm, NotificationSettingsForm, PasswordForm, ProfileForm,
                              kind_fields, mail_fields)
from ..web import kept_forms, limits
from ..web.form_actions import attempt
from ..web.navigation import safe_next

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _page(profile=None, password=None, notify=None, address=None, deletion=None, mail=None, status=200):
    if profile is None:
        profile = ProfileForm(formdata=None, obj=current_user)
    if notify is None:
        off = notifications.opted_out(current_user)
        data = {f"kind_{kind}": kind not in off for kind in notifications.KIND_SETTINGS}
        notify = NotificationSettingsForm(
            formdata=None, data={**data, "auto_watch": notifications.follow_settings(current_user).auto_watch})
    if mail is None:
        mail = MailSettingsForm(formdata=None, data={f"mail_{kind}": mode for kind, mode in
                                                     mail_notifications.preferences(current_user).items()})
    return render_template("settings/index.html", profile=profile, password=password or PasswordForm(formdata=None),
                           notify=notify, kind_fields=kind_fields(notify), end=EmptyForm(),
                           mail=mail, mail_fields=mail_fields(mail),
                           sessions=sessions.active_sessions(current_user), this_session=current_user.session_row_id,
                           device_label=sessions.device_label,
                           address=address or AddressForm(formdata=None, data={"email": current_user.email}),
                           address_confirmed=addresses.is_confirmed(current_user),
                           leaving=deletion or DeleteAccountForm(formdata=None)), status


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
    # A refusal of the display name (names.py) is shown under it, any other under the bio.
    field = (form.display_name if form.is_submitted() and names.display_name_refusal(current_user,
                                                                                     form.display_name.data)
             else form.bio)
    return _submit(form, lambda: profiles.update_profile(
        current_user, display_name=form.display_name.data, bio=form.bio.data),
        field, "Your profile is saved.", profile=form)


# Changing one's address is not writing: a suspended member may still keep it right.
@bp.post("/email")
@login_required
@limits.address_mail
def email():
    form = AddressForm()
    changed = attempt(form, lambda: addresses.change_address(current_user, form.email.data), form.email)
    if not changed:
        return _page(address=form, status=400)
    # True: only the letters' case changed (the same mailbox, still confirmed as it was).
    flash("Your address is saved." if changed is True else
          f"Your address is changed. We mailed {current_user.email} a link to confirm it.", "success")
    return redirect(url_for("settings.index") + "#address-h")


@bp.post("/email/resend")
@login_required
@limits.address_mail
def resend_confirmation():
    """From the settings page, or from a posting form refused for want of a confirmed
    address: then what was typed comes back on the answer's page, nothing lost."""
    sent = attempt(EmptyForm(), lambda: addresses.send_confirmation(current_user))
    kept = [(name, value) for name, value in kept_forms.kept_fields() if name != "back" and value.strip()]
    if kept:
        return render_template("settings/resent.html", sent=bool(sent), kept=kept,
                               back=safe_next(request.form.get("back"))), 200 if sent else 400
    if sent:
        flash(f"A new confirmation link is on its way to {current_user.email}.", "success")
    return redirect(url_for("settings.index") + "#address-h")


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


@bp.post("/mail")
@login_required
def mail_settings():
    form = MailSettingsForm()
    fields = mail_fields(form)
    return _submit(form, lambda: mail_notifications.save_preferences(
        current_user, {kind: field.data for kind, field in zip(mail_notifications.MAIL_KINDS, fields)}),
        fields[0], "Your mail settings are saved.", mail=form)


# No sign-in and no CSRF token: the signed link is the proof, and a mail client's
# one-click unsubscribe (RFC 8058) POSTs "List-Unsubscribe=One-Click" with neither.
@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    done = request.method == "POST"
    try:
        user, kind = (mail_notifications.unsubscribe if done else mail_notifications.check_unsubscribe_token)(token)
    except RuleError as error:
        return render_template("settings/unsubscribe.html", error=str(error)), 400
    if done:
        db.session.commit()
    return render_template("settings/unsubscribe.html", username=user.username, done=done,
                           what=mail_notifications.UNSUBSCRIBED[kind])



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


# Leaving: the member's own data as a file, and deleting the account (domain/leaving.py).
@bp.get("/export")
@login_required
def export():
    data = leaving.export(current_user)
    response = make_response(json.dumps(data, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="counterpoint-{current_user.username}-{data["exported_at"][:10]}.json"')
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


# The password typed here counts, when wrong, as a failed sign-in (web/limits.py).
@bp.post("/delete")
@login_required
@limits.login_per_ip
@limits.login_per_account
def delete_account():
    form = DeleteAccountForm()
    if not attempt(form, lambda: _delete_account(form), form.password):
        return _page(deletion=form, status=400)
    logout_user()
    session.clear()
    flash("Your account is deleted, and every browser it was signed in on is signed out.", "success")
    response = redirect(url_for("home.index"))
    # This browser's drafts (kept by static/js in its storage) go too.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


def _delete_account(form):
    try:
        leaving.delete_account(current_user, form.password.data, form.erase.data)
    except leaving.WrongPassword:
        limits.failed_sign_in()
        raise
