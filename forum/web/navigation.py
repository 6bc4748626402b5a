"""Where a request came from and where it goes next: safe `next` targets, page
numbers, and back to the page a new post is seen on."""
from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for

from ..pages import topic_pages


def safe_next(target: str | None, default: str | None = None) -> str:
    """`target` if it is a path on this site, else `default` (or the home page)."""
    if target:
        parts = urlsplit(target)
        if (not parts.scheme and not parts.netloc and target.startswith("/")
                and not target.startswith("//") and "\\" not in target
                and target.isprintable()):  # no CR/LF or other control characters for a header
            return target
    return default or url_for("home.index")


def page_arg() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


def to_new_post(landing: topic_pages.Landing):
    """After posting: back in the debate or thread at the new post, with a word that it is there."""
    flash(f"Your {landing.what} is posted: here it is.", "success")
    return redirect(landing.url)
