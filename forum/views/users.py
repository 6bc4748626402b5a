from flask import Blueprint, render_template
from flask_login import current_user

from ..pages import debate_pages, topic_pages
from ..web import caching
from ..web.navigation import page_arg

bp = Blueprint("users", __name__, url_prefix="/u")


@bp.get("/<username>")
def show(username):
    return caching.guest_copy(lambda: _render_profile(username))


def _render_profile(username):
    page = topic_pages.profile_page(current_user, username, page=page_arg())
    return render_template("users/show.html", page=page,
                           deltas=debate_pages.deltas_received(current_user, page.person))
