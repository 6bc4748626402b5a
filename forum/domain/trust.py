"""Trust: what a member has earned by time, reading, posting, ∆ and flags that
moderators upheld (in the spirit of Discourse's trust levels), and what their
flag weighs.

Plain functions over a `Record` of numbers, with the thresholds as settings
(config.TRUST_SETTINGS: `TRUST_LEVELS`, `FLAG_WEIGHTS`...), so the rules are tested with
constructed records; `records_of_flaggers` reads the records of a post's open
flaggers in one query, for `moderation.flag_post` and `flag_topic`.

Reading is what members do with what they read: quality votes cast and stance
polls answered (pages are never written to when they are read, so there is no
count of pages read).

A post is hidden by flags when their weighted score reaches `FLAG_HIDE_THRESHOLD`
and at least one flag comes from a member past level 0: new accounts can flag
(their flags reach the queue), but their flags alone never hide a post, and
together add at most `FLAG_NEW_ACCOUNTS_SCORE_MAX`. An account's weight grows
with its level and with its flags that moderators upheld, and falls with those
they dismissed.
"""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, Text, case, func, literal, null, select, union_all

from ..extensions import db
from ..models import Delta, Flag, FlagStatus, Post, Role, StancePoll, Topic, User, Vote

LEVEL_NAMES = ("new", "basic", "member", "regular")
STAFF_LEVEL = len(LEVEL_NAMES)  # moderators and admins: above every level members earn
# Appointed, not earned: an instructor's flags weigh as a regular member's at least.
INSTRUCTOR_LEVEL_MIN = 2

@dataclass(frozen=True)
class Record:
    """What trust is computed from: one member's history, as numbers."""

    joined: datetime
    role: str = Role.MEMBER
    reads: int = 0
    posts: int = 0
    deltas: int = 0
    flags_upheld: int = 0
    flags_dismissed: int = 0


def trust_level(record: Record, now: datetime, settings: Mapping) -> int:
    """0 (new) to 3 (regular) for members; `STAFF_LEVEL` for moderators and admins."""
    if record.role in (Role.MODERATOR, Role.ADMIN):
        return STAFF_LEVEL
    days = (now - record.joined) / timedelta(days=1)
    level = 0
    for needs in settings["TRUST_LEVELS"]:
        if (days < needs.get("days", 0) or record.reads < needs.get("reads", 0)
                or record.posts < needs.get("posts", 0) or record.deltas < needs.get("deltas", 0)
                or record.flags_upheld < needs.get("flags_upheld", 0)):
            break
        level += 1
    if record.role == Role.INSTRUCTOR:
        level = max(level, INSTRUCTOR_LEVEL_MIN)
    return level


def flag_weight(record: Record, now: datetime, settings: Mapping) -> float:
    """What one flag of this member's adds to a post's score."""
    weights = settings["FLAG_WEIGHTS"]
    base = weights[min(trust_level(record, now, settings), len(weights) - 1)]
    bonus = min(record.flags_upheld * settings["FLAG_UPHELD_BONUS"], settings["FLAG_UPHELD_BONUS_MAX"])
    return max(0.0, base + bonus - record.flags_dismissed * settings["FLAG_DISMISSED_PENALTY"])


@dataclass(frozen=True)
class FlagScore:
    score: float
    trusted: float  # the part from members past level 0
    hides: bool


def flag_score(records: Iterable[Record], now: datetime, settings: Mapping) -> FlagScore:
    """The weighted score of one post's open flags (one record per flagger), and
    whether it hides the post."""
    trusted = new = 0.0
    for record in records:
        weight = flag_weight(record, now, settings)
        if trust_level(record, now, settings) == 0:
            new += weight
        else:
            trusted += weight
    score = trusted + min(new, settings["FLAG_NEW_ACCOUNTS_SCORE_MAX"])
    return FlagScore(score, trusted, trusted > 0 and score >= settings["FLAG_HIDE_THRESHOLD"])


def _count(model, *criteria):
    return select(func.count()).select_from(model).where(*criteria).correlate(User).scalar_subquery()


def record_columns():
    """The columns of a `Record` for `User` rows, as correlated counts."""
    return (User.created_at, User.role,
            _count(Vote, Vote.user_id == User.id) + _count(StancePoll, StancePoll.user_id == User.id),
            User.post_count,
            _count(Delta, Delta.recipient_id == User.id),
            _count(Flag, Flag.flagger_id == User.id, Flag.status == FlagStatus.UPHELD),
            _count(Flag, Flag.flagger_id == User.id, Flag.status == FlagStatus.DISMISSED))


def records_of_flaggers(target: Post | Topic) -> list[Record]:
    """The records of the members with an open flag on `target` (a post, or a topic's
    opening text): one query."""
    flagged = Flag.topic_id == target.id if isinstance(target, Topic) else Flag.post_id == target.id
    flaggers = select(Flag.flagger_id).where(flagged, Flag.status == FlagStatus.OPEN)
    rows = db.session.execute(select(*record_columns()).where(User.id.in_(flaggers)))
    return [Record(*row) for row in rows]


def records_of(user_ids: Iterable[int]) -> dict[int, Record]:
    """Records by user id (for the queue's flag weights and tests): one query."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, *record_columns()).where(User.id.in_(ids)))
    return {row[0]: Record(*row[1:]) for row in rows}


# --- Accounts made from one address -----------------------------------------

@dataclass(frozen=True)
class Account:
    """One account involved with a post (its author, a flagger, a voter, a ∆ giver)."""

    user_id: int
    name: str
    tag: str | None  # the registration address's keyed hash (web/limits.address_tag)
    joined: datetime
    how: str  # "author", "flagged", "voted", "gave a ∆"


def same_address_groups(accounts: Sequence[Account], window: timedelta) -> list[list[Account]]:
    """Accounts registered from one address within `window` of the next one,
    in groups of two or more (an account that acted in several ways appears once,
    with every way). Pure: the queue shows each group beside the post."""
    merged: dict[int, Account] = {}
    for account in accounts:
        if account.tag is None:
            continue
        seen = merged.get(account.user_id)
        if seen is None:
            merged[account.user_id] = account
        elif account.how not in seen.how.split(", "):
            merged[account.user_id] = Account(seen.user_id, seen.name, seen.tag, seen.joined,
                                              f"{seen.how}, {account.how}")
    by_tag: dict[str, list[Account]] = {}
    for account in merged.values():
        by_tag.setdefault(account.tag, []).append(account)
    groups = []
    for members in by_tag.values():
        members.sort(key=lambda a: (a.joined, a.user_id))
        group = [members[0]]
        for account in members[1:]:
            if account.joined - group[-1].joined <= window:
                group.append(account)
            else:
                if len(group) > 1:
                    groups.append(group)
                group = [account]
        if len(group) > 1:
            groups.append(group)
    return groups


# --- Who is involved with a post, for the moderation queue ---------------------

@dataclass(frozen=True)
class GivenDelta:
    """A ∆ on a post under review, as a moderator sees it (to keep it or revoke it)."""

    id: int
    giver_id: int
    giver_name: str
    giver_role: str
    explanation: str
    given_at: datetime


@dataclass
class Involvement:
    """Everyone who acted on one post, for its place in the queue."""

    accounts: list[Account]
    deltas: list[GivenDelta]
    flag_weights: dict[int, float]  # open flags: flagger id → weight
    flag_score: FlagScore | None
    same_address: list[list[Account]]


def involvement(post_ids: Sequence[int], now: datetime, settings: Mapping) -> dict[int, Involvement]:
    """For each post: its author, flaggers, voters and ∆ givers with where and when
    they registered, its ∆, what its open flags weigh, and which of those accounts
    were registered from one address within `SAME_ADDRESS_HOURS`. One query."""
    if not post_ids:
        return {}
    ids = list(post_ids)

    def acts(post_id, how, user_id, delta_id=None, explanation=None, state=None):
        return select(post_id.label("post_id"), literal(how, String).label("how"), user_id.label("user_id"),
                      (delta_id if delta_id is not None else null().cast(Integer)).label("delta_id"),
                      (explanation if explanation is not None else null().cast(Text)).label("explanation"),
                      (state if state is not None else null().cast(String)).label("state"))
    rows = union_all(
        acts(Post.id, "author", Post.author_id).where(Post.id.in_(ids)),
        acts(Flag.post_id, "flagged", Flag.flagger_id, state=Flag.status).where(Flag.post_id.in_(ids)),
        acts(Vote.post_id, "voted", Vote.user_id).where(Vote.post_id.in_(ids)),
        acts(Delta.post_id, "gave a ∆", Delta.awarder_id, Delta.id, Delta.explanation).where(Delta.post_id.in_(ids)),
    ).subquery()
    delta_time = select(Delta.created_at).where(Delta.id == rows.c.delta_id).scalar_subquery()
    # The trust record only of open flaggers (the rest would read counts for nothing).
    flagger = rows.c.state == FlagStatus.OPEN
    record = [case((flagger, column), else_=None) for column in record_columns()[2:]]
    statement = (select(rows.c.post_id, rows.c.how, rows.c.user_id, rows.c.delta_id, rows.c.explanation,
                        rows.c.state, User.name, User.role, User.registration_tag, User.created_at,
                        case((rows.c.delta_id.is_not(None), delta_time), else_=None), *record)
                 .join(User, User.id == rows.c.user_id)
                 .order_by(rows.c.post_id, rows.c.delta_id, rows.c.user_id))
    found = {i: Involvement([], [], {}, None, []) for i in ids}
    records: dict[int, list[Record]] = {i: [] for i in ids}
    for (post_id, how, user_id, delta_id, explanation, state, name, role, tag, joined, given_at,
         *counts) in db.session.execute(statement):
        item = found[post_id]
        item.accounts.append(Account(user_id, name, tag, joined, how))
        if delta_id is not None:
            item.deltas.append(GivenDelta(delta_id, user_id, name, role, explanation, given_at))
        if state == FlagStatus.OPEN:
            flagger_record = Record(joined, role, *counts)
            records[post_id].append(flagger_record)
            item.flag_weights[user_id] = flag_weight(flagger_record, now, settings)
    window = timedelta(hours=settings["SAME_ADDRESS_HOURS"])
    for post_id, item in found.items():
        if records[post_id]:
            item.flag_score = flag_score(records[post_id], now, settings)
        item.same_address = same_address_groups(item.accounts, window)
    return found
