"""Serving cheaply: static files under content-hashed URLs cached for a year,
and, for the benchmark only, the number of SQL queries each response took."""
import hashlib
import os
from pathlib import Path

from flask import Flask, g, has_app_context, request
from sqlalchemy import event

from ..extensions import db

STATIC_MAX_AGE = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    _version_static(app)
    if os.environ.get("BENCH_QUERY_COUNT") == "1":
        _count_queries(app)


def static_versions(folder: Path) -> dict[str, str]:
    """filename -> a short hash of its content, computed once at start-up."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _version_static(app: Flask) -> None:
    versions = static_versions(Path(app.static_folder))

    # Every url_for('static', filename=...) gets ?v=<hash>: templates stay as they are,
    # and a changed file gets a new URL, so the old one can be cached forever.
    @app.url_defaults
    def add_static_version(endpoint, values):
        if endpoint == "static" and "v" not in values:
            version = versions.get(values.get("filename"))
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned_static(response):
        if (request.endpoint == "static" and response.status_code in (200, 304)
                and request.args.get("v") == versions.get(request.view_args.get("filename"))):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = STATIC_MAX_AGE
            response.cache_control.immutable = True
        return response


def _count_queries(app: Flask) -> None:
    """X-Query-Count on every response; only when BENCH_QUERY_COUNT=1 (bench/pages.py)."""
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args):
        if has_app_context():
            g.bench_queries = g.get("bench_queries", 0) + 1

    @app.after_request
    def add_query_count(response):
        response.headers["X-Query-Count"] = str(g.get("bench_queries", 0))
        return response
