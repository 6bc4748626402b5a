"""The admins' people page: a member's role (shape checks only; the rules are in roles.py)."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional

from ..domain.moderation import REASON_MAX


class RoleForm(FlaskForm):
    # Any text: roles.change_role names the roles there are when it is none of them.
    role = StringField("Role")
    reason = StringField("Reason (optional, in the log)", validators=[Optional(), Length(max=REASON_MAX)])
    next = HiddenField()
