"""Forms of the class pages: shape checks, and the time zone's own so that its error sits under it (the rules are in domain/classes.py, class_rules.py and grading.py)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

try:  # WTForms 3.3 wants option objects; older versions take (value, label) pairs
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    def SelectChoice(value, label):  # noqa: N802
        return (value, label)

from ..domain.class_rules import PHASE_LABELS
from ..domain.classes import DESCRIPTION_MAX, NAME_MAX, TERM_MAX, check_time_zone, time_zones
from ..domain.errors import RuleError
from ..models import SideMode
from .posts import _body

LOCAL_TIME = "%Y-%m-%dT%H:%M"


def _a_time_zone(form, field) -> None:
    """The zone's error under the zone field itself, and its name as IANA spells it."""
    try:
        field.data = check_time_zone(field.data)
    except RuleError as error:
        raise ValidationError(str(error)) from None


class ClassForm(FlaskForm):
    name = StringField("Class name", validators=[Length(max=NAME_MAX * 2)])
    term = StringField("Term (optional)", validators=[Optional(), Length(max=TERM_MAX * 2)],
                       description="For example “Spring 2027”.")
    description = TextAreaField("Description (optional)", validators=[Optional(), Length(max=DESCRIPTION_MAX * 2)])
    time_zone = StringField("Time zone", default="UTC", validators=[Length(max=64), _a_time_zone],
                            description="Type a city or region and pick from the list, such as Europe/Paris: "
                                        "phase times are entered in it.",
                            render_kw={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"})
    # Offered under the field as a <datalist>: searchable by typing, without JavaScript.
    time_zones = time_zones()


class JoinForm(FlaskForm):
    code = StringField("Join code", validators=[DataRequired("Type the class's join code."), Length(max=20)],
                       description="8 letters and digits, from your instructor.")


class InstructorForm(FlaskForm):
    username = StringField("Username of the co-instructor", validators=[DataRequired(), Length(max=30)])


class ClassDebateForm(FlaskForm):
    copy_from = SelectField("Start from a public debate (optional)", coerce=int, default=0)
    title = StringField("Motion", validators=[Length(max=400)],
                        description="Leave empty when copying a public debate.")
    body = _body("Framing text (Markdown)")
    pro_label = StringField("Name of the side for the motion", validators=[Optional(), Length(max=80)])
    con_label = StringField("Name of the side against", validators=[Optional(), Length(max=80)])
    side_mode = SelectField("Sides", choices=[SelectChoice(SideMode.MANUAL.value, "I assign them (roster form)"),
                                              SelectChoice(SideMode.RANDOM.value, "Balanced at random"),
                                              SelectChoice(SideMode.CHOICE.value, "Students choose")],
                            default=SideMode.MANUAL)
    side_cap = IntegerField("Cap per side when students choose (optional)",
                            validators=[Optional(), NumberRange(min=1, max=1000)])
    anonymous = BooleanField("Anonymous: students see each other as pseudonyms")


class ExtensionForm(FlaskForm):
    phase = SelectField("Phase", choices=[SelectChoice(k.value, v) for k, v in PHASE_LABELS.items()])
    student = SelectField("Student", coerce=int)
    closes = DateTimeLocalField("New close for this student", format=LOCAL_TIME,
                                validators=[DataRequired("Give the new closing time.")])


class CriterionForm(FlaskForm):
    name = StringField("Criterion", validators=[DataRequired(), Length(max=80)])
    description = StringField("Description", validators=[Optional(), Length(max=500)])
    max_points = IntegerField("Maximum points", default=5,
                              validators=[DataRequired(), NumberRange(min=1, max=100)])


def phases_form(phases: dict, zone_local) -> FlaskForm:
    """One row per phase kind: opens, closes (in the class's zone), word limit."""
    class PhasesForm(FlaskForm):
        """Its fields are added below, three per phase kind."""
    data = {}
    for kind in PHASE_LABELS:
        setattr(PhasesForm, f"{kind}_opens", DateTimeLocalField("Opens", format=LOCAL_TIME, validators=[Optional()]))
        setattr(PhasesForm, f"{kind}_closes", DateTimeLocalField("Closes", format=LOCAL_TIME, validators=[Optional()]))
        setattr(PhasesForm, f"{kind}_words", IntegerField("Word limit", validators=[Optional(), NumberRange(min=1)]))
        if kind in phases:
            phase = phases[kind]
            data.update({f"{kind}_opens": zone_local(phase.opens_at), f"{kind}_closes": zone_local(phase.closes_at),
                         f"{kind}_words": phase.word_limit})
    return PhasesForm(data=data)


def grade_form(criteria, grades) -> FlaskForm:
    class GradeForm(FlaskForm):
        """Its fields are added below, two per rubric criterion."""
    data = {}
    for criterion in criteria:
        setattr(GradeForm, f"points_{criterion.id}", IntegerField(
            f"{criterion.name} (0–{criterion.max_points})",
            validators=[Optional(), NumberRange(min=0, max=criterion.max_points)]))
        setattr(GradeForm, f"comment_{criterion.id}", TextAreaField(
            f"Comment on {criterion.name}", validators=[Optional(), Length(max=4000)]))
        if criterion.id in grades.by_criterion:
            grade = grades.by_criterion[criterion.id]
            data.update({f"points_{criterion.id}": grade.points, f"comment_{criterion.id}": grade.comment})
    return GradeForm(data=data)


class AnnouncementForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=400)])
    body = TextAreaField("Announcement", validators=[Length(max=40_000)])
    replies = BooleanField("Members may reply under it (questions, answers)")
