"""What the debate pages show, each in a fixed number of queries and of a bounded size.

The columns view of a motion (its pro and con arguments side by side), the
same view one level down for any argument, and the ∆ lists. A column shows one
page of cards (`ARGUMENTS_PER_COLUMN`) and its total, whatever the debate's
size; each column pages on its own (`?pro_page=3`).

Cards are light rows, not ORM objects (turning thousands of rows into objects
was most of this page's time), and what a reader may see of each card's text
is decided with one moderation check per page, not one per card.
"""
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from operator import attrgetter
from typing import NamedTuple

from flask import abort, url_for
from sqlalchemy import Integer, bindparam, func, literal, literal_column, select, union_all
from sqlalchemy.orm import joinedload

from ..domain import anonymity, bridging, debates, minds, permissions, visibility
from ..domain.debates import PollResults
from ..extensions import db
from ..models import Delta, PollPhase, Post, PostStatus, SourceRequest, Topic, User, Vote
from . import class_pages, minds_pages
from .post_presenter import heard_as

# Each sort orders by these columns, all descending (newest last as the tie-break).
CARD_SORTS = {"votes": "Most votes", "new": "Newest", "deltas": "Most ∆"}
# The motion's columns also rank by votes weighed by their voters' sides (domain/bridging.py).
MOTION_SORTS = {**CARD_SORTS, "valued": bridging.LABEL}
_SORT_KEYS = {"votes": ("vote_count", "delta_count", "created_at", "id"),
              "new": ("created_at", "id"),
              "deltas": ("delta_count", "vote_count", "created_at", "id")}
ARGUMENTS_PER_COLUMN = 10
MINDS_LISTED = 10
DELTAS_LISTED = 10
MAX_PAGE = 100_000
SIDES = ("pro", "con", "comment")


def clean_sort(sort: str | None, sorts: dict = CARD_SORTS) -> str:
    return sort if sort in sorts else "votes"


def page_numbers(args) -> dict[str, int]:
    """Each column's page from the query string (`pro_page`, `con_page`, `comment_page`);
    anything that is not a positive number is page 1."""
    numbers = {}
    for side in SIDES:
        try:
            numbers[side] = max(1, min(int(args.get(f"{side}_page", 1)), MAX_PAGE))
        except (TypeError, ValueError):
            numbers[side] = 1
    return numbers


# --- cards ------------------------------------------------------------------

class Card(NamedTuple):
    """What a card shows of a post: no Markdown source, no ORM object."""
    id: int
    author_name: str
    author_username: str
    created_at: datetime
    body_html: str | None   # None when this reader may not read the text
    notice: str | None      # a tombstone, or the marker above text only some may read
    pro_count: int
    con_count: int
    comment_count: int
    vote_count: int
    delta_count: int
    needs_source_count: int
    author_role: str | None  # for the staff badge beside the name (none beside a pseudonym)
    # In an anonymous class debate the author is a pseudonym (`author_username` None: no
    # profile link), with the real name for those who teach, and "you" for the reader.
    author_real: str | None = None
    author_is_you: bool = False
    # What a screen reader hears first (post_presenter.heard_as): level, whom it answers, stance.
    heard_as: str = ""
    # A motion's argument: its votes from readers on its own side and on the other (domain/bridging.py).
    own_votes: int = 0
    other_votes: int = 0
    # A motion's argument: the readers it moved toward pro and toward con (domain/minds.py).
    moved_pro: int = 0
    moved_con: int = 0
    author_id: int | None = None  # whose it is ("New" marks are for others' posts: pages/unread.py)

    @property
    def cross_side(self) -> bridging.CrossSide:
        return bridging.CrossSide(self.own_votes, self.other_votes,
                                  self.vote_count - self.own_votes - self.other_votes)

    @property
    def valued_by_both(self) -> bool:
        return self.cross_side.valued


_CARD_COLUMNS = (Post.id, Post.stance, Post.author_id, User.display_name, User.username, Post.created_at,
                 Post.body_html, Post.deleted_at, Post.status, Post.removal_reason,
                 Post.pro_count, Post.con_count, Post.comment_count,
                 Post.vote_count, Post.delta_count, Post.needs_source_count, User.role)


@dataclass(frozen=True)
class Reader:
    """The decisions a page makes once about its reader, instead of once per card.
    `names`: the page's pseudonyms (anonymity.names_for), empty outside anonymous debates."""
    user_id: int | None
    may_moderate: bool
    names: dict = field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, user, topic: Topic, names: dict | None = None) -> "Reader":
        return cls(user.id if user.is_authenticated else None, permissions.can_moderate(user, topic), names or {})

    def author(self, row) -> anonymity.Shown:
        """How a row's author is named here: always through `anonymity.shown`."""
        return anonymity.shown(self.names, row.author_id, row.display_name or row.username, row.username)

    def text(self, row) -> tuple[str | None, str | None]:
        """(html, notice) for a post row: `permissions.can_see_post_text`, with the
        page's one moderation check (a test keeps the two in step)."""
        if row.deleted_at is not None:
            return None, "This post was deleted by its author."
        if row.status == PostStatus.REMOVED:
            notice = f"Removed by a moderator: {row.removal_reason}"
            return (row.body_html, f"{notice} (text shown to moderators only)") if self.may_moderate \
                else (None, notice)
        if row.status in (PostStatus.HIDDEN, PostStatus.HELD):
            if self.may_moderate or row.author_id == self.user_id:
                return row.body_html, "Hidden pending review: only its author and moderators see this text."
            return None, "This post is hidden pending review."
        return row.body_html, None

    def card(self, row, heard: str = "") -> Card:
        html, notice = self.text(row)
        who = self.author(row)
        return Card(row.id, who.label, who.username, row.created_at, html, notice,
                    row.pro_count, row.con_count, row.comment_count, row.vote_count, row.delta_count,
                    row.needs_source_count, row.role if who.username else None, who.real, who.is_you, heard,
                    *_cross_side_counts(row), *_moved_counts(row), author_id=row.author_id)


def _stance_is(side: str):
    return Post.stance.is_(None) if side == "comment" else Post.stance == side


def _answers_of(top_level: bool) -> tuple:
    """The motion's arguments or one post's answers, as the indexes of 0007_debate_perf read them."""
    if top_level:
        # depth 0 is "no parent" (posting.create_post), and what the partial indexes say.
        return Post.topic_id == bindparam("topic_id"), Post.depth == literal_column("0")  # a literal, as in the index
    return (Post.parent_id == bindparam("parent_id"),)


# The statements are built once per shape, with bound parameters: building a
# SELECT of sixteen columns cost more per request than running it.
@cache
def _totals_statement(top_level: bool):
    """How many posts each column holds: one grouped count over the index."""
    return select(Post.stance, func.count()).where(*_answers_of(top_level)).group_by(Post.stance)


def _cross_side_counts(row) -> tuple[int, int]:
    """(own-side votes, other-side votes) of a card row: a motion's arguments have them."""
    mapping = row._mapping
    return (mapping["own_votes"], mapping["other_votes"]) if "own_votes" in mapping else (0, 0)


def _moved_counts(row) -> tuple[int, int]:
    """(readers moved toward pro, toward con) of a card row: a motion's arguments have them."""
    mapping = row._mapping
    return (mapping["moved_pro"], mapping["moved_con"]) if "moved_pro" in mapping else (0, 0)


@cache
def _cards_statement(top_level: bool, sides: tuple[str, ...], sort: str):
    """A page of cards per side, each an index-ordered scan, in one UNION ALL.
    A motion's arguments also count their votes by side (domain/bridging.py): over
    the side's arguments for the "valued" sort, else for the page's cards only."""
    return union_all(*(_with_moved(_side_cards(top_level, side, sort)) if top_level
                       else _side_cards(top_level, side, sort) for side in sides))


def _with_moved(cards):
    """A motion's page of cards with the readers each moved (domain/minds.py), per card."""
    page = cards.subquery()
    toward_pro, toward_con = minds.moved_columns(page.c.id)
    return select(page, toward_pro.label("moved_pro"), toward_con.label("moved_con"))


def _side_cards(top_level: bool, side: str, sort: str):
    offset = bindparam(f"{side}_offset", type_=Integer)
    cards = select(*_CARD_COLUMNS).join(User, User.id == Post.author_id).where(*_answers_of(top_level),
                                                                              _stance_is(side))
    if not top_level:
        order = [getattr(Post, key).desc() for key in _SORT_KEYS[sort]]
        return cards.order_by(*order).limit(ARGUMENTS_PER_COLUMN).offset(offset).subquery().select()
    if sort != "valued":
        order = [getattr(Post, key).desc() for key in _SORT_KEYS[sort]]
        page = cards.order_by(*order).limit(ARGUMENTS_PER_COLUMN).offset(offset).subquery()
        own, other = bridging.own_and_other(side, page.c.id)
        return select(page, own.label("own_votes"), other.label("other_votes"))
    own, other = bridging.own_and_other(side, Post.id)
    ranked = cards.add_columns(own.label("own_votes"), other.label("other_votes")).subquery()
    both, weighted = bridging.rank_columns(ranked.c.own_votes, ranked.c.other_votes, ranked.c.vote_count)
    return (select(ranked).order_by(both.desc(), weighted.desc(), ranked.c.created_at.desc(), ranked.c.id.desc())
            .limit(ARGUMENTS_PER_COLUMN).offset(offset).subquery().select())


@dataclass
class Column:
    side: str            # "pro", "con" or "comment"
    cards: list[Card]
    total: int
    page: int
    per_page: int = ARGUMENTS_PER_COLUMN

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The number of the first card shown (1-based)."""
        return (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return self.first + len(self.cards) - 1


def _columns(reader: Reader, ids: dict, sides: tuple[str, ...], sort: str,
             numbers: dict[str, int], heard: dict[str | None, str] | None = None) -> dict[str, Column]:
    """One page of cards per side, in two queries whatever the number of posts: the
    totals, then every side's page. `ids`: the topic's, or the parent's of answers;
    `heard`: each card's `heard_as` by its stance (the same for all of a column)."""
    heard = heard or {}
    top_level = "parent_id" not in ids
    totals = {(stance or "comment"): n for stance, n in db.session.execute(_totals_statement(top_level), ids)}
    columns, offsets = {}, {}
    for side in sides:
        column = Column(side, [], totals.get(side, 0), 1)
        column.page = min(numbers.get(side, 1), column.pages)  # past the end: the last page
        columns[side], offsets[f"{side}_offset"] = column, column.first - 1
    for row in db.session.execute(_cards_statement(top_level, sides, sort), {**ids, **offsets}):
        columns[row.stance or "comment"].cards.append(row)
    for column in columns.values():
        # UNION ALL promises no order: each side's page is sorted again, here.
        cards = [reader.card(row, heard.get(row.stance, "")) for row in column.cards]
        column.cards = sorted(cards, key=_SORTED_BY[sort], reverse=True)
    return columns


_SORTED_BY = {sort: attrgetter(*keys) for sort, keys in _SORT_KEYS.items()}
_SORTED_BY["valued"] = lambda card: (*card.cross_side.rank, card.created_at, card.id)  # as _side_cards orders


def links() -> dict[str, str]:
    """The URL patterns of a page's many links, built once: `links.post % id`."""
    mark = 918273645  # a placeholder that passes the routes' converters
    return {"post": url_for("posts.show", post_id=mark).replace(str(mark), "%s"),
            "user": url_for("users.show", username=mark).replace(str(mark), "%s")}


# --- the motion's columns ----------------------------------------------------------

class Mind(NamedTuple):
    """An argument in "what changed minds"."""
    id: int
    stance: str | None
    parent_id: int | None
    delta_count: int
    body_html: str
    author_name: str  # as the page shows it (a pseudonym in an anonymous debate)
    # Readers whose changed answer credits it (domain/minds.py): what the list is ranked by.
    toward_pro: int = 0
    toward_con: int = 0

    @property
    def moved(self) -> int:
        return self.toward_pro + self.toward_con


@dataclass
class ColumnsPage:
    topic: Topic
    pro: Column
    con: Column
    sort: str
    results: PollResults
    my_poll: dict[str, int]
    minds: list[Mind]
    numbers: dict[str, int]
    links: dict[str, str] = field(default_factory=dict)
    # A class debate: its class, sides, phases and what the reader may do now.
    debate: "class_pages.DebatePanel | None" = None
    # The reader's "New" marks (pages/unread.py `NewMarks`), set by the view; None for a guest.
    marks: object = None
    # The signed-in reader's own poll timeline, and the arguments their "after" answer may credit.
    timeline: "minds_pages.TimelineView | None" = None
    picker: "minds_pages.CreditPicker | None" = None
    sorts = MOTION_SORTS
    valued_label = bridging.LABEL
    valued_explanation = bridging.EXPLANATION

    @property
    def names(self) -> dict:
        return self.debate.names if self.debate else {}

    @property
    def any_valued(self) -> bool:
        """Whether a card of the page carries the "Valued by both sides" mark (its explanation is then shown)."""
        return any(card.valued_by_both for card in self.pro.cards + self.con.cards)

    def page_args(self, side: str, number: int) -> dict:
        """The query string of this page with `side` on page `number` (the other column stays put)."""
        return _page_args(self.sort, {"pro": self.pro.page, "con": self.con.page}, side, number)


def _page_args(sort: str, current: dict[str, int], side: str, number: int) -> dict:
    pages = {**current, side: number}
    args = {f"{s}_page": n for s, n in pages.items() if n > 1}
    return {**args, "sort": sort} if sort != "votes" else args


def _minds(topic: Topic, names: dict) -> list[Mind]:
    """The arguments that changed most minds: by readers moved, then ∆ (minds_pages.minds_statement)."""
    return [Mind(*row[:5], anonymity.shown(names, row.author_id, row[5]).full, row.toward_pro, row.toward_con)
            for row in db.session.execute(minds_pages.minds_statement(MINDS_LISTED), {"topic_id": topic.id})]


def columns_page(user, topic: Topic, *, sort: str | None = None, numbers: dict[str, int] | None = None,
                 credit_filter: str | None = None, chosen: list[int] | None = None) -> ColumnsPage:
    """`topic` is a debate already loaded (and checked visible) by `pages.load_topic`;
    a class debate's page also shows its panel (`class_pages.debate_panel`).
    For a signed-in reader, their timeline and, once they answered "before", the
    arguments their "after" answer may credit (`credit_filter`: the picker's search;
    `chosen`: a refused form's choice, else what their latest answer credited)."""
    sort = clean_sort(sort, MOTION_SORTS)
    numbers = numbers or {}
    debate = class_pages.debate_panel(user, topic)
    names = debate.names if debate else {}
    heard = {stance: heard_as(topic, stance, 0, None) for stance in ("pro", "con")}
    columns = _columns(Reader.of(user, topic, names), {"topic_id": topic.id}, ("pro", "con"), sort, numbers, heard)
    results = debates.poll_results(topic, user)
    page = ColumnsPage(topic, columns["pro"], columns["con"], sort, results, results.mine, _minds(topic, names),
                       numbers, links(), debate)
    # A reader who never answered here (`viewer_last_answer` 0, read with the topic) has no timeline to read.
    if user.is_authenticated and topic.viewer_last_answer != 0:
        zone = debate.context.classroom.time_zone if debate else None
        timeline = minds.timeline(topic.id, user.id)
        page.timeline = minds_pages.timeline_view(topic, timeline, zone)
        if PollPhase.BEFORE in results.mine and topic.closed_at is None:
            latest = next((step for step in reversed(timeline.steps) if step.phase == PollPhase.AFTER), None)
            page.picker = minds_pages.credit_picker(
                topic, names, before=results.mine[PollPhase.BEFORE], filter_text=credit_filter,
                chosen=chosen if chosen is not None else [c.id for c in latest.credited] if latest else [])
    return page


@dataclass
class PollMinds:
    """The stance-poll page's share of what changed minds: the reader's timeline and picker."""
    timeline: "minds_pages.TimelineView | None" = None
    picker: "minds_pages.CreditPicker | None" = None
    links: dict[str, str] = field(default_factory=dict)


def poll_minds(user, topic: Topic, mine: dict[str, int], credit_filter: str | None) -> PollMinds:
    """For the polls' own page (views.debates.poll_page): as `columns_page` gives them."""
    if not user.is_authenticated:
        return PollMinds()
    names = anonymity.names_for_topic(user, topic) if topic.class_id is not None else {}
    zone = topic.classroom.time_zone if topic.class_id is not None else None
    timeline = minds.timeline(topic.id, user.id)
    page = PollMinds(minds_pages.timeline_view(topic, timeline, zone), None, links())
    if PollPhase.BEFORE in mine and topic.closed_at is None:
        latest = next((step for step in reversed(timeline.steps) if step.phase == PollPhase.AFTER), None)
        page.picker = minds_pages.credit_picker(topic, names, before=mine[PollPhase.BEFORE], filter_text=credit_filter,
                                                chosen=[c.id for c in latest.credited] if latest else [])
    return page


# --- one argument, its answers side by side --------------------------------------------

class Ancestor(NamedTuple):
    id: int
    stance: str | None
    parent_id: int | None
    author_name: str
    body_html: str | None
    notice: str | None
    label: str = ""  # the author's name as shown to all (a pseudonym, without the real name)


@dataclass
class ArgumentPage:
    topic: Topic
    post: Post
    ancestors: list[Ancestor]
    pro: Column
    con: Column
    comments: Column
    sort: str
    mine: set[tuple[str, int]]
    deltas: list[Delta]
    links: dict[str, str] = field(default_factory=dict)
    debate: "class_pages.DebatePanel | None" = None  # a class debate's, as on its columns page
    # A motion's argument: the readers it moved (domain/minds.py).
    moved: minds.Moved = minds.NOBODY
    sorts = CARD_SORTS
    marks = None  # the columns page's "New" marks: none here

    @property
    def names(self) -> dict:
        return self.debate.names if self.debate else {}

    def page_args(self, side: str, number: int) -> dict:
        return _page_args(self.sort, {"pro": self.pro.page, "con": self.con.page,
                                      "comment": self.comments.page}, side, number)

    @property
    def parent_label(self) -> str | None:
        """Whom the argument answers, as the page names them (None: the motion)."""
        return self.ancestors[-1].label if self.ancestors else None


def load_post(user, post_id: int) -> Post:
    """A post with its author, topic, article and sources, in one query (a class
    debate's argument page needs three more for its panel, and stays within ten),
    with the readers it moved (`post.readers_moved`, domain/minds.py) in the same query."""
    toward_pro, toward_con = _POST_MOVED
    row = db.session.execute(select(Post, toward_pro, toward_con).where(Post.id == post_id).options(
        joinedload(Post.author), joinedload(Post.topic).joinedload(Topic.article), joinedload(Post.anchor),
        joinedload(Post.sources))).unique().one_or_none()
    post = row[0] if row is not None else None
    if post is None or not visibility.can_see_topic(user, post.topic):
        abort(404)
    post.readers_moved = minds.Moved(row[1], row[2])  # a plain attribute of this instance, not a column
    return post


_POST_MOVED = minds.moved_columns(Post.id)


def _ancestors(reader: Reader, post: Post) -> list[Ancestor]:
    """From the top-level argument down to the parent, in one recursive query."""
    if post.parent_id is None:
        return []
    chain = select(Post.id, Post.parent_id).where(Post.id == post.parent_id).cte("chain", recursive=True)
    chain = chain.union_all(select(Post.id, Post.parent_id).join(chain, Post.id == chain.c.parent_id))
    rows = db.session.execute(
        select(Post.id, Post.stance, Post.parent_id, Post.author_id, User.display_name, User.username,
               Post.body_html, Post.deleted_at, Post.status, Post.removal_reason)
        .join(chain, Post.id == chain.c.id).join(User, User.id == Post.author_id).order_by(Post.depth))
    ancestors = []
    for row in rows:
        who = reader.author(row)
        ancestors.append(Ancestor(row.id, row.stance, row.parent_id, who.full, *reader.text(row), who.label))
    return ancestors


def _mine(user, post: Post) -> set[tuple[str, int]]:
    """What the viewer already did to this post: ("vote", id), ("delta", id), ("needs_source", id)."""
    if not user.is_authenticated:
        return set()
    rows = db.session.execute(union_all(
        select(literal("vote"), Vote.post_id).where(Vote.user_id == user.id, Vote.post_id == post.id),
        select(literal("delta"), Delta.post_id).where(Delta.awarder_id == user.id, Delta.post_id == post.id),
        select(literal("needs_source"), SourceRequest.post_id)
        .where(SourceRequest.user_id == user.id, SourceRequest.post_id == post.id)))
    return {(kind, post_id) for kind, post_id in rows}


def argument_page(user, post: Post, *, sort: str | None = None, numbers: dict[str, int] | None = None
                  ) -> ArgumentPage:
    """One argument with a page of its pro, con and comment answers side by side."""
    sort = clean_sort(sort)
    debate = class_pages.debate_panel(user, post.topic)
    reader = Reader.of(user, post.topic, debate.names if debate else {})
    # Its answers answer its author, named as the page names them.
    label = anonymity.shown(reader.names, post.author_id, post.author.name).label
    heard = {stance: heard_as(post.topic, stance, post.depth + 1, label) for stance in ("pro", "con", None)}
    columns = _columns(reader, {"parent_id": post.id}, SIDES, sort, numbers or {}, heard)
    page = ArgumentPage(post.topic, post, _ancestors(reader, post), columns["pro"], columns["con"],
                        columns["comment"], sort, _mine(user, post), post_deltas(post, limit=DELTAS_LISTED),
                        links(), debate)
    if post.parent_id is None and post.stance is not None:  # an argument of the motion: whom it moved
        moved = getattr(post, "readers_moved", None)  # read by load_post, else asked now
        page.moved = moved if moved is not None else minds.moved([post.id]).get(post.id, minds.NOBODY)
    return page


def post_deltas(post: Post, *, limit: int | None = None) -> list[Delta]:
    """A post's ∆ explanations, oldest first (the first `limit` of them)."""
    return list(db.session.scalars(select(Delta).where(Delta.post_id == post.id)
                                   .order_by(Delta.created_at, Delta.id).limit(limit)
                                   .options(joinedload(Delta.awarder))))


@dataclass
class DeltasReceived:
    total: int
    recent: list[Delta]


def deltas_received(user, person: User, *, limit: int = 20) -> DeltasReceived:
    """∆ awarded to `person`'s posts, in topics `user` may see. Those of anonymous
    debates are left out but for their instructors and admins: the list names the
    giver and ties the receiver to a post (anonymity.masked_filter), even for its owner."""
    seen = (select(Delta).join(Delta.post).join(Post.topic)
            .where(Delta.recipient_id == person.id, visibility.visible_topic_filter(user),
                   anonymity.masked_filter(user)))
    total = db.session.scalar(select(func.count()).select_from(seen.subquery()))
    recent = list(db.session.scalars(
        seen.order_by(Delta.created_at.desc(), Delta.id.desc()).limit(limit)
        .options(joinedload(Delta.awarder),
                 joinedload(Delta.post).load_only(Post.id, Post.topic_id)
                 .joinedload(Post.topic).load_only(Topic.id, Topic.title))))
    return DeltasReceived(total, recent)
