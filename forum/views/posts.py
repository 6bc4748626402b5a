from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import anonymity, debates, moderation, posting, quoting, visibility
from ..domain.permissions import can_delete_post, can_edit_post, can_reply, require
from ..forms import EmptyForm
from ..forms.posts import DeltaForm, EditPostForm, ReplyForm
from ..models import Post
from ..pages import class_pages, debate_pages, post_presenter, topic_pages
from ..web import caching, kept_forms, limits
from ..web.navigation import to_new_post
from ..web.form_actions import attempt, render_form

bp = Blueprint("posts", __name__, url_prefix="/p")


@bp.get("/<int:post_id>")
def show(post_id):
    return caching.topic_page(lambda: topic_pages.fetch_topic_of_post(current_user, post_id),
                              lambda topic: _show(post_id))


def _show(post_id: int):
    """In a debate, the argument with its pro and con answers side by side (`?view=thread` nests them)."""
    post = debate_pages.load_post(current_user, post_id)
    if post.topic.is_debate and request.args.get("view") != "thread":
        page = debate_pages.argument_page(current_user, post, sort=request.args.get("sort"),
                                          numbers=debate_pages.page_numbers(request.args))
        # What the reader may do with the argument, decided as for every post of a thread.
        focus = post_presenter.Presenter(current_user, post.topic, page.names,
                                         may_reply=page.debate.may_reply_to if page.debate else None
                                         ).present_post(post, page.parent_label)
        return render_form("debates/argument.html", kept_forms.form(ReplyForm, url_for("posts.reply", post_id=post.id)),
                           page=page, focus=focus,
                           delta_form=kept_forms.form(DeltaForm, url_for("debates.award_delta", post_id=post.id)))
    return render_form("posts/show.html", kept_forms.form(ReplyForm, url_for("posts.reply", post_id=post_id)),
                       page=topic_pages.post_page(current_user, post_id, post=post))


@bp.route("/<int:post_id>/reply", methods=["GET", "POST"])
@login_required
@limits.posting
def reply(post_id):
    parent = visibility.get_visible_or_404(current_user, Post, post_id)
    require(can_reply(current_user, parent.topic))
    form = kept_forms.form(ReplyForm, stance=request.args.get("stance"))
    # Where the new post is seen, found before the commit expires it (after, it is a query).
    landing = attempt(form, lambda: topic_pages.where_shown(quoting.quote_in_post(debates.post_argument(
        current_user, parent.topic, form.body.data, parent=parent, stance_value=form.stance.data,
        sources_text=form.sources.data, key=form.form_key.data), current_user, form.quote.data)))
    if landing:
        return to_new_post(landing)
    # A class debate's: its pseudonyms, whether its open phase allows this reply, its word limit.
    panel = class_pages.debate_panel(current_user, parent.topic)
    return render_form("posts/reply.html", form, parent=parent,
                       names=panel.names if panel else anonymity.names_for_topic(current_user, parent.topic),
                       allow=panel.allowance if panel else None,
                       may_reply=panel.may_reply_to(parent) if panel else True)


@bp.route("/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id):
    post = visibility.get_visible_or_404(current_user, Post, post_id)
    require(can_edit_post(current_user, post))
    form = kept_forms.form(EditPostForm, data={"body": post.body_md})
    # Someone else's post is a moderator's edit: a reason is required and it is logged.
    edit = posting.edit_post if post.author_id == current_user.id else moderation.edit_post
    if attempt(form, lambda: edit(post, current_user, form.body.data, form.reason.data)):
        return redirect(url_for("posts.show", post_id=post.id))
    return render_form("posts/edit.html", form, post=post)


@bp.post("/<int:post_id>/delete")
@login_required
def delete(post_id):
    post = visibility.get_visible_or_404(current_user, Post, post_id)
    require(can_delete_post(current_user, post))
    attempt(EmptyForm(), lambda: posting.delete_post(post, current_user),
            done="Your post is deleted; the replies to it stay.")
    return redirect(url_for("posts.show", post_id=post.id))


@bp.get("/<int:post_id>/history")
def history(post_id):
    post = visibility.get_visible_or_404(current_user, Post, post_id)
    return render_template("posts/history.html", post=post, revisions=posting.history(post),
                           names=anonymity.names_for_topic(current_user, post.topic))
