"""Forms that start a topic or an argument on a quote of the article (domain/quoting.py)."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from ..domain.anchors import CONTEXT, EXACT_MAX
from ..domain.posting import BODY_MAX, TITLE_MAX


class _QuoteForm(FlaskForm):
    # The quote as the page or the reader's selection gave it; the domain checks it
    # against the article (a forged quote is refused there, with a sentence).
    exact = HiddenField(validators=[Length(max=EXACT_MAX * 2)])
    prefix = HiddenField(validators=[Length(max=CONTEXT * 8)])
    suffix = HiddenField(validators=[Length(max=CONTEXT * 8)])
    form_key = HiddenField()


class QuoteTopicForm(_QuoteForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX * 2)])
    body = TextAreaField("Opening post", validators=[Length(max=BODY_MAX * 2)])


class QuoteArgumentForm(_QuoteForm):
    debate = SelectField("Debate", coerce=int, validate_choice=False)
    stance = RadioField("Your side", choices=[SelectChoice("pro", "For the motion"),
                                              SelectChoice("con", "Against the motion")], validate_choice=False)
    # Not `body`: both forms are on one page, and their fields' ids must differ.
    argument = TextAreaField("Your argument", validators=[Length(max=BODY_MAX * 2)])
