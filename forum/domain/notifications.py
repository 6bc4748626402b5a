"""Notifications, watched and muted topics, and each person's settings for them.

Other areas tell people about things with `notify(recipient, kind, actor=...,
post=..., topic=...)`; the write path calls `post_created` and `topic_created`.
Nobody is told about their own action, about a kind they turned off, about a
topic they muted, or about anything they may not see — checked when the
notification is made and again whenever it is shown.
"""
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (Appeal, FollowSettings, Notification, NotificationKind, NotificationOptOut, Post, Topic,
                      TopicWatch, User, WatchLevel, utcnow)
from . import anonymity, mail_notifications, markup, per_request, visibility
from .accounts import username_key
from .errors import RuleError

# What each kind says, for one and for several ("3 replies to …").
KIND_LABELS = {
    NotificationKind.REPLY: ("replied to your post", "replies to your posts"),
    NotificationKind.MENTION: ("mentioned you", "mentions of you"),
    NotificationKind.WATCHED: ("posted in a topic you watch", "new posts"),
    NotificationKind.DELTA: ("awarded your post a ∆", "∆ awarded to your posts"),
    NotificationKind.VOTE_MILESTONE: ("your post reached a vote milestone", "vote milestones"),
    NotificationKind.MODERATION: ("a moderator acted on your content", "moderator actions"),
    NotificationKind.CLASS_ANNOUNCEMENT: ("posted a class announcement", "class announcements"),
    NotificationKind.PHASE_OPEN: ("a debate phase opened", "debate phases opened"),
    NotificationKind.APPEAL: ("appealed a removal that waits for an admin", "appeals wait for an admin"),
    NotificationKind.GRADE_RELEASED: ("your grades were released", "grades released"),
}
# The settings page, in this order.
KIND_SETTINGS = {
    NotificationKind.REPLY: "Replies to my posts",
    NotificationKind.MENTION: "@mentions of my name",
    NotificationKind.WATCHED: "New posts in topics I watch",
    NotificationKind.DELTA: "A ∆ awarded to my post",
    NotificationKind.VOTE_MILESTONE: "Vote milestones on my posts",
    NotificationKind.MODERATION: "Moderator actions on my content",
    NotificationKind.CLASS_ANNOUNCEMENT: "Class announcements",
    NotificationKind.PHASE_OPEN: "A debate phase opening",
    NotificationKind.GRADE_RELEASED: "My grades in a class debate released",
    NotificationKind.APPEAL: "An appeal that waits for an admin (admins only)",
}
LIST_LIMIT = 200


def notify(recipient: User, kind: NotificationKind, *, actor: User | None,
           post: Post | None = None, topic: Topic | None = None) -> Notification | None:
    """Tell `recipient` about something, unless they should not or need not hear of it."""
    kind = NotificationKind(kind)
    topic = topic if topic is not None else (post.topic if post is not None else None)
    if actor is not None and recipient.id == actor.id:
        return None
    if recipient.is_deleted:  # an account deleted (domain/leaving.py) hears of nothing, by mail least of all
        return None
    if topic is not None and not visibility.can_see_topic(recipient, topic):
        return None
    if post is not None and post.is_deleted:
        return None
    if kind in opted_out(recipient):
        return None
    if topic is not None and watch_level(recipient, topic) == WatchLevel.MUTED:
        return None
    # In an anonymous debate the actor is kept and named when shown, by
    # `anonymity.shown` for the reader as they are then (`groups`).
    notification = Notification(recipient_id=recipient.id, kind=kind, actor_id=actor.id if actor else None,
                                post_id=post.id if post is not None else None,
                                topic_id=topic.id if topic is not None else None)
    db.session.add(notification)
    mail_notifications.mail_for(notification)  # by mail too, at once or in the digest, as they chose
    return notification


def post_created(post: Post) -> list[Notification]:
    """After a post is written: the replied-to author, the people mentioned, the
    watchers — each told once, by the most specific kind — and the author
    starts watching the topic if their settings say so."""
    author, topic = post.author, post.topic
    told = {author.id}
    made = []

    def tell(person: User, kind: NotificationKind) -> None:
        if person.id in told:
            return
        told.add(person.id)
        if (note := notify(person, kind, actor=author, post=post, topic=topic)) is not None:
            made.append(note)

    if post.parent is not None and not post.parent.is_deleted:
        tell(post.parent.author, NotificationKind.REPLY)
    for person in mentioned_users(post.body_md):
        tell(person, NotificationKind.MENTION)
    for person in db.session.scalars(
            select(User).join(TopicWatch, TopicWatch.user_id == User.id)
            .where(TopicWatch.topic_id == topic.id, TopicWatch.level == WatchLevel.WATCHING)
            .order_by(User.id)):
        tell(person, NotificationKind.WATCHED)
    auto_watch(author, topic)
    db.session.flush()
    return made


def topic_created(topic: Topic) -> list[Notification]:
    """After a topic is started: the people its opening text mentions; its author watches it."""
    made = [note for person in mentioned_users(topic.body_md)
            if (note := notify(person, NotificationKind.MENTION, actor=topic.author, topic=topic))]
    auto_watch(topic.author, topic)
    db.session.flush()
    return made


def appeal_waits_for_admins(appeal: Appeal, topic: Topic, admins: Iterable[User]) -> list[Notification]:
    """An appeal that only an admin may decide (its remover is the only moderator
    who could, `moderation.appeal_waits_for`): each admin in `admins` is told, with
    its author as the actor, about its topic (not the post: a removed post's
    notifications are not shown, see `_shown`); the list links it to the queue."""
    made = [note for admin in admins
            if (note := notify(admin, NotificationKind.APPEAL, actor=appeal.author, topic=topic))]
    db.session.flush()
    return made


def mentioned_users(source: str) -> list[User]:
    keys = [username_key(name) for name in markup.mentions(source)]
    if not keys:
        return []
    return list(db.session.scalars(select(User).where(User.username_key.in_(keys)).order_by(User.id)))


# Watching -----------------------------------------------------------------

def watch_level(user, topic: Topic) -> WatchLevel | None:
    if not user.is_authenticated:
        return None
    level = db.session.scalar(select(TopicWatch.level).where(
        TopicWatch.user_id == user.id, TopicWatch.topic_id == topic.id))
    return WatchLevel(level) if level else None


def set_watch(user: User, topic: Topic, level: WatchLevel | None) -> None:
    """Watch, mute, or (None) go back to the default of neither."""
    if level is not None and level not in tuple(WatchLevel):
        raise RuleError("Choose to watch or to mute this topic.")
    if not visibility.can_see_topic(user, topic):
        raise RuleError("That topic is not available.")
    db.session.execute(delete(TopicWatch).where(TopicWatch.user_id == user.id, TopicWatch.topic_id == topic.id))
    if level is not None:
        db.session.add(TopicWatch(user_id=user.id, topic_id=topic.id, level=WatchLevel(level)))
    db.session.flush()


def auto_watch(user: User, topic: Topic) -> None:
    """Watch a topic one writes in, unless one has a say about it already or turned this off."""
    if watch_level(user, topic) is not None or not follow_settings(user).auto_watch:
        return
    # Two first replies at once (two tabs) both find no watch; the second insert
    # must leave the first one's row alone rather than fail its reply.
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.engine.dialect.name]
    db.session.execute(insert(TopicWatch)
                       .values(user_id=user.id, topic_id=topic.id, level=WatchLevel.WATCHING)
                       .on_conflict_do_nothing(index_elements=[TopicWatch.user_id, TopicWatch.topic_id]))


# Settings -------------------------------------------------------------------

def follow_settings(user: User) -> FollowSettings:
    return db.session.get(FollowSettings, user.id) or FollowSettings(user_id=user.id, auto_watch=True)


def opted_out(user: User) -> set[str]:
    return set(db.session.scalars(select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user.id)))


def save_settings(user: User, *, enabled_kinds: set[str], auto_watch: bool) -> FollowSettings:
    unknown = set(enabled_kinds) - set(NotificationKind)
    if unknown:
        raise RuleError(f"Unknown kind of notification: {', '.join(sorted(unknown))}.")
    db.session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
    db.session.add_all(NotificationOptOut(user_id=user.id, kind=kind)
                       for kind in NotificationKind if kind not in enabled_kinds)
    settings = db.session.get(FollowSettings, user.id)
    if settings is None:
        settings = FollowSettings(user_id=user.id)
        db.session.add(settings)
    settings.auto_watch = bool(auto_watch)
    db.session.flush()
    return settings


# Reading --------------------------------------------------------------------

def _shown(user):
    """Notifications of `user` whose topic and post they may still see, now."""
    return (select(Notification)
            .outerjoin(Topic, Topic.id == Notification.topic_id)
            .outerjoin(Post, Post.id == Notification.post_id)
            .where(Notification.recipient_id == user.id,
                   or_(Notification.topic_id.is_(None), visibility.visible_topic_filter(user)),
                   or_(Notification.post_id.is_(None), visibility.public_post_filter())))


@functools.cache
def _unread_count_statement(admin: bool):
    """Built once for all members (and once for admins, who see every topic)."""
    shown = _shown(visibility.BoundViewer(is_admin=admin)).where(Notification.read_at.is_(None)).subquery()
    return select(func.count()).select_from(shown)


def unread_count(user) -> int:
    """Shown in every member's header: its statement is built once, not per page."""
    if not user.is_authenticated:
        return 0
    return db.session.scalar(_unread_count_statement(user.is_admin), {"viewer_id": user.id})


def unread_count_of_a_member():
    """The unread count of `:viewer_id`, a member who is not an admin, as a column:
    the user loader reads it with the member on a page they read (no query of its own)."""
    return _unread_count_statement(False).scalar_subquery()


def remember_unread_count(count: int) -> None:
    """The signed-in member's count, loaded with them, for this request's header."""
    per_request.loaded().unread_count = count


def header_unread_count(user) -> int:
    """The header's count: loaded with the member where it could be, else counted
    once a request (a page that renders a part of itself first counts once)."""
    loaded = per_request.loaded()
    if loaded.unread_count is None:
        loaded.unread_count = unread_count(user)
    return loaded.unread_count


@dataclass
class Group:
    """Notifications of one kind about one topic, read or unread: "3 replies to …"."""
    kind: NotificationKind
    topic: Topic | None
    unread: bool
    items: list[Notification] = field(default_factory=list)

    @property
    def latest(self) -> Notification:
        return self.items[0]

    @property
    def ids(self) -> list[int]:
        return [n.id for n in self.items]

    # The topic's pseudonyms for the reader (anonymity.names_by_topic), set by `groups`.
    names: dict = field(default_factory=dict)

    @property
    def actors(self) -> list[User]:
        seen = {}
        for note in self.items:
            if note.actor is not None:
                seen.setdefault(note.actor.id, note.actor)
        return list(seen.values())

    @property
    def actors_shown(self) -> list[anonymity.Shown]:
        """The actors as the reader may see them: pseudonyms in anonymous debates."""
        return [anonymity.shown(self.names, actor.id, actor.name, actor.username) for actor in self.actors]

    @property
    def when(self) -> datetime:
        return self.latest.created_at

    @property
    def summary(self) -> str:
        one, many = KIND_LABELS[self.kind]
        return one if len(self.items) == 1 else f"{len(self.items)} {many}"


def groups(user) -> list[Group]:
    """The latest notifications, grouped by kind and topic, unread first, in two queries
    at most (three more for the pseudonyms when an anonymous debate is among them)."""
    notes = db.session.scalars(
        _shown(user).order_by(Notification.created_at.desc(), Notification.id.desc()).limit(LIST_LIMIT)
        .options(joinedload(Notification.actor), joinedload(Notification.topic), joinedload(Notification.post)))
    by_key: dict[tuple, Group] = {}
    for note in notes:
        key = (note.kind, note.topic_id, note.read_at is None)
        if key not in by_key:
            by_key[key] = Group(NotificationKind(note.kind), note.topic, note.read_at is None)
        by_key[key].items.append(note)
    # Anonymous debates' pseudonyms: no query unless a class topic is listed.
    class_topics = {group.topic.id for group in by_key.values()
                    if group.topic is not None and group.topic.class_id is not None}
    names = anonymity.names_by_topic(user, class_topics) if class_topics else {}
    ordered = defaultdict(list)
    for group in by_key.values():
        group.names = names.get(group.topic.id, {}) if group.topic is not None else {}
        ordered[group.unread].append(group)
    return ordered[True] + ordered[False]


def mark_read(user: User, ids: list[int]) -> int:
    """Mark some of `user`'s notifications read; others' ids are ignored."""
    if not ids:
        return 0
    result = db.session.execute(update(Notification).where(
        Notification.recipient_id == user.id, Notification.id.in_(ids), Notification.read_at.is_(None))
        .values(read_at=utcnow()))
    return result.rowcount


def mark_all_read(user: User) -> int:
    result = db.session.execute(update(Notification).where(
        and_(Notification.recipient_id == user.id, Notification.read_at.is_(None))).values(read_at=utcnow()))
    return result.rowcount
