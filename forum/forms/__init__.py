"""One form per action; shape checks only (rules live in the domain modules)."""
from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A bare button that changes state: a POST with a CSRF token and nothing else."""
