from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..domain import anonymity, debates, moderation, posting, visibility
from ..domain.permissions import can_edit_topic, can_reply, can_start_topic, require
from ..extensions import db
from ..forms.posts import EditTopicForm, ReplyForm, TopicForm
from ..models import Article, Passage, PollPhase, Topic
from ..pages import debate_pages, topic_pages, unread
from ..web import caching, kept_forms, limits, read_marks, shared_threads
from ..web.form_actions import attempt, render_form
from ..web.navigation import page_arg, to_new_post

bp = Blueprint("topics", __name__, url_prefix="/t")


def article_and_passage(slug: str | None, anchor: str | None) -> tuple[Article, Passage | None]:
    query = select(Article).order_by(Article.created_at, Article.id)
    article = db.session.scalar(query.where(Article.slug == slug) if slug else query.limit(1))
    if article is None:
        abort(404)
    passage = next((p for p in article.passages if p.anchor == anchor), None) if anchor else None
    return article, passage


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limits.posting
def new():
    require(can_start_topic(current_user))
    article, passage = article_and_passage(request.args.get("article"), request.args.get("passage"))
    form = kept_forms.form(TopicForm)
    topic = attempt(form, lambda: posting.create_topic(
        current_user, article, title=form.title.data, body=form.body.data, passage=passage,
        key=form.form_key.data))
    if topic:
        return redirect(url_for("topics.show", topic_id=topic.id))
    return render_form("topics/new.html", form, article=article, passage=passage)


def _show(topic: Topic, form, refused_poll: dict | None = None):
    """A debate, public or of a class, opens on its columns; `?view=thread` and
    discussions show the thread. `refused_poll`: a poll answer refused, given back
    ({"phase", "value", "credits", "errors"}: views.debates.poll)."""
    if topic.is_debate and (request.args.get("view") != "thread" or refused_poll):
        refused = refused_poll or {}
        page = debate_pages.columns_page(current_user, topic, sort=request.args.get("sort"),
                                         numbers=debate_pages.page_numbers(request.args),
                                         credit_filter=request.args.get("credit_filter"),
                                         chosen=refused.get("credits"))
        page.marks = unread.card_marks(current_user, topic, page.pro.cards + page.con.cards)
        kept = {refused["phase"]: refused["value"]} if refused.get("value") is not None else {}
        return render_form("debates/columns.html", form, page=page, poll_choices=debates.poll_choices(topic),
                           kept_polls=kept or _kept_poll_answers(topic),
                           poll_errors={refused["phase"]: refused["errors"]} if refused else None)
    page = shared_threads.thread_page(current_user, topic, sort=request.args.get("sort"), number=page_arg(),
                                      per_page=current_app.config["POSTS_PER_PAGE"])
    # The member's "New" marks go into the reply tree after it is shared (pages/unread.py).
    page.thread_html, marks = unread.thread_marks(current_user, topic, page.thread_html or "", page.roots)
    return render_form("topics/show.html", form, page=page, marks=marks)


show_page = _show  # views.debates gives a refused poll answer back on it


def _kept_poll_answers(topic: Topic) -> dict[str, int]:
    """A stance poll answered before signing in, to check again: {phase: value}."""
    answers = {}
    for phase in (PollPhase.BEFORE, PollPhase.AFTER):
        kept = kept_forms.put_back(url_for("debates.poll", topic_id=topic.id, phase=phase))
        value = kept.get("value", "") if kept is not None else ""
        if value.removeprefix("-").isdecimal():  # anything else was not an answer: dropped
            answers[phase] = int(value)
    return answers


@bp.get("/<int:topic_id>")
def show(topic_id):
    return caching.topic_page(
        lambda: read_marks.recording(current_user, topic_pages.fetch_topic(current_user, topic_id)),
        lambda topic: _show(topic, kept_forms.form(ReplyForm, url_for("topics.reply", topic_id=topic.id))))


@bp.post("/<int:topic_id>/reply")
@login_required
@limits.posting
def reply(topic_id):
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    require(can_reply(current_user, topic))
    form = ReplyForm()
    # Where the new post is seen, found before the commit expires it (after, it is a query).
    landing = attempt(form, lambda: topic_pages.where_shown(debates.post_argument(
        current_user, topic, form.body.data, stance_value=form.stance.data, sources_text=form.sources.data,
        key=form.form_key.data)))
    if landing:
        return to_new_post(landing)
    return _show(topic, form)


@bp.route("/<int:topic_id>/edit", methods=["GET", "POST"])
@login_required
def edit(topic_id):
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    require(can_edit_topic(current_user, topic))
    form = EditTopicForm(data={"title": topic.title, "body": topic.body_md})

    def save():
        if topic.author_id == current_user.id:
            return posting.edit_topic(topic, current_user, title=form.title.data, body=form.body.data)
        # Someone else's topic is a moderator's edit: a reason is required and it is logged.
        return moderation.edit_topic(topic, current_user, title=form.title.data, body=form.body.data,
                                     reason=form.reason.data)
    if attempt(form, save):
        return redirect(url_for("topics.show", topic_id=topic.id))
    return render_form("topics/edit.html", form, topic=topic)


@bp.get("/<int:topic_id>/history")
def history(topic_id):
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    return render_template("topics/history.html", topic=topic, revisions=posting.history(topic),
                           names=anonymity.names_for_topic(current_user, topic))
