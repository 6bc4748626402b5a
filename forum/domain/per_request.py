"""What a request has already read, kept for the rest of it: one object per request.

A page reads some things once and several parts of it need them: the signed-in
member's unread count (loaded with the member, web/login.py) and their role in
each class a page touches. They travel in `Loaded`, made fresh at the start of
every request (`init_app`) and reached through `loaded()`. A request that
writes keeps no class role (the write may change it); outside a request nothing
is kept.
"""
from dataclasses import dataclass, field

from flask import Flask, g, has_request_context, request


@dataclass
class Loaded:
    class_roles: dict[tuple[int, int], str | None] = field(default_factory=dict)
    unread_count: int | None = None


def init_app(app: Flask) -> None:
    @app.before_request
    def start_fresh():
        g.loaded = Loaded()


def loaded() -> Loaded:
    """This request's `Loaded`; outside a request, an empty one nobody keeps."""
    if has_request_context() and "loaded" in g:
        return g.loaded
    return Loaded()


def class_roles() -> dict[tuple[int, int], str | None]:
    """This GET's class roles; a write request starts from nothing each time."""
    if has_request_context() and request.method == "GET":
        return loaded().class_roles
    return {}
