"""Forms for registering and signing in."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError


def _left_empty(form, field):
    # People never see this field (it is off screen and skipped by Tab); programs
    # that fill in every field they find do. Refused before anything costly.
    if field.data:
        field.data = ""  # a person whose browser filled it in can send the form again
        raise ValidationError("The form was sent with the hidden field “Leave this empty” filled in, "
                              "as programs that sign up in bulk do; nothing was created. "
                              "If you are a person, send the form again.")


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=30)],
                           description="3–30 letters, digits, _ or -.")
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False),
                                            Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=200)],
                             description="At least 8 characters.")
    confirm = PasswordField("Repeat the password",
                            validators=[DataRequired(), EqualTo("password", "The passwords don't match.")])
    # The honeypot (see templates/auth/register.html).
    website = StringField("Leave this empty", validators=[_left_empty])


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=100)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in")
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    identifier = StringField("Username or email address", validators=[DataRequired(), Length(max=254)],
                             render_kw={"autocomplete": "username"})


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(min=8, max=200)],
                             description="At least 8 characters.", render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("password", "The passwords don't match.")],
                            render_kw={"autocomplete": "new-password"})
