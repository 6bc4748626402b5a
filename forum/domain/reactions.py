"""Reactions to a post: "strong argument" votes, ∆ "changed my view",
sources and "needs a source" marks.

Uniqueness (one vote, one ∆, one mark per member per post) is a constraint in
the database, whose refusal `errors.unique_or` turns into a RuleError; the counters
on the post change in SQL in the same transaction, so concurrent voters never race.
"""
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import Delta, ModAction, NotificationKind, Post, Source, SourceRequest, User, Vote
from . import notifications, posting
from .errors import RuleError, unique_or

DELTA_MIN_EXPLANATION = 50
DELTA_MAX_EXPLANATION = 2_000
SOURCE_TITLE_MAX = 200
SOURCE_URL_MAX = 500
SOURCES_PER_POST = 10


def check_can_react(post: Post) -> None:
    posting.check_open(post.topic)
    if post.is_deleted:
        raise RuleError("This post was deleted.")
    # Votes and ∆ rank what people read: not what moderators took down (or hold).
    if post.is_removed:
        raise RuleError("A moderator removed this post: it takes no votes, ∆ or marks.")
    if post.is_pending_review:
        raise RuleError("This post is hidden pending review: it takes no votes, ∆ or marks until it is shown again.")


def _insert_unique(row, message: str) -> None:
    with unique_or(message):
        db.session.add(row)
        db.session.flush()


def _bump(post: Post, counter: str, by: int) -> None:
    column = getattr(Post, counter)
    db.session.execute(update(Post).where(Post.id == post.id).values({counter: column + by}))


def _mark(model, post: Post, user: User, *, counter: str, own: str, twice: str):
    """One row per member per post (a vote, a "needs a source" mark), counted on the post."""
    check_can_react(post)
    if post.author_id == user.id:
        raise RuleError(own)
    row = model(post_id=post.id, user_id=user.id)
    _insert_unique(row, twice)
    _bump(post, counter, 1)
    return row


def _unmark(model, post: Post, user: User, *, counter: str, missing: str) -> None:
    check_can_react(post)
    result = db.session.execute(delete(model).where(model.post_id == post.id, model.user_id == user.id))
    if result.rowcount == 0:
        raise RuleError(missing)
    _bump(post, counter, -1)


# --- Quality votes ----------------------------------------------------------

VOTE_MILESTONES = (5, 10, 25, 50, 100, 250, 500, 1000)


def vote(post: Post, voter: User) -> Vote:
    row = _mark(Vote, post, voter, counter="vote_count", own="You can't vote for your own post.",
                twice="You already voted for this post.")
    # Read back in the same transaction: exactly one voter crosses each milestone.
    count = db.session.scalar(select(Post.vote_count).where(Post.id == post.id))
    if count in VOTE_MILESTONES:
        post = db.session.get(Post, post.id)  # this session's copy, whatever session `post` came from
        notifications.notify(post.author, NotificationKind.VOTE_MILESTONE, actor=None, post=post)
    return row


def withdraw_vote(post: Post, voter: User) -> None:
    _unmark(Vote, post, voter, counter="vote_count", missing="You haven't voted for this post.")


# --- ∆ "changed my view" ----------------------------------------------------

def award_delta(post: Post, awarder: User, explanation: str) -> Delta:
    check_can_react(post)
    if post.author_id == awarder.id:
        raise RuleError("You can't award a ∆ to your own post.")
    explanation = (explanation or "").strip()
    if len(explanation) < DELTA_MIN_EXPLANATION:
        raise RuleError(f"Say in at least {DELTA_MIN_EXPLANATION} characters how this changed your view "
                        f"(you wrote {len(explanation)}).")
    if len(explanation) > DELTA_MAX_EXPLANATION:
        raise RuleError(f"Keep the explanation under {DELTA_MAX_EXPLANATION:,} characters.")
    if db.session.scalar(select(ModAction.id).where(ModAction.post_id == post.id, ModAction.user_id == awarder.id,
                                                    ModAction.action == "revoke_delta").limit(1)):
        raise RuleError("A moderator revoked the ∆ you gave this post; it can't be given again.")
    row = Delta(post_id=post.id, awarder_id=awarder.id, recipient_id=post.author_id,
                explanation=explanation)
    _insert_unique(row, "You already awarded a ∆ to this post.")
    _bump(post, "delta_count", 1)
    notifications.notify(post.author, NotificationKind.DELTA, actor=awarder, post=post)
    return row


# --- Evidence ---------------------------------------------------------------

def mark_needs_source(post: Post, user: User) -> SourceRequest:
    return _mark(SourceRequest, post, user, counter="needs_source_count",
                 own="It's your own post: add a source to it instead.",
                 twice="You already asked for a source on this post.")


def withdraw_needs_source(post: Post, user: User) -> None:
    _unmark(SourceRequest, post, user, counter="needs_source_count",
            missing="You haven't asked for a source on this post.")


def clean_source(title: str, url: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    url = (url or "").strip()
    if not title:
        raise RuleError("Give the source a title.")
    if len(title) > SOURCE_TITLE_MAX:
        raise RuleError(f"A source's title is at most {SOURCE_TITLE_MAX} characters.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise RuleError(f"“{url or '(empty)'}” is not a web address: it must start with http:// or https://.")
    if len(url) > SOURCE_URL_MAX:
        raise RuleError(f"A source's address is at most {SOURCE_URL_MAX} characters.")
    return title, url


def parse_sources(text: str) -> list[tuple[str, str]]:
    """Sources typed one per line: a title, then the address (the line's last word)."""
    sources = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        title, _, url = line.strip().rpartition(" ")
        sources.append(clean_source(title, url))
    if len(sources) > SOURCES_PER_POST:
        raise RuleError(f"At most {SOURCES_PER_POST} sources per post.")
    return sources


def add_source(post: Post, actor: User, title: str, url: str) -> Source:
    check_can_react(post)
    title, url = clean_source(title, url)
    count = db.session.scalar(select(db.func.count()).select_from(Source).where(Source.post_id == post.id))
    if count >= SOURCES_PER_POST:
        raise RuleError(f"At most {SOURCES_PER_POST} sources per post.")
    source = Source(post_id=post.id, title=title, url=url, added_by_id=actor.id)
    db.session.add(source)
    db.session.flush()
    return source
