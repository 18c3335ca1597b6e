"""Host users: bulk sync from Zoom, tenant assignment, and the hosts view with next sessions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from zoomadmin.core.records import FieldChange, HostOverview, HostRecord, encode_changes
from zoomadmin.store._sql import Bind, chunks, table_of
from zoomadmin.store.errors import HostExistsError, NotFoundError
from zoomadmin.store.meetings import DELETED
from zoomadmin.store.models import Host, Meeting, MeetingOccurrence
from zoomadmin.store.types import UtcDateTime, utc_now

_host = table_of(Host)
_meeting = table_of(Meeting)
_occ = table_of(MeetingOccurrence)

# Fields Zoom owns: a difference between Zoom and the local copy is kept on the host (as
# ``FieldChange``s; the screens put them into words).
_ZOOM_FIELDS = ("email", "first_name", "last_name", "user_type", "status")


@dataclass(frozen=True)
class HostData:
    """A host as Zoom reports it; ``tenant_id`` None keeps the host's current tenant."""

    zoom_user_id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    user_type: int = 1
    status: str = "active"
    tenant_id: int | None = None


@dataclass(frozen=True)
class UpsertResult:
    """What :meth:`HostRepository.upsert` did."""

    inserted: int
    updated: int
    unchanged: int


def _describe_changes(old: Any, new: dict[str, Any]) -> str | None:
    """The Zoom-owned fields that differ, encoded for the ``changed_in_zoom`` column."""
    return encode_changes(
        tuple(
            FieldChange(name, getattr(old, name), new[name])
            for name in _ZOOM_FIELDS
            if getattr(old, name) != new[name]
        )
    )


class HostRepository:
    """Reads and writes hosts; emails are kept in lower case and are unique."""

    def __init__(self, engine: Bind) -> None:
        self._engine = engine

    def upsert(
        self, hosts: Sequence[HostData], *, synced_at: datetime | None = None
    ) -> UpsertResult:
        """Insert new hosts and refresh known ones (by Zoom user id) in one transaction.

        A known host whose Zoom fields differ gets a ``changed_in_zoom`` note; every host in
        ``hosts`` is marked present in Zoom and synced at ``synced_at``.
        """
        now = synced_at or utc_now()
        incoming = {h.zoom_user_id: h for h in hosts}
        emails: dict[str, str] = {}
        for h in incoming.values():
            email = h.email.strip().lower()
            if email in emails:
                raise HostExistsError(
                    f"Two hosts in the list share the email {email!r} "
                    f"({emails[email]} and {h.zoom_user_id})."
                )
            emails[email] = h.zoom_user_id
        try:
            with self._engine.begin() as conn:
                return self._upsert(conn, list(incoming.values()), now)
        except IntegrityError as exc:
            raise self._email_clash(emails) from exc

    def _upsert(self, conn: Connection, hosts: list[HostData], now: datetime) -> UpsertResult:
        existing: dict[str, Any] = {}
        for part in chunks([h.zoom_user_id for h in hosts]):
            for row in conn.execute(select(_host).where(_host.c.zoom_user_id.in_(part))):
                existing[row.zoom_user_id] = row
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        unchanged = 0
        for h in hosts:
            values = {
                "email": h.email.strip().lower(),
                "first_name": h.first_name,
                "last_name": h.last_name,
                "user_type": h.user_type,
                "status": h.status,
            }
            old = existing.get(h.zoom_user_id)
            if old is None:
                inserts.append(
                    {
                        **values,
                        "zoom_user_id": h.zoom_user_id,
                        "tenant_id": h.tenant_id,
                        "missing_in_zoom": False,
                        "changed_in_zoom": None,
                        "last_synced_at": now,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                continue
            note = _describe_changes(old, values)
            unchanged += note is None
            updates.append(
                {
                    **values,
                    "_id": old.id,
                    "tenant_id": h.tenant_id if h.tenant_id is not None else old.tenant_id,
                    "missing_in_zoom": False,
                    "changed_in_zoom": note if note is not None else old.changed_in_zoom,
                    "last_synced_at": now,
                    "updated_at": now if note is not None else old.updated_at,
                }
            )
        if inserts:
            conn.execute(insert(_host), inserts)
        if updates:
            stmt = update(_host).where(_host.c.id == bindparam("_id"))
            conn.execute(stmt, updates)
        return UpsertResult(len(inserts), len(updates) - unchanged, unchanged)

    def _email_clash(self, emails: dict[str, str]) -> HostExistsError:
        with self._engine.connect() as conn:
            for part in chunks(list(emails)):
                query = select(_host.c.email, _host.c.zoom_user_id).where(_host.c.email.in_(part))
                for email, owner in conn.execute(query):
                    if emails[email] != owner:
                        return HostExistsError(
                            f"A host with the email {email!r} already exists (Zoom user {owner})."
                        )
        return HostExistsError("A host with one of these emails or Zoom ids already exists.")

    def add(self, host: HostData) -> HostRecord:
        """Add one host; raises :class:`HostExistsError` if its email or Zoom id is taken."""
        with self._engine.connect() as conn:
            taken = conn.execute(
                select(_host.c.id).where(_host.c.zoom_user_id == host.zoom_user_id)
            ).first()
        if taken is not None:
            raise HostExistsError(f"The Zoom user {host.zoom_user_id} is already a host here.")
        self.upsert([host])
        return self.get_by_zoom_id(host.zoom_user_id)

    def get(self, host_id: int) -> HostRecord:
        """The host with id ``host_id``; raises :class:`NotFoundError`."""
        return self._one(_host.c.id == host_id, f"Host {host_id} does not exist (any more).")

    def get_by_zoom_id(self, zoom_user_id: str) -> HostRecord:
        """The host for a Zoom user id; raises :class:`NotFoundError`."""
        return self._one(
            _host.c.zoom_user_id == zoom_user_id,
            f"The Zoom user {zoom_user_id} is not a host here.",
        )

    def find_by_email(self, email: str) -> HostRecord | None:
        """The host with ``email`` (any letter case), or None."""
        try:
            return self._one(_host.c.email == email.strip().lower(), "")
        except NotFoundError:
            return None

    def _one(self, condition: Any, missing: str) -> HostRecord:
        with self._engine.connect() as conn:
            row = conn.execute(select(_host).where(condition)).one_or_none()
        if row is None:
            raise NotFoundError(missing)
        return HostRecord(**row._mapping)

    def all(self, tenant_id: int | None = None, *, unassigned: bool = False) -> list[HostRecord]:
        """Hosts of one tenant, or with no tenant, or (by default) all; by email."""
        query = select(_host).order_by(_host.c.email)
        if unassigned:
            query = query.where(_host.c.tenant_id.is_(None))
        elif tenant_id is not None:
            query = query.where(_host.c.tenant_id == tenant_id)
        with self._engine.connect() as conn:
            return [HostRecord(**r._mapping) for r in conn.execute(query)]

    def overview(
        self, now: datetime, tenant_id: int | None = None, *, unassigned: bool = False
    ) -> list[HostOverview]:
        """The hosts view: each host (of one tenant, with none, or all) and its next session."""
        pages = self.overview_pages(now, tenant_id, unassigned=unassigned)
        return [item for page in pages for item in page]

    def overview_pages(
        self,
        now: datetime,
        tenant_id: int | None = None,
        *,
        unassigned: bool = False,
        size: int = 500,
        host_ids: Sequence[int] | None = None,
    ) -> Iterator[list[HostOverview]]:
        """:meth:`overview` in pages of ``size`` hosts, each read as it is asked for
        (only ``host_ids``, when given)."""
        upcoming = (
            select(_meeting.c.host_id, func.min(_occ.c.start_time, type_=UtcDateTime).label("nxt"))
            .select_from(_occ.join(_meeting))
            .where(_occ.c.start_time >= now, _occ.c.status != DELETED)
            .group_by(_meeting.c.host_id)
            .subquery()
        )
        query = (
            select(_host, upcoming.c.nxt)
            .outerjoin(upcoming, upcoming.c.host_id == _host.c.id)
            .order_by(_host.c.email)
        )
        if unassigned:
            query = query.where(_host.c.tenant_id.is_(None))
        elif tenant_id is not None:
            query = query.where(_host.c.tenant_id == tenant_id)
        if host_ids is not None:
            query = query.where(_host.c.id.in_(list(host_ids)))
        width = len(_host.c)
        with self._engine.connect() as conn:
            for part in conn.execute(query).partitions(size):
                yield [HostOverview(HostRecord(*row[:width]), row[width]) for row in part]

    def assign(self, host_ids: Iterable[int], tenant_id: int | None) -> int:
        """Move hosts to a tenant (None: to no tenant); returns how many moved."""
        ids = list(host_ids)
        moved = 0
        try:
            with self._engine.begin() as conn:
                for part in chunks(ids):
                    moved += conn.execute(
                        update(_host)
                        .where(_host.c.id.in_(part))
                        .values(tenant_id=tenant_id, updated_at=utc_now())
                    ).rowcount
        except IntegrityError as exc:
            raise NotFoundError(f"Tenant {tenant_id} does not exist (any more).") from exc
        return moved

    def set_fields(
        self,
        host_id: int,
        *,
        user_type: int | None = None,
        status: str | None = None,
        names: tuple[str, str] | None = None,
    ) -> HostRecord:
        """Record a change zoomadmin itself made in Zoom (license given, user deactivated,
        renamed: ``names`` is (first, last))."""
        values: dict[str, Any] = {"updated_at": utc_now()}
        if names is not None:
            values["first_name"], values["last_name"] = names
        if user_type is not None:
            values["user_type"] = user_type
        if status is not None:
            values["status"] = status
        with self._engine.begin() as conn:
            conn.execute(update(_host).where(_host.c.id == host_id).values(values))
        return self.get(host_id)

    def clear_change_note(self, host_id: int) -> None:
        """The user has seen what changed in Zoom."""
        with self._engine.begin() as conn:
            conn.execute(update(_host).where(_host.c.id == host_id).values(changed_in_zoom=None))

    def mark_missing(self, present_zoom_user_ids: Iterable[str]) -> int:
        """After a full sync: flag every host Zoom no longer lists; returns how many."""
        present = set(present_zoom_user_ids)
        with self._engine.begin() as conn:
            rows = conn.execute(
                select(_host.c.id, _host.c.zoom_user_id).where(_host.c.missing_in_zoom.is_(False))
            ).all()
            gone = [r.id for r in rows if r.zoom_user_id not in present]
            for part in chunks(gone):
                conn.execute(update(_host).where(_host.c.id.in_(part)).values(missing_in_zoom=True))
        return len(gone)

    def count(self, tenant_id: int | None = None) -> int:
        """How many hosts (of one tenant, or all)."""
        query = select(func.count()).select_from(_host)
        if tenant_id is not None:
            query = query.where(_host.c.tenant_id == tenant_id)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def delete(self, host_id: int) -> None:
        """Forget a host and its meetings (it was deleted in Zoom)."""
        with self._engine.begin() as conn:
            if conn.execute(delete(_host).where(_host.c.id == host_id)).rowcount == 0:
                raise NotFoundError(f"Host {host_id} does not exist (any more).")
