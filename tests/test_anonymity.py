"""Pseudonyms in anonymous class debates: stable, unique, never the username."""
import pytest

from forum.domain import anonymity, classes
from forum.extensions import db
from forum.models import User


def test_pseudonyms_are_stable_and_unique():
    ids = list(range(1, 301))
    names = anonymity.pseudonyms(9, ids)
    assert names == anonymity.pseudonyms(9, list(reversed(ids)))
    assert len(set(names.values())) == 300
    assert all(len(name.split()) == 2 for name in names.values())
    assert anonymity.pseudonyms(9, [5])[5] == names[5]  # the roster around does not change a name without a clash


def test_pseudonyms_differ_between_debates():
    ids = list(range(1, 30))
    assert anonymity.pseudonyms(1, ids) != anonymity.pseudonyms(2, ids)


def test_names_mapping_by_viewer(make_class, make_class_debate):
    classroom = make_class(students=2)
    topic = make_class_debate(classroom, anonymous=True)
    first, second = classes.student_ids(classroom.id)
    student = db.session.get(User, first)
    as_student = anonymity.names_for_topic(student, topic)
    as_teacher = anonymity.names_for_topic(classroom.instructor, topic)
    assert as_student[second].real is None and as_student[first].is_you
    assert as_teacher[second].real == db.session.get(User, second).name
    assert as_student[second].label == as_teacher[second].label
    assert classroom.instructor.id not in as_student  # instructors keep their names


def test_no_mapping_when_not_anonymous(make_class, make_class_debate, make_topic):
    classroom = make_class(students=1)
    assert anonymity.names_for_topic(classroom.instructor, make_class_debate(classroom)) == {}
    assert anonymity.names_for_topic(classroom.instructor, make_topic()) == {}


@pytest.fixture
def anonymous_debate(make_anonymous_debate):
    topic, post, alice, bruno, classroom = make_anonymous_debate("Alice argues for pay.")
    names = anonymity.pseudonyms(topic.id, [alice.id, bruno.id])
    return topic, post, alice, bruno, names, classroom


def test_classmates_see_pseudonyms_everywhere_in_the_debate(client, anonymous_debate):
    topic, post, alice, bruno, names, _ = anonymous_debate
    client.login(bruno)
    for url in (f"/t/{topic.id}", f"/p/{post.id}", f"/p/{post.id}/reply", f"/p/{post.id}/history"):
        html = client.get(url).get_data(as_text=True)
        assert names[alice.id] in html, url
        assert "alice_real" not in html, url
        assert "/u/alice_real" not in html, url
    transcript = client.get(f"/classes/{topic.class_id}/debates/{topic.id}/transcript.md").get_data(as_text=True)
    assert names[alice.id] in transcript and "alice_real" not in transcript


def test_instructors_see_real_names_beside_pseudonyms(client, anonymous_debate):
    topic, post, alice, _, names, classroom = anonymous_debate
    html = client.login(classroom.instructor).get(f"/t/{topic.id}").get_data(as_text=True)
    assert names[alice.id] in html and "alice_real" in html
    transcript = client.get(f"/classes/{topic.class_id}/debates/{topic.id}/transcript.md").get_data(as_text=True)
    assert f"{names[alice.id]} (alice_real)" in transcript


def test_profiles_do_not_unmask_pseudonyms(client, anonymous_debate):
    topic, post, alice, bruno, _, _ = anonymous_debate
    assert "Alice argues for pay." not in client.login(bruno).get("/u/alice_real").get_data(as_text=True)
    assert "Alice argues for pay." in client.login(alice).get("/u/alice_real").get_data(as_text=True)
