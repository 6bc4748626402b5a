import csv
import io

import pytest

from forum.pages.csv_export import safe_cell, write_csv


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), (None, ""), (42, "42"), ("", ""),
    # Past the first character: after spaces, and after any separator.
    ("  =1+1", "'  =1+1"), (";=1+1", "';=1+1"), ("x;=1+1", "'x;=1+1"), ("a,@SUM(A1)", "'a,@SUM(A1)"),
    ("ok|+cmd", "'ok|+cmd"), ("line\n=HYPERLINK(1)", "'line\n=HYPERLINK(1)"), ("a\t -1", "'a\t -1"),
    ("e=mc2; fine", "e=mc2; fine"), ("3-2 votes", "3-2 votes"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_to_csv_quotes_and_keeps_unicode():
    text = write_csv([["name", "note"], ["Zoë", 'said "hi", then left'], ["=cmd", "line\nbreak"]]).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "note"], ["Zoë", 'said "hi", then left'], ["'=cmd", "line\nbreak"]]
