"""Retention: move recordings verified on disk to Zoom's trash, and recover them, audited."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from zoomadmin.core.actor import current_actor
from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.errors import AppError
from zoomadmin.services.tenants import Now
from zoomadmin.store.recordings import FileRecord, LocalState, RecordingFilter
from zoomadmin.store.repositories import Store, Transaction
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.downloads import content_check
from zoomadmin.zoom.errors import NotFound

RECOVER_DAYS = 30
"""Zoom keeps trashed recordings this long."""
MAX_KEEP_DAYS = 3650
"""The longest a retention policy keeps recordings in Zoom (ten years)."""


class RetentionPolicyError(AppError):
    """A retention policy that cannot be stored."""


@dataclass(frozen=True)
class RetentionPolicy:
    """A tenant's retention policy: verified recordings older than ``keep_days`` go to trash."""

    tenant_id: int
    tenant_name: str
    keep_days: int | None
    """None: this tenant's recordings are never moved to the trash by the policy."""

    def words(self) -> str:
        """The policy as the tab and the command line say it."""
        if self.keep_days is None:
            return "Kept in Zoom"
        return f"Trash {plural_days(self.keep_days)} after the meeting, once verified on disk"


def plural_days(days: int) -> str:
    """``1 day`` or ``N days``."""
    return "1 day" if days == 1 else f"{days} days"


@dataclass(frozen=True)
class TrashPlan:
    """What a trash would move, for the confirmation: files, their meetings and bytes."""

    files: tuple[FileRecord, ...]
    skipped_not_verified: int

    @property
    def count(self) -> int:
        """How many files go."""
        return len(self.files)

    @property
    def bytes(self) -> int:
        """The space it frees in Zoom's cloud."""
        return sum(f.file_size or 0 for f in self.files)

    @property
    def meetings(self) -> int:
        """How many meetings the files belong to."""
        return len({f.meeting_uuid for f in self.files})

    def confirmation(self) -> str:
        """The sentence a person confirms."""
        text = (
            f"Move {self.count} files of {self.meetings} recordings ({_size(self.bytes)}) to "
            f"Zoom's trash? They can be recovered for {RECOVER_DAYS} days."
        )
        if self.skipped_not_verified:
            text += f" {self.skipped_not_verified} files not verified on disk stay in Zoom."
        return text


@dataclass(frozen=True)
class TrashReport:
    """What a trash did."""

    trashed: list[str] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    """Files left in Zoom, each with the reason (not verified on disk at that moment, ...)."""
    bytes: int = 0


def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} bytes"


def disk_problem(item: FileRecord) -> str | None:
    """Why a file's local copy is not verified right now (None: it is)."""
    if item.local_state is not LocalState.VERIFIED or not item.local_path:
        return "not downloaded and verified"
    path = Path(item.local_path)
    if not path.is_file():
        return "the downloaded file is no longer on disk"
    if item.file_size is not None and path.stat().st_size != item.file_size:
        return "the downloaded file's size changed"
    check = content_check(item.file_type)
    problem = check(path) if check is not None else None
    return f"the downloaded file is damaged ({problem})" if problem else None


class RetentionService:
    """Plans, confirms and carries out moves to Zoom's trash, and recoveries."""

    def __init__(self, store: Store, zoom: ZoomClient, *, now: Now, bus: ChangeBus) -> None:
        self._store = store
        self._zoom = zoom
        self._now = now
        self._bus = bus

    async def plan(
        self,
        *,
        file_ids: list[str] | None = None,
        where: RecordingFilter | None = None,
        older_than_days: int | None = None,
    ) -> TrashPlan:
        """The verified files of a selection (``file_ids``) or of a policy (``where`` and
        "older than N days"); files not verified are counted but never planned.
        """
        records = await asyncio.to_thread(self._store.recordings.all, where)
        chosen = set(file_ids) if file_ids is not None else None
        cutoff = self._now() - timedelta(days=older_than_days) if older_than_days else None
        files: list[FileRecord] = []
        skipped = 0
        for record in records:
            if cutoff is not None and record.start_time >= cutoff:
                continue
            for item in record.files:
                if chosen is not None and item.id not in chosen:
                    continue
                if item.in_trash or item.deleted_in_zoom:
                    continue
                if where is not None and where.file_type and item.file_type != where.file_type:
                    continue
                if await asyncio.to_thread(disk_problem, item) is None:
                    files.append(item)
                else:
                    skipped += 1
        return TrashPlan(tuple(files), skipped)

    async def policies(self) -> list[RetentionPolicy]:
        """Every tenant's retention policy, by tenant name (tenants without one: kept)."""
        tenants = await asyncio.to_thread(self._store.tenants.all)
        stored = await asyncio.to_thread(self._store.recordings.retention_policies)
        found = [RetentionPolicy(t.id, t.name, stored.get(t.id)) for t in tenants]
        return sorted(found, key=lambda p: p.tenant_name.casefold())

    async def set_policy(self, tenant_id: int, keep_days: int | None) -> RetentionPolicy:
        """Store a tenant's policy (``None``: keep its recordings in Zoom), audited."""
        if keep_days is not None and not 1 <= keep_days <= MAX_KEEP_DAYS:
            raise RetentionPolicyError(
                f"Keep recordings between 1 and {MAX_KEEP_DAYS} days (got {keep_days})."
            )
        current = {p.tenant_id: p for p in await self.policies()}
        if tenant_id not in current:
            raise RetentionPolicyError("That tenant no longer exists; reload the list.")
        before = current[tenant_id].keep_days
        actor = current_actor()

        def work(tx: Transaction) -> None:
            tx.recordings.set_retention(tenant_id, keep_days)
            tx.audit.record(
                actor=actor,
                action="recording.retention",
                object_type="tenant",
                object_id=str(tenant_id),
                old_value={"keep_days": before},
                new_value={"keep_days": keep_days},
            )

        await asyncio.to_thread(self._store.atomically, work)
        self._bus.publish(ChangeKind.RECORDINGS, [])
        return RetentionPolicy(tenant_id, current[tenant_id].tenant_name, keep_days)

    async def plan_policies(self, tenant_ids: list[int] | None = None) -> TrashPlan:
        """What the tenants' policies (or those of ``tenant_ids``) move to the trash now."""
        files: list[FileRecord] = []
        skipped = 0
        for policy in await self.policies():
            if policy.keep_days is None:
                continue
            if tenant_ids is not None and policy.tenant_id not in tenant_ids:
                continue
            where = RecordingFilter(tenant_id=policy.tenant_id)
            part = await self.plan(where=where, older_than_days=policy.keep_days)
            files.extend(part.files)
            skipped += part.skipped_not_verified
        return TrashPlan(tuple(files), skipped)

    async def trash(self, plan: TrashPlan) -> TrashReport:
        """Move the planned files to Zoom's trash, each checked on disk again just before."""
        report = TrashReport()
        for planned in plan.files:
            item = await asyncio.to_thread(self._store.recordings.file, planned.id)
            problem = "no longer in the index" if item is None else disk_problem(item)
            if item is None or problem:
                report.refused.append({"file": planned.id, "reason": problem or ""})
                continue
            try:
                await self._zoom.delete_recording_file(item.meeting_uuid, item.id)
            except AppError as exc:
                report.refused.append({"file": item.id, "reason": exc.user_message})
                continue
            await asyncio.to_thread(self._store.atomically, _audited_trash(item))
            report.trashed.append(item.id)
            self._bus.publish(ChangeKind.RECORDINGS, [item.meeting_uuid])
        return TrashReport(report.trashed, report.refused, _sum(plan, report.trashed))

    async def recover(self, meeting_uuids: list[str]) -> list[str]:
        """Bring meetings' files back from Zoom's trash (within 30 days); the uuids recovered."""
        done: list[str] = []
        for uuid in meeting_uuids:
            record = await asyncio.to_thread(self._store.recordings.get, uuid)
            if record is None:
                continue
            try:
                await self._zoom.recover_recordings(uuid)
            except NotFound as exc:
                raise NotFound(
                    "This recording is no longer in Zoom's trash (kept 30 days); "
                    "it cannot be recovered."
                ) from exc
            ids = [f.id for f in record.files if f.in_trash]
            await asyncio.to_thread(self._store.atomically, _audited_recover(uuid, ids))
            done.append(uuid)
            self._bus.publish(ChangeKind.RECORDINGS, [uuid])
        return done


def _sum(plan: TrashPlan, ids: list[str]) -> int:
    chosen = set(ids)
    return sum(f.file_size or 0 for f in plan.files if f.id in chosen)


def _audited_trash(item: FileRecord) -> Callable[[Transaction], None]:
    actor = current_actor()

    def work(tx: Transaction) -> None:
        tx.recordings.set_trashed([item.id], True)
        tx.audit.record(
            actor=actor,
            action="recording.trash",
            object_type="recording_file",
            object_id=item.id,
            old_value={"in_trash": False, "meeting_uuid": item.meeting_uuid},
            new_value={"in_trash": True, "local_path": item.local_path},
        )

    return work


def _audited_recover(uuid: str, ids: list[str]) -> Callable[[Transaction], None]:
    actor = current_actor()

    def work(tx: Transaction) -> None:
        tx.recordings.set_trashed(ids, False)
        tx.audit.record(
            actor=actor,
            action="recording.recover",
            object_type="recording_meeting",
            object_id=uuid,
            old_value={"in_trash": ids},
            new_value={"in_trash": []},
        )

    return work
