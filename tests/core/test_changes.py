"""The change bus: listeners hear committed changes; bursts fold per kind; other processes too."""

from __future__ import annotations

import logging

import pytest

from zoomadmin.core.changes import Change, ChangeBus, ChangeKind, coalesce


def test_bursts_fold_per_kind_and_everything_wins() -> None:
    folded = coalesce(
        [
            Change.of(ChangeKind.HOSTS, [1]),
            Change.of(ChangeKind.HOSTS, [2, 3]),
            Change.of(ChangeKind.TENANTS, [7]),
            Change.of(ChangeKind.TENANTS),
            Change.of(ChangeKind.TENANTS, [8]),
        ]
    )
    assert folded == {ChangeKind.HOSTS: frozenset({1, 2, 3}), ChangeKind.TENANTS: None}


def test_a_broken_listener_does_not_keep_the_change_from_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = ChangeBus(origin="desk-1:10")
    heard: list[Change] = []

    def broken(_change: Change) -> None:
        raise RuntimeError("bug in a screen")

    bus.subscribe(broken)
    stop = bus.subscribe(heard.append)
    with caplog.at_level(logging.ERROR):
        change = bus.publish(ChangeKind.HOSTS, [4])
    assert heard == [change] and change.origin == "desk-1:10"
    assert "A change listener failed" in caplog.text
    stop()
    bus.publish(ChangeKind.HOSTS, [5])
    assert heard == [change]


def test_changes_from_another_process_are_heard_but_never_sent_back() -> None:
    bus = ChangeBus(origin="desk-1:10")
    heard: list[Change] = []
    sent: list[Change] = []
    bus.subscribe(heard.append)
    bus.forward_to(sent.append)
    remote = Change(ChangeKind.SESSIONS, frozenset({9}), origin="agent:77")
    bus.receive(remote)
    bus.receive(Change(ChangeKind.SESSIONS, frozenset({9}), origin="desk-1:10"))  # our echo
    local = bus.publish(ChangeKind.TENANTS)
    assert heard == [remote, local]
    assert sent == [local]
