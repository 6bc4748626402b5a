"""Leaving: the form that deletes an account (shape checks only; the rules are in domain/leaving.py)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password, to confirm", validators=[
        DataRequired("Type your password to confirm; nothing was changed."), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    erase = BooleanField("Also erase what I wrote (each post and opening text becomes “[erased by its author]”, "
                         "and its earlier versions go)")
