"""The one error a domain rule raises, and the one way a uniqueness rule of the
database becomes it."""
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from ..extensions import db


class RuleError(Exception):
    """The state forbids the action; the message is a sentence a person understands."""


@contextmanager
def unique_or(message: str):
    """Run the block (an add and a flush) in a savepoint. When a uniqueness rule of
    the database refuses it (one vote per member per post, ...), only the block is
    undone, the transaction stays usable (on PostgreSQL a failed statement spoils
    the whole transaction otherwise), and RuleError(message) is raised.

        with unique_or("You have already voted for this post."):
            db.session.add(vote)
            db.session.flush()

    Any other refusal of the database (a missing row, a NULL) is a bug: raised as is.
    """
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as error:
        if not _is_unique_violation(error):
            raise
        raise RuleError(message) from None


def _is_unique_violation(error: IntegrityError) -> bool:
    # PostgreSQL says SQLSTATE 23505; SQLite says it in words.
    return getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(error.orig)
