"""Recording what a member read, on the GET of a topic's page, without touching the read path.

A member opening a topic's page moves their read mark (domain/reads.py) to the
topic's newest post, once the page is made: after the response, in a
transaction of its own. The page's own reads end first (as every GET's do,
web/transactions.py), so on SQLite the write begins a fresh transaction and
waits its turn for the lock like any writer, instead of failing on a read
snapshot that another writer outdated. A mark that cannot be written (the
database busy or gone) is left for the next visit: the reader has their page.

Nothing else moves: the mark is not part of the topic's version, only of this
member's viewer state (pages/viewer.py), so no other reader's page or ETag
changes, and the guests' shared copies are never touched.
"""
from flask import after_this_request, current_app
from sqlalchemy.exc import OperationalError

from ..domain import reads, visibility
from ..extensions import db
from ..models import Topic


def recording(user, topic: Topic | None) -> Topic | None:
    """`topic` as loaded for a page (`topic_pages.fetch_topic`), its visit to be
    recorded for `user` if the page is then served (200, or a 304 of their copy)."""
    if topic is None or not reads.needs_recording(user, topic):
        return topic
    # Read now: the commit below expires the objects, and reading them again is a query.
    visit = (user.id, topic.id, topic.last_post_id)

    @after_this_request
    def record(response):
        if response.status_code in (200, 304) and visibility.can_see_topic(user, topic):
            try:
                db.session.commit()  # what the page read: nothing written
                reads.record_visit(*visit)
                db.session.commit()
            except OperationalError as error:
                db.session.rollback()
                current_app.logger.warning("read mark not recorded (topic %s): %s", topic.id, error.orig)
        return response

    return topic
