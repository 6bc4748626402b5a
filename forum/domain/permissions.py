"""Who may do what: predicates `can_<verb>_<noun>(user, obj) -> bool`.

Whether an action is allowed *right now* (a locked topic, a closed debate) is a
domain rule that raises RuleError; these answer only "is this person allowed".
Templates call the same functions (they are Jinja globals).
"""
from flask import abort
from flask_login import AnonymousUserMixin

from ..models import Post, PostStatus, Topic
from . import visibility

GUEST = AnonymousUserMixin()


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


def can_edit_post(user, post: Post, *, moderates: bool | None = None) -> bool:
    """Its author, and whoever moderates its topic. A page of many posts passes
    `moderates` (`can_moderate(user, topic)`), asked once for the page."""
    if not can_write(user):
        return False
    if post.author_id == user.id:
        return True
    return can_moderate(user, post.topic) if moderates is None else moderates


def can_delete_post(user, post: Post) -> bool:
    return can_write(user) and post.author_id == user.id


def can_edit_topic(user, topic: Topic) -> bool:
    """Its author, and whoever moderates it (in a class: its instructors and admins,
    never a site moderator who is only a student there)."""
    if not can_write(user):
        return False
    return topic.author_id == user.id or can_moderate(user, topic)


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


def can_follow_by_feed(topic: Topic) -> bool:
    """Whether a topic has an Atom feed: only what anyone may read without signing
    in (never a class's topic), and not while its opening text is hidden or removed."""
    return visibility.can_see_topic(GUEST, topic) and topic.status == PostStatus.VISIBLE


def can_see_topic_text(user, topic: Topic) -> bool:
    """Whether `user` may read a topic's title and opening text: as for a post
    (`can_see_post_text`), hidden pending review for its author and moderators,
    removed for moderators; everyone else sees a tombstone (its replies stay)."""
    if topic.is_removed:
        return can_moderate(user, topic)
    if not topic.is_pending_review:
        return True
    return user.is_authenticated and (topic.author_id == user.id or can_moderate(user, topic))


def can_manage_articles(user) -> bool:
    return user.is_authenticated and user.is_admin


def can_see_orphaned_quotes(user) -> bool:
    """See which quotes an edit of the article took away (the article page lists them)."""
    return user.is_authenticated and (user.is_admin or user.is_moderator)


# --- Find and follow (search, notifications, watching, settings) ---

def can_watch_topic(user, topic: Topic) -> bool:
    """Watching reads, it does not write: a suspended member may still follow a topic."""
    return user.is_authenticated


# --- Debates: closing, reactions, evidence ----------------------------------
# (Whether the debate is open right now is the domain's rule: posting.check_open.)

def can_close_debate(user, topic: Topic) -> bool:
    if not can_write(user) or not topic.is_debate:
        return False
    return user.is_moderator or topic.author_id == user.id


def can_react(user, post: Post) -> bool:
    """Vote, award ∆, answer a poll, mark "needs a source"."""
    return can_write(user)


def can_answer_poll(user, topic: Topic) -> bool:
    return can_write(user) and topic.is_debate


def can_add_source(user, post: Post) -> bool:
    return can_write(user) and post.author_id == user.id


# --- Moderation ---------------------------------------------------------------

def can_moderate(user, topic: Topic | None = None) -> bool:
    """Act on flags, posts and topics in `topic`; with no topic: reach the queue and log.

    Moderators and admins, on public topics. Inside a private class: its
    instructors and admins only; site moderators do not see in there.
    Instructors reach the queue, which shows them only their classes.
    """
    if not user.is_authenticated or user.is_suspended:
        return False
    if topic is None:
        return user.is_moderator or user.is_instructor
    if topic.class_id is not None:
        return can_moderate_class_topic(user, topic)
    return user.is_moderator


def can_suspend_members(user) -> bool:
    """A suspension is site-wide: site moderators and admins only."""
    return user.is_authenticated and user.is_moderator and not user.is_suspended


def can_flag_post(user, post: Post) -> bool:
    return can_write(user) and post.author_id != user.id


def can_appeal_post(user, post: Post) -> bool:
    return can_write(user) and post.author_id == user.id and post.is_removed


def can_flag_topic(user, topic: Topic) -> bool:
    """Flag a topic's opening text: as a post (`can_flag_post`)."""
    return can_write(user) and topic.author_id != user.id


def can_appeal_topic(user, topic: Topic) -> bool:
    return can_write(user) and topic.author_id == user.id and topic.is_removed


def can_mute(user, person) -> bool:
    return can_write(user) and user.id != person.id


def can_manage_watched_words(user) -> bool:
    return user.is_authenticated and user.is_admin and not user.is_suspended


JINJA_GLOBALS = {
    name: value for name, value in globals().items() if name.startswith("can_")
}


# --- Classes: instructors run their own classes; admins run all -----------------------
# Site moderators get no power (and no sight) inside a class unless they also
# teach it: class topics are filtered out for them by visibility.py.

def can_create_class(user) -> bool:
    return can_write(user) and user.is_instructor


def can_moderate_class_topic(user, topic: Topic) -> bool:
    """Lock a class debate, take down a post in it: its instructors and admins.

    The lead can fold this into `can_moderate(user, topic)`: for a topic with a
    class_id, that answer is this one.
    """
    if topic.class_id is None or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return not user.is_suspended and visibility.is_teacher(user, topic.class_id)


JINJA_GLOBALS.update(can_create_class=can_create_class)


# --- People and roles: admins ------------------------------------------------------------

def can_manage_roles(user) -> bool:
    """Promote and demote members (the people page, roles.change_role): admins who
    are not suspended, as for the other admin pages."""
    return user.is_authenticated and user.is_admin and not user.is_suspended


JINJA_GLOBALS.update(can_manage_roles=can_manage_roles)
