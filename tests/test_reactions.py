"""Votes, ∆, sources and "needs a source" as plain functions; counts under concurrency."""
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.domain import debates, reactions
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import Delta, Post, SourceRequest, Stance, User, Vote

REASON = "I used to think unpaid testing was fine, but the bug bounty comparison changed that."


@pytest.fixture
def argument(make_debate, make_post):
    return make_post(topic=make_debate(), stance=Stance.PRO)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _fresh(post: Post) -> Post:
    db.session.commit()
    db.session.refresh(post)
    return post


# --- Votes -----------------------------------------------------------------

def test_vote_and_withdraw_keep_the_count(argument, make_user):
    first, second = make_user(), make_user()
    reactions.vote(argument, first)
    reactions.vote(argument, second)
    assert _fresh(argument).vote_count == 2
    reactions.withdraw_vote(argument, first)
    assert _fresh(argument).vote_count == 1
    assert _count(Vote) == 1


def test_vote_refuses_own_post(argument):
    with pytest.raises(RuleError, match="your own post"):
        reactions.vote(argument, argument.author)


def test_vote_refuses_a_second_vote(argument, make_user):
    voter = make_user()
    reactions.vote(argument, voter)
    db.session.commit()
    with pytest.raises(RuleError, match="already voted"):
        reactions.vote(argument, voter)
    db.session.rollback()
    assert _fresh(argument).vote_count == 1


def test_withdraw_refuses_when_there_is_no_vote(argument, make_user):
    with pytest.raises(RuleError, match="haven't voted"):
        reactions.withdraw_vote(argument, make_user())


@pytest.mark.parametrize("react", [
    lambda post, user: reactions.vote(post, user),
    lambda post, user: reactions.award_delta(post, user, REASON),
    lambda post, user: reactions.mark_needs_source(post, user),
    lambda post, user: reactions.add_source(post, post.author, "A source", "https://example.org/"),
])
def test_closed_debate_refuses_every_reaction(argument, make_user, react):
    debates.close_debate(argument.topic, argument.topic.author)
    with pytest.raises(RuleError, match="closed"):
        react(argument, make_user())


def test_deleted_post_takes_no_votes(argument, make_user):
    argument.deleted_at = argument.created_at
    with pytest.raises(RuleError, match="deleted"):
        reactions.vote(argument, make_user())


def _vote_in_thread(app, post_id: int, user_id: int, barrier, errors) -> None:
    """One member's request: its own app context, session and transaction, a real commit."""
    with app.app_context():
        try:
            post = db.session.get(Post, post_id, options=[joinedload(Post.topic)])
            user = db.session.get(User, user_id)
            # Give the connection back while waiting, so 20 threads never hold
            # more than the pool has; all of them then write at the same moment.
            db.session.expunge_all()
            db.session.close()
            barrier.wait(timeout=30)
            reactions.vote(post, user)
            db.session.commit()
        except Exception as error:  # collected and asserted below
            errors.append(repr(error))
        finally:
            db.session.remove()


@pytest.mark.committing  # threads write through their own connections, which must see its rows
def test_twenty_concurrent_voters_all_count(app, argument, make_user):
    voters = [make_user().id for _ in range(20)]
    barrier, errors = threading.Barrier(20), []
    threads = [threading.Thread(target=_vote_in_thread, args=(app, argument.id, uid, barrier, errors))
               for uid in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.expire_all()
    assert _count(Vote) == 20
    assert db.session.get(Post, argument.id).vote_count == 20


@pytest.mark.committing  # threads write through their own connections, which must see its rows
def test_the_same_member_voting_twice_at_once_counts_once(app, argument, make_user):
    voter = make_user().id
    barrier, errors = threading.Barrier(2), []
    threads = [threading.Thread(target=_vote_in_thread, args=(app, argument.id, voter, barrier, errors))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert _count(Vote) == 1
    assert db.session.get(Post, argument.id).vote_count == 1
    assert len(errors) == 1 and "already voted" in errors[0]


# --- ∆ ----------------------------------------------------------------------

def test_award_delta_counts_and_remembers_the_recipient(argument, make_user):
    delta = reactions.award_delta(argument, make_user(), "  " + REASON + "  ")
    assert _fresh(argument).delta_count == 1
    assert (delta.recipient_id, delta.explanation) == (argument.author_id, REASON)


def test_award_delta_needs_fifty_characters(argument, make_user):
    with pytest.raises(RuleError, match="at least 50 characters"):
        reactions.award_delta(argument, make_user(), "x" * 49 + "   ")
    assert _count(Delta) == 0


def test_award_delta_refuses_own_post(argument):
    with pytest.raises(RuleError, match="your own post"):
        reactions.award_delta(argument, argument.author, REASON)


def test_award_delta_once_per_member(argument, make_user):
    awarder = make_user()
    reactions.award_delta(argument, awarder, REASON)
    db.session.commit()
    with pytest.raises(RuleError, match="already awarded"):
        reactions.award_delta(argument, awarder, REASON + " Again.")
    db.session.rollback()
    assert _fresh(argument).delta_count == 1


# --- Evidence ---------------------------------------------------------------

def test_needs_source_mark_and_withdraw(argument, make_user):
    member = make_user()
    reactions.mark_needs_source(argument, member)
    assert _fresh(argument).needs_source_count == 1
    db.session.commit()
    with pytest.raises(RuleError, match="already asked"):
        reactions.mark_needs_source(argument, member)
    db.session.rollback()
    reactions.withdraw_needs_source(argument, member)
    assert _fresh(argument).needs_source_count == 0
    assert _count(SourceRequest) == 0
    with pytest.raises(RuleError, match="haven't asked"):
        reactions.withdraw_needs_source(argument, member)


def test_needs_source_refuses_own_post(argument):
    with pytest.raises(RuleError, match="add a source"):
        reactions.mark_needs_source(argument, argument.author)


@pytest.mark.parametrize("title, url", [
    ("A title", "javascript:alert(1)"), ("A title", "ftp://example.org/x"), ("A title", "https://"),
    ("A title", "example.org"), ("", "https://example.org/"), ("A title", "https://exa mple.org/"),
])
def test_clean_source_refuses(title, url):
    with pytest.raises(RuleError):
        reactions.clean_source(title, url)


def test_parse_sources_reads_title_then_address():
    assert reactions.parse_sources("  Court ruling (summary)   https://example.org/a?b=1 \n\n") == [
        ("Court ruling (summary)", "https://example.org/a?b=1")]


def test_add_source_caps_the_number(argument):
    for n in range(reactions.SOURCES_PER_POST):
        reactions.add_source(argument, argument.author, f"Source {n}", f"https://example.org/{n}")
    with pytest.raises(RuleError, match="At most"):
        reactions.add_source(argument, argument.author, "One more", "https://example.org/more")


def test_reactions_move_the_topics_version_not_its_activity(argument, make_user):
    """Pages of the topic change, so its version (what ETags and copies are versions
    of) moves; "active … ago" and the home page's order move only with a new post."""
    topic = argument.topic
    for react in (lambda: reactions.vote(argument, make_user()),
                  lambda: reactions.award_delta(argument, make_user(), REASON),
                  lambda: reactions.mark_needs_source(argument, make_user()),
                  lambda: reactions.add_source(argument, argument.author, "A source", "https://example.org/"),
                  lambda: debates.answer_poll(topic, make_user(), "before", 1)):
        db.session.refresh(topic)
        version, activity = topic.version, topic.last_activity_at
        react()
        db.session.commit()
        db.session.refresh(topic)
        assert topic.version > version and topic.last_activity_at == activity
