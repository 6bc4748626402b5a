"""Rubrics and grades; CSV safety."""
import pytest

from forum.domain import classes, grading
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import ClassDebate, User
from forum.pages.csv_export import safe_cell, write_csv


@pytest.fixture
def graded(make_class, make_class_debate):
    classroom = make_class(students=2)
    topic = make_class_debate(classroom)
    first, second = (db.session.get(User, i) for i in classes.student_ids(classroom.id))
    return topic, first, second


def test_default_rubric(graded):
    topic, *_ = graded
    rubric = grading.rubric(topic.id)
    assert [c.name for c in rubric] == ["Evidence", "Reasoning", "Engagement with the other side", "Civility"]
    assert all(c.max_points == 5 and c.description for c in rubric)


def test_save_grades_checks_the_range_and_updates(graded):
    topic, student, _ = graded
    evidence, reasoning, *_ = grading.rubric(topic.id)
    grading.save_grades(topic, student, {evidence.id: (4, "Good sources"), reasoning.id: (3, "")})
    grading.save_grades(topic, student, {evidence.id: (5, "Better"), reasoning.id: (None, "")})
    mine = grading.grades_by_student(topic.id)[student.id]
    assert mine.total == 5 and mine.by_criterion[evidence.id].comment == "Better"
    with pytest.raises(RuleError, match="takes 0 to 5 points; 6 is outside"):
        grading.save_grades(topic, student, {evidence.id: (6, "")})
    with pytest.raises(RuleError, match="Give points"):
        grading.save_grades(topic, student, {reasoning.id: (None, "a comment without points")})


def test_students_see_only_their_own_grades_once_released(graded):
    topic, first, second = graded
    evidence = grading.rubric(topic.id)[0]
    grading.save_grades(topic, first, {evidence.id: (4, "for first")})
    grading.save_grades(topic, second, {evidence.id: (2, "for second")})
    debate = db.session.get(ClassDebate, topic.id)
    assert grading.released_grades_for(debate, first) is None
    grading.set_released(debate, True)
    mine = grading.released_grades_for(debate, first)
    assert mine.total == 4 and set(mine.by_criterion) == {evidence.id}
    assert mine.by_criterion[evidence.id].student_id == first.id


def test_rubric_criteria_can_be_added_and_removed(graded):
    topic, *_ = graded
    added = grading.add_criterion(topic, name="Sources", description="Cites the article", max_points=10)
    assert grading.rubric(topic.id)[-1].id == added.id
    grading.remove_criterion(topic, added)
    assert added.id not in [c.id for c in grading.rubric(topic.id)]
    with pytest.raises(RuleError, match="between 1 and 100"):
        grading.add_criterion(topic, name="X", description="", max_points=0)


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), (-3, "-3"), (4, "4"), (None, ""),
])
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


def test_write_csv_has_a_bom_and_quotes():
    text = write_csv([["name", "note"], ["Zoë", 'said "=1+1", then left']])
    assert text.startswith("\ufeffname,note\r\n")
    assert 'Zoë,"said ""=1+1"", then left"' in text
