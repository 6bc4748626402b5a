"""Moderation rules: flags, moderator actions with their audit entries, appeals,
messages to members, watched words and mutes.

Every moderator action writes its ModAction in the same transaction (the view
commits once). Nothing here deletes a post or its text: hiding, removing and
restoring change `Post.status`; an edit keeps the earlier text in the history.
Who may act is `permissions.can_moderate`, asked by the views (and here where a
rule depends on it).
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (Appeal, AppealStatus, ClassMembership, ClassRole, Classroom, Delta, Flag, FlagReason,
                      FlagStatus, MemberMessage, ModAction, Mute, NotificationKind, Post, PostStatus, Role,
                      Topic, User, WatchedWord, WordAction, utcnow)
from . import classes, notifications, permissions, posting, trust, visibility
from .errors import RuleError, unique_or

NOTE_MAX = 500
REASON_MAX = 500
APPEAL_MIN, APPEAL_MAX = 20, 2000
SLOW_MODE_MAX = 24 * 3600
SUSPENSION_DAYS_MAX = 365

# What the audit log records, with the words it shows.
ACTIONS = {
    "auto_hide": "hidden by flags", "dismiss": "dismissed flags", "hide": "hid a post",
    "remove": "removed a post", "restore": "restored a post", "approve": "approved a held post",
    "edit": "edited a post", "edit_topic": "edited a topic", "warn": "warned a member",
    "suspend": "suspended a member", "lock": "locked a topic", "unlock": "unlocked a topic", "pin": "pinned a topic",
    "unpin": "unpinned a topic", "slow_mode": "set slow mode",
    "appeal_upheld": "upheld a removal", "appeal_restored": "restored on appeal",
    "word_added": "added a watched word", "word_removed": "removed a watched word",
    "revoke_delta": "revoked a ∆",
}


def _insert_once(row, refusal: str):
    """Add `row`; a uniqueness rule of the database refuses a second one with `refusal`."""
    with unique_or(refusal):
        db.session.add(row)
        db.session.flush()
    return row


def _reason(reason: str | None, *, required: bool = False, what: str = "a reason") -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise RuleError(f"Give {what}: the member and the log will show it.")
    if len(reason) > REASON_MAX:
        raise RuleError(f"Keep the reason under {REASON_MAX} characters.")
    return reason


def log(actor: User | None, action: str, *, post: Post | None = None, topic: Topic | None = None,
        user: User | None = None, reason: str = "") -> ModAction:
    if action not in ACTIONS:
        raise ValueError(f"unknown moderation action {action!r}")
    if post is not None:
        topic = topic or post.topic
        user = user or post.author
    entry = ModAction(actor_id=actor.id if actor else None, action=action,
                      post_id=post.id if post else None, topic_id=topic.id if topic else None,
                      user_id=user.id if user else None, reason=reason, created_at=utcnow())
    db.session.add(entry)
    return entry


def tell(user: User, text: str, post: Post | None = None) -> MemberMessage:
    """A message `user` sees on their next page until they dismiss it."""
    message = MemberMessage(user_id=user.id, text=text, post_id=post.id if post else None,
                            created_at=utcnow())
    db.session.add(message)
    # Also in their notifications, pointing at the topic (a removed post's text is gone).
    notifications.notify(user, NotificationKind.MODERATION, actor=None, topic=post.topic if post else None)
    return message


def unread_messages(user) -> list[MemberMessage]:
    """The banner's messages; loaded with the signed-in member (see forum/__init__.py)."""
    if not user.is_authenticated:
        return []
    return list(user.unread_messages)[:5]


def dismiss_message(message: MemberMessage, user: User) -> None:
    if message.user_id != user.id:
        raise RuleError("That message is not yours.")
    message.read_at = message.read_at or utcnow()


# --- Flags -------------------------------------------------------------------

def parse_reason(value: str | None) -> FlagReason:
    try:
        return FlagReason(value)
    except ValueError:
        raise RuleError("Choose why you are flagging this post.") from None


def flag_post(post: Post, flagger: User, reason: FlagReason, note: str = "") -> Flag:
    note = (note or "").strip()
    if post.author_id == flagger.id:
        raise RuleError("You can't flag your own post; edit or delete it instead.")
    if post.is_deleted or post.is_removed:
        raise RuleError("This post is no longer shown; there is nothing to flag.")
    if reason == FlagReason.OTHER and not note:
        raise RuleError("Say in a note what is wrong when the reason is “other”.")
    if len(note) > NOTE_MAX:
        raise RuleError(f"Keep the note under {NOTE_MAX} characters.")
    flag = _insert_once(Flag(post_id=post.id, flagger_id=flagger.id, reason=reason, note=note, created_at=utcnow()),
                        "You have already flagged this post; a moderator will look at it.")
    if post.status == PostStatus.VISIBLE:
        if permissions.can_moderate(flagger, post.topic):
            _set_status(post, PostStatus.HIDDEN)
            log(flagger, "hide", post=post, reason=f"Flagged by a moderator: {flag.reason_label}. {note}".strip())
        elif not post.author.is_moderator:  # a moderator's post waits for another moderator
            # The flags' weighted score (domain/trust.py): new accounts' flags alone never hide.
            score = trust.flag_score(trust.records_of_flaggers(post), utcnow(), current_app.config)
            if score.hides:
                _set_status(post, PostStatus.HIDDEN)
                log(None, "auto_hide", post=post,
                    reason=f"Flags weighing {score.score:g} reached {current_app.config['FLAG_HIDE_THRESHOLD']:g}")
    return flag


def _resolve_flags(post: Post, moderator: User, status: FlagStatus) -> int:
    result = db.session.execute(
        update(Flag).where(Flag.post_id == post.id, Flag.status == FlagStatus.OPEN)
        .values(status=status, resolved_at=utcnow(), resolved_by_id=moderator.id))
    return result.rowcount


def _set_status(post: Post, status: PostStatus) -> None:
    was_public = posting.is_public(post)
    post.status = status
    post.hidden_at = utcnow() if status != PostStatus.VISIBLE else None
    posting.count_public(post, was_public)


def my_flags(user: User, limit: int = 100) -> list[Flag]:
    return list(db.session.scalars(
        select(Flag).where(Flag.flagger_id == user.id).order_by(Flag.created_at.desc(), Flag.id.desc())
        .limit(limit).options(joinedload(Flag.post).joinedload(Post.topic))))


# --- Actions on a post -------------------------------------------------------

def dismiss_flags(post: Post, moderator: User, reason: str = "") -> Post:
    """The flags were wrong: close them and show the post again (unless removed)."""
    if not _resolve_flags(post, moderator, FlagStatus.DISMISSED) and post.status != PostStatus.HIDDEN:
        raise RuleError("There are no open flags on this post.")
    if post.status == PostStatus.HIDDEN:
        _set_status(post, PostStatus.VISIBLE)
    log(moderator, "dismiss", post=post, reason=_reason(reason))
    return post


def hide_post(post: Post, moderator: User, reason: str = "") -> Post:
    if post.status != PostStatus.VISIBLE:
        raise RuleError(f"This post is already {post.status}.")
    _set_status(post, PostStatus.HIDDEN)
    log(moderator, "hide", post=post, reason=_reason(reason))
    return post


def remove_post(post: Post, moderator: User, reason: str) -> Post:
    reason = _reason(reason, required=True, what="the reason for removing it")
    if post.is_removed:
        raise RuleError("This post is already removed.")
    _set_status(post, PostStatus.REMOVED)
    post.removal_reason, post.removed_by_id = reason, moderator.id
    _resolve_flags(post, moderator, FlagStatus.UPHELD)
    log(moderator, "remove", post=post, reason=reason)
    tell(post.author, f"A moderator removed your post: {reason}. You may appeal once.", post)
    return post


def _show_again(post: Post, moderator: User) -> None:
    _set_status(post, PostStatus.VISIBLE)
    post.removal_reason, post.removed_by_id = None, None
    _resolve_flags(post, moderator, FlagStatus.DISMISSED)


def restore_post(post: Post, moderator: User, reason: str = "") -> Post:
    if post.status == PostStatus.VISIBLE:
        raise RuleError("This post is already shown.")
    action = "approve" if post.status == PostStatus.HELD else "restore"
    _show_again(post, moderator)
    log(moderator, action, post=post, reason=_reason(reason))
    return post


def edit_post(post: Post, moderator: User, body: str, reason: str) -> Post:
    reason = _reason(reason, required=True, what="the reason for the edit")
    posting.edit_post(post, moderator, body, reason=reason)
    log(moderator, "edit", post=post, reason=reason)
    return post


def edit_topic(topic: Topic, moderator: User, *, title: str, body: str, reason: str) -> Topic:
    """A moderator's edit of someone else's topic: a reason, and an entry in the log."""
    reason = _reason(reason, required=True, what="the reason for the edit")
    posting.edit_topic(topic, moderator, title=title, body=body)
    log(moderator, "edit_topic", topic=topic, user=topic.author, reason=reason)
    return topic


def revoke_delta(delta: Delta, moderator: User, reason: str) -> None:
    """Take back a ∆ that should not count (given for a friend, by a second account,
    or with an explanation that says nothing): it goes, the post's count with it, the
    log keeps what it said, and its giver is told why. They cannot give it again."""
    reason = _reason(reason, required=True, what="the reason for revoking this ∆")
    post, giver = delta.post, delta.awarder
    if not permissions.can_moderate(moderator, post.topic):
        raise RuleError("Only a moderator of this post's topic can revoke its ∆.")
    explanation = " ".join(delta.explanation.split())
    log(moderator, "revoke_delta", post=post, user=giver,
        reason=f"{reason} (∆ by {giver.username}: “{explanation[:300]}”)")
    db.session.delete(delta)
    db.session.execute(update(Post).where(Post.id == post.id).values(delta_count=Post.delta_count - 1))
    tell(giver, f"A moderator revoked the ∆ you gave: {reason}", post)


# --- Actions on a member ------------------------------------------------------

def warn_member(member: User, moderator: User, reason: str, post: Post | None = None) -> ModAction:
    """A site moderator warns anyone; an instructor warns, about a post in their
    class, only a member of that class, in their own name and the class's.

    An instructor's warning is logged under no topic, with the class named in the
    reason: entries about a private class's topics stay out of site moderators'
    log (mod_pages.log_query), and a warning reaches the member site-wide, so site
    moderators must see it. Its giver still sees it there (their own entries)."""
    reason = _reason(reason, required=True, what="the warning")
    classroom = db.session.get(Classroom, post.topic.class_id) if post is not None and post.topic.class_id else None
    if classroom is None or moderator.is_admin:
        if not moderator.is_moderator:
            raise RuleError("Only a moderator can warn a member about a post outside your classes.")
        tell(member, f"A moderator warned you: {reason}", post)
        return log(moderator, "warn", post=post, user=member, reason=reason)
    if not visibility.is_teacher(moderator, classroom.id):
        raise RuleError("Only the instructors of this class can warn about its posts.")
    if classes.role_of(member, classroom.id) is None:
        raise RuleError(f"{member.name} is not a member of {classroom.name}: "
                        "as its instructor you can warn only its members.")
    tell(member, f"{moderator.name}, instructor of {classroom.name}, warned you: {reason}", post)
    return log(moderator, "warn", user=member, reason=f"Instructor of {classroom.name}, about one of its posts: "
                                                      f"{reason}")


def suspend_member(member: User, moderator: User, days: int, reason: str,
                   post: Post | None = None) -> User:
    reason = _reason(reason, required=True, what="the reason for the suspension")
    if member.id == moderator.id:
        raise RuleError("You can't suspend yourself.")
    if member.is_moderator and not moderator.is_admin:
        raise RuleError("Only an admin can suspend a moderator.")
    if not 1 <= days <= SUSPENSION_DAYS_MAX:
        raise RuleError(f"A suspension lasts 1 to {SUSPENSION_DAYS_MAX} days.")
    member.suspended_until = utcnow() + timedelta(days=days)
    member.suspension_reason = reason
    log(moderator, "suspend", post=post, user=member,
        reason=f"{days} day{'s' if days != 1 else ''}: {reason}")
    return member


def member_histories(author_ids: set[int]) -> dict[int, dict[str, int]]:
    """Public posts (the counter on the user), removals and suspensions per author,
    in two grouped queries and the users' rows: none reads all of a prolific
    author's posts."""
    if not author_ids:
        return {}
    histories = {i: {"posts": 0, "removed": 0, "suspensions": 0} for i in author_ids}
    for author_id, posts, removed in db.session.execute(
            select(User.id, User.post_count,
                   select(func.count()).where(Post.author_id == User.id, Post.status == PostStatus.REMOVED)
                   .correlate(User).scalar_subquery())
            .where(User.id.in_(author_ids))):
        histories[author_id].update(posts=posts, removed=removed)
    for user_id, suspensions in db.session.execute(
            select(ModAction.user_id, func.count())
            .where(ModAction.user_id.in_(author_ids), ModAction.action == "suspend")
            .group_by(ModAction.user_id)):
        histories[user_id]["suspensions"] = suspensions
    return histories


# --- Actions on a topic -------------------------------------------------------

_TOPIC_STATES = {"lock": "locked", "unlock": "unlocked", "pin": "pinned", "unpin": "not pinned"}


def _set_topic_flag(topic: Topic, moderator: User, attribute: str, value: bool, action: str,
                    reason: str) -> Topic:
    if getattr(topic, attribute) == value:
        raise RuleError(f"This topic is already {_TOPIC_STATES[action]}.")
    setattr(topic, attribute, value)
    log(moderator, action, topic=topic, user=topic.author, reason=_reason(reason))
    return topic


def lock_topic(topic: Topic, moderator: User, reason: str = "") -> Topic:
    return _set_topic_flag(topic, moderator, "is_locked", True, "lock", reason)


def unlock_topic(topic: Topic, moderator: User, reason: str = "") -> Topic:
    return _set_topic_flag(topic, moderator, "is_locked", False, "unlock", reason)


def pin_topic(topic: Topic, moderator: User, reason: str = "") -> Topic:
    return _set_topic_flag(topic, moderator, "is_pinned", True, "pin", reason)


def unpin_topic(topic: Topic, moderator: User, reason: str = "") -> Topic:
    return _set_topic_flag(topic, moderator, "is_pinned", False, "unpin", reason)


def set_slow_mode(topic: Topic, moderator: User, seconds: int, reason: str = "") -> Topic:
    if not 0 <= seconds <= SLOW_MODE_MAX:
        raise RuleError(f"Slow mode is 0 (off) to {SLOW_MODE_MAX:,} seconds.")
    if seconds == topic.slow_mode_seconds:
        raise RuleError("Slow mode is already set to that.")
    topic.slow_mode_seconds = seconds
    what = f"{seconds} seconds between posts" if seconds else "off"
    log(moderator, "slow_mode", topic=topic, user=topic.author,
        reason=f"{what}. {_reason(reason)}".strip())
    return topic


# --- Appeals ------------------------------------------------------------------

def appeal_removal(post: Post, author: User, text: str) -> Appeal:
    text = (text or "").strip()
    if post.author_id != author.id:
        raise RuleError("Only the author of a post can appeal its removal.")
    if not post.is_removed:
        raise RuleError("Only a removed post can be appealed.")
    if not APPEAL_MIN <= len(text) <= APPEAL_MAX:
        raise RuleError(f"Explain your appeal in {APPEAL_MIN} to {APPEAL_MAX:,} characters.")
    return _insert_once(Appeal(post_id=post.id, author_id=author.id, text=text, created_at=utcnow()),
                        "You have already appealed this removal; a post can be appealed once.")


def can_decide_appeal(appeal: Appeal, moderator: User) -> bool:
    """Never the moderator who removed the post, admins included: someone else who
    moderates its topic decides (with no other moderator, an admin: `appeal_waits_for`)."""
    post = appeal.post
    return post.removed_by_id != moderator.id and permissions.can_moderate(moderator, post.topic)


def appeal_waits_for(post: Post) -> str:
    """Who will decide an appeal of this removal, as the author's pages say it."""
    active = (User.suspended_until.is_(None)) | (User.suspended_until <= utcnow())
    if post.topic.class_id is not None:
        others = select(func.count()).select_from(ClassMembership).join(User).where(
            ClassMembership.class_id == post.topic.class_id, ClassMembership.role == ClassRole.INSTRUCTOR,
            ClassMembership.user_id != post.removed_by_id, active)
        return "another instructor of the class" if db.session.scalar(others) else "an admin"
    others = select(func.count()).select_from(User).where(
        User.role == Role.MODERATOR, User.id != post.removed_by_id, active)
    return "another moderator" if db.session.scalar(others) else "an admin"


def decide_appeal(appeal: Appeal, moderator: User, restore: bool, reason: str = "") -> Appeal:
    reason = _reason(reason)
    if appeal.status != AppealStatus.OPEN:
        raise RuleError("This appeal has already been decided.")
    if not can_decide_appeal(appeal, moderator):
        raise RuleError("Another moderator decides this appeal, or an admin: you removed the post.")
    post = appeal.post
    appeal.resolved_at, appeal.resolved_by_id = utcnow(), moderator.id
    if restore:
        appeal.status = AppealStatus.RESTORED
        _show_again(post, moderator)
        log(moderator, "appeal_restored", post=post, reason=reason)
        tell(appeal.author, "Your appeal was accepted: your post is shown again." +
             (f" {reason}" if reason else ""), post)
    else:
        appeal.status = AppealStatus.UPHELD
        log(moderator, "appeal_upheld", post=post, reason=reason)
        tell(appeal.author, "Your appeal was reviewed and the removal stands." +
             (f" {reason}" if reason else ""), post)
    return appeal


# --- Watched words (admins) ----------------------------------------------------

def add_watched_word(admin: User, word: str, action: str) -> WatchedWord:
    word = " ".join((word or "").split()).lower()
    if not 2 <= len(word) <= 100:
        raise RuleError("A watched word or phrase is 2 to 100 characters.")
    try:
        action = WordAction(action)
    except ValueError:
        raise RuleError("Choose what the word does: block the post, or hold it for review.") from None
    entry = _insert_once(WatchedWord(word=word, action=action, created_by_id=admin.id, created_at=utcnow()),
                         f"“{word}” is already on the list.")
    log(admin, "word_added", reason=f"{word} ({action})")
    return entry


def remove_watched_word(admin: User, entry: WatchedWord) -> None:
    log(admin, "word_removed", reason=f"{entry.word} ({entry.action})")
    db.session.delete(entry)


# --- Mutes (a member's own tool) -------------------------------------------------

def mute_member(muter: User, muted: User) -> Mute:
    if muter.id == muted.id:
        raise RuleError("You can't mute yourself.")
    mute = _insert_once(Mute(muter_id=muter.id, muted_id=muted.id, created_at=utcnow()),
                        f"You have already muted {muted.name}.")
    db.session.expire(muter, ["muted_list"])
    return mute


def unmute_member(muter: User, muted: User) -> None:
    mute = db.session.scalar(select(Mute).where(Mute.muter_id == muter.id, Mute.muted_id == muted.id))
    if mute is None:
        raise RuleError(f"You haven't muted {muted.name}.")
    db.session.delete(mute)
    db.session.flush()
    db.session.expire(muter, ["muted_list"])


def muted_ids(user) -> frozenset[int]:
    """Whom `user` has muted (none for guests): loaded with the signed-in member."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(int(i) for i in (user.muted_list or "").split(",") if i)


