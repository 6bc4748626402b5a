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
    "hide_topic": "hid a topic", "remove_topic": "removed a topic", "restore_topic": "restored a topic",
    "role": "changed a role",  # roles.change_role: "old → new" in the reason
    # leaving.delete_account: the account's id only (actor and member), no name or address.
    "account_deleted": "deleted their account",
}
# The entries about a topic's opening text, where a post's action has a topic's twin.
TOPIC_TEXT_ACTIONS = {"hide": "hide_topic", "remove": "remove_topic", "restore": "restore_topic"}


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


# What moderation acts on: a post, or a topic's opening text (its title and body).
Target = Post | Topic


def topic_of(target: Target) -> Topic:
    return target if isinstance(target, Topic) else target.topic


def _noun(target: Target) -> str:
    return "topic" if isinstance(target, Topic) else "post"


def _about(target: Target) -> dict:
    """What a log entry or a member's message is about."""
    return {"topic": target} if isinstance(target, Topic) else {"post": target}


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


def _log_on(target: Target, actor: User | None, action: str, reason: str) -> ModAction:
    """`log` about a post, or about a topic's opening text (under the topic, its author as the member)."""
    if isinstance(target, Topic):
        return log(actor, TOPIC_TEXT_ACTIONS.get(action, action), topic=target, user=target.author, reason=reason)
    return log(actor, action, post=target, reason=reason)


def tell(user: User, text: str, post: Post | None = None, *, topic: Topic | None = None) -> MemberMessage:
    """A message `user` sees on their next page until they dismiss it."""
    message = MemberMessage(user_id=user.id, text=text, post_id=post.id if post else None,
                            created_at=utcnow())
    db.session.add(message)
    # Also in their notifications, pointing at the topic (a removed post's text is gone).
    notifications.notify(user, NotificationKind.MODERATION, actor=None,
                         topic=topic or (post.topic if post else None))
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
        raise RuleError("Choose why you are flagging this.") from None


def flag_post(post: Post, flagger: User, reason: FlagReason, note: str = "") -> Flag:
    if post.is_deleted:
        raise RuleError("This post is no longer shown; there is nothing to flag.")
    return _flag(post, flagger, reason, note)


def flag_topic(topic: Topic, flagger: User, reason: FlagReason, note: str = "") -> Flag:
    """Flag a topic's opening text (its title and body): the same rules as a post's."""
    return _flag(topic, flagger, reason, note)


def _flag(target: Target, flagger: User, reason: FlagReason, note: str) -> Flag:
    note, noun = (note or "").strip(), _noun(target)
    if target.author_id == flagger.id:
        raise RuleError(f"You can't flag your own {noun}; edit it instead." if noun == "topic"
                        else "You can't flag your own post; edit or delete it instead.")
    if target.is_removed:
        raise RuleError(f"This {noun} is no longer shown; there is nothing to flag.")
    if reason == FlagReason.OTHER and not note:
        raise RuleError("Say in a note what is wrong when the reason is “other”.")
    if len(note) > NOTE_MAX:
        raise RuleError(f"Keep the note under {NOTE_MAX} characters.")
    flag = _insert_once(Flag(**{f"{noun}_id": target.id}, flagger_id=flagger.id, reason=reason, note=note,
                             created_at=utcnow()),
                        f"You have already flagged this {noun}; a moderator will look at it.")
    if target.status == PostStatus.VISIBLE:
        if permissions.can_moderate(flagger, topic_of(target)):
            _set_status(target, PostStatus.HIDDEN)
            _log_on(target, flagger, "hide", f"Flagged by a moderator: {flag.reason_label}. {note}".strip())
        elif not target.author.is_moderator:  # a moderator's post waits for another moderator
            # The flags' weighted score (domain/trust.py): new accounts' flags alone never hide.
            score = trust.flag_score(trust.records_of_flaggers(target), utcnow(), current_app.config)
            if score.hides:
                _set_status(target, PostStatus.HIDDEN)
                _log_on(target, None, "auto_hide",
                        f"Flags weighing {score.score:g} reached {current_app.config['FLAG_HIDE_THRESHOLD']:g}")
    return flag


def _open_flags_of(target: Target):
    column = Flag.topic_id if isinstance(target, Topic) else Flag.post_id
    return (column == target.id) & (Flag.status == FlagStatus.OPEN)


def _resolve_flags(target: Target, moderator: User, status: FlagStatus) -> int:
    result = db.session.execute(
        update(Flag).where(_open_flags_of(target))
        .values(status=status, resolved_at=utcnow(), resolved_by_id=moderator.id))
    return result.rowcount


def _set_status(target: Target, status: PostStatus) -> None:
    if isinstance(target, Topic):
        target.status = status
        target.hidden_at = utcnow() if status != PostStatus.VISIBLE else None
        return
    was_public = posting.is_public(target)
    target.status = status
    target.hidden_at = utcnow() if status != PostStatus.VISIBLE else None
    posting.count_public(target, was_public)


def my_flags(user: User, limit: int = 100) -> list[Flag]:
    return list(db.session.scalars(
        select(Flag).where(Flag.flagger_id == user.id).order_by(Flag.created_at.desc(), Flag.id.desc())
        .limit(limit).options(joinedload(Flag.post).joinedload(Post.topic), joinedload(Flag.topic))))


# --- Actions on a post, or on a topic's opening text ------------------------------
# `dismiss_flags` takes either; the others have a verb for each.

def dismiss_flags(target: Target, moderator: User, reason: str = "") -> Target:
    """The flags were wrong: close them and show the post (or topic) again (unless removed)."""
    if not _resolve_flags(target, moderator, FlagStatus.DISMISSED) and target.status != PostStatus.HIDDEN:
        raise RuleError(f"There are no open flags on this {_noun(target)}.")
    if target.status == PostStatus.HIDDEN:
        _set_status(target, PostStatus.VISIBLE)
    _log_on(target, moderator, "dismiss", _reason(reason))
    return target


def _hide(target: Target, moderator: User, reason: str) -> Target:
    if target.status != PostStatus.VISIBLE:
        raise RuleError(f"This {_noun(target)} is already {target.status}.")
    _set_status(target, PostStatus.HIDDEN)
    _log_on(target, moderator, "hide", _reason(reason))
    return target


def hide_post(post: Post, moderator: User, reason: str = "") -> Post:
    return _hide(post, moderator, reason)


def hide_topic(topic: Topic, moderator: User, reason: str = "") -> Topic:
    return _hide(topic, moderator, reason)


def _remove(target: Target, moderator: User, reason: str) -> Target:
    reason = _reason(reason, required=True, what="the reason for removing it")
    noun = _noun(target)
    if target.is_removed:
        raise RuleError(f"This {noun} is already removed.")
    _set_status(target, PostStatus.REMOVED)
    target.removal_reason, target.removed_by_id = reason, moderator.id
    _resolve_flags(target, moderator, FlagStatus.UPHELD)
    _log_on(target, moderator, "remove", reason)
    what = f"your topic “{target.title}”" if noun == "topic" else "your post"
    tell(target.author, f"{acting_as(moderator, topic_of(target))} removed {what}: {reason}. You may appeal once.",
         **_about(target))
    return target


def remove_post(post: Post, moderator: User, reason: str) -> Post:
    return _remove(post, moderator, reason)


def remove_topic(topic: Topic, moderator: User, reason: str) -> Topic:
    """The topic's opening text becomes a tombstone with the reason; its replies stay."""
    return _remove(topic, moderator, reason)


def _show_again(target: Target, moderator: User) -> None:
    _set_status(target, PostStatus.VISIBLE)
    target.removal_reason, target.removed_by_id = None, None
    _resolve_flags(target, moderator, FlagStatus.DISMISSED)


def _restore(target: Target, moderator: User, reason: str) -> Target:
    if target.status == PostStatus.VISIBLE:
        raise RuleError(f"This {_noun(target)} is already shown.")
    action = "approve" if target.status == PostStatus.HELD else "restore"
    _show_again(target, moderator)
    _log_on(target, moderator, action, _reason(reason))
    return target


def restore_post(post: Post, moderator: User, reason: str = "") -> Post:
    return _restore(post, moderator, reason)


def restore_topic(topic: Topic, moderator: User, reason: str = "") -> Topic:
    return _restore(topic, moderator, reason)


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

def acting_as(actor: User, topic: Topic | None = None) -> str:
    """Who acted, as the member it concerns is told: the site's staff by their role
    ("An admin", "A moderator"); an instructor acting in their class by name and
    class ("Ada Byron, instructor of Ethics 101,"), followed by the verb."""
    if actor.is_admin:
        return "An admin"
    if topic is not None and topic.class_id is not None:
        classroom = db.session.get(Classroom, topic.class_id)
        return f"{actor.name}, instructor of {classroom.name},"
    return "A moderator"


def warn_member(member: User, moderator: User, reason: str, post: Post | None = None) -> ModAction:
    """A site moderator warns anyone; an instructor warns, about a post in their
    class, only a member of that class, in their own name and the class's. The
    member is told who warned them by role (`acting_as`): an admin is never
    "a moderator".

    An instructor's warning is logged under no topic, with the class named in the
    reason: entries about a private class's topics stay out of site moderators'
    log (mod_pages.log_query), and a warning reaches the member site-wide, so site
    moderators must see it. Its giver still sees it there (their own entries)."""
    reason = _reason(reason, required=True, what="the warning")
    classroom = db.session.get(Classroom, post.topic.class_id) if post is not None and post.topic.class_id else None
    if classroom is None or moderator.is_admin:
        if not moderator.is_moderator:
            raise RuleError("Only a moderator can warn a member about a post outside your classes.")
        tell(member, f"{acting_as(moderator)} warned you: {reason}", post)
        return log(moderator, "warn", post=post, user=member, reason=reason)
    if not visibility.is_teacher(moderator, classroom.id):
        raise RuleError("Only the instructors of this class can warn about its posts.")
    if classes.role_of(member, classroom.id) is None:
        raise RuleError(f"{member.name} is not a member of {classroom.name}: "
                        "as its instructor you can warn only its members.")
    tell(member, f"{acting_as(moderator, post.topic)} warned you: {reason}", post)
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
    in one query of the users' rows with two counts from indexes: none reads all
    of a prolific author's posts."""
    if not author_ids:
        return {}
    count = lambda *where: select(func.count()).where(*where).correlate(User).scalar_subquery()  # noqa: E731
    rows = db.session.execute(select(
        User.id, User.post_count,
        count(Post.author_id == User.id, Post.status == PostStatus.REMOVED),
        count(ModAction.user_id == User.id, ModAction.action == "suspend")).where(User.id.in_(author_ids)))
    return {author_id: {"posts": posts, "removed": removed, "suspensions": suspensions}
            for author_id, posts, removed, suspensions in rows}


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
    return _appeal(post, author, text)


def appeal_topic_removal(topic: Topic, author: User, text: str) -> Appeal:
    """Appeal the removal of one's topic (its opening text): once, as for a post."""
    return _appeal(topic, author, text)


def _appeal(target: Target, author: User, text: str) -> Appeal:
    text, noun = (text or "").strip(), _noun(target)
    if target.author_id != author.id:
        raise RuleError(f"Only the author of a {noun} can appeal its removal.")
    if not target.is_removed:
        raise RuleError(f"Only a removed {noun} can be appealed.")
    if not APPEAL_MIN <= len(text) <= APPEAL_MAX:
        raise RuleError(f"Explain your appeal in {APPEAL_MIN} to {APPEAL_MAX:,} characters.")
    appeal = _insert_once(Appeal(**{f"{noun}_id": target.id}, author_id=author.id, text=text, created_at=utcnow()),
                          f"You have already appealed this removal; a {noun} can be appealed once.")
    if _waits_for_an_admin(target):
        notifications.appeal_waits_for_admins(appeal, topic_of(target), _admins_but(target.removed_by_id))
    return appeal


def appealed(appeal: Appeal) -> Target:
    """What an appeal is about: the removed post, or the topic whose opening text was removed."""
    return appeal.post if appeal.post_id is not None else appeal.topic


def can_decide_appeal(appeal: Appeal, moderator: User) -> bool:
    """Never the moderator who removed the post, admins included: someone else who
    moderates its topic decides (with no other moderator, an admin: `appeal_waits_for`)."""
    target = appealed(appeal)
    return target.removed_by_id != moderator.id and permissions.can_moderate(moderator, topic_of(target))


def _active():
    return (User.suspended_until.is_(None)) | (User.suspended_until <= utcnow())


def _waits_for_an_admin(target: Target) -> bool:
    """Whether no one but an admin may decide an appeal of this removal: its remover
    is the only (active) moderator of its place, the class's instructors or the site's."""
    topic = topic_of(target)
    if topic.class_id is not None:
        others = select(func.count()).select_from(ClassMembership).join(User).where(
            ClassMembership.class_id == topic.class_id, ClassMembership.role == ClassRole.INSTRUCTOR,
            ClassMembership.user_id != target.removed_by_id, _active())
    else:
        others = select(func.count()).select_from(User).where(
            User.role == Role.MODERATOR, User.id != target.removed_by_id, _active())
    return not db.session.scalar(others)


def _admins_but(remover_id: int | None) -> list[User]:
    """The admins who may decide an appeal: active ones, the remover never."""
    return list(db.session.scalars(select(User).where(User.role == Role.ADMIN, User.id != remover_id, _active())
                                   .order_by(User.id)))


def appeal_waits_for(target: Target) -> str:
    """Who will decide an appeal of this removal, as the author's pages say it."""
    if _waits_for_an_admin(target):
        return "an admin"
    return "another instructor of the class" if topic_of(target).class_id is not None else "another moderator"


def decide_appeal(appeal: Appeal, moderator: User, restore: bool, reason: str = "") -> Appeal:
    reason = _reason(reason)
    if appeal.status != AppealStatus.OPEN:
        raise RuleError("This appeal has already been decided.")
    target = appealed(appeal)
    noun = _noun(target)
    if not can_decide_appeal(appeal, moderator):
        raise RuleError(f"Another moderator decides this appeal, or an admin: you removed the {noun}.")
    appeal.resolved_at, appeal.resolved_by_id = utcnow(), moderator.id
    about = _about(target)
    if restore:
        appeal.status = AppealStatus.RESTORED
        _show_again(target, moderator)
        log(moderator, "appeal_restored", user=target.author, reason=reason, **about)
        tell(appeal.author, f"Your appeal was accepted: your {noun} is shown again." +
             (f" {reason}" if reason else ""), **about)
    else:
        appeal.status = AppealStatus.UPHELD
        log(moderator, "appeal_upheld", user=target.author, reason=reason, **about)
        tell(appeal.author, "Your appeal was reviewed and the removal stands." +
             (f" {reason}" if reason else ""), **about)
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


