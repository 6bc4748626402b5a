"""Notifications by mail: at once, or in one digest a day, per kind and per member.

A notification (`notifications.notify`) is handed to `mail_for` as it is made.
For a kind the member gets at once, a mail is written to the outbox in the same
transaction (domain/mail.py delivers it); for a kind they get in the daily
digest, the notification waits in `mail_digest_items` until `digest(now)` (`flask
mail digest`, from cron once a day) writes each member one mail for the day,
grouped by topic, and records it (`mail_digests`, one per member and UTC day):
running it again the same day sends nothing twice, and what arrives after it
waits for the next day.

Nothing is mailed about what the member could not read on the site at that
moment: a class topic they are not (or no longer) in, a post deleted, hidden,
held or removed. It is checked when a mail is written at once, and again when a
digest is built. Only a confirmed address gets mail (domain/addresses.py): never
one that was typed wrong or is someone else's; members without an address (class
accounts) get none either.
In an anonymous class debate the actor is named as the site names them for the
member (`anonymity.shown`): by pseudonym, with the real name for instructors.

Every mail carries a one-click unsubscribe for its kind (RFC 8058): a link with a
token signed with SECRET_KEY naming the member and the kind, which works without
signing in; a digest's header link turns off every kind the member gets in it.

The defaults (no choice saved): replies, mentions, class announcements, phases
opening, grades released and moderators' messages at once; new posts in watched
topics in the daily digest (they can be many). Other kinds (∆, vote milestones,
appeals) stay on the site only.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (MailDigest, MailDigestItem, MailMode, MailPreference, MailStatus, Notification,
                      NotificationKind, OutboxMessage, Post, PostStatus, Topic, User, utcnow)
from . import addresses, anonymity, mail, visibility
from .errors import RuleError

K = NotificationKind
# The kinds that may be mailed, in the settings page's order: (label, default).
MAIL_KINDS = {
    K.REPLY: ("Replies to my posts", MailMode.NOW),
    K.MENTION: ("@mentions of my name", MailMode.NOW),
    K.WATCHED: ("New posts in topics I watch", MailMode.DIGEST),
    K.CLASS_ANNOUNCEMENT: ("Class announcements", MailMode.NOW),
    K.PHASE_OPEN: ("A debate phase opening", MailMode.NOW),
    K.GRADE_RELEASED: ("My grades released", MailMode.NOW),
    K.MODERATION: ("Moderators' messages to me", MailMode.NOW),
}
MODE_LABELS = {MailMode.OFF: "Off", MailMode.NOW: "At once", MailMode.DIGEST: "Daily digest"}
# What a mail says happened; "{actor}" is the actor as the member sees them.
SAID = {
    K.REPLY: "{actor} replied to your post",
    K.MENTION: "{actor} mentioned you",
    K.WATCHED: "{actor} posted in a topic you watch",
    K.CLASS_ANNOUNCEMENT: "{actor} posted a class announcement",
    K.PHASE_OPEN: "A debate phase is open",
    K.GRADE_RELEASED: "Your grades are released",
    K.MODERATION: "A moderator acted on your content",
}
# What an unsubscribe link turns off ("digest": every kind the member gets in the digest).
DIGEST = "digest"
UNSUBSCRIBED = {kind: f"mail about {label[0][0].lower()}{label[0][1:]}" for kind, label in MAIL_KINDS.items()}
UNSUBSCRIBED[DIGEST] = "the daily digest"
UNSUBSCRIBE_PATH = "/settings/mail/unsubscribe/"  # the view's route (the tests check they agree)
SETTINGS_PATH = "/settings#mail-h"
EXCERPT = 500  # characters of a post quoted in a mail
_SALT = "mail-unsubscribe"


# --- Preferences ---------------------------------------------------------------------

def preferences(user: User) -> dict[str, MailMode]:
    """The member's choice for each mailable kind (the default where they made none)."""
    saved = {kind: mode for kind, mode in db.session.execute(
        select(MailPreference.kind, MailPreference.mode).where(MailPreference.user_id == user.id))}
    return {kind: MailMode(saved.get(kind, default)) for kind, (_, default) in MAIL_KINDS.items()}


def mode_for(user: User, kind: str) -> MailMode:
    if kind not in MAIL_KINDS:
        return MailMode.OFF
    saved = db.session.scalar(select(MailPreference.mode).where(MailPreference.user_id == user.id,
                                                                MailPreference.kind == kind))
    return MailMode(saved or MAIL_KINDS[kind][1])


def save_preferences(user: User, choices: dict[str, str]) -> dict[str, MailMode]:
    """Set the member's mode per kind (kinds left out keep theirs). RuleError, and nothing
    changed, for an unknown kind or mode."""
    unknown = set(choices) - set(MAIL_KINDS)
    if unknown:
        raise RuleError(f"Unknown kind of notification: {', '.join(sorted(unknown))}.")
    if any(mode not in tuple(MailMode) for mode in choices.values()):
        raise RuleError("Choose Off, At once or Daily digest for each kind of mail.")
    _set_modes(user.id, {kind: MailMode(mode) for kind, mode in choices.items()})
    return preferences(user)


def _set_modes(user_id: int, modes: dict[str, MailMode]) -> None:
    if not modes:
        return
    db.session.execute(delete(MailPreference).where(MailPreference.user_id == user_id,
                                                    MailPreference.kind.in_(list(modes))))
    db.session.add_all(MailPreference(user_id=user_id, kind=kind, mode=mode) for kind, mode in modes.items())
    db.session.flush()


# --- Unsubscribing ---------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user: User, kind: str) -> str:
    return _serializer().dumps([user.id, str(kind)])


def unsubscribe_link(user: User, kind: str) -> str:
    return current_app.config["SITE_URL"].rstrip("/") + UNSUBSCRIBE_PATH + unsubscribe_token(user, kind)


INVALID = ("This unsubscribe link is not a valid one (it may have been cut short when copied). "
           "Choose what you are mailed about in your settings.")


def check_unsubscribe_token(token: str) -> tuple[User, str]:
    """The member and kind a link names, or RuleError: a link changed by a single
    character (another member's id, another kind) fails its signature."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        raise RuleError(INVALID) from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or kind not in UNSUBSCRIBED:
        raise RuleError(INVALID)
    return user, kind


def unsubscribe(token: str) -> tuple[User, str]:
    """Turn off the kind a link names (the digest: every kind in it) for its member."""
    user, kind = check_unsubscribe_token(token)
    if kind == DIGEST:
        kinds = [k for k, mode in preferences(user).items() if mode == MailMode.DIGEST]
    else:
        kinds = [kind]
    _set_modes(user.id, {k: MailMode.OFF for k in kinds})
    return user, kind


# --- What a mail says -----------------------------------------------------------------

def _readable(user: User, kind: str, topic: Topic | None, post: Post | None) -> bool:
    """Whether the member may read, on the site now, what the notification is about."""
    if topic is not None and not visibility.can_see_topic(user, topic):
        return False
    if post is not None and (post.is_deleted or post.status != PostStatus.VISIBLE):
        return False
    # A moderator's message is about the member's own content, whatever became of it.
    return topic is None or kind == K.MODERATION or topic.status == PostStatus.VISIBLE


def _readable_filter(user: User):
    """`_readable` in SQL, on a Notification outer-joined to its Topic and Post."""
    return (or_(Notification.topic_id.is_(None), visibility.visible_topic_filter(user))
            & or_(Notification.post_id.is_(None), visibility.public_post_filter())
            & or_(Notification.topic_id.is_(None), Notification.kind == K.MODERATION,
                  visibility.public_topic_filter()))


def _site() -> str:
    return current_app.config["SITE_URL"].rstrip("/")


def _excerpt(source: str) -> str:
    source = (source or "").strip()
    if len(source) <= EXCERPT:
        return source
    return source[:EXCERPT].rsplit(" ", 1)[0].rstrip() + " …"


@dataclass
class Entry:
    """One notification as a mail tells it."""
    kind: str
    said: str
    url: str
    excerpt: str = ""
    when: datetime | None = None


def _entry(kind: str, topic: Topic | None, post: Post | None, actor: User | None, names: dict,
           created_at: datetime | None = None) -> Entry:
    actor_shown = (anonymity.shown(names, actor.id, actor.name, actor.username).full
                   if actor is not None else "Someone")
    if post is not None:
        url, excerpt = f"{_site()}/p/{post.id}", _excerpt(post.body_md)
    elif topic is not None:
        excerpt = _excerpt(topic.body_md) if kind in (K.CLASS_ANNOUNCEMENT, K.MENTION) else ""
        url = f"{_site()}/t/{topic.id}"
    else:
        url, excerpt = _site() + "/", ""
    return Entry(kind, SAID[kind].format(actor=actor_shown), url, excerpt, created_at)


def _title(topic: Topic | None) -> str | None:
    """The topic's title, where the member may read it (a moderated topic's is gone)."""
    if topic is None or topic.status != PostStatus.VISIBLE:
        return None
    return topic.title


def _render(name: str, context: dict) -> str:
    """A mail's part, from the app's templates (HTML escaped), without the context of a
    page: no request's processors (the header's counts) run for each recipient."""
    return current_app.jinja_env.get_template(name).render(**context)


def _context(user: User, **extra) -> dict:
    return {"site_name": current_app.config["SITE_NAME"], "site_url": _site(),
            "settings_url": _site() + SETTINGS_PATH, "username": user.username, **extra}


# --- At once ------------------------------------------------------------------------

def mail_for(notification: Notification) -> OutboxMessage | MailDigestItem | None:
    """Called as a notification is made (`notifications.notify`): a mail in the outbox
    for a kind the member gets at once, an item for their digest, or nothing.
    A fixed few queries per recipient: their choice and the mail's row; in a class
    topic their membership (checked again) and an anonymous debate's pseudonyms."""
    kind = notification.kind
    if kind not in MAIL_KINDS:
        return None
    recipient = db.session.get(User, notification.recipient_id)
    if recipient is None or not addresses.is_confirmed(recipient):
        return None
    mode = mode_for(recipient, kind)
    if mode == MailMode.OFF:
        return None
    if mode == MailMode.DIGEST:
        item = MailDigestItem(notification=notification, user_id=recipient.id)
        db.session.add(item)
        return item
    topic = db.session.get(Topic, notification.topic_id) if notification.topic_id else None
    post = db.session.get(Post, notification.post_id) if notification.post_id else None
    actor = db.session.get(User, notification.actor_id) if notification.actor_id else None
    if not _readable(recipient, kind, topic, post):
        return None
    names = anonymity.names_for_topic(recipient, topic) if topic is not None and topic.class_id else {}
    entry = _entry(kind, topic, post, actor, names)
    title = _title(topic)
    unsubscribe_url = unsubscribe_link(recipient, kind)
    context = _context(recipient, entry=entry, title=title, unsubscribe_url=unsubscribe_url,
                       stop=UNSUBSCRIBED[kind])
    subject = f"{entry.said} in “{title}”" if title else entry.said
    return mail.enqueue(recipient.email, _subject(subject), _render("mail/notification.txt", context),
                        _render("mail/notification.html", context), kind=f"notify_{kind}",
                        user=recipient, unsubscribe_url=unsubscribe_url)


def _subject(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"


def mark() -> tuple[int, int]:
    """Where the outbox and the notifications stand now (see `unmail_since`)."""
    return (db.session.scalar(select(func.max(OutboxMessage.id))) or 0,
            db.session.scalar(select(func.max(Notification.id))) or 0)


def unmail_since(since: tuple[int, int]) -> None:
    """Mail about the notifications made since `mark()` is not sent, nor kept for a
    digest: for `seed-demo`, whose made-up history is news to no one (a hundred mails
    in instance/mail would bury the one a demo's password reset writes)."""
    db.session.flush()
    last_mail, last_note = since
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > last_mail,
                                                   OutboxMessage.kind.like("notify_%"),
                                                   OutboxMessage.status == MailStatus.PENDING)
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(MailDigestItem).where(MailDigestItem.notification_id > last_note)
                       .execution_options(synchronize_session=False))


# --- The daily digest -------------------------------------------------------------------

@dataclass
class TopicGroup:
    title: str | None  # None: no topic, or one the member may no longer read the title of
    url: str | None
    entries: list[Entry] = field(default_factory=list)


@dataclass
class DigestReport:
    day: date
    mailed: int = 0  # members sent a digest
    notifications: int = 0  # in those digests
    left_out: int = 0  # unreadable now, or their kind turned off since

    def summary(self) -> str:
        return (f"Digests of {self.day.isoformat()}: {self.mailed} mail{'s' if self.mailed != 1 else ''} "
                f"with {self.notifications} notification{'s' if self.notifications != 1 else ''}"
                + (f"; {self.left_out} left out (no longer readable, or turned off)" if self.left_out else "")
                + ". Delivered by `flask mail run` or `mail send`.")


def _waiting(user_id: int, now: datetime):
    return (MailDigestItem.user_id == user_id) & MailDigestItem.digest_id.is_(None) & \
        (MailDigestItem.created_at <= now)


def digest(now: datetime | None = None) -> DigestReport:
    """Each member with notifications waiting gets one mail for `now`'s UTC day, unless
    they had it already. Idempotent; writes in the caller's transaction (the CLI commits)."""
    now = now or utcnow()
    day = now.date()
    report = DigestReport(day)
    done_today = select(MailDigest.user_id).where(MailDigest.day == day)
    members = list(db.session.scalars(
        select(MailDigestItem.user_id).distinct()
        .where(MailDigestItem.digest_id.is_(None), MailDigestItem.created_at <= now,
               MailDigestItem.user_id.not_in(done_today))
        .order_by(MailDigestItem.user_id)))
    for user_id in members:
        record = MailDigest(user_id=user_id, day=day, created_at=now)
        try:
            with db.session.begin_nested():  # another run at once made it first: theirs
                db.session.add(record)
                db.session.flush()
        except IntegrityError:
            continue
        _digest_of(db.session.get(User, user_id), record, now, report)
    _forget_old(now)
    return report


def _digest_of(user: User, record: MailDigest, now: datetime, report: DigestReport) -> None:
    modes = preferences(user)
    notes = list(db.session.scalars(
        select(Notification).join(MailDigestItem, MailDigestItem.notification_id == Notification.id)
        .outerjoin(Topic, Topic.id == Notification.topic_id).outerjoin(Post, Post.id == Notification.post_id)
        .where(_waiting(user.id, now), _readable_filter(user))
        .order_by(Notification.created_at, Notification.id)
        .options(joinedload(Notification.actor), joinedload(Notification.topic), joinedload(Notification.post))))
    notes = [note for note in notes if note.kind in MAIL_KINDS and modes[note.kind] != MailMode.OFF]
    taken = db.session.execute(update(MailDigestItem).where(_waiting(user.id, now))
                               .values(digest_id=record.id).execution_options(synchronize_session=False))
    report.left_out += taken.rowcount - len(notes)
    if not notes or not addresses.is_confirmed(user):
        report.left_out += len(notes)
        return
    class_topics = {note.topic_id for note in notes if note.topic is not None and note.topic.class_id is not None}
    names = anonymity.names_by_topic(user, class_topics) if class_topics else {}
    groups: dict[int | None, TopicGroup] = {}
    for note in notes:
        topic = note.topic
        key = topic.id if topic is not None and _title(topic) else None
        if key not in groups:
            groups[key] = TopicGroup(_title(topic) if key else None,
                                     f"{_site()}/t/{topic.id}" if key else None)
        groups[key].entries.append(_entry(note.kind, topic, note.post, note.actor,
                                          names.get(note.topic_id, {}), note.created_at))
    ordered = [group for key, group in groups.items() if key is not None] + \
        ([groups[None]] if None in groups else [])
    kinds = [kind for kind in MAIL_KINDS if any(note.kind == kind for note in notes)]
    unsubscribe_url = unsubscribe_link(user, DIGEST)
    context = _context(user, groups=ordered, count=len(notes), day=record.day, unsubscribe_url=unsubscribe_url,
                       stop_kinds=[(UNSUBSCRIBED[kind], unsubscribe_link(user, kind)) for kind in kinds])
    topics = sum(1 for group in ordered if group.title)
    subject = (f"Your daily digest from {current_app.config['SITE_NAME']}: "
               f"{len(notes)} notification{'s' if len(notes) != 1 else ''}"
               + (f" in {topics} topic{'s' if topics != 1 else ''}" if topics else ""))
    message = mail.enqueue(user.email, subject, _render("mail/digest.txt", context),
                           _render("mail/digest.html", context), kind="digest", user=user,
                           unsubscribe_url=unsubscribe_url)
    record.outbox_id = message.id
    report.mailed += 1
    report.notifications += len(notes)


def _forget_old(now: datetime) -> None:
    """Digests (and what went into them) are kept as long as sent mail (MAIL_KEEP_DAYS)."""
    cutoff = now - timedelta(days=float(current_app.config["MAIL_KEEP_DAYS"]))
    db.session.execute(delete(MailDigest).where(MailDigest.created_at < cutoff)
                       .execution_options(synchronize_session=False))
