"""Forms of class accounts: the instructor's list of names, the student's code (shape checks only)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length


class StudentListForm(FlaskForm):
    names = TextAreaField("Students' names, one on each line", validators=[Length(max=40_000)],
                          description="Each becomes an account in this class, shown by that name.")
    csv_file = FileField("Or upload a CSV file with one column of names",
                         description="UTF-8; a first line “name” is skipped.")


class ClassCodeForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=100)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    code = StringField("Sign-in code", validators=[DataRequired(), Length(max=40)],
                       description="From the sheet your instructor gave you, like ABCDE-FGHJK.",
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                  "spellcheck": "false"})
    password = PasswordField("Choose a password", validators=[DataRequired(), Length(min=8, max=200)],
                             description="At least 8 characters. You sign in with it from now on.",
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the password",
                            validators=[DataRequired(), EqualTo("password", "The passwords don't match.")],
                            render_kw={"autocomplete": "new-password"})
