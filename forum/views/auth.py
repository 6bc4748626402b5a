from flask import Blueprint, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..domain import accounts, addresses, class_accounts, password_reset, sessions
from ..domain.errors import RuleError
from ..extensions import db
from ..forms import EmptyForm
from ..forms.accounts import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from ..forms.class_accounts import ClassCodeForm
from ..web import limits
from ..web.form_actions import attempt
from ..web.navigation import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/register", methods=["GET", "POST"])
@limits.registering
def register():
    form = RegisterForm()
    # The form's checks (the honeypot among them) and the limit come first: the
    # password is hashed only for an account about to be made.
    user = attempt(form, lambda: _register(form), field=form.username)
    if user:
        limits.account_made()
        _sign_in(user, remember=False)
        flash(f"Welcome to Counterpoint, {user.username}.", "success")
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limits.login_per_ip
@limits.login_per_account
def login():
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            _sign_in(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data))
        limits.failed_sign_in()
        form.password.errors.append("That username and password don't match an account.")
    # `asked`: sent by a members' button a guest pressed (_macros/forms.html sign_in_button).
    return render_template("auth/login.html", form=form, asked=request.args.get("asked") == "1"), \
        400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    if attempt(EmptyForm(), lambda: sessions.end_this_session(current_user)):
        logout_user()
        _renew_csrf_secret()
        flash("You are signed out.", "info")
    return redirect(url_for("home.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@limits.reset_per_ip
def forgot_password():
    """The same answer whether or not an account matches (domain/password_reset.py)."""
    form = ForgotPasswordForm()
    if attempt(form, lambda: password_reset.request_reset(form.identifier.data, limits.reset_mail_allowed),
               field=form.identifier):
        return redirect(url_for("auth.forgot_password", sent=1))
    sent = request.args.get("sent") == "1" and not form.errors
    return render_template("auth/forgot.html", form=form, sent=sent), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = password_reset.check_token(token)
    except RuleError as error:
        return _private(render_template("auth/reset.html", refused=str(error), form=None), 400)
    form = ResetPasswordForm()
    own = current_user.session_row_id if current_user.is_authenticated and current_user.id == user.id else None
    if attempt(form, lambda: password_reset.reset_password(token, form.password.data, keep_session=own),
               field=form.password):
        if own:
            flash("Your new password is set, and your account is signed out everywhere else.", "success")
            return redirect(url_for("home.index"))
        flash("Your new password is set, and your account is signed out everywhere else. Sign in with it.",
              "success")
        return redirect(url_for("auth.login"))
    return _private(render_template("auth/reset.html", form=form, username=user.username),
                    400 if form.errors else 200)


def _register(form: RegisterForm):
    user = accounts.create_user(form.username.data.strip(), form.email.data, form.password.data,
                                registration_tag=limits.address_tag())
    addresses.send_confirmation(user)
    return user


@bp.route("/confirm-address/<token>", methods=["GET", "POST"])
def confirm_address(token):
    """A GET only shows the button (a mail scanner that follows links confirms nothing)."""
    try:
        user = addresses.check_confirm_token(token)
    except RuleError as error:
        return _private(render_template("auth/address_link.html", refused=str(error), what="confirm"), 400)
    form = EmptyForm()
    if attempt(form, lambda: addresses.confirm_address(token)):
        flash(f"Thank you: {user.email} is confirmed.", "success")
        return redirect(url_for("settings.index") if current_user.is_authenticated else url_for("auth.login"))
    return _private(render_template("auth/address_link.html", form=form, user=user, what="confirm"), 200)


@bp.route("/undo-address/<token>", methods=["GET", "POST"])
def undo_address(token):
    try:
        change = addresses.check_undo_token(token)
    except RuleError as error:
        return _private(render_template("auth/address_link.html", refused=str(error), what="undo"), 400)
    form = EmptyForm()
    own = current_user.session_row_id if current_user.is_authenticated and current_user.id == change.user_id else None
    if attempt(form, lambda: addresses.undo_change(token, keep_session=own)):
        flash(f"The change is undone: the address is {change.old_address or 'none'} again, and the account is "
              f"signed out everywhere else. If you did not make that change, set a new password now.", "success")
        return redirect(url_for("settings.index") if own else url_for("auth.forgot_password"))
    return _private(render_template("auth/address_link.html", form=form, change=change, what="undo"), 200)


@bp.route("/class-code", methods=["GET", "POST"])
@limits.login_per_ip
@limits.login_per_account
def class_code():
    """A class account's first sign-in (or one with a new code): the code, and a password."""
    form = ClassCodeForm()
    if form.validate_on_submit():
        try:
            user = class_accounts.sign_in_with_code(form.username.data, form.code.data, form.password.data)
        except RuleError as error:
            db.session.rollback()
            limits.failed_sign_in()
            form.code.errors.append(str(error))
        else:
            _sign_in(user, remember=False)  # commits
            flash(f"Welcome, {user.name}. Your password is set: sign in with it and your username from now on.",
                  "success")
            return redirect(url_for("classes.show", class_id=class_accounts.class_of(user)))
    return _private(render_template("auth/class_code.html", form=form), 400 if form.errors else 200)


def _private(page: str, status: int):
    """A page whose address holds a token: kept by no cache, named to no other page."""
    response = make_response(page, status)
    response.cache_control.no_store = True
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _sign_in(user, *, remember: bool) -> None:
    """A new session for this browser (forum/sessions.py), committed, then its cookies."""
    sessions.start_session(user, remember=remember, user_agent=request.user_agent.string)
    db.session.commit()
    _renew_csrf_secret()
    login_user(user, remember=remember)


def _renew_csrf_secret() -> None:
    """Forms shown before signing in or out stop working: a token seen by anyone
    before the change of who this browser is cannot be used after it."""
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
