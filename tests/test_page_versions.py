"""One page version and one viewer state (web/caching.py, pages/viewer.py).

Every kind of change of a viewer, on every kind of cached or conditional page:
the next conditional GET (or the next load of an own copy) is a 200 that shows
the change, never a 304 of the old page. And a topic's version moves in the
database with every change its pages show, while "active … ago" and the home
page's order move only when a post is added.
"""
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, update

from forum.domain import classes, moderation, notifications, posting, profiles, reactions
from forum.extensions import db
from forum.models import (ClassMembership, ClassRole, PhaseKind, PollAnswer, Post, Role, Stance, Topic, TopicRead,
                          Vote, WatchLevel)
from forum.web import caching


@pytest.fixture
def scene(make_user, make_topic, make_post, make_debate, make_class, make_class_debate, open_phase, copies):
    """A viewer, who wrote a post in a discussion and in a class debate they study in,
    a stranger who wrote in both, a moderator and the class's instructor."""
    viewer, stranger = make_user("viewer"), make_user("stranger")
    discussion = make_topic(title="A discussion")
    mine = make_post(topic=discussion, author=viewer, body="The viewer's own post.")
    theirs = make_post(topic=discussion, author=stranger, body="The stranger's words.")
    debate = make_debate(arguments=0, title="An older debate", article=discussion.article)
    make_post(topic=debate, author=stranger, body="The stranger's argument.", stance=Stance.PRO)
    classroom = make_class(students=0)
    classes.join_class(viewer, classroom.join_code)
    classes.join_class(stranger, classroom.join_code)
    class_debate = make_class_debate(classroom)
    classes.set_sides(class_debate, {viewer.id: Stance.CON, stranger.id: Stance.PRO})
    open_phase(class_debate, PhaseKind.OPENING)
    make_post(topic=class_debate, author=stranger, body="The stranger's class argument.", stance=Stance.PRO)
    db.session.commit()
    return dict(viewer=viewer, stranger=stranger, discussion=discussion, mine=mine, theirs=theirs,
                debate=debate, classroom=classroom, class_debate=class_debate,
                mod=make_user("moddy", role=Role.MODERATOR), admin=make_user("boss", role=Role.ADMIN))


# --- The changes of a viewer: each makes it, and says what the page then shows -----------

def _badge(count: int) -> str:
    return f'<span class="badge">{count}<span class="visually-hidden"> unread</span>'


def mutes_an_author(s):
    moderation.mute_member(s["viewer"], s["stranger"])
    return "muted-note"


def gets_a_notification(s):
    count = notifications.unread_count(s["viewer"])
    notifications.notify(s["viewer"], "mention", actor=s["stranger"], post=s["theirs"])
    return _badge(count + 1)


def renames_themselves(s):
    profiles.update_profile(s["viewer"], display_name="Vera Newname", bio="")
    return "Vera Newname"  # shown where they wrote: the thread (the header shows the username)


def becomes_a_moderator(s):
    s["viewer"].role = Role.MODERATOR
    return ">Moderation</a>"


def is_suspended(s):
    moderation.suspend_member(s["viewer"], s["admin"], 3, "Cooling off.")
    return "Your account is suspended until"


def gets_a_moderators_message(s):
    moderation.tell(s["viewer"], "A word from the moderators about tone.")
    return "A word from the moderators about tone."


def mutes_the_topic(s):
    for topic in (s["discussion"], s["debate"], s["class_debate"]):
        notifications.set_watch(s["viewer"], topic, WatchLevel.MUTED)
    return "Unmute"


def teaches_the_class(s):
    membership = db.session.scalar(select(ClassMembership).where(
        ClassMembership.class_id == s["classroom"].id, ClassMembership.user_id == s["viewer"].id))
    membership.role = ClassRole.INSTRUCTOR
    return "Dashboard"  # an instructor's link on the class debate's page


def has_news_since_their_visit(s):
    """Their read mark is behind what others wrote (a visit before they wrote it):
    those posts are marked "New" for them alone (domain/reads.py)."""
    db.session.execute(update(TopicRead).where(TopicRead.user_id == s["viewer"].id).values(last_seen_post_id=0))
    return '<span class="tag tag-new">New'


def keeps_a_poll_answer(s):
    """A row of the viewer's poll history alone (domain/minds.py): their timeline, not the topic's version."""
    for topic in (s["debate"], s["class_debate"]):
        db.session.add(PollAnswer(topic_id=topic.id, user_id=s["viewer"].id, phase="before", value=1))
    return "Before reading:"


CHANGES = [mutes_an_author, gets_a_notification, renames_themselves, becomes_a_moderator, is_suspended,
           gets_a_moderators_message, mutes_the_topic, teaches_the_class, has_news_since_their_visit,
           keeps_a_poll_answer]

# --- The cached and conditional pages a member may be shown ------------------------------

PAGES = {
    "thread": lambda s: f"/t/{s['discussion'].id}",
    "columns": lambda s: f"/t/{s['debate'].id}",
    "permalink": lambda s: f"/p/{s['theirs'].id}?view=thread",
    "class debate": lambda s: f"/t/{s['class_debate'].id}?view=thread",
    "class columns": lambda s: f"/t/{s['class_debate'].id}",
    "live updates": lambda s: f"/t/{s['discussion'].id}/updates?after=0",
}
HEADER = ("gets_a_notification", "becomes_a_moderator", "is_suspended", "gets_a_moderators_message")
# Where a page shows a change: it must then be a 200 that shows it.
SHOWN = ({(page, change) for page in ("thread", "columns", "permalink", "class debate", "class columns")
          for change in HEADER}
         | {("thread", "mutes_an_author"), ("permalink", "mutes_an_author"), ("class debate", "mutes_an_author"),
            ("live updates", "mutes_an_author"), ("thread", "renames_themselves"),
            ("thread", "mutes_the_topic"), ("class debate", "mutes_the_topic"),
            ("class debate", "teaches_the_class"), ("class columns", "teaches_the_class")}
         | {(page, "has_news_since_their_visit") for page in ("thread", "columns", "class debate", "class columns")}
         | {("columns", "keeps_a_poll_answer"), ("class columns", "keeps_a_poll_answer")})


def _same_page(html: str) -> str:
    """A page as a reader sees it: its form tokens (signed afresh each time) and its
    forms' one-time keys (drawn afresh each time) left out."""
    return re.sub(r'(name="csrf_token" value=|"csrf_token": ?|name="form_key" value=)"[^"]*"', "", html)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_a_change_of_the_viewer_is_never_answered_with_the_old_page(client, scene, page, change):
    """Where the page shows the change: a 200 that shows it. Anywhere: a 304 only
    when the page, built afresh, is the page the reader has."""
    client.login(scene["viewer"])
    url = PAGES[page](scene)
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    shows = change(scene)
    db.session.commit()
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    if (page, change.__name__) in SHOWN:
        assert again.status_code == 200, f"{change.__name__}: {page} answered 304"
        assert shows not in first.text and shows in again.text
    if again.status_code == 304:
        assert _same_page(client.get(url).text) == _same_page(first.text)


OWN_PAGES = {
    "dashboard": lambda s: (s["classroom"].instructor,
                            f"/classes/{s['classroom'].id}/debates/{s['class_debate'].id}/dashboard"),
    "queue": lambda s: (s["mod"], "/mod"),
}
OWN_CHANGES = [gets_a_notification, becomes_a_moderator, is_suspended, gets_a_moderators_message,
               renames_themselves, mutes_an_author]


@pytest.mark.parametrize("page", OWN_PAGES)
@pytest.mark.parametrize("change", OWN_CHANGES, ids=lambda change: change.__name__)
def test_a_change_of_the_viewer_shows_on_their_own_copy(client, scene, page, change):
    """The pages a member gets again from their own copy (the dashboard, the queue)."""
    who, url = OWN_PAGES[page](scene)
    if change is becomes_a_moderator:
        pytest.skip("a moderator's and an instructor's header has the Moderation link already")
    if change is is_suspended and page == "queue":
        pytest.skip("a suspended moderator is refused the queue (tests/test_views_mod.py)")
    client.login(who)
    first = client.get(url).text
    shows = change(dict(scene, viewer=who))
    db.session.commit()
    again = client.get(url).text
    if change.__name__ in HEADER:
        assert shows not in first and shows in again
    # Whatever the change, the copy kept before is not the one served after it.
    assert len(caching.copies().local) == 2


# --- The topic's version and its activity ------------------------------------------------

def _topic(topic_id: int) -> Topic:
    db.session.expire_all()
    return db.session.get(Topic, topic_id)


def test_every_change_a_page_shows_moves_the_version_in_the_database(scene, make_user, open_phase):
    """The triggers of migration 0015: no code path has to remember anything."""
    s, voter = scene, make_user()
    changes = [
        lambda: reactions.vote(s["theirs"], voter),
        lambda: posting.edit_post(s["mine"], s["viewer"], "The viewer's post, edited."),
        lambda: moderation.hide_post(s["theirs"], s["mod"], "Off topic."),
        lambda: moderation.lock_topic(s["discussion"], s["mod"]),
        lambda: moderation.flag_post(s["mine"], voter, "spam"),
    ]
    for change in changes:
        before = _topic(s["discussion"].id).version
        change()
        db.session.commit()
        assert _topic(s["discussion"].id).version > before
    class_changes = [
        lambda: open_phase(s["class_debate"], PhaseKind.REBUTTAL, opened=timedelta(minutes=5)),
        lambda: classes.join_class(make_user(), s["classroom"].join_code),
        lambda: classes.archive_class(s["classroom"]),
    ]
    for change in class_changes:
        before = _topic(s["class_debate"].id).version
        change()
        db.session.commit()
        assert _topic(s["class_debate"].id).version > before


def test_bulk_statements_move_every_topic_they_touch(scene):
    """A statement that writes many rows (a command, a shell, the bench data) moves
    each topic it touches, and only those: on PostgreSQL once a statement."""
    s = scene
    versions = lambda: dict(db.session.execute(select(Topic.id, Topic.version)).all())  # noqa: E731
    touched = {s["discussion"].id, s["debate"].id}
    assert not db.session.scalar(select(Vote.id))
    for statement in (insert(Vote).from_select(["post_id", "user_id", "created_at"], select(
                          Post.id, Post.author_id, Post.created_at).where(Post.topic_id.in_(touched))),
                      update(Post).where(Post.topic_id.in_(touched)).values(vote_count=Post.vote_count),
                      delete(Vote)):
        before = versions()
        db.session.execute(statement)
        db.session.commit()
        after = versions()
        moved = {topic_id for topic_id in after if after[topic_id] != before[topic_id]}
        assert moved == touched, statement


def test_a_vote_shows_at_once_but_leaves_the_activity_and_the_home_order(client, scene, make_user, make_debate,
                                                                          make_post):
    older = scene["debate"]
    argument = db.session.scalar(select(Post).where(Post.topic_id == older.id))
    newer = make_debate(title="A newer debate", article=older.article)
    make_post(topic=newer, body="An argument in the newer debate.", stance=Stance.CON)
    home = client.get("/").text
    assert home.index("A newer debate") < home.index(older.title)  # the newest activity first
    activity = _topic(older.id).last_activity_at
    page = client.login(scene["viewer"]).get(f"/t/{older.id}")
    one_vote = '1 <span class="count-label">vote</span>'
    assert one_vote not in page.text
    reactions.vote(argument, make_user())
    db.session.commit()
    assert _topic(older.id).last_activity_at == activity
    again = client.get(f"/t/{older.id}", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 200 and one_vote in again.text
    home = client.logout().get("/").text
    assert home.index("A newer debate") < home.index(older.title)
