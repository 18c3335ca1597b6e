"""The async runner: results reach widgets, busy state is shown, errors go where they belong."""

from __future__ import annotations

import asyncio
import threading

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from zoomadmin.services.accounts import AccountError
from zoomadmin.services.credentials import SecretStoreUnavailable
from zoomadmin.services.tenants import TenancyError
from zoomadmin.store.errors import TenantExistsError
from zoomadmin.ui.common.async_runner import AsyncRunner, user_message_of
from zoomadmin.ui.common.error_dialog import ErrorReporter
from zoomadmin.zoom.errors import SeatLimitReached, ZoomError


class CountingService:
    """A Qt-free service shaped like the real ones: plain ``async def`` methods."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.calls = 0

    async def count_hosts(self, tenant: str) -> int:
        self.calls += 1
        await self.release.wait()
        return len(tenant) * 10

    async def license_host(self, host: str) -> None:
        await asyncio.sleep(0)
        raise SeatLimitReached(code=1000, http_status=400)

    async def broken(self) -> None:
        await asyncio.sleep(0)
        raise KeyError("host-without-tenant")


async def test_a_service_result_updates_the_widget_and_busy_state(
    qtbot: QtBot, runner: AsyncRunner, wait_until, reported_errors: list[str]
) -> None:
    service = CountingService()
    label = QLabel("–")
    button = QPushButton("Count")
    qtbot.addWidget(label)
    qtbot.addWidget(button)
    busy: list[bool] = []
    activity: list[str] = []
    runner.busy_changed.connect(busy.append)
    runner.activity_changed.connect(activity.append)

    task = runner.run(
        service.count_hosts("acme"),
        on_done=lambda n: label.setText(f"{n} hosts"),
        disable=button,
        label="Counting hosts…",
    )

    await wait_until(lambda: service.calls == 1)
    assert runner.busy and runner.running == 1
    assert not button.isEnabled(), "the button stays disabled while its job runs"
    assert label.text() == "–"
    service.release.set()
    await runner.wait_idle()

    assert task.result() == 40
    assert label.text() == "40 hosts"
    assert button.isEnabled()
    assert busy == [True, False]
    assert activity == ["Counting hosts…", ""]
    assert reported_errors == []


async def test_overlapping_jobs_keep_a_shared_widget_disabled_until_the_last_ends(
    qtbot: QtBot, runner: AsyncRunner
) -> None:
    first, second = CountingService(), CountingService()
    button = QPushButton("Refresh")
    qtbot.addWidget(button)
    runner.run(first.count_hosts("a"), disable=button)
    runner.run(second.count_hosts("b"), disable=[button])
    await asyncio.sleep(0)
    first.release.set()
    await asyncio.sleep(0.01)
    assert runner.running == 1
    assert not button.isEnabled()
    second.release.set()
    await runner.wait_idle()
    assert button.isEnabled()


async def test_an_unexpected_exception_reaches_the_error_dialog(
    qtbot: QtBot, runner: AsyncRunner, reporter: ErrorReporter, reported_errors: list[str]
) -> None:
    button = QPushButton("Go")
    qtbot.addWidget(button)
    runner.run(CountingService().broken(), disable=button, label="Loading tenants…")
    await runner.wait_idle()

    assert reported_errors == ["KeyError: 'host-without-tenant'"]
    dialog = reporter.dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.isModal(), "the error dialog must never block the window"
    assert "Loading tenants…" in dialog.details.toPlainText()
    assert "host-without-tenant" in dialog.details.toPlainText()
    assert button.isEnabled()
    assert runner.last_message_box is None


async def test_a_known_error_shows_its_user_message_without_the_error_dialog(
    qtbot: QtBot, runner: AsyncRunner, reporter: ErrorReporter, reported_errors: list[str]
) -> None:
    button = QPushButton("License")
    qtbot.addWidget(button)
    shown: list[str] = []
    runner.user_error_shown.connect(shown.append)

    runner.run(CountingService().license_host("h1"), disable=button, label="Licensing host…")
    await runner.wait_idle()

    box = runner.last_message_box
    assert box is not None and box.isVisible()
    assert not box.isModal()
    assert "paid (Licensed) seats" in box.text()
    assert box.windowTitle() == "Licensing host failed"
    assert shown == [SeatLimitReached.default_message]
    assert reported_errors == []
    assert reporter.dialog is None
    box.close()


async def test_on_error_may_handle_a_failure_itself(
    qtbot: QtBot, runner: AsyncRunner, reported_errors: list[str]
) -> None:
    seen: list[BaseException] = []

    def inline(exc: BaseException) -> bool:
        seen.append(exc)
        return True

    runner.run(CountingService().license_host("h1"), on_error=inline)
    runner.run(CountingService().broken(), on_error=inline)
    await runner.wait_idle()
    assert [type(e) for e in seen] == [SeatLimitReached, KeyError]
    assert runner.last_message_box is None
    assert reported_errors == []


async def test_a_failing_success_callback_is_reported_as_a_bug(
    runner: AsyncRunner, reported_errors: list[str]
) -> None:
    service = CountingService()
    service.release.set()

    def crash(_: int) -> None:
        raise ValueError("the widget could not show it")

    runner.run(service.count_hosts("x"), on_done=crash, label="Counting")
    await runner.wait_idle()
    assert reported_errors == ["ValueError: the widget could not show it"]


async def test_a_cancelled_job_is_silent_and_frees_its_widget(
    qtbot: QtBot, runner: AsyncRunner, reported_errors: list[str]
) -> None:
    button = QPushButton("Slow")
    qtbot.addWidget(button)
    task = runner.run(CountingService().count_hosts("x"), disable=button)
    await asyncio.sleep(0)
    runner.cancel_all()
    await runner.wait_idle()
    assert task.cancelled()
    assert button.isEnabled()
    assert not runner.busy
    assert reported_errors == []


class Emitter(QObject):
    """A QObject whose slot raises, as a buggy widget slot would."""

    poked = Signal()


async def test_errors_in_qt_slots_loop_callbacks_and_threads_reach_the_dialog(
    qtbot: QtBot, reporter: ErrorReporter, reported_errors: list[str], wait_until
) -> None:
    emitter = Emitter()

    def bad_slot() -> None:
        raise RuntimeError("slot failed")

    def bad_callback() -> None:
        raise LookupError("callback failed")

    def bad_thread() -> None:
        raise OSError("worker failed")

    emitter.poked.connect(bad_slot)
    emitter.poked.emit()
    asyncio.get_running_loop().call_soon(bad_callback)
    worker = threading.Thread(target=bad_thread, name="downloader")
    worker.start()
    await asyncio.to_thread(worker.join)

    await wait_until(lambda: len(reported_errors) == 3, what="three reported errors")
    assert sorted(reported_errors) == [
        "LookupError: callback failed",
        "OSError: worker failed",
        "RuntimeError: slot failed",
    ]
    assert reporter.dialog is not None and reporter.dialog.error_count == 3
    assert "in downloader" in reporter.dialog.details.toPlainText()


class _LookalikeError(Exception):
    user_message = "looks like a known error"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ZoomError("Zoom said no."), "Zoom said no."),
        # A store refusal reaches the person even when no service translated it.
        (
            TenantExistsError("A tenant named 'Acme' already exists."),
            "A tenant named 'Acme' already exists.",
        ),
        (TenancyError("Pick a tenant first."), "Pick a tenant first."),
        (AccountError("There is no account called 'x'."), "There is no account called 'x'."),
        (SecretStoreUnavailable("No keyring."), "No keyring."),
        (KeyError("x"), None),
        # The type decides, not an attribute someone happened to set.
        (_LookalikeError(), None),
    ],
)
def test_user_message_of_tells_known_errors_from_bugs(
    error: BaseException, expected: str | None
) -> None:
    assert user_message_of(error) == expected
