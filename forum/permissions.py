"""Who may do what: predicates `can_<verb>_<noun>(user, obj) -> bool`.

Whether an action is allowed *right now* (a locked topic, a closed debate) is a
domain rule that raises RuleError; these answer only "is this person allowed".
Templates call the same functions (they are Jinja globals).
"""
from flask import abort

from .models import Post, Topic


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def can_write(user) -> bool:
    """Post, reply, vote, flag: any signed-in member who is not suspended."""
    return user.is_authenticated and not user.is_suspended


def can_start_topic(user) -> bool:
    return can_write(user)


def can_start_debate(user) -> bool:
    return can_write(user) and (user.is_instructor or user.is_moderator)


def can_reply(user, topic: Topic) -> bool:
    return can_write(user)


def can_edit_post(user, post: Post) -> bool:
    if not can_write(user):
        return False
    return can_moderate(user, post.topic) or post.author_id == user.id


def can_delete_post(user, post: Post) -> bool:
    return can_write(user) and post.author_id == user.id


def can_edit_topic(user, topic: Topic) -> bool:
    if not can_write(user):
        return False
    return user.is_moderator or topic.author_id == user.id


def can_see_post_text(user, post: Post) -> bool:
    """Whether `user` may read this post's text (and its history) anywhere it is shown.

    Deleted by its author, hidden pending review or held: its author and moderators.
    Removed by a moderator: moderators only (everyone else sees the tombstone).
    """
    if post.is_removed:
        return can_moderate(user, post.topic)
    if not post.is_deleted and not post.is_pending_review:
        return True
    return user.is_authenticated and (can_moderate(user, post.topic) or post.author_id == user.id)


def can_manage_articles(user) -> bool:
    return user.is_authenticated and user.is_admin


# --- Moderation ---------------------------------------------------------------

def can_moderate(user, topic: Topic | None = None) -> bool:
    """Act on flags, posts, authors and topics in `topic` (None: reach the queue and log).

    Moderators and admins, on public topics. Private classes will narrow this:
    instructors of the topic's class, and site moderators not inside private classes.
    """
    return user.is_authenticated and user.is_moderator and not user.is_suspended


def can_flag_post(user, post: Post) -> bool:
    return can_write(user) and post.author_id != user.id


def can_appeal_post(user, post: Post) -> bool:
    return can_write(user) and post.author_id == user.id and post.is_removed


def can_mute(user, person) -> bool:
    return can_write(user) and user.id != person.id


def can_manage_watched_words(user) -> bool:
    return user.is_authenticated and user.is_admin and not user.is_suspended


JINJA_GLOBALS = {
    name: value for name, value in globals().items() if name.startswith("can_")
}
