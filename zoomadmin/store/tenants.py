"""Tenants: create, rename, list with their hosts and coming sessions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from zoomadmin.core.errors import InvalidValue
from zoomadmin.core.records import DEFAULT_EMAIL_SCHEME, TenantRecord, TenantSummary, slugify
from zoomadmin.store._sql import Bind, table_of
from zoomadmin.store.errors import InvalidValueError, NotFoundError, TenantExistsError
from zoomadmin.store.meetings import DELETED
from zoomadmin.store.models import Host, Meeting, MeetingOccurrence, SettingsPolicyRow, Tenant
from zoomadmin.store.types import UtcDateTime, utc_now

_tenant = table_of(Tenant)
_host = table_of(Host)
_meeting = table_of(Meeting)
_occ = table_of(MeetingOccurrence)
_policy = table_of(SettingsPolicyRow)

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


class _Unset:
    """Marks an argument that was not given (None is a real value for some fields)."""


UNSET: Final = _Unset()


def _check(values: dict[str, Any]) -> None:
    if "name" in values and not values["name"].strip():
        raise InvalidValueError("A tenant needs a name.")
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidValueError(
                f"{values['timezone']!r} is not a known time zone; use a name such as "
                "'Europe/Berlin'."
            ) from exc
    if "slug" in values and not _SLUG.match(values["slug"]):
        raise InvalidValueError(
            f"The email tag {values['slug']!r} may hold only lowercase letters, digits and '-'."
        )


def _check_scheme(record: TenantRecord) -> None:
    try:
        first, second = record.host_email(1), record.host_email(2)
    except InvalidValue as exc:
        raise InvalidValueError(exc.user_message) from exc
    if first == second:
        raise InvalidValueError(f"The email scheme {record.email_scheme!r} needs {{n}}.")
    if first.count("@") != 1 or first.startswith("@") or first.endswith("@"):
        raise InvalidValueError(f"The email scheme gives {first!r}, which is not an email.")


class TenantRepository:
    """Reads and writes tenants; names are unique regardless of letter case."""

    def __init__(self, engine: Bind) -> None:
        self._engine = engine

    def create(
        self,
        *,
        name: str,
        timezone: str,
        mailbox: str,
        domain: str,
        slug: str | None = None,
        email_scheme: str = DEFAULT_EMAIL_SCHEME,
        settings_policy: str | None = None,
    ) -> TenantRecord:
        """Add a tenant; raises :class:`TenantExistsError` if the name or tag is taken."""
        now = utc_now()
        values: dict[str, Any] = {
            "name": name.strip(),
            "slug": slug if slug is not None else slugify(name),
            "timezone": timezone,
            "mailbox": mailbox.strip(),
            "domain": domain.strip().lower(),
            "email_scheme": email_scheme,
            "settings_policy": settings_policy,
            "created_at": now,
            "updated_at": now,
        }
        _check(values)
        _check_scheme(TenantRecord(id=0, **values))
        with self._engine.begin() as conn:
            self._refuse_duplicates(conn, values, exclude_id=None)
            try:
                new_id = conn.execute(insert(_tenant).values(values)).inserted_primary_key
            except IntegrityError as exc:
                raise TenantExistsError(f"A tenant named {name!r} already exists.") from exc
        if new_id is None:  # our bug, never the user's: every insert returns its key
            raise RuntimeError("The database gave no id for the new tenant.")
        return TenantRecord(id=int(new_id[0]), **values)

    def update(
        self,
        tenant_id: int,
        *,
        name: str | _Unset = UNSET,
        timezone: str | _Unset = UNSET,
        mailbox: str | _Unset = UNSET,
        domain: str | _Unset = UNSET,
        slug: str | _Unset = UNSET,
        email_scheme: str | _Unset = UNSET,
        settings_policy: str | _Unset | None = UNSET,
    ) -> TenantRecord:
        """Change the given fields of a tenant and return it as stored."""
        given = {
            "name": name,
            "timezone": timezone,
            "mailbox": mailbox,
            "domain": domain,
            "slug": slug,
            "email_scheme": email_scheme,
            "settings_policy": settings_policy,
        }
        values: dict[str, Any] = {k: v for k, v in given.items() if not isinstance(v, _Unset)}
        _check(values)
        with self._engine.begin() as conn:
            current = self._get(conn, tenant_id)
            merged = {**current.__dict__, **values}
            _check_scheme(TenantRecord(**merged))
            self._refuse_duplicates(conn, values, exclude_id=tenant_id)
            values["updated_at"] = utc_now()
            try:
                conn.execute(update(_tenant).where(_tenant.c.id == tenant_id).values(values))
            except IntegrityError as exc:
                raise TenantExistsError(
                    f"A tenant named {merged['name']!r} already exists."
                ) from exc
            return self._get(conn, tenant_id)

    def get(self, tenant_id: int) -> TenantRecord:
        """The tenant with id ``tenant_id``; raises :class:`NotFoundError`."""
        with self._engine.connect() as conn:
            return self._get(conn, tenant_id)

    def find_by_name(self, name: str) -> TenantRecord | None:
        """The tenant called ``name`` (any letter case), or None."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(_tenant).where(func.lower(_tenant.c.name) == name.strip().lower())
            ).one_or_none()
        return None if row is None else TenantRecord(**row._mapping)

    def all(self) -> list[TenantRecord]:
        """Every tenant, by name."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(_tenant).order_by(func.lower(_tenant.c.name))).all()
        return [TenantRecord(**r._mapping) for r in rows]

    def summaries(self, now: datetime, until: datetime | None = None) -> list[TenantSummary]:
        """Every tenant with its host count and its sessions starting in ``[now, until)``."""
        hosts = (
            select(_host.c.tenant_id, func.count().label("n"))
            .group_by(_host.c.tenant_id)
            .subquery()
        )
        window = [_occ.c.status != DELETED, _occ.c.start_time >= now]
        if until is not None:
            window.append(_occ.c.start_time < until)
        sessions = (
            select(
                _host.c.tenant_id,
                func.count().label("n"),
                func.min(_occ.c.start_time, type_=UtcDateTime).label("first"),
            )
            .select_from(_occ.join(_meeting).join(_host))
            .where(*window)
            .group_by(_host.c.tenant_id)
            .subquery()
        )
        query = (
            select(_tenant, hosts.c.n, sessions.c.n, sessions.c.first, _policy.c.name)
            .outerjoin(hosts, hosts.c.tenant_id == _tenant.c.id)
            .outerjoin(sessions, sessions.c.tenant_id == _tenant.c.id)
            .outerjoin(_policy, _policy.c.tenant_id == _tenant.c.id)
            .order_by(func.lower(_tenant.c.name))
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        width = len(_tenant.c)
        return [
            TenantSummary(
                tenant=TenantRecord(*row[:width]),
                host_count=int(row[width] or 0),
                coming_sessions=int(row[width + 1] or 0),
                next_session_at=row[width + 2],
                policy_name=row[width + 3],
            )
            for row in rows
        ]

    def delete(self, tenant_id: int) -> None:
        """Remove a tenant; its hosts stay, unassigned."""
        with self._engine.begin() as conn:
            result = conn.execute(delete(_tenant).where(_tenant.c.id == tenant_id))
        if result.rowcount == 0:
            raise NotFoundError(f"Tenant {tenant_id} does not exist (any more).")

    @staticmethod
    def _get(conn: Connection, tenant_id: int) -> TenantRecord:
        row = conn.execute(select(_tenant).where(_tenant.c.id == tenant_id)).one_or_none()
        if row is None:
            raise NotFoundError(f"Tenant {tenant_id} does not exist (any more).")
        return TenantRecord(**row._mapping)

    @staticmethod
    def _refuse_duplicates(
        conn: Connection, values: dict[str, Any], exclude_id: int | None
    ) -> None:
        others = select(_tenant.c.name, _tenant.c.slug)
        if exclude_id is not None:
            others = others.where(_tenant.c.id != exclude_id)
        if "name" in values:
            clash = conn.execute(
                others.where(func.lower(_tenant.c.name) == values["name"].lower())
            ).first()
            if clash is not None:
                raise TenantExistsError(f"A tenant named {clash.name!r} already exists.")
        if "slug" in values:
            clash = conn.execute(others.where(_tenant.c.slug == values["slug"])).first()
            if clash is not None:
                raise TenantExistsError(
                    f"The tenant {clash.name!r} already uses the email tag {values['slug']!r}; "
                    "choose another tag."
                )
