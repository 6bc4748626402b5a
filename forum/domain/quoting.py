"""Starting a topic or an argument on a quote of the article, or quoting it in a reply
(anchors.py keeps the quote)."""
from ..models import Article, Post, Stance, Topic, User
from . import anchors, debates, posting
from .errors import RuleError


def start_topic_on_quote(author: User, article: Article, selector: anchors.Selector, *, title: str, body: str,
                         key: str | None = None) -> Topic:
    """A discussion of a sentence or phrase of `article`, anchored to it (and to its
    passage). Refuses a quote that is not the article's text, as `anchor_quote` does."""
    anchor = anchors.anchor_quote(article, author, selector)
    topic = posting.create_topic(author, article, title=title, body=body,
                                 passage=anchors.passage_of(article, anchor), key=key)
    topic.anchor = anchor
    return topic


def argue_on_quote(author: User, debate: Topic, article: Article, selector: anchors.Selector, *,
                   stance_value: str | None, body: str, key: str | None = None) -> Post:
    """An argument (a top-level post for or against the motion) in `debate`, quoting
    `article`. Whether `author` may see and write in the debate is the caller's check;
    the debate's own rules (locked, closed, a class debate's phase) are `post_argument`'s."""
    if not debate.is_debate:
        raise RuleError("Arguments are made in debates; start a discussion to talk about this quote.")
    if debate.article_id != article.id:
        raise RuleError("That debate is about another article.")
    if stance_value not in (Stance.PRO, Stance.CON):
        raise RuleError("Choose a side: an argument is for or against the motion.")
    anchor = anchors.anchor_quote(article, author, selector)
    post = debates.post_argument(author, debate, body, stance_value=stance_value, key=key)
    post.anchor = anchor
    return post


def quote_in_post(post: Post, author: User, text: str | None) -> Post:
    """`post` (a reply) quoting `text`, a sentence or phrase of its topic's article,
    when some is given. Refuses text that is not the article's, or that occurs in it
    more than once (a pasted quote has no context to say which)."""
    if text and text.strip():
        post.anchor = anchors.anchor_quote(post.topic.article, author, anchors.Selector(text))
    return post
