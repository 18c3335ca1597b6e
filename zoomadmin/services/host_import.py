"""Bulk add hosts from CSV: check every row first, then create in Zoom row by row."""

from __future__ import annotations

import asyncio
import csv
import enum
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from zoomadmin.core.enums import CreateAction, UserType
from zoomadmin.core.errors import AppError
from zoomadmin.core.records import HostRecord
from zoomadmin.services.host_errors import EmailInAccountError, explain_create_error
from zoomadmin.services.hosts import HostService, check_names, check_new_host
from zoomadmin.services.tenants import TenancyError
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import (
    AuthenticationFailed,
    DailyQuotaExceeded,
    MissingScope,
    NoPrivilege,
    NotFound,
    OutcomeUnknown,
    ZoomError,
)

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in all)."""

_COLUMNS = {
    "email": "email",
    "e-mail": "email",
    "first_name": "first_name",
    "first name": "first_name",
    "firstname": "first_name",
    "last_name": "last_name",
    "last name": "last_name",
    "lastname": "last_name",
    "type": "type",
    "license": "type",
}
_TYPES = {"": UserType.BASIC, "1": UserType.BASIC, "basic": UserType.BASIC}
_TYPES |= {"2": UserType.LICENSED, "licensed": UserType.LICENSED, "paid": UserType.LICENSED}
#: Errors after which no further row can succeed: the import stops.
_FATAL = (NoPrivilege, MissingScope, AuthenticationFailed, DailyQuotaExceeded)
MAX_ROWS = 5000


class CsvError(TenancyError):
    """The file cannot be read as a host list at all."""


class Outcome(enum.StrEnum):
    """What happened to one row."""

    CREATED = "Invited (pending activation)"
    CONFIRMED = "Invited (confirmed after a lost answer)"
    LINKED = "Linked (already in the account)"
    FAILED = "Failed"
    NOT_CREATED = "Not created"
    SKIPPED = "Skipped"


@dataclass(frozen=True)
class ImportRow:
    """One host line of the file, with the problems found in it."""

    line: int
    email: str
    first_name: str
    last_name: str
    type_text: str
    user_type: UserType | None
    problems: tuple[str, ...] = ()
    generated_email: bool = False
    linkable: bool = False
    """The email is a user of this Zoom account in no tenant: it can be linked instead."""

    @property
    def ok(self) -> bool:
        """Whether the row can be created."""
        return not self.problems


@dataclass(frozen=True)
class RowResult:
    """The result of one row: outcome and words for the report."""

    row: ImportRow
    outcome: Outcome
    message: str = ""
    host_id: int | None = None
    fatal: bool = False
    """Nothing after this row can succeed (no privilege, quota spent): the import stopped."""


@dataclass
class ImportReport:
    """Per-row results of an import, in file order."""

    results: list[RowResult] = field(default_factory=list)

    def count(self, *outcomes: Outcome) -> int:
        """How many rows ended in one of ``outcomes``."""
        return sum(1 for r in self.results if r.outcome in outcomes)

    def summary(self) -> str:
        """One sentence: how many were created and how many were not."""
        created = self.count(Outcome.CREATED, Outcome.CONFIRMED)
        linked = self.count(Outcome.LINKED)
        other = len(self.results) - created - linked
        text = f"{created} host{'s' if created != 1 else ''} invited"
        text += f", {linked} linked" if linked else ""
        return text + (f", {other} not invited (see the list)." if other else ".")


def parse_csv(text: str) -> list[ImportRow]:
    """The rows of a CSV with a header (email, first_name, last_name, type); syntax checks."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        raise CsvError("The file is empty. It needs a header line: email,first_name,last_name,type")
    names = [_COLUMNS.get(h.strip().lower(), "") for h in header]
    if "email" not in names:
        raise CsvError(
            "The first line must name the columns, with at least “email” "
            "(for example: email,first_name,last_name,type)."
        )
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        cells = {name: v.strip() for name, v in zip(names, values, strict=False) if name}
        rows.append(_row(reader.line_num, cells))
        if len(rows) > MAX_ROWS:
            raise CsvError(f"The file has more than {MAX_ROWS} hosts; split it into parts.")
    return rows


def _row(line: int, cells: dict[str, str]) -> ImportRow:
    email = cells.get("email", "")
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    type_text = cells.get("type", "")
    user_type = _TYPES.get(type_text.lower())
    # A row without an email gets the tenant's next scheme email in the preview.
    problems = check_new_host(email, first, last) if email else check_names(first, last)
    if user_type is None:
        problems.append(f"Type “{type_text}” is unknown; use Basic or Licensed.")
    return ImportRow(line, email, first, last, type_text, user_type, tuple(problems))


class HostImporter:
    """Checks a parsed file against the tenant, the account and Zoom, then creates hosts."""

    def __init__(self, store: Store, zoom: ZoomClient, hosts: HostService) -> None:
        self._store = store
        self._zoom = zoom
        self._hosts = hosts

    async def preview(
        self, tenant_id: int, rows: list[ImportRow], progress: Progress | None = None
    ) -> list[ImportRow]:
        """Every row checked: duplicates in the file, hosts here, users in Zoom.

        Rows with no email get the tenant's next free scheme email.
        """
        known = {h.email: h for h in await asyncio.to_thread(self._store.hosts.all)}
        tenants = {t.id: t.name for t in await asyncio.to_thread(self._store.tenants.all)}
        seen: dict[str, int] = {}
        checked: list[ImportRow] = []
        for index, row in enumerate(rows):
            checked.append(await self._check(row, seen, known, tenants))
            if progress is not None:
                progress(index + 1, len(rows))
        blanks = [i for i, r in enumerate(checked) if not r.email and r.ok]
        if blanks:
            emails = await self._hosts.next_emails(tenant_id, len(blanks), reserved=seen)
            for i, email in zip(blanks, emails, strict=True):
                checked[i] = replace(checked[i], email=email, generated_email=True)
        return checked

    async def _check(
        self,
        row: ImportRow,
        seen: dict[str, int],
        known: Mapping[str, HostRecord],
        tenants: dict[int, str],
    ) -> ImportRow:
        if not row.email or not row.ok:
            return row
        email = row.email.lower()
        problems = list(row.problems)
        if email in seen:
            problems.append(f"The same email is on line {seen[email]} of the file.")
        else:
            seen[email] = row.line
        host = known.get(email)
        if host is not None and host.tenant_id is not None:
            where = f"“{tenants[host.tenant_id]}”" if host.tenant_id in tenants else "a tenant"
            problems.append(
                f"Already a host of {where}; move it with Move to tenant instead of creating it."
            )
        elif host is not None or (not problems and await self._zoom.email_exists(row.email)):
            return await self._existing(row, problems, synced=host is not None)
        return replace(row, problems=tuple(problems))

    async def _existing(self, row: ImportRow, problems: list[str], *, synced: bool) -> ImportRow:
        """A row whose email Zoom already has: linkable when the user is in this account."""
        if not synced:
            try:
                await self._zoom.get_user(row.email)
            except NotFound:
                problems.append(
                    "The email belongs to a user of another Zoom account. That person must "
                    "leave it first, or use another address (for example a new +tag)."
                )
                return replace(row, problems=tuple(problems))
        problems.append(
            "Already a user in this Zoom account, in no tenant yet: it can be linked to the "
            "tenant instead of created."
        )
        return replace(row, problems=tuple(problems), linkable=not problems[:-1])

    async def run(
        self,
        tenant_id: int,
        rows: list[ImportRow],
        *,
        action: CreateAction = CreateAction.CREATE,
        progress: Progress | None = None,
        link_existing: bool = False,
    ) -> ImportReport:
        """Create the valid rows in Zoom one by one; a host is stored only once Zoom has it.

        With ``link_existing``, rows whose user is already in the account are linked instead.
        Each row's host and its audit entry are written as one unit (HostService), so a run
        cancelled between or inside rows leaves no half-recorded row. A user Zoom created
        whose write did not happen is found by email on the next preview and can be linked.
        """
        report = ImportReport()
        stop: str = ""
        action = CreateAction(action)  # a combo box gives the plain value back
        for index, row in enumerate(rows):
            if stop and (row.ok or (row.linkable and link_existing)):
                result = RowResult(row, Outcome.NOT_CREATED, stop)
            elif row.linkable and link_existing:
                result = await self._link(tenant_id, row)
            elif not row.ok:
                result = RowResult(row, Outcome.SKIPPED, " ".join(row.problems))
            else:
                result = await self._create(tenant_id, row, action)
            report.results.append(result)
            if result.fatal:
                stop = f"Not tried: {result.message}"
            if progress is not None:
                progress(index + 1, len(rows))
        return report

    async def _create(self, tenant_id: int, row: ImportRow, action: CreateAction) -> RowResult:
        user_type = row.user_type or UserType.BASIC
        try:
            user = await self._zoom.create_user(
                row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                user_type=user_type,
                action=action,
            )
        except OutcomeUnknown:
            return await self._reconcile(tenant_id, row)
        except ZoomError as exc:
            shown = explain_create_error(exc, row.email, action, user_type)
            text = shown.user_message if isinstance(shown, AppError) else exc.user_message
            return RowResult(row, Outcome.FAILED, text, fatal=isinstance(exc, _FATAL))
        host = await self._hosts.record_created(user, tenant_id, action)
        return RowResult(row, Outcome.CREATED, host_id=host.id)

    async def _link(self, tenant_id: int, row: ImportRow) -> RowResult:
        try:
            host = await self._hosts.link_email(row.email, tenant_id)
        except (TenancyError, ZoomError) as exc:
            text = exc.user_message
            return RowResult(row, Outcome.FAILED, text, fatal=isinstance(exc, _FATAL))
        return RowResult(row, Outcome.LINKED, host_id=host.id)

    async def _reconcile(self, tenant_id: int, row: ImportRow) -> RowResult:
        """The create's answer was lost: look the email up rather than creating it twice."""
        try:
            user = await self._zoom.get_user(row.email)
        except NotFound:
            return RowResult(
                row,
                Outcome.NOT_CREATED,
                "The connection broke and Zoom did not create this user; import it again.",
            )
        except ZoomError as exc:
            return RowResult(
                row,
                Outcome.FAILED,
                "The connection broke and it is not known whether Zoom created this user "
                f"({exc.user_message}). Sync with Zoom before importing it again.",
            )
        host = await self._hosts.record_created(user, tenant_id)
        return RowResult(row, Outcome.CONFIRMED, host_id=host.id)


__all__ = [
    "CsvError",
    "EmailInAccountError",
    "HostImporter",
    "ImportReport",
    "ImportRow",
    "Outcome",
    "RowResult",
    "parse_csv",
]
