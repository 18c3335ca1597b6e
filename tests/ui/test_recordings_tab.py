"""The Recordings tab over the sandbox: select, download with progress, verified, trash."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from runtime_support import close_runtime, sandbox_runtime

from tests.conftest import SANDBOX_START
from tests.ui.conftest import WaitUntil
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.sandbox import SandboxServer, media
from zoomadmin.sandbox.state import Recording, RecordingFile, User, random_id
from zoomadmin.services.recordings_index import FileRecord, LocalState, RecordingRecord
from zoomadmin.services.tenants import TenantDraft
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.recordings.recordings_model import RecordingColumn, RecordingsModel
from zoomadmin.ui.recordings.recordings_tab import RecordingsTab
from zoomadmin.ui.recordings.retention_dialog import KEEP_WORDS, RetentionDialog

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TOPICS = ("Algebra II", "Physics: waves", "Chemistry lab", "Essay writing", "Biology")


def _user(server: SandboxServer, email: str) -> str:
    state = server.sandbox.state
    user_id = state.new_user_id(random.Random(email))
    state.add_user(
        User(
            id=user_id,
            email=email,
            first_name="Host",
            last_name=email[:5],
            type=2,
            status="active",
            created_at=SANDBOX_START - timedelta(days=900),
            pmi=1_234_567_890,
        )
    )
    return user_id


def _recording(server: SandboxServer, host: str, start: datetime, n: int) -> None:
    state = server.sandbox.state
    rng = random.Random(f"{host}{n}")
    uuid = state.new_uuid(rng)
    seconds = 600 + 300 * (n % 7)
    files = []
    for kind in ("MP4", "M4A", "TRANSCRIPT"):
        extension, recording_type = media.FILE_KINDS[kind]
        fid = random_id(rng, 36)
        size = media.file_size(kind, recording_type, seconds, fid)
        end = start + timedelta(seconds=seconds)
        files.append(RecordingFile(fid, uuid, kind, extension, recording_type, start, end, size))
    state.add_recording(
        Recording(
            uuid=uuid,
            meeting_id=state.new_meeting_id(rng),
            host_id=host,
            topic=TOPICS[n % len(TOPICS)],
            type=2,
            start_time=start,
            duration=seconds // 60,
            timezone="UTC",
            password="",
            share_url="https://sandbox.invalid/rec/share",
            completed_at=start + timedelta(hours=1),
            files=files,
        )
    )


@dataclass
class RecordingsWorld:
    """The tab and the runtime under it."""

    tab: RecordingsTab
    runtime: AccountRuntime


@pytest.fixture
async def world(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer, runner: AsyncRunner
) -> AsyncIterator[RecordingsWorld]:
    """Two tenants' hosts and a host in none, their recordings indexed, the tab shown."""
    runtime = sandbox_runtime(sandbox, tmp_path, downloads_dir=tmp_path / "Recordings")
    store = runtime.store
    hosts = [_user(sandbox, f"{name}@school.example.org") for name in ("ada", "ben", "cy")]
    for n in range(12):
        start = SANDBOX_START - timedelta(days=3 + 17 * n, hours=n % 5)
        _recording(sandbox, hosts[n % 3], start, n)
    services = runtime.services
    await services.sync.sync()
    for name, zone, email in (
        ("North Campus", "America/New_York", "ada"),
        ("South Campus", "Europe/Berlin", "ben"),
    ):
        tenant = await services.tenants.create(
            TenantDraft(name=name, timezone=zone, mailbox="t", domain="school.example.org")
        )
        host = store.hosts.find_by_email(f"{email}@school.example.org")
        assert host is not None
        await services.hosts.link([host.id], tenant.id)
    await services.recordings.refresh()
    tab = RecordingsTab(
        index=services.recordings,
        downloads=services.downloads,
        retention=services.retention,
        runner=runner,
        changes=runtime.bus,
    )
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    await tab.ready()
    await runner.wait_idle()
    yield RecordingsWorld(tab, runtime)
    runner.cancel_all()
    await runtime.stop()
    await close_runtime(runtime)


def _shoot(tab: RecordingsTab, name: str) -> None:
    if not os.environ.get("ZOOMADMIN_SCREENSHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (1024, 640)):
        tab.resize(width, height)
        tab.grab().save(str(SHOTS / f"recordings-{name}-{width}x{height}.png"))
    tab.resize(1280, 800)


async def test_select_download_see_progress_and_verified_then_trash_after_confirming(
    world: RecordingsWorld, wait_until: WaitUntil, runner: AsyncRunner
) -> None:
    tab = world.tab
    assert tab.model.rowCount() == 12
    date_text = tab.model.index(0, RecordingColumn.DATE).data()
    assert date_text.endswith(("EST", "EDT", "CET", "CEST", "UTC"))
    _shoot(tab, "browse")
    tab.topic_filter.setText("physics")
    assert tab.proxy.rowCount() == 3
    tab.topic_filter.setText("")
    tab.tenant_filter.setCurrentText("North Campus")
    assert tab.proxy.rowCount() == 4
    tab.table.selectAll()
    assert tab.selection_label.text().startswith("4 recordings selected: 12 files")
    world.runtime.start()  # the download job runs the queue
    tab.download_action.trigger()
    files = [f.id for r in tab.selected() for f in r.files]
    await wait_until(
        lambda: all(tab.panel.state_of(f) == "Verified" for f in files),
        within=20,
        what="every file downloaded and verified",
    )
    await wait_until(lambda: "12 of 12 files" in tab.panel.summary.text(), what="the total")
    await wait_until(
        lambda: all(
            tab.proxy.index(n, RecordingColumn.STATE).data() == "Verified"
            for n in range(tab.proxy.rowCount())
        ),
        what="the table to show the verified state",
    )
    _shoot(tab, "downloaded")
    tab.table.selectAll()
    tab.ask_trash()
    await wait_until(lambda: tab.findChild(QMessageBox, "confirmBox") is not None)
    box = tab.findChild(QMessageBox, "confirmBox")
    assert isinstance(box, QMessageBox)
    assert "Move 12 files of 4 recordings" in box.text()
    ok = next(b for b in box.buttons() if b.text() == "Move to trash")
    assert isinstance(ok, QPushButton)
    ok.click()
    await wait_until(
        lambda: all(
            tab.proxy.index(n, RecordingColumn.STATE).data() == "In Zoom's trash"
            for n in range(tab.proxy.rowCount())
        ),
        what="the recordings to show as in Zoom's trash",
    )
    actions = [e.action for e in world.runtime.store.audit.entries(limit=1000)]
    assert actions.count("recording.trash") == 12


async def test_a_retention_policy_is_set_in_its_dialog_and_moves_old_verified_files(
    world: RecordingsWorld, wait_until: WaitUntil, runner: AsyncRunner
) -> None:
    tab = world.tab
    tab.tenant_filter.setCurrentText("North Campus")
    tab.table.selectAll()
    world.runtime.start()
    tab.download_action.trigger()
    files = [f.id for r in tab.selected() for f in r.files]
    await wait_until(
        lambda: all(tab.panel.state_of(f) == "Verified" for f in files),
        within=20,
        what="North Campus's files verified",
    )
    tab.retention_action.trigger()
    await wait_until(lambda: tab.findChild(RetentionDialog, "retentionDialog") is not None)
    dialog = tab.findChild(RetentionDialog, "retentionDialog")
    assert isinstance(dialog, RetentionDialog)
    names = [dialog.table.item(n, 0).text() for n in range(dialog.table.rowCount())]
    assert names == ["North Campus", "South Campus"]
    assert [s.text() for s in dialog.spins] == [KEEP_WORDS, KEEP_WORDS]
    dialog.spins[0].setValue(30)
    _shoot_dialog(dialog)
    dialog.apply_button.click()
    await wait_until(lambda: tab.findChild(QMessageBox, "confirmBox") is not None)
    box = tab.findChild(QMessageBox, "confirmBox")
    assert isinstance(box, QMessageBox)
    # North Campus's recordings are 3, 54, 105 and 156 days old: three are past 30 days.
    assert "Move 9 files of 3 recordings" in box.text()
    ok = next(b for b in box.buttons() if b.text() == "Move to trash")
    assert isinstance(ok, QPushButton)
    ok.click()
    await wait_until(
        lambda: "Moved 9 files" in tab.selection_label.text(),
        within=20,
        what=lambda: f"the trash's report (the label says {tab.selection_label.text()!r})",
    )
    policies = await world.runtime.services.retention.policies()
    assert [p.keep_days for p in policies] == [30, None]


def _shoot_dialog(dialog: RetentionDialog) -> None:
    if not os.environ.get("ZOOMADMIN_SCREENSHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "recordings-retention-dialog.png"))


def _synthetic(n: int) -> RecordingRecord:
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)
    files = tuple(
        FileRecord(
            id=f"{n}-{k}",
            meeting_uuid=f"u{n}",
            file_type=("MP4", "M4A", "TRANSCRIPT", "CHAT", "CC")[k],
            file_extension="MP4",
            recording_type="",
            file_size=1000 * k,
            status="completed",
            recording_start=start,
            download_url="",
            in_trash=False,
            deleted_in_zoom=False,
            local_state=LocalState.NONE,
            local_path=None,
            local_error=None,
            verified_at=None,
        )
        for k in range(5)
    )
    return RecordingRecord(
        uuid=f"u{n}",
        meeting_id=n,
        host_zoom_id="h",
        host_email="h@x.org",
        tenant_id=1,
        tenant_name="T",
        tenant_timezone="Europe/Berlin",
        topic=f"Topic {n}",
        start_time=start,
        timezone="UTC",
        duration_minutes=60,
        total_size=10_000,
        in_trash=False,
        deleted_in_zoom=False,
        files=files,
    )


def test_the_model_passes_modeltester_through_chunks_updates_and_a_reset(
    qtmodeltester: ModelTester,
) -> None:
    model = RecordingsModel()
    qtmodeltester.check(model, force_py=True)
    rows = [_synthetic(n) for n in range(300)]
    for start in range(0, len(rows), 100):
        model.append(rows[start : start + 100])
    model.update([rows[5]])
    model.clear()
    model.append(rows[:50])
    assert model.rowCount() == 50


def test_20000_meetings_with_100000_files_load_in_chunks() -> None:
    model = RecordingsModel()
    rows = [_synthetic(n) for n in range(20_000)]
    for start in range(0, len(rows), 2000):
        model.append(rows[start : start + 2000])
    assert model.rowCount() == 20_000
    assert sum(len(model.row(n).files) for n in range(model.rowCount())) == 100_000
    assert model.index(19_999, RecordingColumn.TOPIC).data() == "Topic 19999"
