"""The tables. Each area keeps its models in its own module; import them here."""
from .addresses import ClassSignInCode, EmailChange
from .articles import Article, Passage, QuoteAnchor
from .base import UTCDateTime, utcnow
from .classes import (ClassDebate, ClassDebateSide, ClassMembership, ClassRole, Classroom, DebatePhase, Grade,
                      PhaseExtension, PhaseKind, RubricCriterion, SideMode)
from .debates import Delta, PollAnswer, PollCredit, PollPhase, Source, SourceRequest, StancePoll, Vote
from .follow import FollowSettings, Notification, NotificationKind, NotificationOptOut, TopicWatch, WatchLevel
from .mail import MailStatus, OutboxMessage
from .mail_preferences import MailDigest, MailDigestItem, MailMode, MailPreference
# Moderation
from .moderation import (Appeal, AppealStatus, AuditLogIsAppendOnly, Flag, FlagReason, FlagStatus,
                         MemberMessage, ModAction, Mute, WatchedWord, WordAction)
from .reads import TopicRead
from .topics import Post, PostStatus, Revision, SentForm, Stance, Topic, TopicKind
from .users import Role, User, UserSession

__all__ = [
    "Delta", "PollAnswer", "PollCredit", "PollPhase", "Source", "SourceRequest", "StancePoll", "Vote",
    "Article", "Passage", "QuoteAnchor", "Post", "Revision", "Role", "SentForm", "Stance", "Topic", "TopicKind",
    "User", "UserSession", "UTCDateTime", "utcnow",
    "MailStatus", "OutboxMessage",
    "TopicRead",
    "MailDigest", "MailDigestItem", "MailMode", "MailPreference",
    "ClassSignInCode", "EmailChange",
    "FollowSettings", "Notification", "NotificationKind", "NotificationOptOut", "TopicWatch", "WatchLevel",
    "ClassDebate", "ClassDebateSide", "ClassMembership", "ClassRole", "Classroom", "DebatePhase",
    "Grade", "PhaseExtension", "PhaseKind", "RubricCriterion", "SideMode",
    # Moderation
    "Appeal", "AppealStatus", "AuditLogIsAppendOnly", "Flag", "FlagReason", "FlagStatus",
    "MemberMessage", "ModAction", "Mute", "PostStatus", "WatchedWord", "WordAction",
]
