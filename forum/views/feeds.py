from flask import Blueprint, Response, current_app

from ..pages import feeds

bp = Blueprint("feeds", __name__)

ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _atom(feed: feeds.Feed) -> Response:
    response = Response(feed.to_xml(), content_type=ATOM_TYPE)
    response.last_modified = feed.updated
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/feeds/topics.atom")
def topics():
    return _atom(feeds.site_feed(current_app.config["SITE_NAME"]))


@bp.get("/t/<int:topic_id>/feed.atom")
def topic(topic_id):
    return _atom(feeds.topic_feed(topic_id))


@bp.get("/a/<slug>/feed.atom")
def article(slug):
    return _atom(feeds.article_feed(slug))
