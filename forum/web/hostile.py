"""Input no page should ever see: refused at the door with a clear 4xx."""
from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# Ids are 32-bit signed integers in both databases; anything else is no id.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: 1 … 2**31-1, so a huge id is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_null_bytes():
        # PostgreSQL cannot store NUL in text and no person types one.
        if "\x00" in request.path or _has_nul(request.args.values()) or \
                _has_nul(request.args.keys()) or (
                request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
                and _has_nul(request.form.values())):
            abort(400, description="The request contained a null character, which text here can't hold.")
