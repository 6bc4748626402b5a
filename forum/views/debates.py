"""Debates: starting and closing motions, stance polls, votes, ∆, sources."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..domain import anonymity, debates, reactions, visibility
from ..domain.permissions import (can_add_source, can_answer_poll, can_close_debate, can_react,
                                  can_start_debate, require)
from ..forms import EmptyForm
from ..forms.posts import DebateForm, DeltaForm, PollForm, ReplyForm, SourceForm
from ..models import PollPhase, Post, Topic
from ..pages import debate_map, debate_pages, topic_pages
from ..web import caching, kept_forms
from ..web.form_actions import attempt, render_form
from ..web.navigation import safe_next
from .topics import article_and_passage, show_page

bp = Blueprint("debates", __name__)


def _back(post: Post):
    return redirect(safe_next(request.form.get("next"), url_for("posts.show", post_id=post.id)))


@bp.route("/debates/new", methods=["GET", "POST"])
@login_required
def new():
    require(can_start_debate(current_user))
    article, passage = article_and_passage(request.args.get("article"), request.args.get("passage"))
    form = kept_forms.form(DebateForm, passage=passage.anchor if passage else "")
    form.passage.choices += [SelectChoice(p.anchor, p.heading) for p in article.passages]
    chosen = next((p for p in article.passages if p.anchor == form.passage.data), None)
    topic = attempt(form, lambda: debates.start_debate(
        current_user, article, title=form.title.data, description=form.body.data, passage=chosen,
        pro_label=form.pro_label.data, con_label=form.con_label.data, key=form.form_key.data))
    if topic:
        return redirect(url_for("topics.show", topic_id=topic.id))
    return render_form("debates/new.html", form, article=article)


def _open_or_close(topic_id: int, action, done: str):
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    require(can_close_debate(current_user, topic))
    attempt(EmptyForm(), lambda: action(topic, current_user), done=done)
    return redirect(url_for("topics.show", topic_id=topic.id))


@bp.post("/t/<int:topic_id>/close")
@login_required
def close(topic_id):
    return _open_or_close(topic_id, debates.close_debate,
                          "The debate is closed: it is read-only and its results are final.")


@bp.post("/t/<int:topic_id>/reopen")
@login_required
def reopen(topic_id):
    return _open_or_close(topic_id, debates.reopen_debate, "The debate is open again.")


@bp.post("/t/<int:topic_id>/poll/<phase>")
@login_required
def poll(topic_id, phase):
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    require(can_answer_poll(current_user, topic))
    form = PollForm()
    credits = form.credit.data or []  # none ticked, or a form without the list
    saved = attempt(form, lambda: debates.answer_poll(topic, current_user, phase, form.value.data, credits),
                    field=form.value, done="Thank you: your answer is recorded.")
    if not saved and form.value.errors and phase in (PollPhase.BEFORE, PollPhase.AFTER):
        # Refused: the debate's page again, the answer and the arguments chosen still chosen.
        value = form.value.data or ""
        response, _ = show_page(topic, kept_forms.form(ReplyForm, url_for("topics.reply", topic_id=topic.id)),
                                 refused_poll={"phase": phase, "errors": form.value.errors,
                                               "value": int(value) if value.lstrip("-").isdecimal() else None,
                                               "credits": [int(c) for c in credits if str(c).isdecimal()]})
        return response, 400
    anchor = "results" if phase == "after" else "arguments"
    return redirect(url_for("topics.show", topic_id=topic.id, _anchor=anchor))


@bp.get("/t/<int:topic_id>/poll")
def poll_page(topic_id):
    """The stance polls and their results on a page of their own (class debates
    link here from their thread view)."""
    topic = topic_pages.load_topic(current_user, topic_id)
    if not topic.is_debate:
        abort(404)
    results = debates.poll_results(topic, current_user)
    return render_template("debates/poll.html", topic=topic, results=results, my_poll=results.mine,
                           poll_choices=debates.poll_choices(topic),
                           minds=debate_pages.poll_minds(current_user, topic, results.mine,
                                                         request.args.get("credit_filter")))


@bp.get("/t/<int:topic_id>/map")
def map_page(topic_id):
    """The whole argument tree at a glance, drawn and as an outline; cached and
    conditional as the debate's other pages (a private debate's 404 comes first)."""
    return caching.topic_page(lambda: topic_pages.fetch_topic(current_user, topic_id), _render_map)


def _render_map(topic: Topic):
    if not topic.is_debate:
        abort(404)
    return render_template("debates/map.html", page=debate_map.map_page(current_user, topic))


def _react(post_id: int, action, done: str):
    post = visibility.get_visible_or_404(current_user, Post, post_id)
    require(can_react(current_user, post))
    attempt(EmptyForm(), lambda: action(post, current_user), done=done)
    return _back(post)


@bp.post("/p/<int:post_id>/vote")
@login_required
def vote(post_id):
    return _react(post_id, reactions.vote, "Your vote is counted.")


@bp.post("/p/<int:post_id>/vote/withdraw")
@login_required
def withdraw_vote(post_id):
    return _react(post_id, reactions.withdraw_vote, "Your vote is withdrawn.")


@bp.post("/p/<int:post_id>/needs-source")
@login_required
def needs_source(post_id):
    return _react(post_id, reactions.mark_needs_source, "Marked: this post needs a source.")


@bp.post("/p/<int:post_id>/needs-source/withdraw")
@login_required
def withdraw_needs_source(post_id):
    return _react(post_id, reactions.withdraw_needs_source, "Your “needs a source” mark is withdrawn.")


def _deltas_page(post: Post, form):
    # In an anonymous class debate, awarders and author appear under their pseudonyms.
    return render_form("debates/deltas.html", form, post=post, deltas=debate_pages.post_deltas(post),
                       names=anonymity.names_for_topic(current_user, post.topic))


@bp.get("/p/<int:post_id>/deltas")
def deltas(post_id):
    """The ∆ explanations of a post, and the form to award one."""
    post = debate_pages.load_post(current_user, post_id)
    return _deltas_page(post, kept_forms.form(DeltaForm, url_for("debates.award_delta", post_id=post.id)))


@bp.post("/p/<int:post_id>/deltas")
@login_required
def award_delta(post_id):
    post = debate_pages.load_post(current_user, post_id)
    require(can_react(current_user, post))
    form = DeltaForm()
    if attempt(form, lambda: reactions.award_delta(post, current_user, form.explanation.data),
               field=form.explanation, done="∆ awarded: thank you for saying what changed your mind."):
        return redirect(url_for("posts.show", post_id=post.id))
    return _deltas_page(post, form)


@bp.route("/p/<int:post_id>/sources", methods=["GET", "POST"])
@login_required
def sources(post_id):
    post = debate_pages.load_post(current_user, post_id)
    require(can_add_source(current_user, post))
    form = SourceForm()
    if attempt(form, lambda: reactions.add_source(post, current_user, form.title.data, form.url.data),
               field=form.url, done="Source added."):
        return redirect(url_for("posts.show", post_id=post.id))
    return render_form("debates/sources.html", form, post=post)
