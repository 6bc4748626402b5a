from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..domain import search
from ..domain.errors import RuleError
from ..extensions import db
from ..models import Article
from ..pages.topic_pages import Pagination
from ..web import caching
from ..web.navigation import page_arg

bp = Blueprint("search", __name__)

PER_PAGE = 20


@bp.get("/search")
def index():
    return caching.guest_copy(_render_search)


def _render_search():
    query = request.args.get("q", "")
    filters = search.Filters.from_args(request.args)
    sort = request.args.get("sort") if request.args.get("sort") in search.SORTS else "relevance"
    results, error, page = None, None, page_arg()
    if query.strip():
        try:
            results = search.search(current_user, search.parse(query), filters, sort=sort,
                                    page=page, per_page=PER_PAGE)
        except RuleError as e:
            error = str(e)
    pagination = Pagination(page, PER_PAGE, min(results.total, search.COUNT_CAP) if results else 0)
    articles = db.session.execute(select(Article.slug, Article.title).order_by(Article.title)).all()
    return render_template("search/index.html", query=query.replace("\x00", ""), filters=filters, sort=sort,
                           results=results, error=error, pagination=pagination,
                           articles=articles, cap=search.COUNT_CAP), 400 if error else 200
