"""Shared copies (forum/caching.py): guests share a rendered public topic page,
the home page, profiles and search results; plain readers among members share a topic page's reply tree.

Off in the other tests (TEST_CONFIG); each test here turns them on (the `copies` fixture).
"""
import re
import time
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from forum.domain import anonymity, classes, moderation, posting
from forum.extensions import db
from forum.models import Post, Role, Stance, User, utcnow
from forum.web import caching, shared_threads


@pytest.fixture
def scene(make_user, make_topic, make_post):
    author = make_user(display_name="Ada Original")
    topic = make_topic(title="Shared copies")
    post = make_post(topic=topic, author=author, body="The first argument.")
    return topic, post, author


def test_guests_get_the_copy_the_etag_vouches_for(client, copies, scene, count_queries):
    topic, post, author = scene
    url = f"/t/{topic.id}"
    first = client.get(url)
    assert first.status_code == 200 and "Ada Original" in first.text
    # A change the ETag does not see: guests keep the shared copy (what a 304 would say)...
    author.display_name = "Ada Renamed"
    db.session.commit()
    with count_queries() as queries:
        second = client.get(url)
    assert second.status_code == 200 and "Ada Original" in second.text
    assert len(queries) == 1  # the topic, for its ETag; nothing rendered
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "private" not in second.headers["Cache-Control"]
    assert second.headers.get("Content-Security-Policy") == first.headers.get("Content-Security-Policy")
    # ...until the topic changes, and then they get a fresh page.
    posting.create_post(author, topic, "A second argument.", parent=post)
    db.session.commit()
    third = client.get(url)
    assert "Ada Renamed" in third.text and "A second argument." in third.text


def test_members_never_get_the_guest_copy(client, copies, scene, make_user):
    topic, _, author = scene
    url = f"/t/{topic.id}"
    client.get(url)
    author.display_name = "Ada Renamed"
    db.session.commit()
    for member in (make_user(), make_user(role=Role.MODERATOR), author):
        page = client.login(member).get(url).text
        assert "Ada Renamed" in page and "Ada Original" not in page


def test_each_url_and_query_has_its_own_copy(client, copies, scene):
    topic, post, _ = scene
    client.get(f"/t/{topic.id}")
    permalink = client.get(f"/p/{post.id}")
    assert "The first argument." in permalink.text and 'class="post highlight' in permalink.text
    newest = client.get(f"/t/{topic.id}?sort=new")
    assert 'aria-current="true" class="current">Newest' in newest.text
    assert len(copies.local) == 3


def test_no_copy_for_class_topics_or_members(app, scene, make_user, make_class, make_class_debate):
    topic, _, _ = scene
    classroom = make_class(students=1)
    private = make_class_debate(classroom)
    with app.test_request_context(f"/t/{topic.id}"):
        assert caching._guest_copy_key(AnonymousUserMixin(), topic, "etag")
        assert caching._guest_copy_key(make_user(), topic, "etag") is None
        assert caching._guest_copy_key(AnonymousUserMixin(), private, "etag") is None


def test_copies_expire_and_the_oldest_go_first(monkeypatch):
    pages = caching.SharedCopies(None, 30, capacity=2)
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    pages.put("a", b"A")
    pages.put("b", b"B")
    assert pages.get("a") == b"A"  # now the most recently used
    pages.put("c", b"C")
    assert pages.get("b") is None and pages.get("a") == b"A" and pages.get("c") == b"C"
    now[0] += 31
    assert pages.get("a") is None


def test_zero_seconds_keeps_nothing():
    pages = caching.SharedCopies(None, 0)
    pages.put("a", b"A")
    assert pages.get("a") is None and not pages.local


def test_redis_keeps_copies_for_every_worker_with_a_ttl():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    one, other = caching.SharedCopies(url, 30), caching.SharedCopies(url, 30)
    key = f"test-{time.time_ns()}"
    one.put(key, b"<html>shared</html>")
    assert other.get(key) == b"<html>shared</html>"  # another worker, another process: same copy
    assert 0 < one.redis.ttl(f"counterpoint:page:{key}") <= 30
    # The other worker now keeps it in memory, no longer than Redis keeps it.
    assert other.local[key][0] - time.monotonic() <= 30
    one.redis.delete(f"counterpoint:page:{key}")
    assert other.get(key) == b"<html>shared</html>" and one.get(f"{key}-never-put") is None


def test_guests_share_the_home_page_until_the_forum_changes(client, copies, scene, make_user,
                                                            make_topic, count_queries):
    topic, post, author = scene
    first = client.get("/")
    assert "Shared copies" in first.text
    with count_queries() as queries:
        second = client.get("/")
    assert second.text == first.text and len(queries) == 1  # the version; nothing rendered
    make_topic(title="A newer topic", article=topic.article)
    assert "A newer topic" in client.get("/").text
    posting.create_post(author, topic, "Moves the topic up.", parent=post)
    db.session.commit()
    assert client.get("/").text != first.text
    # Members always get their own page.
    member = make_user()
    page = client.login(member).get("/").text
    assert "A newer topic" in page and member.username in page



def _unmarked(page: str) -> str:
    """The page with search's highlighting taken out."""
    return re.sub(r"</?mark>", "", page)


def test_guests_share_profiles_and_search_results_until_the_forum_changes(
        client, copies, scene, make_user, count_queries):
    topic, post, author = scene
    profile, search = f"/u/{author.username}", "/search?q=argument"

    def shown(url):
        return _unmarked(client.get(url).text)

    for url in (profile, search):
        first = client.get(url)
        assert first.status_code == 200 and "first argument" in shown(url)
        with count_queries() as queries:
            again = client.get(url)
        assert again.text == first.text and len(queries) == 1  # the version; nothing rendered
    # Each change a guest could see moves the version: an edit, a new post, a
    # moderator hiding one, the topic's title.
    posting.edit_post(post, author, "The first argument, edited.")
    db.session.commit()
    assert "first argument, edited" in shown(profile)
    assert "first argument, edited" in shown(search)
    reply = posting.create_post(author, topic, "Another argument in reply.", parent=post)
    db.session.commit()
    assert "Another argument in reply" in shown(profile)
    assert "Another argument in reply" in shown(search)
    moderation.hide_post(reply, make_user(role=Role.MODERATOR), "Off topic.")
    db.session.commit()
    assert "Another argument in reply" not in shown(profile)
    assert "Another argument in reply" not in shown(search)
    posting.edit_topic(topic, author, title="Shared copies, renamed", body=topic.body_md)
    db.session.commit()
    assert "Shared copies, renamed" in shown(profile)
    # The person themselves gets their own page, never the guests' copy.
    assert "Edit your profile" in client.login(author).get(profile).text


def test_a_members_search_or_profile_never_becomes_the_guests_copy(
        client, copies, make_user, make_post, make_class, make_class_debate):
    """What a class member sees of a class debate in search and on a profile is
    theirs: it is not kept, and a guest loading the same URLs sees none of it."""
    classroom = make_class()
    instructor = classroom.instructor
    make_post(topic=make_class_debate(classroom), author=instructor,
              body="A classroom-only argument.", stance=Stance.PRO)
    urls = (f"/u/{instructor.username}", "/search?q=classroom")
    member = client.login(instructor)
    for url in urls:
        assert "classroom-only argument" in _unmarked(member.get(url).text)
    member.logout()
    for url in urls:
        assert "classroom-only" not in client.get(url).text
    assert not copies.local or all(b"classroom-only" not in body for _, body in copies.local.values())

# --- Members: the reply tree plain readers share ----------------------------------

def _tree(page: str) -> str:
    return page[page.index('<ol class="thread">'):page.index('<nav class="pagination"') if '<nav class="pagination"' in page
                else page.index('id="reply"')]


def _tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page))


@pytest.fixture
def thread(scene, make_user, make_post):
    """Two readers, and a reply by a third member under the first post."""
    topic, post, author = scene
    replier = make_user()
    reply = make_post(topic=topic, author=replier, parent=post, body="A reply in the tree.")
    return topic, post, author, reply, replier


def test_plain_readers_share_the_reply_tree(csrf_app, copies, thread, make_user, count_queries):
    topic, post, author, reply, _ = thread
    url = f"/t/{topic.id}"
    first_reader, second_reader = make_user(), make_user()
    first = csrf_app.test_client().login(first_reader).get(url).text
    assert f"/p/{post.id}/flag" in first and f"/p/{post.id}/edit" not in first
    author.display_name = "Ada Renamed"  # a change the topic's version does not see
    db.session.commit()
    client = csrf_app.test_client().login(second_reader)
    with count_queries() as queries:
        second = client.get(url).text
    # The reader (with whom they mute and their unread count), the topic: no posts; and, after
    # the page, their first visit's read mark (domain/reads.py), written once.
    assert len(queries) == 3 and "topic_reads" in queries[-1]
    assert _tree(second) == _tree(first) and "Ada Original" in _tree(second)
    # Around the tree, the page is the reader's own: their name, their forms.
    assert second_reader.username in second and first_reader.username not in second
    assert _tokens(second) and "csrf_token" not in _tree(second)
    # A change to the topic is a new tree for everyone.
    posting.create_post(author, topic, "A second argument.")
    db.session.commit()
    third = client.login(first_reader).get(url).text
    assert "A second argument." in third and "Ada Renamed" in third


def test_a_reader_who_wrote_a_post_in_the_tree_gets_their_own(client, copies, thread, make_user):
    topic, _, _, reply, replier = thread
    url = f"/t/{topic.id}"
    client.login(make_user()).get(url)  # the shared tree is kept
    own = client.login(replier).get(url).text
    assert f"/p/{reply.id}/edit" in own and f"/p/{reply.id}/delete" in own
    # What they were shown is not kept for the others.
    other = client.login(make_user()).get(url).text
    assert f"/p/{reply.id}/edit" not in other and f"/p/{reply.id}/flag" in other


@pytest.mark.parametrize("who", ["moderator", "suspended", "muter", "author"])
def test_who_never_shares_the_tree(client, copies, thread, make_user, who):
    topic, post, author, reply, replier = thread
    url = f"/t/{topic.id}"
    if who == "moderator":
        reader = make_user(role=Role.MODERATOR)
    elif who == "suspended":
        reader = make_user(suspended_until=utcnow() + timedelta(days=1))
    elif who == "muter":
        reader = make_user()
        moderation.mute_member(reader, replier)
    else:
        reader = replier
    db.session.commit()
    own = client.login(reader).get(url).text
    assert not copies.local  # their tree is theirs alone
    client.login(make_user()).get(url)  # a plain reader's tree is kept...
    assert len(copies.local) == 1
    again = client.login(reader).get(url).text
    assert _tree(again) == _tree(own)  # ...and never given to them
    marks = {"moderator": f"/mod/p/{post.id}", "suspended": None, "muter": "muted-note",
             "author": f"/p/{reply.id}/edit"}
    if marks[who]:
        assert marks[who] in own
    else:
        assert f"/p/{post.id}/reply" not in own  # no Reply for a suspended member


def test_who_may_share_a_tree_in_a_class(app, scene, make_user, make_post, make_class, make_class_debate):
    """In a class debate its students share the tree; its instructors and admins
    (who moderate it, and see through pseudonyms) never do; guests get whole-page
    copies of public topics instead."""
    topic, _, _ = scene
    student = make_user()
    classroom = make_class()
    classes.join_class(student, classroom.join_code)
    private = make_class_debate(classroom)
    make_post(topic=private, author=classroom.instructor, stance=Stance.PRO)
    with app.test_request_context():
        assert shared_threads.thread_key(student, topic, "old", 1)
        assert shared_threads.thread_key(student, private, "old", 1)
        assert shared_threads.thread_key(classroom.instructor, private, "old", 1) is None
        assert shared_threads.thread_key(make_user(role=Role.ADMIN), private, "old", 1) is None
        assert shared_threads.thread_key(AnonymousUserMixin(), topic, "old", 1) is None
        # Other pseudonyms (someone joined, a name moved on): another tree.
        assert (shared_threads.thread_key(student, private, "old", 1, {7: anonymity.Shown("Amber Heron")})
                != shared_threads.thread_key(student, private, "old", 1, {7: anonymity.Shown("Azure Heron")}))
        # A phase opened or closed since (class_pages.schedule_passed): another tree.
        before = shared_threads.thread_key(student, private, "old", 1)
        private.schedule_passed = 3
        assert shared_threads.thread_key(student, private, "old", 1) != before
        student.suspended_until = utcnow() + timedelta(days=1)  # reads, cannot write: their own page
        assert shared_threads.thread_key(student, private, "old", 1) is None


def _family(root_id, authors, html):
    return root_id, frozenset(authors), html


def test_only_what_every_reader_gets_is_kept(app, copies, make_user):
    reader, writer, other = make_user(), make_user(), make_user()
    plain = [_family(1, {writer.id}, "<li>one</li>"), _family(2, {other.id}, "<li>two</li>")]
    with app.test_request_context():
        # A family holding a form (a CSRF token), the reader's own, or one they
        # collapsed (a muted author) stays out: the copy is not complete.
        shared_threads.keep_thread("thread:x", reader, plain + [_family(3, {writer.id}, '<input name="csrf_token">')], None)
        shared_threads.keep_thread("thread:y", reader, plain + [_family(3, {reader.id}, "<li>theirs</li>")], None)
        for key in ("thread:x", "thread:y"):
            partial = shared_threads.shared_thread(key, make_user())
            assert not partial.whole and set(partial.reusable()) == {1, 2}
            assert b"csrf_token" not in copies.get(key) and b"theirs" not in copies.get(key)
        shared_threads.keep_thread("thread:z", reader, plain, None)
        assert shared_threads.shared_thread("thread:z", reader).html == "<li>one</li><li>two</li>"
        assert shared_threads.shared_thread("thread:z", reader).whole
        # A writer of one family gets the others from the copy, and theirs to render.
        for_writer = shared_threads.shared_thread("thread:z", writer)
        assert for_writer.mine == {1} and for_writer.reusable() == {2: (frozenset({other.id}), "<li>two</li>")}
        moderation.mute_member(reader, other)
        assert shared_threads.shared_thread("thread:z", reader).mine == {2}
        # What a muter saw of the family they collapsed is not kept.
        shared_threads.keep_thread("thread:m", reader, plain, None)
        assert set(shared_threads.shared_thread("thread:m", make_user()).families) == {1}


def test_readers_who_wrote_on_the_page_complete_the_copy(app, copies, make_user):
    """Where everyone wrote something (a class debate), no one reader can keep the
    whole tree: each adds the families they had no part in."""
    first, second = make_user(), make_user()
    one, two = _family(1, {first.id}, "<li>one</li>"), _family(2, {second.id}, "<li>two</li>")
    with app.test_request_context():
        shared_threads.keep_thread("thread:c", first, [one, two], None)
        assert set(shared_threads.shared_thread("thread:c", second).families) == {2}
        shared_threads.keep_thread("thread:c", second, [one, two], shared_threads.shared_thread("thread:c", second))
        complete = shared_threads.shared_thread("thread:c", make_user())
        assert complete.whole and complete.html == "<li>one</li><li>two</li>"


@pytest.fixture
def families(scene, make_user, make_post):
    """The scene's topic with three families: the first post with `reply` under it
    by `replier`, one by `replier`, and one by `third`."""
    topic, post, author = scene
    replier, third = make_user(), make_user(display_name="Third Original")
    reply = make_post(topic=topic, author=replier, parent=post, body="A reply in the first family.")
    make_post(topic=topic, author=replier, body="The replier's own family.")
    make_post(topic=topic, author=third, body="A third family.")
    return topic, post, reply, author, replier, third


@pytest.mark.parametrize("who", ["author", "replier", "muter", "hidden"])
def test_a_member_with_a_part_in_the_tree_gets_the_page_rendered_for_them(
        client, copies, families, make_user, who, count_queries):
    """Given the copy for the families they have no part in, their tree is byte for
    byte the one rendered for them with no copy at all."""
    topic, post, reply, author, replier, third = families
    url = f"/t/{topic.id}"
    reader = {"author": author, "replier": replier, "muter": make_user(), "hidden": third}[who]
    if who == "muter":
        moderation.mute_member(reader, replier)
    if who == "hidden":  # their own post hidden: only they (and moderators) see its text
        hidden = db.session.scalar(select(Post).where(Post.author_id == third.id))
        moderation.hide_post(hidden, make_user(role=Role.MODERATOR), "Checking.")
    db.session.commit()
    client.login(make_user()).get(url)  # the plain readers' tree is kept
    assert len(copies.local) == 1
    client.login(reader)
    with count_queries() as queries:
        shared = _tree(client.get(url).text)
    assert len(queries) == 5  # member (with their unread count), topic, roots, replies; first visit's read mark
    copies.seconds = 0
    assert shared == _tree(client.get(url).text)  # rendered from scratch
    copies.seconds = 30
    mark = {"author": f"/p/{post.id}/edit", "replier": f"/p/{reply.id}/delete", "muter": "muted-note",
            "hidden": "only its author and moderators see this text"}[who]
    assert mark in shared
    # What was rendered for them is not kept: the next plain reader gets the plain tree.
    assert mark not in _tree(client.login(make_user()).get(url).text)


def test_the_families_a_member_has_no_part_in_come_from_the_copy(client, copies, families, make_user):
    topic, post, reply, author, replier, third = families
    url = f"/t/{topic.id}"
    client.login(make_user()).get(url)
    third.display_name = "Third Renamed"  # a change the topic's version does not see
    db.session.commit()
    page = _tree(client.login(replier).get(url).text)
    assert "Third Original" in page and "Third Renamed" not in page  # the third family: the copy's
    assert f"/p/{reply.id}/edit" in page  # the replier's reply in the first family: rendered for them
    assert "Third Renamed" in _tree(client.login(third).get(url).text)  # their own family: rendered


def test_muting_someone_elsewhere_does_not_stop_sharing(client, copies, thread, make_user, count_queries):
    topic, _, _, _, _ = thread
    url = f"/t/{topic.id}"
    reader, other, elsewhere = make_user(), make_user(), make_user()
    moderation.mute_member(reader, elsewhere)
    moderation.mute_member(other, elsewhere)
    db.session.commit()
    client.login(reader).get(url)  # kept: nothing on the page is theirs or muted by them
    assert len(copies.local) == 1
    client.login(other)
    with count_queries() as queries:
        client.get(url)
    assert len(queries) == 3  # given the copy: no posts fetched (and the first visit's read mark)


@pytest.mark.parametrize("size", [10, 300])
def test_a_reader_given_the_shared_tree_takes_two_queries_whatever_the_size(
        client, copies, make_user, make_topic, count_queries, size):
    topic = make_topic(posts=size)
    client.login(make_user()).get(f"/t/{topic.id}")  # kept
    url = f"/t/{topic.id}"
    client.login(make_user())
    with count_queries() as queries:
        page = client.get(url)
    assert page.status_code == 200 and page.text.count('class="node"') >= min(size, 20)
    # The member with whom they mute and their unread count, the topic; their first visit's read mark.
    assert len(queries) == 3 and "topic_reads" in queries[-1]


# --- Class debates: students share the tree ------------------------------------------

def test_students_share_a_class_debates_tree_and_see_their_own_posts_as_theirs(
        client, copies, make_anonymous_debate, make_user, count_queries):
    topic, _, alice, bruno, classroom = make_anonymous_debate("Alice's opening.")
    posting.create_post(bruno, topic, "Bruno's opening.", stance=Stance.CON)
    carol = make_user()
    classes.join_class(carol, classroom.join_code)
    db.session.commit()
    url, students = f"/t/{topic.id}?view=thread", (alice, bruno, carol)
    alone = {}  # each student's tree rendered with no copy at all
    copies.seconds = 0
    for student in students:
        alone[student.id] = _tree(client.login(student).get(url).text)
    copies.seconds = 30
    for student in students + students:  # alice and bruno each keep the other's family
        assert _tree(client.login(student).get(url).text) == alone[student.id]
    assert alone[alice.id].count('class="tag">you<') == 1 and 'class="tag">you<' not in alone[carol.id]
    [stored] = copies.local.values()
    assert stored[1].startswith(b"1\n")  # complete
    for secret in (b"alice_real", b"bruno_real", b'class="tag">you<', b"csrf_token"):
        assert secret not in stored[1]
    client.login(carol)
    with count_queries() as queries:
        client.get(url)
    # The class page's own (member with unread count, topic with their role in its class,
    # debate, its students' names for the pseudonyms with their sides, phases): no posts.
    assert len(queries) == 5
    # Its instructor sees through the pseudonyms, and never from the copy; an
    # outsider is not let in at all.
    assert "alice_real" in client.login(classroom.instructor).get(url).text
    assert client.login(make_user()).get(url).status_code == 404


def test_a_class_debate_page_loads_no_roster(client, make_class, make_class_debate, open_phase, make_user,
                                             count_queries):
    """The panel wants the viewer's role, and its students' sides (with their names,
    for the pseudonyms of an anonymous debate) in the same query: plain rows, no
    roster objects."""
    classroom = make_class(students=3)
    named, anonymous = make_class_debate(classroom), make_class_debate(classroom, anonymous=True)
    student = db.session.get(User, classes.student_ids(classroom.id)[0])
    client.login(student)
    counts = {}
    for topic in (named, anonymous):
        url = f"/t/{topic.id}?view=thread"
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        assert not [q for q in queries if "class_memberships.joined_at" in q]  # no ClassMembership objects
        counts[topic] = len(queries)
    assert counts[anonymous] == counts[named]  # the students' names come with their sides


def test_a_member_s_own_families_get_the_replies_the_whole_page_shows(
        app, client, copies, scene, make_user, make_post, monkeypatch):
    """The replies are capped for the whole page (oldest first): a member who gets
    some families from the copy and renders theirs must see in theirs just the
    replies the whole page shows, not more."""
    monkeypatch.setitem(app.config, "REPLIES_PER_PAGE", 3)
    topic, first, _ = scene
    writer = make_user()
    theirs = make_post(topic=topic, author=writer, body="The writer's family.")
    third = make_post(topic=topic, body="A third family.")
    for parent in (first, theirs, third, theirs, first):  # the 4th and 5th are past the cap
        make_post(topic=topic, parent=parent, body=f"A reply under {parent.id}.")
    url = f"/t/{topic.id}"
    client.login(make_user()).get(url)  # kept
    shared = _tree(client.login(writer).get(url).text)
    copies.seconds = 0
    alone = _tree(client.get(url).text)
    assert shared == alone and shared.count(f"A reply under {theirs.id}.") == 1
    assert "1 more reply" in shared
