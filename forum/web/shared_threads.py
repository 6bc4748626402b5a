"""Reply trees that members share, family by family.

A topic page's reply tree is rendered family by family (a top-level post with
the replies shown under it). Members who may write and moderate nothing there
(in a class debate: its students, never its instructors) share one copy of it
(`thread_key`): a member gets from the copy every family they wrote nothing in
and mute no author of, and the rest rendered for them (their Edit and Delete
links, "you", their hidden post's text, a collapsed post). A family is kept
only as a reader with no part in it saw it, and never if it holds a form. A
class debate's copy is reached only through its page, after the visibility
check (`caching.topic_page`): only the class's members ever get to it.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import Markup

from ..domain import moderation, permissions
from ..models import Topic
from ..pages import topic_pages
from . import caching

# Who shares a tree: the viewer part of its key (`caching.validator`).
SHARERS = ("members who may write and moderate nothing",)


def thread_page(user, topic: Topic, *, sort: str, number: int, per_page: int) -> topic_pages.TopicPage:
    """The thread view of `topic`. A member who may share its tree (`thread_key`)
    gets the families they have no part in from the shared copy, and a plain
    reader gets it whole, without a query for posts."""
    page = topic_pages.topic_page(user, topic.id, sort=sort, page=number, topic=topic, per_page=per_page,
                                  posts=False)
    key = thread_key(user, topic, page.sort, number, page.names,
                     page.debate.allowance.key if page.debate and page.debate.allowance else ())
    shared = shared_thread(key, user)
    if shared is not None and shared.whole:
        page.thread_html = Markup(shared.html)
        return page
    reused = shared.reusable() if shared is not None else {}
    topic_pages.load_thread(user, page, rendered=frozenset(reused),
                            replies_until=shared.replies_until if shared is not None else None)
    families = _render_families(user, page, reused)
    page.thread_html = Markup("".join(html for _, _, html in families))
    if key:
        keep_thread(key, user, families, shared, page.replies_until)
    return page


def _render_families(user, page: topic_pages.TopicPage, reused: dict) -> list[tuple[int, frozenset, str]]:
    """(root id, authors, html) for each family of the page: `reused[root id]` if
    there, else rendered by the thread template's `family` macro."""
    family = macro("topics/_thread.html", "family", page=page, names=page.names, current_user=user)
    return [(root.id, *reused[root.id]) if root.id in reused else (root.id, root.family_authors(), str(family(root)))
            for root in page.roots]


def macro(template: str, name: str, **context):
    """A template's macro, to render a part of a page on its own: with just
    `context` and the config (not through render_template, whose context
    processors would run, and query, a second time)."""
    module = current_app.jinja_env.get_template(template).make_module({"config": current_app.config, **context})
    return getattr(module, name)


def thread_key(user, topic: Topic, sort: str, page: int, names: dict | None = None,
               replies: tuple = ()) -> str | None:
    """The key under which readers share this topic page's reply tree, when `user`
    may be one: a member who may write and moderates nothing here (in a class: a
    student). The tree is then the same for all of them (Reply and Flag on every
    post, no Edit, Delete or Moderate, nothing collapsed, the same pseudonyms)
    save in the families where they wrote a post or mute its author, which are
    rendered for them (`shared_thread`). `names`: the page's pseudonyms; `replies`:
    what decides its Reply links in a class debate (`class_rules.Allowance.key`:
    during rebuttals a student answers the other side only)."""
    if not permissions.can_write(user) or permissions.can_moderate(user, topic) or not topic.root_count:
        return None
    aliases = sorted((author_id, shown.label, shown.real) for author_id, shown in (names or {}).items())
    # "families:" names the stored format (see keep_thread): a copy left in Redis by
    # an older release is never read as this one.
    return "thread:families:" + caching.validator(
        "thread", (caching.topic_version(topic), sort, page, aliases, replies), SHARERS)


@dataclass
class SharedTree:
    """The families (a top-level post with the replies shown under it) of a topic
    page's reply tree that are the same for every reader who had no part in them,
    as stored under a `thread_key`; `complete` when it holds all the page's
    families. `mine`: those the reader at hand wrote in or mutes an author of,
    which differ for them (their Edit and Delete links, "you", their hidden
    post's text, a collapsed post) and are rendered for them."""
    html: str
    families: dict[int, tuple[int, int, frozenset[int]]]  # root id -> start, end in html, authors
    complete: bool
    mine: frozenset[int] = frozenset()
    replies_until: tuple | None = None  # the page's (`topic_pages.TopicPage.replies_until`)

    @property
    def whole(self) -> bool:
        """All the page's families, none of them the reader's: the tree as it is."""
        return self.complete and not self.mine

    def reusable(self) -> dict[int, tuple[frozenset[int], str]]:
        """root id -> (authors, html): the families the reader gets as they are."""
        return {root_id: (authors, self.html[start:end]) for root_id, (start, end, authors) in self.families.items()
                if root_id not in self.mine}


def shared_thread(key: str | None, user) -> SharedTree | None:
    """The shared reply tree under `key`, with the families `user` must have rendered."""
    stored = caching.copies().get(key) if key else None
    if stored is None:
        return None
    complete, authors, until, index, html = stored.split(b"\n", 4)
    complete, authors, muted = complete == b"1", _ids(authors), moderation.muted_ids(user)
    if complete and user.id not in authors and not authors & muted:
        return SharedTree(html.decode(), {}, True)  # a plain reader: no need to read the rest
    families, mine = {}, set()
    for entry in filter(None, index.decode().split(";")):
        root_id, start, end, ids = entry.split(":")
        family_authors = _ids(ids.encode())
        families[int(root_id)] = (int(start), int(end), family_authors)
        if user.id in family_authors or family_authors & muted:
            mine.add(int(root_id))
    at, _, reply_id = until.decode().partition("|")
    return SharedTree(html.decode(), families, complete, frozenset(mine),
                      (datetime.fromisoformat(at), int(reply_id)) if at else None)


def _ids(text: bytes) -> frozenset[int]:
    return frozenset(int(i) for i in text.split(b",") if i)


def keep_thread(key: str, user, families: list[tuple[int, frozenset[int], str]],
                shared: SharedTree | None, replies_until: tuple | None = None) -> None:
    """Add to the copy under `key` (`shared`, as fetched) the families of the page
    just rendered for `user`, as (root id, authors, html) in page order, that are
    what every reader with no part in them gets: `user` wrote none of their posts
    nor mutes any of their authors, and they hold no form (whose CSRF token is
    theirs alone). Readers who wrote on the page fill in the families they had no
    part in, so the copy grows complete even where everyone wrote something.
    `replies_until`: the page's, kept for the readers who render some families.

    Stored as four lines and the HTML: "1" if complete, the authors of all its
    families, `replies_until` ("at|id" or empty), the index ("root:start:end:
    authors" per family, ";"-separated), then the families' HTML in page order."""
    muted = moderation.muted_ids(user)
    kept = []
    for root_id, authors, html in families:
        if shared is not None and root_id in shared.families:
            start, end, authors = shared.families[root_id]
            kept.append((root_id, authors, shared.html[start:end]))
        elif user.id not in authors and not authors & muted and 'name="csrf_token"' not in html:
            kept.append((root_id, authors, html))
    if not kept or shared is not None and len(kept) == len(shared.families):
        return  # nothing to add
    index, offset = [], 0
    for root_id, authors, html in kept:
        index.append(f"{root_id}:{offset}:{offset + len(html)}:{','.join(map(str, sorted(authors)))}")
        offset += len(html)
    everyone = frozenset().union(*(authors for _, authors, _ in kept))
    until = f"{replies_until[0].isoformat()}|{replies_until[1]}" if replies_until else ""
    caching.copies().put(key, b"\n".join([
        b"1" if len(kept) == len(families) else b"0", ",".join(map(str, sorted(everyone))).encode(),
        until.encode(), ";".join(index).encode(), "".join(html for _, _, html in kept).encode()]))
