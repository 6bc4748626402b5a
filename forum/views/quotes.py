"""Quotes of the article: the page that starts a topic or an argument on a
sentence the reader selected (or a paragraph they picked), and its two forms."""
from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..domain import quoting, visibility
from ..domain.anchors import Selector
from ..domain.errors import RuleError
from ..domain.permissions import can_reply, can_start_topic, can_write, require
from ..forms.quotes import QuoteArgumentForm, QuoteTopicForm
from ..models import Topic
from ..pages import quote_pages, topic_pages
from ..web import limits
from ..web.form_actions import attempt, render_form
from ..web.navigation import to_new_post

bp = Blueprint("quotes", __name__, url_prefix="/a")


def _article(slug: str):
    return quote_pages.load_article(slug) or abort(404)


def _render(article, selector: Selector, topic_form=None, argument_form=None, error=None):
    """The discuss page. On a GET the quote is checked (and its context made the
    article's); a refused POST shows the forms as they were sent, with the reason."""
    sent = topic_form is not None or argument_form is not None
    page = quote_pages.discuss_page(current_user, article, selector, error, check=not sent)
    topic_form = topic_form or QuoteTopicForm(formdata=None)
    argument_form = argument_form or QuoteArgumentForm(formdata=None)
    argument_form.debate.choices = [SelectChoice(t.id, f"{t.title} ({t.pro_label} / {t.con_label})")
                                    for t in page.debates]
    for form in (topic_form, argument_form):
        form.exact.data, form.prefix.data, form.suffix.data = (
            page.selector.exact, page.selector.prefix, page.selector.suffix)
    html, status = render_form("quotes/discuss.html", topic_form if topic_form.errors else argument_form,
                               page=page, topic_form=topic_form, argument_form=argument_form)
    return html, 400 if page.error else status


@bp.get("/<slug>/quote")
@login_required
def discuss(slug):
    require(can_start_topic(current_user))
    article = _article(slug)
    try:
        selector = quote_pages.selector_from(article, request.args)
    except RuleError as refused:
        return _render(article, Selector(""), error=str(refused))
    return _render(article, selector)


def _sent(form) -> Selector:
    return Selector(form.exact.data or "", form.prefix.data or "", form.suffix.data or "")


@bp.post("/<slug>/quote/topic")
@login_required
@limits.posting
def start_topic(slug):
    require(can_start_topic(current_user))
    article = _article(slug)
    form = QuoteTopicForm()
    topic = attempt(form, lambda: quoting.start_topic_on_quote(
        current_user, article, _sent(form), title=form.title.data, body=form.body.data, key=form.form_key.data),
        field=form.exact)
    if topic:
        return redirect(url_for("topics.show", topic_id=topic.id))
    return _render(article, _sent(form), topic_form=form)


@bp.post("/<slug>/quote/argument")
@login_required
@limits.posting
def argue(slug):
    require(can_write(current_user))
    article = _article(slug)
    form = QuoteArgumentForm()
    debate = visibility.get_visible_or_404(current_user, Topic, form.debate.data) if form.debate.data else None
    if debate is not None:
        require(can_reply(current_user, debate))
    # Where the new argument is seen, found before the commit (web/navigation.to_new_post).
    landing = attempt(form, lambda: topic_pages.where_shown(quoting.argue_on_quote(
        current_user, debate, article, _sent(form), stance_value=form.stance.data, body=form.argument.data,
        key=form.form_key.data)) if debate is not None else _no_debate(), field=form.exact)
    if landing:
        return to_new_post(landing)
    return _render(article, _sent(form), argument_form=form)


def _no_debate():
    raise RuleError("Choose the debate your argument is for.")
