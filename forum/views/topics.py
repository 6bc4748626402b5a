from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from ..domain import debates, moderation, posting, visibility
from ..domain.permissions import can_edit_topic, can_reply, can_start_topic, require
from ..extensions import db
from ..forms.posts import EditTopicForm, ReplyForm, TopicForm
from ..models import Article, Passage, Topic
from ..pages import debate_pages, topic_pages
from ..web import caching, limits
from ..web.form_actions import attempt, render_form
from ..web.navigation import page_arg

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
    form = TopicForm()
    topic = attempt(form, lambda: posting.create_topic(
        current_user, article, title=form.title.data, body=form.body.data, passage=passage))
    if topic:
        return redirect(url_for("topics.show", topic_id=topic.id))
    return render_form("topics/new.html", form, article=article, passage=passage)


def _show(topic: Topic, form):
    """A public debate opens on its columns; `?view=thread`, discussions and class debates
    (whose thread view carries sides, phases and pseudonyms) show the thread."""
    if topic.is_debate and topic.class_id is None and request.args.get("view") != "thread":
        page = debate_pages.columns_page(current_user, topic, sort=request.args.get("sort"),
                                         numbers=debate_pages.page_numbers(request.args))
        return render_form("debates/columns.html", form, page=page,
                           poll_choices=debates.poll_choices(topic))
    return render_form("topics/show.html", form, page=_thread_page(topic))


def _thread_page(topic: Topic) -> topic_pages.TopicPage:
    """The thread view. Its reply tree is rendered family by family (a top-level post
    and its replies); a member who may share it (caching.thread_key) gets the
    families they have no part in from the shared copy, and a plain reader gets it
    whole, without a query for posts."""
    sort, number = topic_pages.thread_sort(request.args.get("sort")), page_arg()
    page = topic_pages.topic_page(current_user, topic.id, sort=sort, page=number, topic=topic,
                            per_page=current_app.config["POSTS_PER_PAGE"], posts=False)
    key = caching.thread_key(current_user, topic, sort, number, page.names)
    shared = caching.shared_thread(key, current_user)
    if shared is not None and shared.whole:
        page.thread_html = Markup(shared.html)
        return page
    reused = shared.reusable() if shared is not None else {}
    topic_pages.load_thread(current_user, page, rendered=frozenset(reused),
                      replies_until=shared.replies_until if shared is not None else None)
    families = _render_families(page, reused)
    page.thread_html = Markup("".join(html for _, _, html in families))
    if key:
        caching.keep_thread(key, current_user, families, shared, page.replies_until)
    return page


def _render_families(page: topic_pages.TopicPage, reused: dict) -> list[tuple[int, frozenset, str]]:
    """(root id, authors, html) for each family of the page: `reused[root id]` if
    there, else rendered with just what the tree reads (not through render_template,
    whose context processors would run, and query, a second time)."""
    module = current_app.jinja_env.get_template("topics/_thread.html").make_module(
        {"page": page, "names": page.names, "current_user": current_user._get_current_object(),
         "config": current_app.config})
    families = []
    for root in page.roots:
        if root.id in reused:
            families.append((root.id, *reused[root.id]))
        else:
            families.append((root.id, root.family_authors(), str(module.family(root))))
    return families


@bp.get("/<int:topic_id>")
@caching.conditional(caching.topic_by_id)
def show(topic_id):
    return _show(topic_pages.load_topic(current_user, topic_id), ReplyForm(formdata=None))


@bp.post("/<int:topic_id>/reply")
@login_required
@limits.posting
def reply(topic_id):
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    require(can_reply(current_user, topic))
    form = ReplyForm()
    # The new post's id, read before the commit expires it (after, it is a query).
    new_id = attempt(form, lambda: debates.post_argument(
        current_user, topic, form.body.data, stance_value=form.stance.data, sources_text=form.sources.data).id)
    if new_id:
        return redirect(url_for("posts.show", post_id=new_id))
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
    return render_template("topics/history.html", topic=topic, revisions=posting.history(topic))
