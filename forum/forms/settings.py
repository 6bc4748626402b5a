"""The settings page's forms (shape checks only; the rules are in profiles and notifications)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ..domain.mail_notifications import MAIL_KINDS, MODE_LABELS
from ..domain.notifications import KIND_SETTINGS
from ..domain.profiles import BIO_MAX, DISPLAY_NAME_MAX


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[Length(max=DISPLAY_NAME_MAX * 2)],
                               description="Shown instead of your username; leave empty to use it.")
    bio = TextAreaField("Short bio", validators=[Length(max=BIO_MAX * 2)],
                        description=f"Plain text, up to {BIO_MAX} characters.")


class AddressForm(FlaskForm):
    email = EmailField("Address", validators=[DataRequired(), Length(max=254)],
                       description="We mail a link to confirm a new address, and tell the old one.",
                       render_kw={"autocomplete": "email"})


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=200)],
                                 description="At least 8 characters.")
    confirm = PasswordField("Repeat the new password", validators=[
        DataRequired(), EqualTo("new_password", "The passwords don't match.")])


class NotificationSettingsForm(FlaskForm):
    auto_watch = BooleanField("Watch the topics I start or post in")


# One checkbox per kind of notification, named after the kind.
for _kind, _label in KIND_SETTINGS.items():
    setattr(NotificationSettingsForm, f"kind_{_kind}", BooleanField(_label))


def kind_fields(form: NotificationSettingsForm) -> list:
    return [form[f"kind_{kind}"] for kind in KIND_SETTINGS]


class MailSettingsForm(FlaskForm):
    """One radio group per kind that may be mailed (`mail_<kind>`): off, at once, or in the digest."""


_MAIL_MODES = [SelectChoice(mode.value, text) for mode, text in MODE_LABELS.items()]
for _kind, (_label, _default) in MAIL_KINDS.items():
    setattr(MailSettingsForm, f"mail_{_kind}", RadioField(_label, choices=_MAIL_MODES))


def mail_fields(form: MailSettingsForm) -> list:
    return [form[f"mail_{kind}"] for kind in MAIL_KINDS]
