"""Counterpoint: a discussion-and-debate forum anchored on an article."""
from pathlib import Path

from flask import Flask

from . import cli, config
from .domain import addresses, per_request, permissions
from .extensions import csrf, db, limiter, migrate
from .pages import display
from .views import BLUEPRINTS
from .web import caching, errors, hostile, limits, login, perf, security, transactions

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.load(app)
    if overrides:
        app.config.update(overrides)

    per_request.init_app(app)  # first: every other hook may read what it holds
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    limits.trust_proxies(app)
    login.init_app(app)
    transactions.init_app(app)

    hostile.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

    errors.register(app)
    security.init_app(app)
    _init_templates(app)
    perf.init_app(app)
    caching.init_app(app)
    cli.register(app)
    return app


def _init_templates(app: Flask) -> None:
    app.jinja_env.globals.update(permissions.JINJA_GLOBALS)
    app.jinja_env.globals["must_confirm_address"] = addresses.must_confirm
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    app.jinja_env.globals["central_question"] = app.config["CENTRAL_QUESTION"]
    app.jinja_env.filters.update(display.FILTERS)
    app.jinja_env.globals.update(display.GLOBALS, field_attrs=display.field_attrs)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
