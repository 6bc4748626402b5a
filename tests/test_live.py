"""Live updates: new posts since the reader's last, with a database-derived ETag."""


def test_updates_give_new_posts_rendered(client, make_topic, make_post):
    topic = make_topic()
    first = make_post(topic=topic)
    new_root = make_post(topic=topic, body="A **new** root")
    new_reply = make_post(parent=first, body="A new reply")
    data = client.get(f"/t/{topic.id}/updates?after={first.id}").get_json()
    assert data["count"] == 2 and data["last_id"] == new_reply.id
    assert data["posts"] == [{"id": new_root.id, "parent_id": None}, {"id": new_reply.id, "parent_id": first.id}]
    assert f'id="p{new_root.id}"' in data["html"] and "<strong>new</strong>" in data["html"]


def test_topic_page_starts_updates_after_its_last_post(client, make_topic, make_post):
    topic = make_topic()
    post = make_post(topic=topic)
    page = client.get(f"/t/{topic.id}").get_data(as_text=True)
    assert f'data-after="{post.id}"' in page and f'/t/{topic.id}/updates' in page
    assert 'aria-live="polite"' in page and "js/live.js" in page


def test_idle_topic_answers_304(client, make_topic, make_post, count_queries):
    topic = make_topic()
    post = make_post(topic=topic)
    first = client.get(f"/t/{topic.id}/updates?after={post.id}")
    assert first.status_code == 200 and first.get_json()["count"] == 0
    etag = first.headers["ETag"]
    assert "Last-Modified" not in first.headers  # one validator: the ETag
    url = f"/t/{topic.id}/updates?after={post.id}"
    with count_queries() as q:
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert len(q) == 1  # the topic: no posts loaded


def test_new_post_changes_the_etag(client, make_topic, make_post):
    topic = make_topic()
    post = make_post(topic=topic)
    etag = client.get(f"/t/{topic.id}/updates?after={post.id}").headers["ETag"]
    make_post(topic=topic)
    response = client.get(f"/t/{topic.id}/updates?after={post.id}", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.get_json()["count"] == 1


def test_etag_comes_from_the_database_not_the_process(app, make_topic, make_user):
    """Any worker gives the same ETag for the same topic, reader and `after`: it is made
    of the topic's version and the viewer's state, nothing a process keeps."""
    topic = make_topic()
    url = f"/t/{topic.id}/updates?after="
    etag = lambda client, after=0: client.get(url + str(after)).headers["ETag"]  # noqa: E731
    guest, other_guest, member = app.test_client(), app.test_client(), app.test_client().login(make_user())
    assert etag(guest) == etag(other_guest)
    assert etag(guest) != etag(member)
    assert etag(guest) != etag(guest, 5)


def test_updates_of_a_private_topic_are_404(client, make_topic, hide_topics):
    topic = make_topic()
    hide_topics(topic)
    assert client.get(f"/t/{topic.id}/updates?after=0").status_code == 404


def test_updates_ignore_a_bad_after(client, make_topic, make_post):
    topic = make_topic()
    make_post(topic=topic)
    assert client.get(f"/t/{topic.id}/updates?after=abc").get_json()["count"] == 1
    assert client.get(f"/t/{topic.id}/updates?after=99999999999999999999999").get_json()["count"] == 0


def test_updates_queries_do_not_grow(client, make_topic, count_queries):
    sizes = []
    for n in (3, 60):
        topic = make_topic(posts=n)
        with count_queries() as q:
            assert client.get(f"/t/{topic.id}/updates?after=0").get_json()["count"] == n
        sizes.append(len(q))
    assert sizes[0] == sizes[1] <= 10
