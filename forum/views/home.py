from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from ..pages import topic_pages
from ..web import caching

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return caching.guest_copy(lambda: render_template("home/index.html", page=topic_pages.home_page(current_user)))


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # the point of this page is to say so, not to crash
        return jsonify(status="error", database=type(error).__name__), 503
    return jsonify(status="ok", database="ok")
