"""Rules on what is written: slow mode, links from new accounts, watched words.

Each raises RuleError with a sentence the writer understands; `check_new_post`
runs them all where a post is written (posting.py). Every number is a setting
(see config.py).
"""
import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Post, PostStatus, Topic, User, WatchedWord, WordAction, utcnow
from .errors import RuleError

LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)


def check_slow_mode(author: User, topic: Topic) -> None:
    """One post per member per `topic.slow_mode_seconds`; moderators are not slowed."""
    if not topic.slow_mode_seconds or author.is_moderator:
        return
    last = db.session.scalar(select(func.max(Post.created_at))
                             .where(Post.topic_id == topic.id, Post.author_id == author.id))
    if last is None:
        return
    if last.tzinfo is None:  # max() over SQLite hands back naive UTC text
        last = last.replace(tzinfo=utcnow().tzinfo)
    ready = last + timedelta(seconds=topic.slow_mode_seconds)
    wait = (ready - utcnow()).total_seconds()
    if wait > 0:
        raise RuleError(f"Slow mode is on in this topic: one post every {_duration(topic.slow_mode_seconds)}. "
                        f"You can post again in {_duration(wait)} (at {ready:%H:%M:%S} UTC).")


def _duration(seconds: float) -> str:
    seconds = max(1, int(seconds + 0.999))
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minutes"


def check_links(author: User, body: str) -> None:
    hours = current_app.config["NEW_ACCOUNT_HOURS"]
    allowed = current_app.config["NEW_ACCOUNT_MAX_LINKS"]
    if author.created_at <= utcnow() - timedelta(hours=hours):
        return
    found = len(LINK_RE.findall(body or ""))
    if found > allowed:
        raise RuleError(f"Accounts younger than {hours} hours may include at most {allowed} links in a post; "
                        f"this one has {found}.")


def watched_word_pattern(word: str) -> re.Pattern:
    # Whole words or phrases, any case, any run of spaces between the words.
    inner = r"\s+".join(re.escape(part) for part in word.split())
    return re.compile(rf"(?<!\w){inner}(?!\w)", re.IGNORECASE)


def screen_text(author: User, body: str) -> PostStatus:
    """Refuse a text with a blocked word; a held word makes the post wait for a moderator."""
    status = PostStatus.VISIBLE
    for word in db.session.scalars(select(WatchedWord).order_by(WatchedWord.id)):
        if not watched_word_pattern(word.word).search(body or ""):
            continue
        if word.action == WordAction.BLOCK:
            raise RuleError(f"Your text contains “{word.word}”, which this forum's watched-words rule "
                            f"#{word.id} does not allow. Please rephrase it.")
        if not author.is_moderator:
            status = PostStatus.HELD
    return status


def check_new_post(author: User, topic: Topic, body: str) -> PostStatus:
    """Every rule on a new post; returns the status it starts with."""
    check_slow_mode(author, topic)
    check_links(author, body)
    return screen_text(author, body)
