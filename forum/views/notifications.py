from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import notifications, visibility
from ..domain.permissions import can_watch_topic, require
from ..forms import EmptyForm
from ..models import Topic, WatchLevel
from ..web.form_actions import attempt

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_notifications():
    """The header's count, for a signed-in person only."""
    user = current_user._get_current_object()  # loaded first: the loader may bring the count
    return {"unread_notifications": notifications.header_unread_count(user) if user.is_authenticated else 0}


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html", groups=notifications.groups(current_user))


def _ids() -> list[int]:
    return [int(v) for v in request.form.getlist("ids") if v.isdigit()][:notifications.LIST_LIMIT]


@bp.post("/notifications/read")
@login_required
def read():
    attempt(EmptyForm(), lambda: notifications.mark_read(current_user, _ids()))
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    count = attempt(EmptyForm(), lambda: notifications.mark_all_read(current_user))
    if count is not None:
        flash(f"Marked {count} notification{'s' if count != 1 else ''} read.", "info")
    return redirect(url_for("notifications.index"))


@bp.post("/t/<int:topic_id>/watch")
@login_required
def watch(topic_id):
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    require(can_watch_topic(current_user, topic))
    level = request.form.get("level")
    level = WatchLevel(level) if level in tuple(WatchLevel) else None
    attempt(EmptyForm(), lambda: notifications.set_watch(current_user, topic, level), done=WATCH_MESSAGES[level])
    return redirect(url_for("topics.show", topic_id=topic.id))


WATCH_MESSAGES = {
    WatchLevel.WATCHING: "You are watching this topic: you'll be told of every new post.",
    WatchLevel.MUTED: "You muted this topic: you won't be told of anything in it.",
    None: "You no longer watch or mute this topic.",
}
