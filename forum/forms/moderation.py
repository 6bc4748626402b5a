"""Forms of the moderation pages (shape checks only; the rules are in moderation.py)."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..domain.moderation import APPEAL_MAX, NOTE_MAX, REASON_MAX, SLOW_MODE_MAX, SUSPENSION_DAYS_MAX
from ..domain.posting import BODY_MAX
from ..models import WordAction
from ..models.moderation import FLAG_REASON_LABELS


class FlagForm(FlaskForm):
    reason = RadioField("Why should a moderator look at it?",
                        choices=[SelectChoice(k.value, v) for k, v in FLAG_REASON_LABELS.items()],
                        validators=[InputRequired("Choose a reason.")])
    note = TextAreaField("Note (required for “Other”)", validators=[Optional(), Length(max=NOTE_MAX)])


class ReasonForm(FlaskForm):
    """A moderator action on a post or topic, with its reason for the log."""
    reason = StringField("Reason", validators=[Optional(), Length(max=REASON_MAX)])
    next = HiddenField()


class ModEditForm(FlaskForm):
    body = TextAreaField("Text", validators=[Length(max=BODY_MAX * 2)])
    reason = StringField("Reason for the edit (shown in the history and the log)",
                         validators=[Optional(), Length(max=REASON_MAX)])


class SuspendForm(ReasonForm):
    days = IntegerField("Days", default=7,
                        validators=[InputRequired("Say for how many days."),
                                    NumberRange(1, SUSPENSION_DAYS_MAX)])
    post_id = HiddenField()


class WarnForm(ReasonForm):
    post_id = HiddenField()


class SlowModeForm(ReasonForm):
    seconds = IntegerField("Seconds between a member's posts (0 turns it off)", default=60,
                           validators=[InputRequired("Give a number of seconds."),
                                       NumberRange(0, SLOW_MODE_MAX)])


class AppealForm(FlaskForm):
    text = TextAreaField("Why should it be restored?",
                         validators=[DataRequired("Explain your appeal."), Length(max=APPEAL_MAX * 2)])


class WatchedWordForm(FlaskForm):
    word = StringField("Word or phrase", validators=[DataRequired(), Length(max=100)])
    action = SelectField("What it does", choices=[SelectChoice(WordAction.BLOCK.value, "Block the post"),
                                                  SelectChoice(WordAction.HOLD.value, "Hold the post for review")])
