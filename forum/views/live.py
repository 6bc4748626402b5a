from flask import Blueprint, Response, jsonify, render_template, request
from flask_login import current_user

from ..domain import visibility
from ..models import Topic
from ..pages import live_updates

bp = Blueprint("live", __name__)


@bp.get("/t/<int:topic_id>/updates")
def updates(topic_id):
    """New posts since `after` (a post id) as rendered HTML; 304 while nothing changed."""
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    after = max(0, min(request.args.get("after", 0, type=int), 2**31 - 1))  # an INTEGER id
    etag = live_updates.etag(topic, after, current_user)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
    else:
        posts = live_updates.new_posts(current_user, topic, after)
        html = render_template("topics/_updates.html", topic=topic, posts=posts)
        response = jsonify(count=len(posts), last_id=posts[-1].id if posts else after,
                           posts=[{"id": p.id, "parent_id": p.parent_id} for p in posts], html=html)
        response.set_etag(etag)
    response.last_modified = topic.last_activity_at
    response.cache_control.no_cache = True
    response.cache_control.private = True
    return response

