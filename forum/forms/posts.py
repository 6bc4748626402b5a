"""Forms for writing: topics, replies, edits, articles, debates, ∆, sources, polls."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, HiddenField, PasswordField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length, Optional

from ..domain.posting import BODY_MAX, TITLE_MAX


def _body(label: str = "Your text"):
    # The length check is the domain's (it counts the real characters, with a
    # clear message); this only caps what the form will even read.
    return TextAreaField(label, validators=[Length(max=BODY_MAX * 2)])


def _form_key():
    # The form's one-time key (domain/sent_forms.py checks it): rendered fresh each
    # time by the `sent_once` macro, never from what was sent.
    return HiddenField()


class TopicForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX * 2)])
    body = _body("Opening post")
    passage = HiddenField()
    form_key = _form_key()


class ReplyForm(FlaskForm):
    body = _body("Your reply")
    # Debates: the stance toward what the post answers (checked by the domain),
    # and sources given with it, one per line.
    stance = HiddenField()
    sources = TextAreaField("Sources (optional): one per line, a title then the address",
                            validators=[Optional(), Length(max=6000)])
    # A sentence or phrase of the article the reply quotes (domain/quoting.py checks it).
    quote = TextAreaField("Quote the article (optional)", validators=[Optional(), Length(max=4000)],
                          description="Paste a sentence or phrase of the article exactly as it reads: "
                                      "your reply shows it as a quote, with a link to it in the article.")
    form_key = _form_key()


class EditPostForm(FlaskForm):
    body = _body("Text")
    reason = StringField("Reason for the edit (optional)", validators=[Optional(), Length(max=200)])


class EditTopicForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX * 2)])
    body = _body("Opening post")
    reason = StringField("Reason for the edit (required when it is someone else's topic)",
                         validators=[Optional(), Length(max=200)])


class ArticleForm(FlaskForm):
    slug = StringField("Slug (in the address)", validators=[DataRequired(), Length(max=80)])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    question = StringField("Central question", validators=[Optional(), Length(max=200)])
    attribution = TextAreaField("Attribution", validators=[Optional(), Length(max=1000)])
    source_url = StringField("Source URL (optional)", validators=[Optional(), URL(), Length(max=500)])
    summary_md = TextAreaField("Summary (Markdown; each “## Heading” starts a passage)",
                               validators=[DataRequired(), Length(max=50_000)])


class DebateForm(FlaskForm):
    title = StringField("Motion", validators=[Length(max=TITLE_MAX * 2)],
                        description="A proposition people can be for or against, e.g. “Testers should be paid”.")
    body = _body("Description")
    pro_label = StringField("Name of the side for", validators=[Optional(), Length(max=80)], default="For")
    con_label = StringField("Name of the side against", validators=[Optional(), Length(max=80)],
                            default="Against")
    passage = SelectField("Passage of the article (optional)", choices=[SelectChoice("", "The whole article")],
                          validate_choice=False)
    form_key = _form_key()


class DeltaForm(FlaskForm):
    explanation = TextAreaField("How did this change your view?", validators=[Length(max=4000)],
                         description="At least 50 characters: what you thought before, and what moved you.")


class SourceForm(FlaskForm):
    title = StringField("Title of the source", validators=[Length(max=400)])
    url = StringField("Address (http:// or https://)", validators=[Length(max=1000)])


class PollForm(FlaskForm):
    value = StringField()
    # The arguments that moved the reader (post ids), checked by domain/minds.py.
    credit = SelectMultipleField(validate_choice=False)
