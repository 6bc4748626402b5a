"""The admins' people page: members found by name, with their role and whether
they are suspended, a page at a time (three queries: the count, the page, the admins)."""
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..domain import roles
from ..domain.accounts import username_key
from ..extensions import db
from ..models import User
from .topic_pages import Pagination

QUERY_MAX = 60


@dataclass
class PeopleFilters:
    q: str = ""
    role: str = ""  # "" for every role

    @classmethod
    def parse(cls, q: str | None, role: str | None) -> "PeopleFilters":
        return cls(q=" ".join((q or "").split())[:QUERY_MAX], role=role if role in roles.ROLE_LABELS else "")

    def as_args(self) -> dict[str, str]:
        return {key: value for key, value in (("q", self.q), ("role", self.role)) if value}


@dataclass
class PeoplePage:
    people: list[User]
    filters: PeopleFilters
    pagination: Pagination
    # The admins who can act: with one, the page says that one cannot be demoted.
    active_admin_ids: list[int]

    @property
    def only_admin_id(self) -> int | None:
        return self.active_admin_ids[0] if len(self.active_admin_ids) == 1 else None


def people_query(filters: PeopleFilters):
    query = select(User)
    if filters.q:
        needle = username_key(filters.q)
        query = query.where(or_(User.username_key.contains(needle, autoescape=True),
                                func.lower(User.display_name).contains(filters.q.lower(), autoescape=True),
                                func.lower(User.email) == filters.q.lower()))
    if filters.role:
        query = query.where(User.role == filters.role)
    return query


def people_page(filters: PeopleFilters, *, page: int = 1, per_page: int = 50) -> PeoplePage:
    query = people_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pagination = Pagination(page=max(page, 1), per_page=per_page, total=total)
    people = list(db.session.scalars(query.order_by(User.username_key)
                                     .limit(per_page).offset((pagination.page - 1) * per_page)))
    return PeoplePage(people, filters, pagination, roles.active_admin_ids())
