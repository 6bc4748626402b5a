"""A map of a debate: its argument tree drawn as SVG on the server, and the same
tree as a text outline (issue 22, item 4).

One query gives the posts drawn, as light rows, whatever the debate's size:
the most-voted arguments of each side (`DRAWN[0]`), the most-voted answers of
each of those (`DRAWN[1]`), and so on down `len(DRAWN)` levels. What is left
out is counted and linked ("and 40 more"), and the page says what it draws.

`layout` is pure: it places the tree on a fixed-width canvas (the motion at the
top, the "for" branch on the left, "against" on the right, each an indented
tree, one row a node) and sizes each node by its replies. The stance is drawn
by shape (`SHAPES`) and said in words beside it, never by colour alone.
"""
import math
import re
from dataclasses import dataclass, field
from functools import cache

from markupsafe import Markup
from sqlalchemy import bindparam, case, func, literal_column, null, select, union_all

from ..domain import anonymity, permissions
from ..extensions import db
from ..models import Post, Stance, Topic, User
from .debate_pages import Reader, links

# How many posts are drawn under each drawn parent, level by level (the top level per side).
DRAWN = (8, 3, 2)
SNIPPET_SOURCE = 600   # characters of HTML read per post: more than its first ~80 characters of text
SNIPPET_CHARS = 80
SHAPES = {Stance.PRO: "circle", Stance.CON: "diamond", None: "square"}

# The canvas, in SVG user units: each half holds one side's branch.
WIDTH = 1200
HALF = WIDTH // 2
MARGIN = 16
MOTION_BOTTOM = 68     # the motion's box, across the top
BRANCH_Y = 118        # the two branch heads, under the motion
FIRST_ROW = 172       # the first argument's row
ROW = 46              # one node per row
INDENT = 34           # per level
R_MIN, R_MAX = 7.0, 18.0
CHAR_WIDTH = 7.2      # a 13-unit sans-serif character, on average: how much text fits a row


@dataclass
class Node:
    """One post on the map, as this reader may see it."""
    id: int
    parent_id: int | None
    depth: int
    stance: str | None
    stance_word: str          # "For", "Against", "Supports", "Challenges", "Comment"
    author: str               # as shown here (anonymity.shown)
    snippet: str              # its first words, or the tombstone's words
    replies: int
    tombstone: bool = False
    children: list["Node"] = field(default_factory=list)

    @property
    def more(self) -> int:
        """Its answers not drawn."""
        return max(0, self.replies - len(self.children))

    @property
    def shape(self) -> str:
        return SHAPES.get(self.stance, "square")


@dataclass
class Branch:
    side: str               # "pro" or "con"
    word: str               # "For" or "Against"
    label: str              # the side's name
    total: int              # arguments on this side
    nodes: list[Node]

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.nodes))


@dataclass
class Placed:
    """Something drawn: a node (`node` set) or an "and N more" link (`more` set)."""
    x: float
    y: float
    r: float = 0.0
    node: Node | None = None
    more: int = 0
    more_of: int | None = None   # the post whose answers are not all drawn; None: a side's
    side: str = "pro"
    text_x: float = 0.0
    line1: str = ""
    line2: str = ""

    @property
    def points(self) -> str:
        """A diamond's corners (SVG `points`)."""
        x, y, r = self.x, self.y, self.r
        return f"{x:g},{y - r:g} {x + r:g},{y:g} {x:g},{y + r:g} {x - r:g},{y:g}"


@dataclass
class Edge:
    path: str   # an SVG path: from the parent down, then across to the child
    side: str


@dataclass
class MapLayout:
    width: int
    height: int
    motion: str
    heads: list[Placed]
    placed: list[Placed]
    edges: list[Edge]


def radius(replies: int) -> float:
    """A node's radius: grows with the square root of its replies (its area, with
    their number), from R_MIN for none to R_MAX at 36 or more."""
    return round(min(R_MAX, R_MIN + (R_MAX - R_MIN) * math.sqrt(max(0, replies) / 36)), 1)


def clip(text: str, chars: int) -> str:
    """`text` cut at a word to at most `chars` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= chars:
        return text
    cut = text[:max(1, chars - 1)]
    if " " in cut[chars // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def layout(motion: str, branches: list[Branch]) -> MapLayout:
    """Where everything goes. Each branch fills its half of the canvas from the top,
    one row per node, each level indented; an "and N more" row follows the last
    child drawn of a post (or side) with more than are drawn."""
    placed: list[Placed] = []
    edges: list[Edge] = []
    heads = []
    bottom = FIRST_ROW
    for index, branch in enumerate(branches):
        left = index * HALF + MARGIN
        head = Placed(left + R_MAX, BRANCH_Y, R_MAX, side=branch.side, text_x=left + 2 * R_MAX + 8,
                      line1=clip(f"{branch.word}: {branch.label}", 60),
                      line2=f"{branch.total} argument{'' if branch.total == 1 else 's'}")
        heads.append(head)
        edges.append(Edge(f"M{WIDTH / 2:g},{MOTION_BOTTOM} V{BRANCH_Y - 2 * R_MAX:g} H{head.x:g} V{head.y - head.r:g}",
                          branch.side))
        y = FIRST_ROW

        def place(nodes: list[Node], parent: Placed, level: int, more: int, more_of: int | None) -> None:
            nonlocal y
            x = left + R_MAX + (level + 1) * INDENT
            for node in nodes:
                r = radius(node.replies)
                text_x = x + R_MAX + 8
                room = int((left + HALF - 2 * MARGIN - text_x) / CHAR_WIDTH)
                replies = f"{node.replies} repl{'y' if node.replies == 1 else 'ies'}"
                line1 = clip(f"{node.stance_word} · {node.author} · {replies}", room)
                item = Placed(x, y, r, node=node, side=branch.side, text_x=text_x, line1=line1,
                              line2=clip(node.snippet, room))
                placed.append(item)
                edges.append(Edge(f"M{parent.x:g},{parent.y + parent.r:g} V{y:g} H{x - r:g}", branch.side))
                y += ROW
                place(node.children, item, level + 1, node.more, node.id)
            if more:
                # Under the last answer drawn (or where the answers would be): the rest, linked.
                placed.append(Placed(x, y - 5, 0, more=more, more_of=more_of, side=branch.side,
                                     text_x=x - R_MIN, line1=f"and {more} more →"))
                y += ROW / 2

        place(branch.nodes, head, 0, branch.more, None)
        bottom = max(bottom, y)
    return MapLayout(WIDTH, int(bottom + MARGIN), clip(motion, 110), heads, placed, edges)


# --- the page --------------------------------------------------------------------

@dataclass
class MapPage:
    topic: Topic
    branches: list[Branch]
    layout: MapLayout
    drawn: int          # posts drawn
    total: int          # posts in the debate
    names: dict
    links: dict = field(default_factory=dict)

    per_level = DRAWN

    @property
    def levels(self) -> int:
        return len(DRAWN)

    @property
    def cut(self) -> bool:
        return self.drawn < self.total


def _rank_partition():
    """Siblings are ranked among the answers to one post, or a side's arguments."""
    return Post.parent_id, case((Post.parent_id.is_(None), Post.stance), else_=null())


@cache
def _map_statement():
    """The posts drawn, with their authors and the first characters of their HTML:
    each post of the top levels ranked among its siblings by votes (one window over
    the debate's upper levels), then those whose every ancestor also made its cut."""
    partition = _rank_partition()
    ranked = (select(Post.id, Post.parent_id, Post.depth,
                     func.row_number().over(partition_by=partition,
                                            order_by=(Post.vote_count.desc(), Post.id)).label("rank"),
                     func.count().over(partition_by=partition).label("siblings"))
              .where(Post.topic_id == bindparam("topic_id"), Post.depth < literal_column(str(len(DRAWN))))
              .cte("ranked"))
    levels = []
    for depth in range(len(DRAWN)):
        chain = [ranked.alias(f"level{depth}_{i}") for i in range(depth + 1)]
        query = select(chain[-1].c.id, chain[-1].c.rank, chain[-1].c.siblings).select_from(chain[0])
        for i, level in enumerate(chain):
            if i:
                query = query.join(level, level.c.parent_id == chain[i - 1].c.id)
            query = query.where(level.c.depth == i, level.c.rank <= DRAWN[i])
        levels.append(query)
    drawn = union_all(*levels).subquery("drawn")
    return (select(Post.id, Post.parent_id, Post.depth, Post.stance, Post.reply_count, Post.author_id,
                   User.display_name, User.username, func.substr(Post.body_html, 1, SNIPPET_SOURCE).label("body_html"),
                   Post.deleted_at, Post.status, Post.removal_reason, drawn.c.rank, drawn.c.siblings)
            .join(drawn, drawn.c.id == Post.id).join(User, User.id == Post.author_id)
            .order_by(Post.depth, drawn.c.rank))


_PARTIAL_TAG = re.compile(r"<[^>]*$")


def snippet(html: str | None) -> str:
    """The first words of a post's text, plain, from the start of its HTML."""
    return clip(Markup(_PARTIAL_TAG.sub("", html or "")).striptags(), SNIPPET_CHARS)


# The stance in words: an argument's side, or what an answer does to its parent (as post_presenter says).
STANCE_WORDS = {("top", Stance.PRO): "For", ("top", Stance.CON): "Against",
                ("reply", Stance.PRO): "Supports", ("reply", Stance.CON): "Challenges"}


def map_page(user, topic: Topic) -> MapPage:
    """`topic`: a debate loaded and checked visible (caching.topic_page). One query
    for the posts drawn; an anonymous class debate's pseudonyms cost two more."""
    names = anonymity.names_for_topic(user, topic)
    reader = Reader.of(user, topic, names)
    nodes: dict[int, Node] = {}
    tops: dict[str, list[Node]] = {Stance.PRO: [], Stance.CON: []}
    totals = {Stance.PRO: 0, Stance.CON: 0}
    for row in db.session.execute(_map_statement(), {"topic_id": topic.id}):
        html, notice = reader.text(row)
        if html is None:
            text = notice
        elif notice:  # text only some may read, marked as on the cards: "Hidden pending review — …"
            text = f"{notice.split(':')[0]} — {snippet(html)}"
        else:
            text = snippet(html)
        word = STANCE_WORDS.get(("top" if row.parent_id is None else "reply", row.stance), "Comment")
        node = Node(row.id, row.parent_id, row.depth, row.stance, word, reader.author(row).full,
                    text, row.reply_count, tombstone=html is None)
        nodes[row.id] = node
        if row.parent_id is None:
            tops.setdefault(row.stance, []).append(node)
            totals[row.stance] = row.siblings
        elif row.parent_id in nodes:  # in depth and rank order: the parent came first
            nodes[row.parent_id].children.append(node)
    branches = [Branch(Stance.PRO, "For", topic.pro_label or "For", totals[Stance.PRO], tops[Stance.PRO]),
                Branch(Stance.CON, "Against", topic.con_label or "Against", totals[Stance.CON], tops[Stance.CON])]
    motion = topic.title if permissions.can_see_topic_text(user, topic) else (
        "Topic removed by a moderator" if topic.is_removed else "Topic hidden pending review")
    return MapPage(topic, branches, layout(motion, branches), len(nodes), topic.post_count, names, links())
