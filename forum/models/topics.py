from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, FetchedValue, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from ..extensions import db
from .articles import Article, Passage, QuoteAnchor
from .base import UTCDateTime, utcnow
from .users import User


class TopicKind(StrEnum):
    DISCUSSION = "discussion"
    DEBATE = "debate"


class Stance(StrEnum):
    PRO = "pro"
    CON = "con"


class PostStatus(StrEnum):
    """What moderation has done to a post (its author's deletion is `deleted_at`)."""
    VISIBLE = "visible"
    HIDDEN = "hidden"     # pending review: flagged past the threshold, or hidden by a moderator
    REMOVED = "removed"   # a tombstone with the moderator's reason; replies stay
    HELD = "held"         # posted with a watched word: hidden until a moderator approves


class ModerationState:
    """What a post's (or a topic's opening text's) moderation status means; shared
    by `Post`, `Topic` and the light `post_presenter.PostView`, which all have a `status`."""

    __slots__ = ()
    status: str

    @property
    def is_removed(self) -> bool:
        return self.status == PostStatus.REMOVED

    @property
    def is_pending_review(self) -> bool:
        """Hidden or held: shown in full only to its author and moderators."""
        return self.status in (PostStatus.HIDDEN, PostStatus.HELD)


class Topic(ModerationState, db.Model):
    __tablename__ = "topics"
    __table_args__ = (
        CheckConstraint("kind IN ('discussion', 'debate')", name="kind"),
        # The topic lists: pinned first, then by activity, read in index order.
        Index("ix_topics_article_pinned_activity", "article_id", "is_pinned", "last_activity_at"),
        Index("ix_topics_author_created", "author_id", "created_at"),
        Index("ix_topics_activity", "last_activity_at"),
        # The newest version, anywhere or in public topics: what the queue's and the
        # guests' shared copies are versions of (web/caching.py).
        Index("ix_topics_version", "version"),
        Index("ix_topics_class_version", "class_id", "version"),
        # A topic's opening text is moderated like a post (never held: a topic is refused instead).
        CheckConstraint("status IN ('visible', 'hidden', 'removed')", name="status"),
        # The few topics moderation has touched: the queue's pending list.
        Index("ix_topics_moderated", "status", sqlite_where=text("status <> 'visible'"),
              postgresql_where=text("status <> 'visible'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passages.id"), index=True)
    # The sentence or phrase of the article the topic quotes (domain/anchors.py), if any.
    anchor_id: Mapped[int | None] = mapped_column(ForeignKey("quote_anchors.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20), default=TopicKind.DISCUSSION)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # Debates: the names of the two sides of the motion.
    pro_label: Mapped[str | None] = mapped_column(String(40))
    con_label: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    root_count: Mapped[int] = mapped_column(Integer, default=0)
    is_locked: Mapped[bool] = mapped_column(default=False)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    # A class topic is private to the class (see visibility.py); NULL is public.
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"),
                                                 index=True)
    # Moderation: one post per member per this many seconds (0: off).
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What every cached or conditional page of the topic is a version of: the
    # database moves it, in the same transaction, on every change its pages show
    # (triggers, migration 0015_topic_version). Never set by the application.
    version: Mapped[int] = mapped_column(BigInteger, server_default="0", server_onupdate=FetchedValue())
    # Moderation of the opening text (title and body), as on a post (see moderation.py):
    # hidden by flags or a moderator, or removed with a reason; the text is kept.
    status: Mapped[str] = mapped_column(String(10), default=PostStatus.VISIBLE,
                                        server_default=PostStatus.VISIBLE.value)
    removal_reason: Mapped[str | None] = mapped_column(Text)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Filled in by the topic page's single query (topic_pages.fetch_topic), else None.
    last_post_id: Mapped[int | None] = query_expression()
    # Also filled in by that query, as plain attributes: they are read with bound
    # values (the reader, the time), which a refresh of the topic after its
    # expiry would not have, so they are not loader options stored on it. The
    # reader's watch level; how many of a class debate's phase openings and
    # closings (extensions too) have passed, for the clock changes its pages
    # (web/caching.py; `topic_pages.fetch_topic_of_post` fills them in too).
    viewer_watch = None  # str | None
    schedule_passed = None  # int | None
    # The reader's read mark (topic_reads.last_seen_post_id): None for a guest or a
    # topic the member never opened; and the first post new to them after it, if any.
    viewer_last_seen = None  # int | None
    viewer_first_new = None  # int | None
    # The reader's newest stance-poll answer in it (poll_answers.id, 0 for none): their
    # timeline's version; None when the topic was not loaded by that query.
    viewer_last_answer = None  # int | None

    article: Mapped[Article] = relationship()
    passage: Mapped[Passage | None] = relationship()
    anchor: Mapped[QuoteAnchor | None] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    classroom: Mapped["Classroom | None"] = relationship()  # noqa: F821 (forum.models.classes)

    @property
    def is_debate(self) -> bool:
        return self.kind == TopicKind.DEBATE

    # A topic is never deleted by its author (as `Post.is_deleted` asks of a post).
    is_deleted = False

    def __repr__(self) -> str:
        return f"<Topic {self.id} {self.title[:30]!r}>"


class Post(ModerationState, db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint("stance IS NULL OR stance IN ('pro', 'con')", name="stance"),
        CheckConstraint("status IN ('visible', 'hidden', 'removed', 'held')", name="status"),
        # Posts of a topic by parent, in order.
        Index("ix_posts_topic_parent_created", "topic_id", "parent_id", "created_at"),
        # Roots of a topic in page order, so a page reads just its own rows. PostgreSQL
        # does not take `parent_id IS NULL` as fixing the column in the index above, so
        # there it sorted every root of the topic for each page.
        Index("ix_posts_roots", "topic_id", "created_at", "id",
              sqlite_where=text("parent_id IS NULL"), postgresql_where=text("parent_id IS NULL")),
        # Every post under the roots of a page, in one query.
        Index("ix_posts_root_created", "root_id", "created_at"),
        Index("ix_posts_author_created", "author_id", "created_at"),
        # A topic's newest post (live updates start after it), in one probe.
        Index("ix_posts_topic_id_id", "topic_id", "id"),
        # A profile's debate sides (top-level posts by stance), from the index alone.
        Index("ix_posts_author_parent_stance", "parent_id", "author_id", "stance", "topic_id", "status",
              "deleted_at"),
        # A debate's cards, a side at a time, in each sort of the columns view; and each side's total
        # (migration 0007_debate_perf says why the motion's arguments have partial indexes).
        *(Index(f"ix_posts_arguments_{sort}", "topic_id", "stance", *columns,
                sqlite_where=text("depth = 0"), postgresql_where=text("depth = 0"))
          for sort, columns in (("votes", ("vote_count", "delta_count", "created_at", "id")),
                                ("deltas", ("delta_count", "vote_count", "created_at", "id")),
                                ("new", ("created_at", "id")))),
        Index("ix_posts_answers_votes", "parent_id", "stance", "vote_count", "delta_count", "created_at", "id",
              sqlite_where=text("parent_id IS NOT NULL"), postgresql_where=text("parent_id IS NOT NULL")),
        # "What changed minds": the few posts with a ∆.
        Index("ix_posts_with_deltas", "topic_id", sqlite_where=text("delta_count > 0"),
              postgresql_where=text("delta_count > 0")),
        # A moderator's view of an author's history: posts and removals, from the index alone.
        Index("ix_posts_author_status", "author_id", "status"),
        # The few posts moderation has touched (hidden, held, removed): the queue's pending list.
        Index("ix_posts_moderated", "status", sqlite_where=text("status <> 'visible'"),
              postgresql_where=text("status <> 'visible'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    # The top-level post this one descends from (NULL for a top-level post).
    root_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Toward what it answers: the motion for a top-level post, else its parent.
    stance: Mapped[str | None] = mapped_column(String(10))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    edit_reason: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    # class_rules.count_words(body_md), kept by posting.create_post / edit_post for the class
    # dashboard; NULL for posts written before revision 0006 (counted from the text then).
    word_count: Mapped[int | None] = mapped_column(Integer)
    # Class debates: the phase (opening, rebuttal, ...) the post was written in.
    phase: Mapped[str | None] = mapped_column(String(20))
    # Debates: answers to this post by stance, and its reactions; kept by the
    # domain functions in the same transaction as the write.
    pro_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    con_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    comment_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    vote_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delta_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    needs_source_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Moderation (see forum/moderation.py); the text itself is never thrown away.
    status: Mapped[str] = mapped_column(String(10), default=PostStatus.VISIBLE,
                                        server_default=PostStatus.VISIBLE.value)
    removal_reason: Mapped[str | None] = mapped_column(Text)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The sentence or phrase of the article the post quotes (domain/anchors.py), if any.
    anchor_id: Mapped[int | None] = mapped_column(ForeignKey("quote_anchors.id"), index=True)

    topic: Mapped[Topic] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    anchor: Mapped[QuoteAnchor | None] = relationship()
    parent: Mapped["Post | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    sources: Mapped[list["Source"]] = relationship(  # noqa: F821 (forum.models.debates)
        order_by="Source.id", cascade="all, delete-orphan")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Post {self.id} in topic {self.topic_id}>"


class Revision(db.Model):
    """An earlier version of a post or of a topic's opening text; never changed."""

    __tablename__ = "revisions"
    __table_args__ = (
        CheckConstraint("(post_id IS NULL) <> (topic_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # When this version was written, and by whom.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    editor: Mapped[User] = relationship()


class SentForm(db.Model):
    """A form that made a post or a topic, by the one-time key it carried
    (domain/sent_forms.py): sent again with that key, it makes nothing and leads
    to what it made. The key is unique per author in the database itself, so of
    two requests racing with one key only one can make anything."""

    __tablename__ = "sent_forms"

    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # What the form said (where it posts, and its text), hashed: the same key with
    # other text is a page used again, not the same form sent again.
    digest: Mapped[str] = mapped_column(String(64))
    # What it made: a topic, or a post (with its topic).
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
