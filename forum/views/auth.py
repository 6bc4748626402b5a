from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from .. import accounts, limits
from ..errors import RuleError
from ..extensions import db
from ..forms import EmptyForm, LoginForm, RegisterForm
from . import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.username.data.strip(), form.email.data, form.password.data)
        except RuleError as error:
            form.username.errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
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
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data))
        form.password.errors.append("That username and password don't match an account.")
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("home.index"))
