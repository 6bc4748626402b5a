"""Posts as light rows, for the pages that show many of them: a topic's thread, a
permalink's sub-thread and live updates.

A topic page shows about a hundred posts. Loading each as an ORM object with its
author, then asking `url_for`, the permission predicates and three date filters
for it several times over in the template, was nine tenths of the page's time
(bench/RESULTS.md). Here one query gives plain rows (never `body_md`), and
everything the template prints is worked out once per page: URLs from patterns
built once, times formatted once, what the reader may do with each post decided
by the same predicates as everywhere else, and how its author is shown (a
pseudonym in an anonymous class debate).

A `PostView` answers the attributes the post macros and predicates read on a
`Post` (`author_id`, `topic`, `is_removed`, `body_html`...), so the rare posts
that need a tombstone go through the same `post_body` macro as every other page.
"""
from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import quote

from flask import url_for
from markupsafe import Markup
from sqlalchemy import and_, bindparam, select

from ..domain import minds, permissions
from ..extensions import db
from ..models import Mute, Post, PostStatus, QuoteAnchor, Stance, Topic, User
from ..models.topics import ModerationState
from ..models.users import DELETED_NAME
from . import display

SENTINEL = 9_876_543_210
posts, users, mutes = Post.__table__, User.__table__, Mute.__table__
anchors = QuoteAnchor.__table__
parent_posts, parent_users = posts.alias("parent_post"), users.alias("parent_author")

# Core columns, not ORM attributes: no ORM objects and no ORM compile path. The
# edit and deletion times are only ever asked "is there one?".
COLUMNS = (posts.c.id, posts.c.parent_id, posts.c.root_id, posts.c.depth, posts.c.author_id,
           posts.c.stance, posts.c.phase, posts.c.status, posts.c.body_html, posts.c.created_at,
           posts.c.edited_at.is_not(None), posts.c.deleted_at.is_not(None), posts.c.removal_reason,
           posts.c.reply_count, posts.c.vote_count, posts.c.delta_count, users.c.username,
           users.c.display_name, users.c.role,
           # the sentence of the article it quotes, if any (domain/anchors.py)
           anchors.c.id, anchors.c.exact, anchors.c.orphaned)
# A post's quote of the article, as its macro reads it (as a `QuoteAnchor`).
Quote = namedtuple("Quote", "id exact orphaned")


def url_pattern(endpoint: str, **values) -> Callable[[object], str]:
    """`url_for` for many values at the cost of one: one of `values` holds SENTINEL
    (`url_pattern("posts.show", post_id=SENTINEL)(42)` is `url_for("posts.show", post_id=42)`)."""
    head, tail = url_for(endpoint, **values).split(str(SENTINEL))
    return lambda value: f"{head}{value}{tail}"


def profile_url_pattern() -> Callable[[str], str]:
    """A member's profile URL by username, quoted as `url_for` would."""
    profile = url_pattern("users.show", username=SENTINEL)
    return lambda username: profile(quote(username, safe=""))


class PostView(ModerationState):
    """One post as a page shows it. Built by `Presenter`; read by templates."""

    __slots__ = (
        "id", "parent_id", "root_id", "depth", "author_id", "stance", "phase", "status", "body_html",
        "created_at", "edited", "deleted", "removal_reason", "reply_count", "vote_count",
        "delta_count", "username", "author_role", "topic", "children", "muted",
        # the author of the post it answers, as (id, username, display name), when loaded with it
        "parent_author",
        # the sentence of the article it quotes (`Quote`), or None
        "anchor",
        # what the page prints, worked out once
        "author_label", "author_real", "author_is_you", "author_url", "profile_label", "heard_as",
        "stance_class", "stance_label",
        "phase_label", "time_iso", "time_full", "time_ago", "url", "reply_url", "history_url",
        "edit_url", "delete_url", "flag_url", "mod_url", "is_plain",
        # a motion's argument in a thread: the readers it moved (domain/minds.Moved), set by topic_pages
        "moved")

    def __init__(self, row, topic: Topic, muted: bool):
        (self.id, self.parent_id, self.root_id, self.depth, self.author_id, self.stance, self.phase,
         self.status, body_html, self.created_at, self.edited, self.deleted, self.removal_reason,
         self.reply_count, self.vote_count, self.delta_count, self.username, display_name,
         self.author_role) = row[:19]
        self.anchor = Quote(*row[19:22]) if row[19] is not None else None
        self.body_html = Markup(body_html)
        self.author_label = display_name or self.username
        self.topic = topic
        self.muted = muted
        self.parent_author = None
        # Top-level posts come with the readers each moved (topic_pages._roots_statement).
        mapping = getattr(row, "_mapping", None)
        moved = (mapping["moved_pro"], mapping["moved_con"]) if mapping is not None and "moved_pro" in mapping \
            else (0, 0)
        self.moved = minds.Moved(*moved) if any(moved) else None
        self.children: list[PostView] = []

    @classmethod
    def of(cls, post: Post, topic: Topic) -> "PostView":
        """A post loaded whole (an argument page's own post, its author loaded), as a view."""
        author = post.author
        return cls((post.id, post.parent_id, post.root_id, post.depth, post.author_id, post.stance, post.phase,
                    post.status, post.body_html, post.created_at, post.edited_at is not None,
                    post.deleted_at is not None, post.removal_reason, post.reply_count, post.vote_count,
                    post.delta_count, author.username, author.display_name, author.role,
                    *((post.anchor.id, post.anchor.exact, post.anchor.orphaned) if post.anchor_id is not None
                      else (None, None, None))), topic, False)

    @property
    def is_deleted(self) -> bool:  # as on `Post`, which has the time itself
        return self.deleted

    def family_authors(self) -> frozenset[int]:
        """Who wrote this post or any reply shown under it."""
        authors, stack = set(), [self]
        while stack:
            post = stack.pop()
            authors.add(post.author_id)
            stack.extend(post.children)
        return frozenset(authors)

    def __repr__(self) -> str:
        return f"<PostView {self.id}>"


def statement(*criteria, order_by: Iterable = (), member: bool = False, parents: bool = False):
    """The posts matching `criteria` (on `posts.c`), with their authors; for a member
    (`viewer_id` bound at execution) also whether the reader muted each author; with
    `parents`, the author of the post each answers (for posts shown without it).

    Build it once and keep it (see `pages`): values go in bound parameters, so one
    statement object serves every request and SQLAlchemy reuses its compiled form."""
    query = (select(*COLUMNS).select_from(posts.join(users, users.c.id == posts.c.author_id)
                                          .outerjoin(anchors, anchors.c.id == posts.c.anchor_id))
             .where(*criteria).order_by(*order_by))
    if member:
        query = query.add_columns(mutes.c.id).outerjoin(
            mutes, and_(mutes.c.muted_id == posts.c.author_id, mutes.c.muter_id == bindparam("viewer_id")))
    if parents:
        query = (query.add_columns(parent_posts.c.author_id, parent_users.c.username, parent_users.c.display_name)
                 .outerjoin(parent_posts, parent_posts.c.id == posts.c.parent_id)
                 .outerjoin(parent_users, parent_users.c.id == parent_posts.c.author_id))
    return query


def fetch(user, topic: Topic, statements: Callable[[bool], object], *, parents: bool = False,
          **params) -> list[PostView]:
    """Run `statements(member)` (a cached `statement`) for `user` and the posts of `topic`;
    `parents` if it was built with them."""
    rows = db.session.connection().execute(statements(user.is_authenticated),
                                           {**params, "viewer_id": user.id if user.is_authenticated else None}).all()
    if not user.is_authenticated:
        views = [PostView(row, topic, False) for row in rows]
    else:
        views = [PostView(row, topic, row[22] is not None) for row in rows]
    if parents:
        for view, row in zip(views, rows):
            if row[-3] is not None:
                view.parent_author = tuple(row[-3:])
    return views


def tree(posts: list[PostView], top_ids: list[int], *, newest_first: bool = False,
         best_first: bool = False) -> list[PostView]:
    """Hang each post under its parent (those present); the posts of `top_ids`, in that order."""
    by_id = {post.id: post for post in posts}
    children: dict[int, list[PostView]] = defaultdict(list)
    for post in posts:
        if post.parent_id in by_id:
            children[post.parent_id].append(post)
    for parent_id, kids in children.items():
        kids.sort(key=lambda p: (p.created_at, p.id), reverse=newest_first)
        if best_first:
            kids.sort(key=lambda p: p.vote_count, reverse=True)
        by_id[parent_id].children = kids
    return [by_id[i] for i in top_ids if i in by_id]


def heard_as(topic: Topic, stance: str | None, depth: int, parent_label: str | None) -> str:
    """What a screen reader announces a post as, wherever it is shown: its level in
    the reply tree, what it answers and how ("Reply, level 3, to Maya Okafor,
    challenges"). Only some screen readers say how deeply a list is nested; this
    says it in words. `parent_label`: the name the page shows for the parent's
    author (a pseudonym in an anonymous class debate, never the real name beside
    it); None when the page does not have it."""
    if depth == 0:
        if not topic.is_debate:
            return "Reply, level 1, to the topic"
        if stance not in (Stance.PRO, Stance.CON):
            return "Comment, level 1, on the motion"
        side, label = ("for", topic.pro_label) if stance == Stance.PRO else ("against", topic.con_label)
        return f"Argument, level 1, on the motion, {side}: {label}" if label else \
            f"Argument, level 1, on the motion, {side}"
    to = f", to {parent_label}" if parent_label else ""
    if stance == Stance.PRO:
        how = ", supports"
    elif stance == Stance.CON:
        how = ", challenges"
    else:
        how = ", comment" if topic.is_debate else ""
    return f"Reply, level {depth + 1}{to}{how}"


class Presenter:
    """Per-page decisions, then per-post strings: call once per page, then `present`."""

    def __init__(self, user, topic: Topic, names: dict | None = None, now: datetime | None = None,
                 may_reply: Callable[[object], bool] | None = None):
        # The user itself, not Flask-Login's proxy: the predicates read it a few times a post.
        user = user._get_current_object() if hasattr(user, "_get_current_object") else user
        self.user = user
        self.topic = topic
        self.names = names or {}
        self.now = now
        self.writer = permissions.can_write(user)
        self.replier = permissions.can_reply(user, topic)
        # A class debate's phase decides which posts its students may answer now
        # (`class_pages.DebatePanel.may_reply_to`); None: every post.
        self.may_reply = may_reply
        self.moderator = permissions.can_moderate(user, topic)
        self.guest = not user.is_authenticated
        self.post_url = url_pattern("posts.show", post_id=SENTINEL)
        self.reply_url = url_pattern("posts.reply", post_id=SENTINEL) if self.replier else None
        # A guest's Reply and Flag sign in first, then come back to the reply or flag form.
        self.login_reply_url = (url_pattern("auth.login", next=url_for("posts.reply", post_id=SENTINEL), asked=1)
                                if self.guest else None)
        self.login_flag_url = (url_pattern("auth.login", next=url_for("safety.flag", post_id=SENTINEL), asked=1)
                               if self.guest else None)
        self.history_url = url_pattern("posts.history", post_id=SENTINEL)
        if self.writer:  # a guest or a suspended member gets none of these links
            self.edit_url = url_pattern("posts.edit", post_id=SENTINEL)
            self.delete_url = url_pattern("posts.delete", post_id=SENTINEL)
            self.flag_url = url_pattern("safety.flag", post_id=SENTINEL)
        self.mod_url = url_pattern("mod.post", post_id=SENTINEL) if self.moderator else None
        self.user_url = profile_url_pattern()
        self.debate_labels = {Stance.PRO: topic.pro_label or "For", Stance.CON: topic.con_label or "Against"}
        self.no_stance = ("comment", "Comment") if topic.is_debate else ("", "")
        # username -> (profile URL, the profile link's accessible name)
        self.author_links: dict[str, tuple[str, str]] = {}
        # post id -> its author as shown: whom its replies answer
        self.labels: dict[int, str] = {}

    def present(self, posts: Iterable[PostView]) -> None:
        user = self.user
        posts = list(posts)
        for post in posts:
            alias = self.names.get(post.author_id)
            if alias:
                post.author_label, post.author_real, post.author_is_you = alias.label, alias.real, alias.is_you
                post.author_url = post.profile_label = post.author_role = None  # a pseudonym carries no badge
                if alias.real is None:
                    post.muted = False  # a mute would single out the pseudonym of the member muted
            elif post.username == DELETED_NAME:  # a deleted account: no profile, no link
                post.author_real, post.author_is_you = None, False
                post.author_url = post.profile_label = None
            else:
                post.author_real, post.author_is_you = None, False
                link = self.author_links.get(post.username)
                if link is None:
                    # The link reads "@username": its accessible name starts with that (WCAG 2.5.3).
                    link = self.author_links[post.username] = (
                        self.user_url(post.username),
                        f"@{post.username}, profile of {display.isolate(post.author_label)}")
                post.author_url, post.profile_label = link
            self.labels[post.id] = post.author_label
            post.stance_class, post.stance_label = self._stance(post)
            post.phase_label = display.phase_label(post.phase, post.parent_id is None)
            post.time_iso = display.isotime(post.created_at)
            post.time_full = display.fulltime(post.created_at)
            post.time_ago = display.timeago(post.created_at, self.now)
            post.url = self.post_url(post.id)
            post.history_url = self.history_url(post.id) if post.edited else None
            post.is_plain = not post.deleted and post.status == PostStatus.VISIBLE
            live = not post.deleted
            if live and self.replier and (self.may_reply is None or self.may_reply(post)):
                post.reply_url = self.reply_url(post.id)
            elif live and self.guest:
                post.reply_url = self.login_reply_url(post.id)
            else:
                post.reply_url = None
            writer = live and self.writer
            editor = writer and permissions.can_edit_post(user, post, moderates=self.moderator)
            post.edit_url = self.edit_url(post.id) if editor else None
            post.delete_url = (self.delete_url(post.id)
                               if writer and permissions.can_delete_post(user, post) else None)
            if writer and not post.is_removed and permissions.can_flag_post(user, post):
                post.flag_url = self.flag_url(post.id)
            elif live and self.guest and not post.is_removed:
                post.flag_url = self.login_flag_url(post.id)
            else:
                post.flag_url = None
            post.mod_url = self.mod_url(post.id) if self.moderator else None
        # Once every post's author is named: a reply may come before its parent.
        topic, labels = self.topic, self.labels
        for post in posts:
            parent_label = labels.get(post.parent_id) if post.parent_id else None
            if parent_label is None and post.parent_author is not None:
                parent_label = self._label(*post.parent_author)
            post.heard_as = heard_as(topic, post.stance, post.depth, parent_label)

    def present_post(self, post: Post, parent_label: str | None = None) -> PostView:
        """One post loaded whole (an argument page's own), decided as every other:
        its template shows what was decided here and asks no predicate.
        `parent_label`: its parent's author as the page shows them."""
        view = PostView.of(post, self.topic)
        if parent_label is not None and post.parent_id:
            self.labels.setdefault(post.parent_id, parent_label)
        self.present([view])
        return view

    def _label(self, user_id: int, username: str, display_name: str | None) -> str:
        """A person's name as this page shows it: their pseudonym here, if any."""
        alias = self.names.get(user_id)
        return alias.label if alias else (display_name or username)

    def _stance(self, post: PostView) -> tuple[str, str]:
        if post.stance in (Stance.PRO, Stance.CON):
            if post.parent_id:
                return post.stance, "Supports" if post.stance == Stance.PRO else "Challenges"
            return post.stance, self.debate_labels[post.stance]
        return self.no_stance
