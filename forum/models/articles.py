from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class Article(db.Model):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(String(200), default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str | None] = mapped_column(String(500))
    summary_md: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    passages: Mapped[list["Passage"]] = relationship(
        back_populates="article", order_by="Passage.position",
        cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class Passage(db.Model):
    """One section of an article's summary; topics may anchor to it."""

    __tablename__ = "passages"
    __table_args__ = (UniqueConstraint("article_id", "anchor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    anchor: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)

    article: Mapped[Article] = relationship(back_populates="passages")


class QuoteAnchor(db.Model):
    """A sentence or phrase of an article that topics and posts quote: its exact
    text with some text before and after it (as the W3C Web Annotation
    TextQuoteSelector does), over the article's plain text (domain/anchors.py).
    `start_offset`/`end_offset` cache where it was last found; after an edit of the
    article it is found again by its text, or `orphaned` when the text is gone."""

    __tablename__ = "quote_anchors"
    __table_args__ = (Index("ix_quote_anchors_article_start", "article_id", "start_offset"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    exact: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(String(64), default="")
    suffix: Mapped[str] = mapped_column(String(64), default="")
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    orphaned: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship()

    def __repr__(self) -> str:
        return f"<QuoteAnchor {self.id} {self.exact[:30]!r}>"
