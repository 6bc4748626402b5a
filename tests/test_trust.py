"""Trust levels and weighted flags (issue 18, item 5): the rules with constructed
records, then flags through the domain, accounts from one address in the queue,
and a moderator revoking a ∆."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.config import TRUST_SETTINGS
from forum.domain import moderation, reactions, trust
from forum.domain.errors import RuleError
from forum.domain.trust import Account, Record, flag_score, flag_weight, same_address_groups, trust_level
from forum.extensions import db
from forum.models import (Delta, FlagReason, FlagStatus, MemberMessage, ModAction, PostStatus, Role, StancePoll,
                          User, Vote, utcnow)

NOW = utcnow()
SETTINGS = TRUST_SETTINGS
EXPLANATION = "This argument about consent changed how I see the testers' protest. " * 2


def _record(days=0.0, **counts) -> Record:
    return Record(joined=NOW - timedelta(days=days), **counts)


REGULAR = dict(days=90, reads=200, posts=50, deltas=4, flags_upheld=2)


# --- The rules, with constructed records ------------------------------------------

@pytest.mark.parametrize("record, level", [
    (_record(), 0),
    (_record(days=30), 0),  # time alone is not enough
    (_record(days=2, reads=3, posts=1), 1),
    (_record(days=0.5, reads=3, posts=1), 0),  # a day must have passed
    (_record(days=20, reads=40, posts=12), 2),
    (_record(days=20, reads=40, posts=9), 1),
    (_record(**REGULAR), 3),
    (_record(**{**REGULAR, "deltas": 2}), 2),  # a regular has changed minds
    (_record(**{**REGULAR, "flags_upheld": 0}), 2),  # and flagged well
    (Record(joined=NOW, role=Role.INSTRUCTOR), 2),  # appointed: a member's weight at least
    (Record(joined=NOW, role=Role.MODERATOR), trust.STAFF_LEVEL),
])
def test_trust_level(record, level):
    assert trust_level(record, NOW, SETTINGS) == level


def test_levels_are_settings():
    easy = {**SETTINGS, "TRUST_LEVELS": [{"days": 0}, {"days": 0, "posts": 1}]}
    assert trust_level(_record(), NOW, easy) == 1
    assert trust_level(_record(posts=1), NOW, easy) == 2


def test_flag_weight_grows_with_trust_and_upheld_flags_and_falls_with_dismissed_ones():
    new, basic = _record(), _record(days=2, reads=3, posts=1)
    assert flag_weight(new, NOW, SETTINGS) == 0.5
    assert flag_weight(basic, NOW, SETTINGS) == 1.0
    assert flag_weight(_record(days=2, reads=3, posts=1, flags_upheld=2), NOW, SETTINGS) == 1.5
    assert flag_weight(_record(days=2, reads=3, posts=1, flags_upheld=40), NOW, SETTINGS) == 2.0  # capped
    assert flag_weight(_record(days=2, reads=3, posts=1, flags_dismissed=1), NOW, SETTINGS) == 0.5
    assert flag_weight(_record(days=2, reads=3, posts=1, flags_dismissed=9), NOW, SETTINGS) == 0.0  # never below


def test_new_accounts_alone_never_hide_a_post():
    crowd = [_record() for _ in range(100)]
    score = flag_score(crowd, NOW, SETTINGS)
    assert not score.hides and score.score == SETTINGS["FLAG_NEW_ACCOUNTS_SCORE_MAX"] and score.trusted == 0
    assert not flag_score(crowd, NOW, {**SETTINGS, "FLAG_HIDE_THRESHOLD": 0.5}).hides


def test_trusted_flags_hide_at_the_threshold():
    basic = _record(days=2, reads=3, posts=1)
    assert not flag_score([basic, basic], NOW, SETTINGS).hides  # 2.0
    assert flag_score([basic, basic, basic], NOW, SETTINGS).hides  # 3.0
    assert flag_score([basic, basic, _record(), _record()], NOW, SETTINGS).hides  # 2.0 + 1.0 from new accounts
    assert flag_score([_record(**REGULAR), basic], NOW, SETTINGS).hides  # 2.0 + 0.5 bonus + 1.0
    dismissed = _record(days=2, reads=3, posts=1, flags_dismissed=2)
    assert not flag_score([dismissed] * 5, NOW, SETTINGS).hides


def _account(user_id, tag, hours, how="voted"):
    return Account(user_id, f"user{user_id}", tag, NOW + timedelta(hours=hours), how)


def test_same_address_groups():
    accounts = [_account(1, "a", 0, "author"), _account(2, "a", 5, "flagged"), _account(3, "a", 20),
                _account(4, "a", 60), _account(5, "b", 1), _account(6, None, 1), _account(7, "c", 2),
                _account(8, "c", 30), _account(2, "a", 5, "voted")]
    groups = same_address_groups(accounts, timedelta(hours=24))
    assert [[a.user_id for a in group] for group in groups] == [[1, 2, 3]]
    assert groups[0][1].how == "flagged, voted"


# --- Flags through the domain, with the real thresholds ---------------------------

@pytest.fixture
def real_trust(app, monkeypatch):
    """TRUST_SETTINGS as in production (the suite counts its factory accounts as basic)."""
    for key, value in TRUST_SETTINGS.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture
def established(make_user, make_post):
    """`established()`: a member with a week behind them, a post and some reading (level 1)."""
    def make():
        member = make_user(created_at=utcnow() - timedelta(days=7))
        make_post(author=member)
        for post in [make_post() for _ in range(3)]:
            reactions.vote(post, member)
        db.session.commit()
        return member
    return make


def test_three_brand_new_accounts_do_not_hide_a_post(real_trust, make_post, make_user):
    post = make_post()
    for _ in range(3):
        moderation.flag_post(post, make_user(), FlagReason.SPAM)
    db.session.commit()
    assert post.status == PostStatus.VISIBLE
    assert db.session.scalar(select(func.count()).select_from(ModAction)) == 0


def test_a_moderators_post_is_never_hidden_by_members_flags(real_trust, make_post, make_user, established):
    post = make_post(author=make_user(role=Role.MODERATOR))
    for _ in range(4):
        moderation.flag_post(post, established(), FlagReason.ABUSIVE)
    db.session.commit()
    assert post.status == PostStatus.VISIBLE


def test_established_members_hide_a_post(real_trust, make_post, make_user, established):
    post = make_post()
    for _ in range(2):
        moderation.flag_post(post, established(), FlagReason.SPAM)
    assert post.status == PostStatus.VISIBLE
    moderation.flag_post(post, make_user(), FlagReason.SPAM)  # a new account adds 0.5
    assert post.status == PostStatus.VISIBLE
    moderation.flag_post(post, make_user(), FlagReason.SPAM)  # and another: 2.0 + 1.0
    db.session.commit()
    assert post.status == PostStatus.HIDDEN
    [entry] = db.session.scalars(select(ModAction).where(ModAction.action == "auto_hide")).all()
    assert entry.actor_id is None and "Flags weighing 3" in entry.reason


def test_dismissed_flags_weigh_a_member_down(real_trust, make_post, make_user, established):
    mod, flagger = make_user(role=Role.MODERATOR), established()
    for _ in range(2):
        post = make_post()
        moderation.flag_post(post, flagger, FlagReason.SPAM)
        moderation.dismiss_flags(post, mod)
    db.session.commit()
    [record] = trust.records_of([flagger.id]).values()
    assert record.flags_dismissed == 2 and trust.flag_weight(record, utcnow(), TRUST_SETTINGS) == 0.0


def test_records_count_reading_posting_deltas_and_flags(make_user, make_post, make_debate):
    member, debate = make_user(), make_debate(arguments=2)
    argument = make_post(topic=debate, author=member, stance="pro")
    reactions.vote(make_post(), member)
    db.session.add(StancePoll(topic_id=debate.id, user_id=member.id, phase="before", value=1))
    reactions.award_delta(argument, make_user(), EXPLANATION)
    db.session.commit()
    record = trust.records_of([member.id])[member.id]
    assert (record.reads, record.posts, record.deltas) == (2, 1, 1)


# --- Revoking a ∆ ----------------------------------------------------------------

@pytest.fixture
def delta(make_debate, make_post, make_user):
    debate = make_debate()
    argument = make_post(topic=debate, stance="pro")
    given = reactions.award_delta(argument, make_user("giver"), EXPLANATION)
    db.session.commit()
    return given


def test_revoke_delta(delta, make_user):
    mod, post, giver = make_user(role=Role.MODERATOR), delta.post, delta.awarder
    with pytest.raises(RuleError, match="reason"):
        moderation.revoke_delta(delta, mod, "  ")
    moderation.revoke_delta(delta, mod, "Given by a second account of the author")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Delta)) == 0
    db.session.refresh(post)
    assert post.delta_count == 0
    [entry] = db.session.scalars(select(ModAction).where(ModAction.action == "revoke_delta")).all()
    assert entry.actor_id == mod.id and entry.user_id == giver.id and entry.post_id == post.id
    assert "second account" in entry.reason and "changed how I see" in entry.reason  # the ∆'s text is kept
    told = db.session.scalar(select(MemberMessage.text).where(MemberMessage.user_id == giver.id))
    assert "revoked the ∆ you gave" in told and "second account" in told
    with pytest.raises(RuleError, match="can't be given again"):
        reactions.award_delta(post, giver, EXPLANATION)


def test_only_a_moderator_of_the_topic_revokes(delta, make_user):
    with pytest.raises(RuleError, match="Only a moderator"):
        moderation.revoke_delta(delta, make_user(role=Role.INSTRUCTOR), "Not mine to judge")


def test_revoke_delta_route(client, delta, make_user):
    mod = make_user(role=Role.MODERATOR)
    client.login(mod)
    page = client.get(f"/mod/p/{delta.post_id}").text
    assert "Revoke this ∆" in page and "changed how I see" in page
    refused = client.post(f"/mod/deltas/{delta.id}/revoke", data={"reason": ""})
    assert refused.status_code == 400 and "Give the reason for revoking this ∆" in refused.text
    assert db.session.scalar(select(func.count()).select_from(Delta)) == 1
    done = client.post(f"/mod/deltas/{delta.id}/revoke", data={"reason": "Friends trading ∆"})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Delta)) == 0
    assert "revoked a ∆" in client.get("/mod/log").text
    client.login(make_user())
    assert client.post(f"/mod/deltas/{delta.id}/revoke", data={"reason": "x"}).status_code in (403, 404)


# --- Accounts from one address, in the queue ----------------------------------------

def _register(client, username, address):
    client.logout()
    response = client.post("/auth/register", data={"username": username, "email": f"{username}@example.org",
                                                   "password": "long enough password",
                                                   "confirm": "long enough password"},
                           environ_base={"HTTP_SEC_FETCH_SITE": "same-origin", "REMOTE_ADDR": address})
    assert response.status_code == 302
    return db.session.scalar(select(User).where(User.username == username))


def test_the_queue_shows_accounts_registered_from_one_address(client, make_debate, make_post, make_user):
    debate = make_debate()
    author = _register(client, "author_one", "192.0.2.50")
    post = make_post(topic=debate, author=author, stance="pro")
    sock, puppet = _register(client, "sock_two", "192.0.2.50"), _register(client, "puppet_three", "192.0.2.50")
    stranger = _register(client, "stranger", "198.51.100.1")
    reactions.vote(post, sock)
    reactions.award_delta(post, puppet, EXPLANATION)
    moderation.flag_post(post, stranger, FlagReason.MISLEADING)
    moderation.flag_post(post, puppet, FlagReason.SPAM)
    db.session.commit()
    client.login(make_user(role=Role.MODERATOR))
    page = client.get("/mod").text
    section = page.split('class="same-address notice"')[1].split("</section>")[0]
    assert "author_one</bdi> (author" in section and "sock_two</bdi> (voted" in section
    assert "puppet_three</bdi> (flagged, gave a ∆" in section or "puppet_three</bdi> (gave a ∆, flagged" in section
    assert "stranger" not in section
    assert "Open flags weigh" in page and "Revoke this ∆" in page and "1 vote" in page


def test_the_queue_costs_the_same_queries_with_many_voters_and_deltas(client, make_debate, make_post, make_user,
                                                                      count_queries):
    mod = make_user(role=Role.MODERATOR)
    counts = []
    for voters in (1, 12):
        post = make_post(topic=make_debate(), stance="pro")
        for _ in range(voters):
            member = make_user()
            reactions.vote(post, member)
            reactions.award_delta(post, member, EXPLANATION)
        moderation.flag_post(post, make_user(), FlagReason.SPAM)
        db.session.commit()
        client.login(mod)
        with count_queries() as queries:
            assert client.get("/mod").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10
