"""Leaving with your data: everything a member wrote and chose, as one JSON-ready
dict (`export`), and the deletion of their account (`delete_account`).

A deleted account's row stays, emptied, because what others read points at it:
its posts and topics keep their place in threads under DELETED_NAME ("[deleted
member]"), which links nowhere; a class's grades keep their student, shown to
the instructor under the debate's pseudonym or as DELETED_NAME; the audit log
keeps its entries. Gone: the address, the password, the display name, the bio,
where the account was registered from, every session (every browser is signed
out at once), the member's own notifications, watches, settings, messages and
mail, and the link from their votes, ∆, poll answers and "needs a source" marks
to them: those rows stay, without a member, so that every count stays as it was.

The username is reserved, not freed: the account's `username_key` becomes
"deleted:<id>" (so nothing finds it by name any more: sign-in, profiles,
@mentions, searches by author, password resets), but its look-alike skeleton
stays, so that registering that name, or one like it, is refused as looking like
another member's (domain/names.py): nobody can take the name and pass for them.

With `erase`, what they wrote goes too: the bodies of their posts and of their
topics' opening texts become ERASED, their earlier versions are deleted, and so
are the explanations of their ∆. Titles of the topics they started stay, so that
the threads others joined keep a name.
"""
from datetime import datetime

from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash

from ..extensions import db
from ..models import (ClassDebate, ClassDebateSide, ClassMembership, Classroom, Delta, FollowSettings, Grade,
                      Mute, NotificationOptOut, PollAnswer, PollCredit, Post, Revision, Role, RubricCriterion,
                      Source, SourceRequest, StancePoll, Topic, TopicWatch, User, Vote, utcnow)
from ..models.users import DELETED_NAME
from . import mail_notifications, markup, moderation, roles, visibility
from .errors import RuleError

ERASED = "[erased by its author]"
EXPORT_FORMAT = "counterpoint-export"
EXPORT_VERSION = 1
# Rows that point at a member with ON DELETE CASCADE and must outlive the account:
# a class's roster, sides and grades stay for its instructor. Every other such
# row (sessions, notifications, watches, settings, messages, mail, ...) exists
# only for the member, and goes with the account (`_delete_own_rows`).
KEPT_FOR_OTHERS = {"class_memberships", "class_debate_sides", "phase_extensions", "grades"}
# The reactions kept without their member: (model, its member column).
UNLINKED = ((Vote, Vote.user_id), (Delta, Delta.awarder_id), (StancePoll, StancePoll.user_id),
            (PollAnswer, PollAnswer.user_id), (SourceRequest, SourceRequest.user_id))


class WrongPassword(RuleError):
    """The password given to confirm was not the account's: it counts as a failed sign-in."""


# --- Export ---------------------------------------------------------------------------

def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _poll_history(user: User) -> tuple[list[PollAnswer], dict[int, list[int]]]:
    answers = list(db.session.scalars(select(PollAnswer).where(PollAnswer.user_id == user.id)
                                      .order_by(PollAnswer.answered_at, PollAnswer.id)))
    credits: dict[int, list[int]] = {}
    for answer_id, post_id in db.session.execute(
            select(PollCredit.answer_id, PollCredit.post_id).join(PollAnswer, PollAnswer.id == PollCredit.answer_id)
            .where(PollAnswer.user_id == user.id).order_by(PollCredit.id)):
        credits.setdefault(answer_id, []).append(post_id)
    return answers, credits


def export(user: User) -> dict:
    """Everything `user` wrote and chose, and nothing of anyone else's: no other
    member's name (so no classmate behind a pseudonym either), no other member's
    text, and a topic's title only while `user` may still see the topic."""
    titles = _visible_titles(user)
    posts = list(db.session.scalars(select(Post).where(Post.author_id == user.id).order_by(Post.id)))
    topics = list(db.session.scalars(select(Topic).where(Topic.author_id == user.id).order_by(Topic.id)))
    revisions = _revisions(user, [p.id for p in posts], [t.id for t in topics])
    answers, credits = _poll_history(user)
    return {
        "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": _when(utcnow()),
        "profile": {"id": user.id, "username": user.username, "display_name": user.display_name,
                    "email": user.email, "bio": user.bio, "role": user.role, "joined_at": _when(user.created_at)},
        "topics": [_topic(t, revisions.get(("topic", t.id), [])) for t in topics],
        "posts": [_post(p, titles, revisions.get(("post", p.id), [])) for p in posts],
        "votes": [{"post_id": post_id, "topic_id": topic_id, "voted_at": _when(at)}
                  for post_id, topic_id, at in db.session.execute(
                      select(Vote.post_id, Post.topic_id, Vote.created_at).join(Post, Post.id == Vote.post_id)
                      .where(Vote.user_id == user.id).order_by(Vote.id))],
        "deltas_given": [{"post_id": post_id, "topic_id": topic_id, "explanation": explanation,
                          "given_at": _when(at)}
                         for post_id, topic_id, explanation, at in db.session.execute(
                             select(Delta.post_id, Post.topic_id, Delta.explanation, Delta.created_at)
                             .join(Post, Post.id == Delta.post_id).where(Delta.awarder_id == user.id)
                             .order_by(Delta.id))],
        "sources_added": [{"post_id": s.post_id, "title": s.title, "url": s.url, "added_at": _when(s.created_at)}
                          for s in db.session.scalars(select(Source).where(Source.added_by_id == user.id)
                                                      .order_by(Source.id))],
        "sources_asked_for": [{"post_id": post_id, "asked_at": _when(at)} for post_id, at in db.session.execute(
            select(SourceRequest.post_id, SourceRequest.created_at).where(SourceRequest.user_id == user.id)
            .order_by(SourceRequest.id))],
        # Every answer, with its time and the arguments it credited (domain/minds.py).
        "poll_answers": [{"topic_id": a.topic_id, "topic_title": titles.get(a.topic_id), "phase": a.phase,
                          "value": a.value, "answered_at": _when(a.answered_at),
                          "credited_post_ids": credits.get(a.id, [])}
                         for a in answers],
        "watches": [{"topic_id": w.topic_id, "topic_title": titles.get(w.topic_id), "level": w.level,
                     "since": _when(w.created_at)}
                    for w in db.session.scalars(select(TopicWatch).where(TopicWatch.user_id == user.id)
                                                .order_by(TopicWatch.created_at))],
        "notification_settings": _notification_settings(user),
        "muted_members": list(db.session.scalars(
            select(User.username).join(Mute, Mute.muted_id == User.id)
            .where(Mute.muter_id == user.id, User.deleted_at.is_(None)).order_by(User.username))),
        "classes": [{"class_id": c.id, "name": c.name, "term": c.term, "role": role, "joined_at": _when(joined)}
                    for c, role, joined in db.session.execute(
                        select(Classroom, ClassMembership.role, ClassMembership.joined_at)
                        .join(ClassMembership, ClassMembership.class_id == Classroom.id)
                        .where(ClassMembership.user_id == user.id).order_by(Classroom.id))],
        "debate_sides": [{"topic_id": topic_id, "topic_title": titles.get(topic_id), "side": side}
                         for topic_id, side in db.session.execute(
                             select(ClassDebateSide.topic_id, ClassDebateSide.side)
                             .where(ClassDebateSide.user_id == user.id).order_by(ClassDebateSide.topic_id))],
        "grades": _released_grades(user, titles),
    }


def _visible_titles(user: User) -> dict[int, str]:
    """{topic id: title} of the topics `user` may see that their own rows name."""
    mine = (select(Post.topic_id).where(Post.author_id == user.id)
            .union(select(StancePoll.topic_id).where(StancePoll.user_id == user.id),
                   select(TopicWatch.topic_id).where(TopicWatch.user_id == user.id),
                   select(ClassDebateSide.topic_id).where(ClassDebateSide.user_id == user.id),
                   select(Grade.topic_id).where(Grade.student_id == user.id)))
    return dict(db.session.execute(select(Topic.id, Topic.title)
                                   .where(Topic.id.in_(mine), visibility.visible_topic_filter(user))).all())


def _revisions(user: User, post_ids: list[int], topic_ids: list[int]) -> dict[tuple[str, int], list[dict]]:
    """Earlier versions of the member's posts and topics, oldest first. Who made
    each is said as "you" or "a moderator", never by name."""
    found: dict[tuple[str, int], list[dict]] = {}
    if not post_ids and not topic_ids:
        return found
    rows = db.session.scalars(select(Revision).where(Revision.post_id.in_(post_ids) | Revision.topic_id.in_(topic_ids))
                              .order_by(Revision.created_at, Revision.id))
    for rev in rows:
        key = ("post", rev.post_id) if rev.post_id is not None else ("topic", rev.topic_id)
        found.setdefault(key, []).append({
            **({"title": rev.title} if rev.topic_id is not None else {}),
            "body_markdown": rev.body_md, "written_at": _when(rev.created_at),
            "edited_by": "you" if rev.editor_id == user.id else "a moderator", "reason": rev.reason})
    return found


def _topic(topic: Topic, revisions: list[dict]) -> dict:
    return {"id": topic.id, "kind": topic.kind, "title": topic.title, "body_markdown": topic.body_md,
            "pro_label": topic.pro_label, "con_label": topic.con_label, "class_id": topic.class_id,
            "status": topic.status, "created_at": _when(topic.created_at), "edited_at": _when(topic.edited_at),
            "earlier_versions": revisions}


def _post(post: Post, titles: dict[int, str], revisions: list[dict]) -> dict:
    return {"id": post.id, "topic_id": post.topic_id, "topic_title": titles.get(post.topic_id),
            "parent_id": post.parent_id, "stance": post.stance, "phase": post.phase,
            "body_markdown": post.body_md, "status": post.status, "created_at": _when(post.created_at),
            "edited_at": _when(post.edited_at), "edit_reason": post.edit_reason if post.edited_by_id == post.author_id
            else None, "deleted_at": _when(post.deleted_at), "earlier_versions": revisions}


def _notification_settings(user: User) -> dict:
    settings = db.session.get(FollowSettings, user.id)
    return {"auto_watch": settings.auto_watch if settings is not None else True,
            "turned_off": sorted(db.session.scalars(select(NotificationOptOut.kind)
                                                    .where(NotificationOptOut.user_id == user.id))),
            "by_mail": {kind: str(mode) for kind, mode in mail_notifications.preferences(user).items()}}


def _released_grades(user: User, titles: dict[int, str]) -> list[dict]:
    """The member's own grades in the debates whose grades were released; none else."""
    rows = db.session.execute(
        select(Grade, RubricCriterion.name, RubricCriterion.max_points)
        .join(RubricCriterion, RubricCriterion.id == Grade.criterion_id)
        .join(ClassDebate, ClassDebate.topic_id == Grade.topic_id)
        .where(Grade.student_id == user.id, ClassDebate.grades_released.is_(True))
        .order_by(Grade.topic_id, RubricCriterion.position, RubricCriterion.id))
    debates: dict[int, dict] = {}
    for grade, criterion, max_points in rows:
        debate = debates.setdefault(grade.topic_id, {"topic_id": grade.topic_id,
                                                     "topic_title": titles.get(grade.topic_id), "criteria": []})
        debate["criteria"].append({"criterion": criterion, "points": grade.points, "max_points": max_points,
                                   "comment": grade.comment, "graded_at": _when(grade.graded_at)})
    return list(debates.values())


# --- Deletion -------------------------------------------------------------------------

def check_may_delete(user: User) -> None:
    """The forum's last admin who can act may not leave it without one (as roles.change_role
    refuses to demote them; their rows locked, so two admins leaving at once count again)."""
    if user.is_admin and not [other for other in roles.active_admin_ids(lock=True) if other != user.id]:
        raise RuleError("You are the forum's only admin, so your account can't be deleted: make another "
                        "member an admin first (Admin → People). Nothing was changed.")


def delete_account(user: User, password: str, erase: bool) -> None:
    """Delete `user`'s account, confirmed by their `password` (WrongPassword, and
    nothing changes, when it is not theirs); `erase`: what they wrote goes too.
    Written to the audit log with the account's id only."""
    if user.is_deleted:
        raise RuleError("This account is already deleted.")
    if not check_password_hash(user.password_hash, password or ""):
        raise WrongPassword("That is not your password; your account is unchanged.")
    check_may_delete(user)
    old_username = user.username
    if erase:
        _erase_writing(user)
    else:
        # Their name is on every page of these topics: the rows are touched so that
        # each topic's version moves (migration 0015_topic_version) and no kept copy
        # shows the old name.
        db.session.execute(update(Post).where(Post.author_id == user.id).values(author_id=Post.author_id))
        db.session.execute(update(Topic).where(Topic.author_id == user.id).values(author_id=Topic.author_id))
    for model, column in UNLINKED:
        db.session.execute(update(model).where(column == user.id).values({column: None}))
    # The class pages (roster, dashboard, grades) name them too.
    db.session.execute(update(ClassMembership).where(ClassMembership.user_id == user.id)
                       .values(role=ClassMembership.role))
    _delete_own_rows(user.id)
    user.username, user.username_key = DELETED_NAME, f"deleted:{user.id}"
    user.display_name, user.display_skeleton, user.bio, user.email = "", None, "", ""
    user.password_hash, user.registration_tag, user.role = "!", None, Role.MEMBER
    user.email_verified_at = None  # no address, so none confirmed (domain/addresses.py)
    user.deleted_at = utcnow()
    db.session.flush()
    _unlink_mentions(old_username)
    moderation.log(user, "account_deleted", user=user,
                   reason="what they wrote was erased" if erase else "what they wrote stays")
    db.session.flush()


def _erase_writing(user: User) -> None:
    erased_html = markup.render(ERASED)
    post_ids = select(Post.id).where(Post.author_id == user.id).scalar_subquery()
    topic_ids = select(Topic.id).where(Topic.author_id == user.id).scalar_subquery()
    db.session.execute(delete(Revision).where(Revision.post_id.in_(post_ids) | Revision.topic_id.in_(topic_ids)))
    db.session.execute(update(Post).where(Post.author_id == user.id)
                       .values(body_md=ERASED, body_html=erased_html, edit_reason=None))
    db.session.execute(update(Topic).where(Topic.author_id == user.id).values(body_md=ERASED, body_html=erased_html))
    db.session.execute(update(Delta).where(Delta.awarder_id == user.id).values(explanation=ERASED))


def _delete_own_rows(user_id: int) -> None:
    """Every row that exists only for the member: those whose link to the account
    cascades on delete, but for what a class keeps (KEPT_FOR_OTHERS). Rows that
    point at others of them go first (a digest's items before the digest)."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name in KEPT_FOR_OTHERS:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "users" and (fk.ondelete or "").upper() == "CASCADE":
                db.session.execute(delete(table).where(fk.parent == user_id))


def _unlink_mentions(username: str) -> None:
    """Posts and topics that @mentioned the member linked to their profile: rendered
    again from their source, now that the name is no account's, they link nowhere."""
    link = f'href="/u/{username}"'
    for model in (Post, Topic):
        for row in db.session.scalars(select(model).where(model.body_html.contains(link, autoescape=True))):
            row.body_html = markup.render(row.body_md)
