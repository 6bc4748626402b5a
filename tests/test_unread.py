"""New since your last visit (domain/reads.py, pages/unread.py, web/read_marks.py)."""
import re

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import delete, func, select

from forum.domain import classes, moderation, posting, reads
from forum.extensions import db
from forum.models import ClassMembership, Post, Role, Stance, Topic, TopicRead
from forum.pages import topic_pages, unread


def _mark(user, topic) -> int | None:
    return db.session.scalar(select(TopicRead.last_seen_post_id).where(
        TopicRead.user_id == user.id, TopicRead.topic_id == topic.id))


def _topic(topic_id: int) -> Topic:
    db.session.expire_all()
    return db.session.get(Topic, topic_id)


# --- the rules ----------------------------------------------------------------------------------

def test_unread_counts_count_what_others_wrote_after_the_mark(make_user, make_topic, make_post):
    reader, other = make_user(), make_user()
    topic, unvisited = make_topic(), make_topic()
    seen = make_post(topic=topic, author=other)
    db.session.add(TopicRead(user_id=reader.id, topic_id=topic.id, last_seen_post_id=seen.id))
    for _ in range(3):
        make_post(topic=topic, author=other)
    make_post(topic=topic, author=reader)  # their own post is not news to them
    make_post(topic=unvisited, author=other)  # never opened: no count at all
    gone = make_post(topic=topic, author=other)
    posting.delete_post(gone, other)
    hidden = make_post(topic=topic, author=other)
    moderation.hide_post(hidden, make_user(role=Role.MODERATOR), "Spam.")
    db.session.flush()
    assert reads.unread_counts(reader, [topic.id, unvisited.id]) == {topic.id: 3}
    assert reads.unread_counts(other, [topic.id]) == {}


def test_the_topic_query_brings_the_mark_and_the_first_new_post(client, make_user, make_topic, make_post):
    reader, other = make_user(), make_user()
    elsewhere = make_topic()  # a mark on another topic is not this one's
    db.session.add(TopicRead(user_id=reader.id, topic_id=elsewhere.id, last_seen_post_id=10**6))
    topic = make_topic()
    first = make_post(topic=topic, author=other)
    make_post(topic=topic, author=reader)  # their own: never new to them
    later = [make_post(topic=topic, author=other) for _ in range(2)]
    db.session.commit()
    loaded = topic_pages.fetch_topic(reader, topic.id)
    assert loaded.viewer_last_seen is None and loaded.viewer_first_new is None
    assert reads.shown_mark(loaded) is None and reads.needs_recording(reader, loaded)
    db.session.add(TopicRead(user_id=reader.id, topic_id=topic.id, last_seen_post_id=first.id))
    db.session.commit()
    loaded = topic_pages.fetch_topic(reader, topic.id)
    assert (loaded.viewer_last_seen, loaded.viewer_first_new) == (first.id, later[0].id)
    assert reads.shown_mark(loaded) == first.id
    reads.record_visit(reader.id, loaded.id, loaded.last_post_id)
    db.session.commit()
    assert _mark(reader, topic) == later[-1].id
    loaded = topic_pages.fetch_topic(reader, topic.id)
    assert loaded.viewer_first_new is None and not reads.needs_recording(reader, loaded)
    guest = topic_pages.fetch_topic(AnonymousUserMixin(), topic.id)
    assert guest.viewer_last_seen is None and guest.viewer_first_new is None


def test_is_new():
    assert reads.is_new(5, 2, 4, 1) and not reads.is_new(4, 2, 4, 1)
    assert not reads.is_new(5, 1, 4, 1)  # their own post
    assert not reads.is_new(5, 2, None, 1)  # no mark: never opened


def test_mark_all_read_marks_only_what_the_member_may_see(make_user, make_topic, make_post, make_class,
                                                           make_class_debate):
    member, other = make_user(), make_user()
    public = make_topic()
    make_post(topic=public, author=other)
    classroom = make_class(students=1)
    private = make_class_debate(classroom)
    reads.mark_all_read(member)
    db.session.flush()
    assert _mark(member, public) == db.session.scalar(select(func.max(Post.id)).where(Post.topic_id == public.id))
    assert _mark(member, private) is None  # not theirs: no row, no count to leak
    reads.mark_all_read(member)  # twice: the marks move, nothing breaks
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(TopicRead).where(TopicRead.user_id == member.id)) \
        == db.session.scalar(select(func.count()).select_from(Topic).where(Topic.class_id.is_(None)))


def test_a_class_topic_the_member_left_is_never_counted(make_user, make_class, make_topic, make_post):
    classroom = make_class(students=0)
    student, peer = make_user(), make_user()
    classes.join_class(student, classroom.join_code)
    classes.join_class(peer, classroom.join_code)
    private = make_topic(author=classroom.instructor, class_id=classroom.id)
    db.session.add(TopicRead(user_id=student.id, topic_id=private.id, last_seen_post_id=0))
    make_post(topic=private, author=peer, body="For the class only.")
    assert reads.unread_counts(student, [private.id]) == {private.id: 1}
    db.session.execute(delete(ClassMembership).where(ClassMembership.user_id == student.id,
                                                     ClassMembership.class_id == classroom.id))
    db.session.flush()
    assert reads.unread_counts(student, [private.id]) == {}  # left the class: nothing, not even a count
    assert reads.unread_counts(peer, [private.id]) == {}  # never opened it


# --- the pages ------------------------------------------------------------------------------------

@pytest.fixture
def scene(make_user, make_topic, make_post, copies):
    """A discussion a reader opened, after which someone else wrote two replies."""
    reader, writer, other_reader = make_user("reader"), make_user("writer"), make_user("bystander")
    topic = make_topic(title="A discussion with news")
    old = make_post(topic=topic, author=writer, body="Read already.")
    db.session.add(TopicRead(user_id=reader.id, topic_id=topic.id, last_seen_post_id=old.id))
    new = [make_post(topic=topic, author=writer, body=f"News number {n}.") for n in (1, 2)]
    mine = make_post(topic=topic, author=reader, body="The reader's own words.")
    db.session.commit()
    return dict(reader=reader, writer=writer, other=other_reader, topic=topic, old=old, new=new, mine=mine)


def _new_tags(html: str) -> list[int]:
    """The ids of the posts marked New on a thread page."""
    return [int(i) for i in re.findall(r'id="p(\d+)-by"><span class="tag tag-new">New', html)]


def test_the_topic_page_marks_new_posts_links_the_first_and_records_the_visit(client, scene):
    s = scene
    client.login(s["reader"])
    page = client.get(f"/t/{s['topic'].id}")
    assert page.status_code == 200
    assert _new_tags(page.text) == [post.id for post in s["new"]]
    assert f'<a href="#p{s["new"][0].id}">Jump to the first unread post</a>' in page.text
    assert "(2 new on this page)" in page.text
    assert _mark(s["reader"], s["topic"]) == s["mine"].id  # read up to the newest post
    # The page with the old marks is not served again: the mark is in the ETag.
    again = client.get(f"/t/{s['topic'].id}", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 200 and _new_tags(again.text) == [] and "Jump to the first unread" not in again.text
    assert client.get(f"/t/{s['topic'].id}", headers={"If-None-Match": again.headers["ETag"]}).status_code == 304


def test_the_home_and_article_pages_count_new_posts(client, scene):
    s = scene
    client.login(s["reader"])
    home = client.get("/").text
    assert '<span class="tag tag-new">2 new<span class="visually-hidden"> since your last visit</span></span>' in home
    assert "Mark all read" in home
    article = client.get(f"/a/{s['topic'].article.slug}").text
    assert '<span class="tag tag-new">2 new' in article
    client.get(f"/t/{s['topic'].id}")
    assert "tag-new" not in client.get("/").text


def test_mark_all_read_from_the_home_page(client, scene):
    s = scene
    client.login(s["reader"])
    response = client.post("/read-all")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert _mark(s["reader"], s["topic"]) == s["mine"].id
    assert "tag-new" not in client.get("/").text


def test_mark_all_read_is_refused_to_a_guest_and_without_a_token(csrf_app, scene):
    s = scene
    client = csrf_app.test_client()
    response = client.post("/read-all")
    assert response.status_code in (302, 401) and "/auth/login" in response.headers.get("Location", "/auth/login")
    client.login(s["reader"])
    assert client.post("/read-all").status_code == 400
    assert client.post("/read-all", data={"csrf_token": "forged"}).status_code == 400
    assert _mark(s["reader"], s["topic"]) == s["old"].id  # nothing moved


def test_guests_get_the_same_page_byte_for_byte(client, scene):
    s = scene
    urls = ["/", f"/t/{s['topic'].id}", f"/a/{s['topic'].article.slug}"]
    before = {url: client.get(url) for url in urls}
    client.login(s["reader"]).get(f"/t/{s['topic'].id}")
    client.post("/read-all")
    client.logout()
    for url in urls:
        after = client.get(url)
        assert after.data == before[url].data, url
        assert after.headers.get("ETag") == before[url].headers.get("ETag")
        assert "tag-new" not in after.text and "Mark all read" not in after.text and "unread" not in after.text


def test_a_reader_reading_changes_nothing_for_another(client, scene):
    s = scene
    url = f"/t/{s['topic'].id}"
    version = _topic(s["topic"].id).version
    client.login(s["other"])
    client.get(url)  # their first visit moves their own mark (and so their page's ETag)
    theirs = client.get(url)
    assert client.get(url, headers={"If-None-Match": theirs.headers["ETag"]}).status_code == 304
    client.login(s["reader"]).get(url)
    assert _mark(s["reader"], s["topic"]) == s["mine"].id
    assert _topic(s["topic"].id).version == version  # a read mark moves no version
    client.login(s["other"])
    assert client.get(url, headers={"If-None-Match": theirs.headers["ETag"]}).status_code == 304
    assert _new_tags(client.get(url).text) == []


def test_the_columns_view_marks_new_arguments(client, make_debate, make_user, make_post, copies):
    reader, writer = make_user(), make_user()
    debate = make_debate(arguments=0)
    seen = make_post(topic=debate, author=writer, body="An old argument.", stance=Stance.PRO)
    db.session.add(TopicRead(user_id=reader.id, topic_id=debate.id, last_seen_post_id=seen.id))
    fresh = make_post(topic=debate, author=writer, body="A fresh argument.", stance=Stance.CON)
    db.session.commit()
    page = client.login(reader).get(f"/t/{debate.id}").text
    assert re.findall(r'id="card(\d+)-by"><span class="tag tag-new">New', page) == [str(fresh.id)]
    assert f'href="#card{fresh.id}-by">Jump to the first unread post' in page
    assert "tag-new" not in client.logout().get(f"/t/{debate.id}").text


def test_a_private_class_topic_is_never_counted_for_an_outsider(client, make_user, make_class, make_topic,
                                                                  make_post):
    classroom = make_class(students=1)
    private = make_topic(author=classroom.instructor, class_id=classroom.id, title="For the class alone")
    outsider = make_user()
    client.login(outsider).post("/read-all")
    assert _mark(outsider, private) is None
    # Even a mark left behind (a member who has left since) shows nothing: the topic is not theirs to see.
    db.session.add(TopicRead(user_id=outsider.id, topic_id=private.id, last_seen_post_id=0))
    make_post(topic=private, author=classroom.instructor, body="For the class only.")
    db.session.commit()
    home = client.get("/").text
    assert "For the class alone" not in home and "tag-new" not in home
    assert unread.list_counts(outsider, [private]) == {}
    assert client.get(f"/t/{private.id}").status_code == 404
    assert _mark(outsider, private) == 0  # a refused page records nothing


def test_the_home_page_counts_in_one_query(client, make_user, make_article, make_topic, make_post, count_queries):
    article = make_article()
    reader, writer = make_user(), make_user()
    client.login(reader)
    counts = []
    for size in (2, 12):
        while len(counts) < size:
            topic = make_topic(article=article, author=writer)
            old = make_post(topic=topic, author=writer)
            db.session.add(TopicRead(user_id=reader.id, topic_id=topic.id, last_seen_post_id=old.id))
            make_post(topic=topic, author=writer)
            counts.append(topic)
        db.session.commit()
        client.get("/")
        with count_queries() as queries:
            home = client.get("/").text
        assert home.count('<span class="tag tag-new">1 new') == size
        assert len([q for q in queries if "topic_reads" in q]) == 1
        counts[size - 1] = len(queries)
    assert counts[1] == counts[11]


def test_the_topic_page_queries_do_not_grow_with_new_posts(client, make_user, make_topic, make_post, count_queries):
    reader, writer = make_user(), make_user()
    counts = []
    for size in (3, 40):
        topic = make_topic(author=writer)
        first = make_post(topic=topic, author=writer)
        for _ in range(size):
            make_post(topic=topic, author=writer)
        db.session.add(TopicRead(user_id=reader.id, topic_id=topic.id, last_seen_post_id=first.id))
        db.session.commit()
        client.login(reader)
        with count_queries() as queries:
            page = client.get(f"/t/{topic.id}").text
        assert len(_new_tags(page)) == min(size, 19)  # one page of 20 top-level posts, the first read
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12


def test_a_visit_with_nothing_new_writes_nothing(client, make_user, make_topic, count_queries):
    topic = make_topic(posts=5)
    reader = make_user()
    client.login(reader)
    with count_queries() as first:
        client.get(f"/t/{topic.id}")
    with count_queries() as second:
        client.get(f"/t/{topic.id}")
    assert [q for q in first if "INSERT INTO topic_reads" in q] and len(second) == len(first) - 1
    assert not [q for q in second if "topic_reads" in q and not q.lstrip().startswith("SELECT")]
