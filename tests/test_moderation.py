"""Moderation rules, called directly: flags and the threshold, actions and their log
entries, appeals, suspensions, slow mode, watched words, links, mutes."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.domain import moderation, posting, screening
from forum.domain.errors import RuleError
from forum.domain.permissions import can_moderate, can_see_post_text, can_write
from forum.extensions import db
from forum.models import (Appeal, AuditLogIsAppendOnly, Flag, FlagReason, FlagStatus, MemberMessage,
                          ModAction, PostStatus, Revision, Role, WatchedWord, WordAction, utcnow)


def _log(action=None):
    query = select(ModAction).order_by(ModAction.id)
    if action:
        query = query.where(ModAction.action == action)
    return list(db.session.scalars(query))


def test_flag_post_stores_an_open_flag(make_post, make_user):
    post, flagger = make_post(), make_user()
    flag = moderation.flag_post(post, flagger, FlagReason.SPAM)
    db.session.commit()
    assert (flag.status, flag.reason, flag.post_id) == (FlagStatus.OPEN, "spam", post.id)
    assert post.status == PostStatus.VISIBLE


def test_flag_post_refuses_own_post(make_post):
    post = make_post()
    with pytest.raises(RuleError, match="own post"):
        moderation.flag_post(post, post.author, FlagReason.SPAM)


def test_flag_post_other_needs_a_note(make_post, make_user):
    with pytest.raises(RuleError, match="note"):
        moderation.flag_post(make_post(), make_user(), FlagReason.OTHER, "  ")


def test_flag_post_once_per_member_while_open(make_post, make_user):
    post, flagger = make_post(), make_user()
    moderation.flag_post(post, flagger, FlagReason.SPAM)
    db.session.commit()
    with pytest.raises(RuleError, match="already flagged"):
        moderation.flag_post(post, flagger, FlagReason.ABUSIVE)
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Flag)) == 1


def test_open_flag_uniqueness_is_in_the_database(make_post, make_user):
    from sqlalchemy.exc import IntegrityError
    post, flagger = make_post(), make_user()
    db.session.add_all([Flag(post_id=post.id, flagger_id=flagger.id, reason="spam"),
                        Flag(post_id=post.id, flagger_id=flagger.id, reason="spam")])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_flag_again_after_resolution_is_allowed(make_post, make_user):
    post, flagger, mod = make_post(), make_user(), make_user(role=Role.MODERATOR)
    moderation.flag_post(post, flagger, FlagReason.SPAM)
    moderation.dismiss_flags(post, mod)
    moderation.flag_post(post, flagger, FlagReason.SPAM)
    db.session.commit()
    assert len(db.session.scalars(select(Flag)).all()) == 2


@pytest.mark.parametrize("threshold", [2, 3])
def test_flag_threshold_hides_post(app, make_post, make_user, threshold):
    app.config["FLAG_HIDE_THRESHOLD"] = threshold
    post = make_post()
    for n in range(threshold):
        assert post.status == PostStatus.VISIBLE
        moderation.flag_post(post, make_user(), FlagReason.ABUSIVE)
    db.session.commit()
    assert post.status == PostStatus.HIDDEN and post.hidden_at is not None
    [entry] = _log("auto_hide")
    assert entry.actor_id is None and entry.post_id == post.id
    app.config["FLAG_HIDE_THRESHOLD"] = 3


def test_moderator_flag_hides_at_once(make_post, make_user):
    post, mod = make_post(), make_user(role=Role.MODERATOR)
    moderation.flag_post(post, mod, FlagReason.SPAM)
    db.session.commit()
    assert post.status == PostStatus.HIDDEN
    assert [e.actor_id for e in _log("hide")] == [mod.id]


def test_hidden_post_text_seen_by_author_and_moderators_only(make_post, make_user):
    post, mod, other = make_post(), make_user(role=Role.MODERATOR), make_user()
    moderation.hide_post(post, mod)
    assert can_see_post_text(post.author, post) and can_see_post_text(mod, post)
    assert not can_see_post_text(other, post)


def test_removed_post_text_seen_by_moderators_only(make_post, make_user):
    post, mod = make_post(), make_user(role=Role.MODERATOR)
    moderation.remove_post(post, mod, "Spam link")
    assert can_see_post_text(mod, post)
    assert not can_see_post_text(post.author, post)
    assert not can_see_post_text(make_user(), post)


def test_remove_needs_a_reason_and_upholds_flags(make_post, make_user):
    post, mod, flagger = make_post(), make_user(role=Role.MODERATOR), make_user()
    with pytest.raises(RuleError, match="reason"):
        moderation.remove_post(post, mod, " ")
    flag = moderation.flag_post(post, flagger, FlagReason.SPAM)
    moderation.remove_post(post, mod, "Advertising")
    db.session.commit()
    assert (post.status, post.removal_reason, post.removed_by_id) == ("removed", "Advertising", mod.id)
    assert flag.status == FlagStatus.UPHELD and flag.resolved_by_id == mod.id
    assert db.session.scalar(select(MemberMessage.text).where(MemberMessage.user_id == post.author_id))


def test_dismiss_shows_post_again(make_post, make_user, app):
    app.config["FLAG_HIDE_THRESHOLD"] = 1
    post, mod = make_post(), make_user(role=Role.MODERATOR)
    flag = moderation.flag_post(post, make_user(), FlagReason.MISLEADING)
    assert post.status == PostStatus.HIDDEN
    moderation.dismiss_flags(post, mod, "Fair argument")
    db.session.commit()
    assert post.status == PostStatus.VISIBLE and flag.status == FlagStatus.DISMISSED
    app.config["FLAG_HIDE_THRESHOLD"] = 3


def test_dismiss_without_flags_is_refused(make_post, make_user):
    with pytest.raises(RuleError, match="no open flags"):
        moderation.dismiss_flags(make_post(), make_user(role=Role.MODERATOR))


def test_text_survives_every_sequence_of_actions(make_post, make_user):
    post, mod = make_post(body="The original words."), make_user(role=Role.MODERATOR)
    moderation.flag_post(post, make_user(), FlagReason.SPAM)
    moderation.hide_post(post, mod)
    moderation.edit_post(post, mod, "Edited by a moderator.", "Removed a slur")
    moderation.remove_post(post, mod, "Abuse")
    moderation.restore_post(post, mod)
    moderation.hide_post(post, mod)
    moderation.dismiss_flags(post, mod)
    db.session.commit()
    db.session.expire_all()
    revisions = db.session.scalars(select(Revision.body_md).where(Revision.post_id == post.id)).all()
    assert revisions == ["The original words."]
    assert post.body_md == "Edited by a moderator." and post.edit_reason == "Removed a slur"


def test_edit_needs_a_reason(make_post, make_user):
    with pytest.raises(RuleError, match="reason"):
        moderation.edit_post(make_post(), make_user(role=Role.MODERATOR), "New text", "")


def test_audit_log_is_append_only(make_post, make_user):
    post, mod = make_post(), make_user(role=Role.MODERATOR)
    moderation.hide_post(post, mod, "check")
    db.session.commit()
    [entry] = _log()
    entry.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert [e.reason for e in _log()] == ["check"]
    assert not any(hasattr(ModAction, name) for name in ("update", "delete", "save", "edit"))


def test_warn_tells_the_member(make_user):
    member, mod = make_user(), make_user(role=Role.MODERATOR)
    moderation.warn_member(member, mod, "Keep it civil")
    db.session.commit()
    [message] = moderation.unread_messages(member)
    assert "Keep it civil" in message.text
    moderation.dismiss_message(message, member)
    db.session.commit()
    assert moderation.unread_messages(member) == []


def test_suspension_blocks_writing_and_ends_by_itself(make_user):
    member, mod = make_user(), make_user(role=Role.MODERATOR)
    moderation.suspend_member(member, mod, 3, "Repeated abuse")
    db.session.commit()
    assert member.is_suspended and not can_write(member)
    assert "3 days: Repeated abuse" in _log("suspend")[0].reason
    member.suspended_until = utcnow() - timedelta(seconds=1)
    assert not member.is_suspended and can_write(member)


def test_suspend_rules(make_user):
    mod, other_mod, admin = make_user(role=Role.MODERATOR), make_user(role=Role.MODERATOR), make_user(role=Role.ADMIN)
    with pytest.raises(RuleError, match="yourself"):
        moderation.suspend_member(mod, mod, 1, "x")
    with pytest.raises(RuleError, match="Only an admin"):
        moderation.suspend_member(other_mod, mod, 1, "x")
    with pytest.raises(RuleError, match="1 to"):
        moderation.suspend_member(make_user(), mod, 0, "x")
    moderation.suspend_member(other_mod, admin, 1, "x")
    assert other_mod.is_suspended and not can_moderate(other_mod)


def test_topic_actions(make_topic, make_user):
    topic, mod = make_topic(), make_user(role=Role.MODERATOR)
    moderation.lock_topic(topic, mod)
    with pytest.raises(RuleError, match="already locked"):
        moderation.lock_topic(topic, mod)
    with pytest.raises(RuleError, match="locked"):
        posting.create_post(make_user(), topic, "Too late")
    moderation.unlock_topic(topic, mod)
    moderation.pin_topic(topic, mod)
    moderation.unpin_topic(topic, mod)
    moderation.set_slow_mode(topic, mod, 30)
    db.session.commit()
    assert [e.action for e in _log()] == ["lock", "unlock", "pin", "unpin", "slow_mode"]
    assert topic.slow_mode_seconds == 30 and not topic.is_locked and not topic.is_pinned


def test_slow_mode_says_when_to_post_again(make_topic, make_user):
    topic, member = make_topic(), make_user()
    moderation.set_slow_mode(topic, make_user(role=Role.MODERATOR), 120)
    posting.create_post(member, topic, "First")
    with pytest.raises(RuleError, match=r"one post every 2 minutes.*again in 2 minutes \(at \d\d:\d\d:\d\d UTC\)"):
        posting.create_post(member, topic, "Second")
    posting.create_post(make_user(), topic, "Someone else may post")
    earlier = utcnow() - timedelta(seconds=121)
    for post in topic_posts(topic, member):
        post.created_at = earlier
    posting.create_post(member, topic, "After the wait")


def topic_posts(topic, author):
    from forum.models import Post
    return db.session.scalars(select(Post).where(Post.topic_id == topic.id, Post.author_id == author.id))


def test_slow_mode_does_not_slow_moderators(make_topic, make_user):
    topic, mod = make_topic(), make_user(role=Role.MODERATOR)
    moderation.set_slow_mode(topic, mod, 600)
    posting.create_post(mod, topic, "One")
    posting.create_post(mod, topic, "Two")


def test_watched_word_blocks_with_the_rule_named(make_topic, make_user):
    admin = make_user(role=Role.ADMIN)
    word = moderation.add_watched_word(admin, "Crypto Giveaway", WordAction.BLOCK)
    topic = make_topic()
    with pytest.raises(RuleError, match=f"“crypto giveaway”.*rule #{word.id}"):
        posting.create_post(make_user(), topic, "Free CRYPTO   giveaway here")
    posting.create_post(make_user(), topic, "cryptogiveaways are not whole words")


def test_watched_word_holds_for_review(make_topic, make_user):
    admin, member = make_user(role=Role.ADMIN), make_user()
    moderation.add_watched_word(admin, "lawsuit", WordAction.HOLD)
    post = posting.create_post(member, make_topic(), "A lawsuit is coming")
    assert post.status == PostStatus.HELD
    assert can_see_post_text(member, post) and not can_see_post_text(make_user(), post)
    moderation.restore_post(post, admin)
    assert post.status == PostStatus.VISIBLE and _log()[-1].action == "approve"


def test_watched_word_blocks_edits_too(make_post, make_user):
    moderation.add_watched_word(make_user(role=Role.ADMIN), "scam", WordAction.BLOCK)
    post = make_post()
    with pytest.raises(RuleError, match="scam"):
        posting.edit_post(post, post.author, "Now a scam")


def test_watched_word_list_is_unique(make_user):
    admin = make_user(role=Role.ADMIN)
    moderation.add_watched_word(admin, "spam", WordAction.BLOCK)
    db.session.commit()
    with pytest.raises(RuleError, match="already"):
        moderation.add_watched_word(admin, "SPAM", WordAction.HOLD)
    db.session.rollback()
    entry = db.session.scalar(select(WatchedWord))
    moderation.remove_watched_word(admin, entry)
    db.session.commit()
    assert [e.action for e in _log()] == ["word_added", "word_removed"]


def test_new_accounts_may_post_two_links(make_topic, make_user):
    topic, newcomer = make_topic(), make_user()
    posting.create_post(newcomer, topic, "See https://a.example and www.b.example")
    with pytest.raises(RuleError, match="at most 2 links"):
        posting.create_post(newcomer, topic, "[x](https://a.example) https://b.example http://c.example")
    veteran = make_user(created_at=utcnow() - timedelta(hours=25))
    posting.create_post(veteran, topic, "https://a.example https://b.example https://c.example")


def test_appeal_once_and_decided_by_another_moderator(make_post, make_user):
    post = make_post()
    remover, other = make_user(role=Role.MODERATOR), make_user(role=Role.MODERATOR)
    with pytest.raises(RuleError, match="Only a removed post"):
        moderation.appeal_removal(post, post.author, "Please restore my post, it was fine.")
    moderation.remove_post(post, remover, "Off-topic")
    with pytest.raises(RuleError, match="20 to"):
        moderation.appeal_removal(post, post.author, "short")
    with pytest.raises(RuleError, match="Only the author"):
        moderation.appeal_removal(post, other, "I am not the author of this post at all.")
    moderation.appeal_removal(post, post.author, "It answered the question directly.")
    db.session.commit()
    with pytest.raises(RuleError, match="once"):
        moderation.appeal_removal(post, post.author, "Appealing a second time, again.")
    db.session.rollback()
    appeal = db.session.scalar(select(Appeal))
    with pytest.raises(RuleError, match="Another moderator"):
        moderation.decide_appeal(appeal, remover, restore=True)
    moderation.decide_appeal(appeal, other, restore=True, reason="It was on topic")
    db.session.commit()
    assert post.status == PostStatus.VISIBLE and post.removal_reason is None
    assert "accepted" in moderation.unread_messages(post.author)[-1].text
    with pytest.raises(RuleError, match="already been decided"):
        moderation.decide_appeal(appeal, other, restore=False)


def test_remover_never_decides_even_alone_and_an_admin_then_does(make_post, make_user):
    post, remover = make_post(), make_user(role=Role.MODERATOR)
    moderation.remove_post(post, remover, "Spam")
    appeal = moderation.appeal_removal(post, post.author, "This was not spam, it was a source.")
    assert not moderation.can_decide_appeal(appeal, remover)  # nobody else to ask: it waits
    assert moderation.appeal_waits_for(post) == "an admin"
    with pytest.raises(RuleError, match="Another moderator"):
        moderation.decide_appeal(appeal, remover, restore=False)
    admin = make_user(role=Role.ADMIN)
    moderation.decide_appeal(appeal, admin, restore=False)
    assert appeal.status == "upheld" and post.is_removed
    assert "removal stands" in moderation.unread_messages(post.author)[-1].text


def test_admin_never_decides_own_removal(make_post, make_user):
    post, admin = make_post(), make_user(role=Role.ADMIN)
    make_user(role=Role.MODERATOR)
    moderation.remove_post(post, admin, "Spam")
    appeal = moderation.appeal_removal(post, post.author, "This was not spam, it was a source.")
    assert not moderation.can_decide_appeal(appeal, admin)
    assert moderation.appeal_waits_for(post) == "another moderator"


def test_mute_rules(make_user):
    me, them = make_user(), make_user()
    with pytest.raises(RuleError, match="yourself"):
        moderation.mute_member(me, me)
    moderation.mute_member(me, them)
    db.session.commit()
    with pytest.raises(RuleError, match="already muted"):
        moderation.mute_member(me, them)
    db.session.rollback()
    assert moderation.muted_ids(me) == {them.id} and moderation.muted_ids(them) == frozenset()
    moderation.unmute_member(me, them)
    assert moderation.muted_ids(me) == frozenset()
    with pytest.raises(RuleError, match="haven't muted"):
        moderation.unmute_member(me, them)


def test_every_logged_action_has_a_label():
    assert set(moderation.ACTIONS) >= {"dismiss", "hide", "remove", "restore", "edit", "warn",
                                       "suspend", "lock", "unlock", "pin", "unpin", "slow_mode"}
    with pytest.raises(ValueError):
        moderation.log(None, "erase")


def test_watched_word_pattern_is_literal():
    assert screening.watched_word_pattern("a.b").search("a.b") and not screening.watched_word_pattern("a.b").search("axb")


def test_member_histories_count_public_posts_removals_and_suspensions(make_user, make_post):
    """What the queue says of an author: the public post counter (as on their
    profile), the removals and the suspensions."""
    author, other = make_user(), make_user()
    mod = make_user(role=Role.MODERATOR)
    make_post(author=author)
    moderation.remove_post(make_post(author=author), mod, "Advertising")
    moderation.hide_post(make_post(author=author), mod)
    posting.delete_post(make_post(author=author), author)
    moderation.suspend_member(author, mod, 1, "Spam, twice")
    make_post(author=other)
    db.session.commit()
    assert moderation.member_histories({author.id, other.id}) == {
        author.id: {"posts": 1, "removed": 1, "suspensions": 1},
        other.id: {"posts": 1, "removed": 0, "suspensions": 0}}
