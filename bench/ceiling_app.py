"""The ceiling page: bare Flask rendering a Jinja template, no database.

bench/pages.py serves it under the same gunicorn settings as the forum and sets
CEILING_BYTES to the size of the topic page, so the two pages ship the same
bytes; the forum's pages are then measured as a ratio of this one.
"""
import os

from flask import Flask, render_template

app = Flask(__name__)
TARGET = int(os.environ.get("CEILING_BYTES", "100000"))
TEXT = ("Artists given early access to a video model shared it publicly, saying the program asked "
        "for unpaid feedback while their work and names lent it credibility. ") * 3
POSTS = [{"id": n, "author": f"person{n % 50}", "body": TEXT} for n in range(max(1, TARGET // 700))]


def _render(padding: str) -> str:
    return render_template("ceiling.html", posts=POSTS, padding=padding)


with app.test_request_context():
    PADDING = " " * max(0, TARGET - len(_render("").encode()))


@app.get("/")
def page():
    return _render(PADDING)
