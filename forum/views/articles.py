from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..domain import articles
from ..domain.permissions import can_manage_articles, require
from ..extensions import db
from ..forms.posts import ArticleForm
from ..models import Article
from ..pages import quote_pages, topic_pages
from ..web.form_actions import attempt

bp = Blueprint("articles", __name__, url_prefix="/a")


@bp.get("/<slug>")
def show(slug):
    page = topic_pages.article_page(current_user, slug, request.args.get("passage"))
    quotes = quote_pages.article_quotes(current_user, page.article, request.args.get("quote", type=int))
    return render_template("articles/show.html", page=page, quotes=quotes)


def _save(form, article):
    return articles.save_article(
        article, slug=form.slug.data.strip(), title=form.title.data, question=form.question.data or "",
        attribution=form.attribution.data or "", source_url=form.source_url.data or None,
        summary_md=form.summary_md.data)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(can_manage_articles(current_user))
    form = ArticleForm()
    article = attempt(form, lambda: _save(form, None), field=form.summary_md)
    if article:
        return redirect(url_for("articles.show", slug=article.slug))
    return render_template("articles/edit.html", form=form, article=None), 400 if form.errors else 200


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug):
    require(can_manage_articles(current_user))
    article = db.session.scalar(select(Article).where(Article.slug == slug)) or abort(404)
    form = ArticleForm(obj=article)
    if attempt(form, lambda: _save(form, article), field=form.summary_md):
        return redirect(url_for("articles.show", slug=article.slug))
    return render_template("articles/edit.html", form=form, article=article), 400 if form.errors else 200
