from flask import Blueprint, Response, jsonify, render_template, request
from flask_login import current_user

from ..pages import live_updates, topic_pages, viewer
from ..web import caching

bp = Blueprint("live", __name__)


@bp.get("/t/<int:topic_id>/updates")
def updates(topic_id):
    """New posts since `after` (a post id) as rendered HTML; 304 while nothing changed."""
    user = current_user._get_current_object()
    topic = topic_pages.load_topic(user, topic_id)
    after = max(0, min(request.args.get("after", 0, type=int), 2**31 - 1))  # an INTEGER id
    etag = caching.validator("live", (caching.topic_version(topic), after), viewer.state(user, topic))
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        posts = live_updates.new_posts(user, topic, after)
        html = render_template("topics/_updates.html", topic=topic, posts=posts)
        response = jsonify(count=len(posts), last_id=posts[-1].id if posts else after,
                           posts=[{"id": p.id, "parent_id": p.parent_id} for p in posts], html=html)
    response = caching.conditional(response, user, etag)
    response.cache_control.private = True
    return response

