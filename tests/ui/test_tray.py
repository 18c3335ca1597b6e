"""Shared pieces the License Pool tab brought: short local times, tray notifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from zoomadmin.ui.common.dates import short_time_text
from zoomadmin.ui.common.tray import TrayNotifier

NOW = datetime(2026, 3, 2, 13, 20, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def test_short_times_are_local_and_as_short_as_the_day_allows() -> None:
    moment = NOW.replace(hour=14, minute=5)
    assert short_time_text(moment, NOW, BERLIN) == "15:05"
    assert short_time_text(moment + timedelta(days=1), NOW, BERLIN) == "Tue 15:05"
    later = moment + timedelta(days=9)
    assert short_time_text(later, NOW, BERLIN) == "Wed 11 Mar 2026 15:05 CET"


def test_without_a_system_tray_a_notification_is_only_logged(qtbot: QtBot) -> None:
    tray = TrayNotifier()  # the offscreen platform has none: no icon, no warning
    assert tray.notify("A session runs as Basic", "“Drama” has no paid seat.") is False
    assert tray.sent == [("A session runs as Basic", "“Drama” has no paid seat.")]
    tray.close()
