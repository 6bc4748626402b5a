"""Submitting a form: the one way every view does it.

`attempt(form, action)` checks the form, calls the domain function `action` and
commits once; or stores nothing, and says why: a rule's sentence (RuleError) on
the form's field, or, for a form with no field to show it (a bare button, a
moderator's reason), in a message the next page shows. A bad or expired token
is the CSRF error everywhere (web/errors.py): the person's text comes back in a
form with a fresh token, or, when they are not signed in, on the sign-in page.
"""
from flask import flash, render_template, request
from flask_wtf.csrf import CSRFError

from ..domain import markup
from ..domain.errors import RuleError
from ..extensions import db


def previewing() -> bool:
    """The form's "Preview" button was pressed: show the rendered text, store nothing."""
    return "preview" in request.form


def attempt(form, action, field=None, done: str | None = None):
    """Submit `form` through the domain function `action` and commit once.

    Returns what `action` returned (True when it returns nothing), or None when
    the form was not submitted, only previewed, or refused: then the transaction
    is rolled back and nothing is stored. A refusal's sentence goes on `field`
    (the body by default), or in a flash message when the form has neither.
    `done`: the flash message of a success.
    """
    if not form.is_submitted() or previewing():
        return None
    if not form.validate():
        token = getattr(form, "csrf_token", None)
        if token is not None and token.errors:  # only where the app-wide check is off
            raise CSRFError(token.errors[0])
        if _error_field(form, field) is None:
            flash(" ".join(error for errors in form.errors.values() for error in errors), "error")
        return None
    try:
        result = action()
    except RuleError as error:
        db.session.rollback()
        target = _error_field(form, field)
        if target is None:
            flash(str(error), "error")
        else:
            target.errors.append(str(error))
        return None
    db.session.commit()
    if done:
        flash(done, "success")
    return True if result is None else result


def _error_field(form, field):
    """Where a form shows a refusal: `field`, else its body; None for a bare form."""
    if field is not None:
        return field
    return getattr(form, "body", None)


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
