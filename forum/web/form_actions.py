"""Submitting a form: validate, call the domain function, commit once; or show
the form again with the rule's sentence, a preview, and a 400 status."""
from flask import render_template, request

from ..domain import markup
from ..domain.errors import RuleError
from ..extensions import db


def previewing() -> bool:
    """The form's "Preview" button was pressed: show the rendered text, store nothing."""
    return "preview" in request.form


def attempt(form, action, field=None):
    """Submit `form` through the domain function `action` and commit once.

    Returns what `action` returned, or None when the form was not submitted,
    only previewed, or refused; a RuleError's sentence goes on `field` (the
    body by default) and the transaction is rolled back, so nothing is stored.
    """
    if not form.validate_on_submit() or previewing():
        return None
    try:
        result = action()
    except RuleError as error:
        db.session.rollback()
        (field if field is not None else form.body).errors.append(str(error))
        return None
    db.session.commit()
    return result


def render_form(template: str, form, **context):
    """A form page: 400 when it carries errors, with a preview when one was asked for."""
    preview_html = None
    if previewing() and getattr(form, "body", None) is not None:
        try:
            preview_html = markup.render(form.body.data or "")
        except RuleError as error:
            form.body.errors.append(str(error))
    status = 400 if form.errors else 200
    return render_template(template, form=form, preview_html=preview_html, **context), status
