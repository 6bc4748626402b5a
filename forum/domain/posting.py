"""Writing: topics, replies, edits with history, deletion as a tombstone."""
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Article, Passage, Post, PostStatus, Revision, Stance, Topic, TopicKind, User, utcnow
from . import addresses, anonymity, class_rules, markup, notifications, screening, sent_forms
from .errors import RuleError

TITLE_MAX = 200
BODY_MAX = 20_000
SIDE_LABEL_MAX = 40


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise RuleError("The title can't be empty.")
    if len(title) > TITLE_MAX:
        raise RuleError(f"The title is {len(title)} characters; the limit is {TITLE_MAX}.")
    return title


def render_body(body: str) -> tuple[str, str]:
    """Check a body and return (source, sanitized HTML)."""
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        raise RuleError("The text can't be empty.")
    if len(body) > BODY_MAX:
        raise RuleError(f"The text is {len(body):,} characters; the limit is {BODY_MAX:,}.")
    return body, markup.render(body)


def create_topic(author: User, article: Article, *, title: str, body: str,
                 passage: Passage | None = None, kind: TopicKind = TopicKind.DISCUSSION,
                 pro_label: str | None = None, con_label: str | None = None, key: str | None = None) -> Topic:
    """`key`: the form's one-time key (sent_forms.py): sent again, the topic it made."""
    earlier = sent_forms.claim(author, key, "topic", article.id, passage.id if passage else None, kind, title,
                               body, pro_label, con_label)
    if earlier is not None:
        return earlier
    addresses.check_may_post(author)
    title = clean_title(title)
    body_md, body_html = render_body(body)
    screening.check_links(author, body_md)
    screening.screen_text(author, f"{title}\n\n{body_md}")  # a blocked word refuses the topic; a topic is never held
    if passage is not None and passage.article_id != article.id:
        raise RuleError("That passage belongs to another article.")
    topic = Topic(article=article, passage=passage, author=author, kind=kind, title=title,
                  body_md=body_md, body_html=body_html)
    if kind == TopicKind.DEBATE:
        topic.pro_label = _side_label(pro_label, "For")
        topic.con_label = _side_label(con_label, "Against")
    db.session.add(topic)
    db.session.flush()
    sent_forms.made(author, key, topic)
    notifications.topic_created(topic)
    return topic


def _side_label(label: str | None, default: str) -> str:
    label = " ".join((label or "").split()) or default
    if len(label) > SIDE_LABEL_MAX:
        raise RuleError(f"A side's name is at most {SIDE_LABEL_MAX} characters.")
    return label


def check_can_post_in(topic: Topic) -> None:
    if topic.is_locked:
        raise RuleError("This topic is locked: no new replies.")
    if topic.closed_at is not None:
        raise RuleError("This debate is closed; its results are final.")


def check_open(topic: Topic) -> None:
    """Closed means read-only everywhere: posts, votes, ∆, polls and sources."""
    if topic.closed_at is not None:
        raise RuleError("This debate is closed: it is read-only and its results are final.")
    if topic.is_locked:
        raise RuleError("This topic is locked: nothing can be added to it.")


def parse_stance(value: str | None) -> Stance | None:
    if value in (None, "", "none", "comment"):
        return None
    try:
        return Stance(value)
    except ValueError:
        raise RuleError("Choose a stance: supports, challenges, or a comment or question.") from None


def create_post(author: User, topic: Topic, body: str, *, parent: Post | None = None,
                stance: Stance | None = None) -> Post:
    """A top-level post in `topic`, or a reply to `parent` (which must be in it)."""
    check_can_post_in(topic)
    addresses.check_may_post(author)
    phase = class_rules.check_post_allowed(topic, author, parent, stance, body, utcnow()) if topic.class_id else None
    anonymity.check_no_mentions(topic, body)
    if parent is not None and parent.topic_id != topic.id:
        raise RuleError("You can only reply to a post in the same topic.")
    if topic.is_debate and parent is None and stance is None:
        raise RuleError(f"Say which side this argument takes: “{topic.pro_label}” or “{topic.con_label}”.")
    if not topic.is_debate:
        stance = None
    body_md, body_html = render_body(body)
    status = screening.check_new_post(author, topic, body_md)
    now = utcnow()
    post = Post(topic=topic, author=author, body_md=body_md, body_html=body_html,
                word_count=class_rules.count_words(body_md), stance=stance, created_at=now, phase=phase,
                status=status)
    if parent is not None:
        post.parent = parent
        post.parent_id = parent.id
        post.root_id = parent.root_id or parent.id
        post.depth = parent.depth + 1
    db.session.add(post)
    db.session.flush()
    notifications.post_created(post)
    _count_new_post(post, now)
    return post


def _count_new_post(post: Post, now) -> None:
    """The counters a new post moves, in SQL, in the same transaction: no
    read-then-write race. Last, because each UPDATE locks its row (the topic,
    the parent, the author) until the commit, and every reply in a busy topic
    waits for the topic's row: the later it is taken, the shorter the wait."""
    if post.parent_id is not None:
        by_stance = {Stance.PRO: "pro_count", Stance.CON: "con_count"}.get(post.stance, "comment_count")
        db.session.execute(update(Post).where(Post.id == post.parent_id)
                           .values({"reply_count": Post.reply_count + 1,
                                    by_stance: getattr(Post, by_stance) + 1}))
    counts = {"post_count": Topic.post_count + 1, "last_activity_at": now}
    if post.parent_id is None:
        counts["root_count"] = Topic.root_count + 1
    db.session.execute(update(Topic).where(Topic.id == post.topic_id).values(**counts))
    count_public(post, was_public=False)


def edit_post(post: Post, editor: User, body: str, reason: str | None = None) -> Post:
    if post.is_deleted:
        raise RuleError("A deleted post can't be edited.")
    # What moderators took down stays what they took down: the appeal and the
    # review show that text. A moderator restores a removed post before editing it.
    if post.is_removed:
        raise RuleError("A moderator removed this post, so it can't be edited; restore it first, or appeal.")
    if post.status == PostStatus.HIDDEN and editor.id == post.author_id:
        raise RuleError("This post is hidden pending review, so it can't be edited until a moderator decides.")
    check_can_post_in(post.topic)
    if post.topic.class_id:
        class_rules.check_edit_allowed(post, editor, body, utcnow())
    anonymity.check_no_mentions(post.topic, body)
    body_md, body_html = render_body(body)
    if body_md == post.body_md:
        raise RuleError("Nothing changed.")
    screening.check_links(editor, body_md)
    if screening.screen_text(editor, body_md) == PostStatus.HELD and post.status == PostStatus.VISIBLE:
        was_public = is_public(post)
        post.status = PostStatus.HELD
        count_public(post, was_public)
    db.session.add(Revision(post_id=post.id, body_md=post.body_md, body_html=post.body_html,
                            created_at=post.edited_at or post.created_at,
                            editor_id=post.edited_by_id or post.author_id, reason=post.edit_reason))
    post.body_md, post.body_html, post.word_count = body_md, body_html, class_rules.count_words(body_md)
    post.edited_at, post.edited_by_id, post.edit_reason = utcnow(), editor.id, reason or None
    return post


def edit_topic(topic: Topic, editor: User, *, title: str, body: str) -> Topic:
    """The same rules as a post's edit (`edit_post`): not in a locked topic or a closed
    debate, the new-account link cap, watched words (a blocked one refuses the edit;
    as at creation, a topic is never held). A moderator's edit of someone else's
    topic goes through `moderation.edit_topic`, with a reason and a log entry.
    As for a post, what moderators took down stays what they took down, and in a
    class the phases decide (`class_rules.check_topic_edit_allowed`)."""
    if topic.is_removed:
        raise RuleError("A moderator removed this topic, so it can't be edited; restore it first, or appeal.")
    if topic.status == PostStatus.HIDDEN and editor.id == topic.author_id:
        raise RuleError("This topic is hidden pending review, so it can't be edited until a moderator decides.")
    check_can_post_in(topic)
    if topic.class_id:
        class_rules.check_topic_edit_allowed(topic, editor, utcnow())
    title = clean_title(title)
    body_md, body_html = render_body(body)
    if title == topic.title and body_md == topic.body_md:
        raise RuleError("Nothing changed.")
    anonymity.check_no_mentions(topic, f"{title}\n\n{body_md}")
    screening.check_links(editor, body_md)
    screening.screen_text(editor, f"{title}\n\n{body_md}")
    db.session.add(Revision(topic_id=topic.id, title=topic.title, body_md=topic.body_md,
                            body_html=topic.body_html,
                            created_at=topic.edited_at or topic.created_at,
                            editor_id=topic.edited_by_id or topic.author_id))
    topic.title, topic.body_md, topic.body_html = title, body_md, body_html
    topic.edited_at, topic.edited_by_id = utcnow(), editor.id
    return topic


def delete_post(post: Post, actor: User) -> Post:
    """The author withdraws a post: a tombstone keeps its place and its replies.

    The text stays in the database (and in its history) so nothing is lost for
    moderation or appeals; it is no longer shown.
    """
    if post.is_deleted:
        raise RuleError("This post is already deleted.")
    was_public = is_public(post)
    post.deleted_at = utcnow()
    count_public(post, was_public)
    return post


def is_public(post: Post) -> bool:
    """Whether everyone can read this post: what `User.post_count` counts."""
    return post.topic.class_id is None and post.deleted_at is None and post.status == PostStatus.VISIBLE


def count_public(post: Post, was_public: bool) -> None:
    """After a change to `post`: move its author's public post count if it stopped or
    started counting. In SQL, in the same transaction as the change."""
    change = int(is_public(post)) - int(was_public)
    if change:
        db.session.execute(update(User).where(User.id == post.author_id)
                           .values(post_count=User.post_count + change))


def recount_public_posts() -> None:
    """Set every `User.post_count` from the posts (bulk loads that bypass the write path)."""
    public = (select(func.count()).select_from(Post).join(Topic, Topic.id == Post.topic_id)
              .where(Post.author_id == User.id, Topic.class_id.is_(None), Post.deleted_at.is_(None),
                     Post.status == PostStatus.VISIBLE).scalar_subquery())
    db.session.execute(update(User).values(post_count=public))


def history(post_or_topic) -> list[Revision]:
    column = Revision.post_id if isinstance(post_or_topic, Post) else Revision.topic_id
    return list(db.session.scalars(
        select(Revision).where(column == post_or_topic.id).order_by(Revision.created_at, Revision.id)))
