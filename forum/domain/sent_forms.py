"""A form that makes a post (a reply, an argument, a topic) makes it once.

Each such form, as rendered for a member, carries a one-time key in a hidden
field (`new_key`, the Jinja global `form_key`). The first request with a key
makes the post and keeps the key (`claim`, then `made`). Another request with
the same key and the same text (a double click, the form sent again after a
lost response, or after a worker died past its commit) makes nothing and is
given what the first made, to go to. The same key with other text is a page
used again (the browser's Back): refused with a sentence, and the form comes
back with the text and a fresh key. A form without a key (a page rendered
before keys existed) posts as before.

The key is unique per author in the database (`SentForm`'s primary key): of
two requests racing with one key, the second waits for the first (PostgreSQL
on the unique index, SQLite for the write lock) and then finds what it made.
"""
import hashlib
import re
import secrets

from ..extensions import db
from ..models import Post, SentForm, Topic, User
from .errors import RuleError, unique_or

KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_key() -> str:
    """A fresh one-time key for one rendered form."""
    return secrets.token_urlsafe(18)


def claim(author: User, key: str | None, *said) -> Post | Topic | None:
    """Before making a post or topic from a form that carried `key`: what this key
    already made (the same form sent again: make nothing, go there), or None,
    the key now taken for what is about to be made (say what, with `made`).
    `said`: what the form says (where it posts, its text). No key: None."""
    if not key:
        return None
    if not KEY_RE.fullmatch(key):
        raise RuleError("This form's one-time key is damaged, so nothing was posted: "
                        "reload the page and send your text again.")
    digest = hashlib.sha256(repr(said).encode()).hexdigest()
    sent = db.session.get(SentForm, (author.id, key))
    if sent is None:
        try:
            with unique_or("This form was sent twice at once."):
                db.session.add(SentForm(author_id=author.id, key=key, digest=digest))
                db.session.flush()
            return None
        except RuleError:  # the other request made it and committed: find what it made
            sent = db.session.get(SentForm, (author.id, key))
    earlier = _what_it_made(sent)
    if sent.digest != digest or earlier is None:
        raise RuleError("This form was sent before with other text, and that was posted. "
                        "Your new text is below: send it again to post it too.")
    return earlier


def made(author: User, key: str | None, thing: Post | Topic) -> None:
    """Note what the form with `key` (claimed by `claim`) made."""
    if not key:
        return
    sent = db.session.get(SentForm, (author.id, key))  # the claimed row: no query
    if isinstance(thing, Post):
        sent.topic_id, sent.post_id = thing.topic_id, thing.id
    else:
        sent.topic_id = thing.id
    db.session.flush()


def _what_it_made(sent: SentForm) -> Post | Topic | None:
    if sent.post_id is not None:
        return db.session.get(Post, sent.post_id)
    return db.session.get(Topic, sent.topic_id) if sent.topic_id is not None else None
