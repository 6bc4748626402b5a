from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from ..domain import reads
from ..extensions import db
from ..forms import EmptyForm
from ..pages import topic_pages
from ..web import caching
from ..web.form_actions import attempt

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return caching.guest_copy(lambda: render_template("home/index.html", page=topic_pages.home_page(current_user)))


@bp.post("/read-all")
@login_required
def read_all():
    """Every topic the member may see is read up to its newest post (domain/reads.py)."""
    attempt(EmptyForm(), lambda: reads.mark_all_read(current_user), done="Every topic is marked read.")
    return redirect(url_for("home.index"))


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # the point of this page is to say so, not to crash
        return jsonify(status="error", database=type(error).__name__), 503
    return jsonify(status="ok", database="ok")
