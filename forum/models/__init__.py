"""The tables. Each area keeps its models in its own module; import them here."""
from .articles import Article, Passage
from .base import UTCDateTime, utcnow
from .topics import Post, PostStatus, Revision, Stance, Topic, TopicKind
from .users import Role, User
# Moderation
from .moderation import (Appeal, AppealStatus, AuditLogIsAppendOnly, Flag, FlagReason, FlagStatus,
                         MemberMessage, ModAction, Mute, WatchedWord, WordAction)

__all__ = [
    "Article", "Passage", "Post", "Revision", "Role", "Stance", "Topic", "TopicKind",
    "User", "UTCDateTime", "utcnow",
    # Moderation
    "Appeal", "AppealStatus", "AuditLogIsAppendOnly", "Flag", "FlagReason", "FlagStatus",
    "MemberMessage", "ModAction", "Mute", "PostStatus", "WatchedWord", "WordAction",
]
