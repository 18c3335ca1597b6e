"""The SQL quota ledger honours the client's QuotaLedger protocol and survives a restart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from zoomadmin.store.quota import SqlQuotaLedger
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.limits import QuotaLedger

DAY = date(2030, 3, 1)


def test_is_a_quota_ledger(store: Store) -> None:
    ledger: QuotaLedger = store.quota
    assert isinstance(ledger, QuotaLedger)


def test_counts_per_host_and_day(store: Store) -> None:
    q = store.quota
    assert q.used("zu-1", DAY) == 0
    assert [q.record_request("zu-1", DAY) for _ in range(3)] == [1, 2, 3]
    assert q.record_request("zu-2", DAY) == 1
    assert q.record_request("zu-1", date(2030, 3, 2)) == 1
    assert q.used("zu-1", DAY) == 3
    assert not q.exhausted("zu-1", DAY)


def test_observe_only_raises_the_count(store: Store) -> None:
    q = store.quota
    for _ in range(5):
        q.record_request("zu-1", DAY)
    q.observe("zu-1", DAY, limit=100, remaining=98)
    assert q.used("zu-1", DAY) == 5
    q.observe("zu-1", DAY, limit=100, remaining=60)
    assert q.used("zu-1", DAY) == 40
    q.observe("zu-3", DAY, limit=100, remaining=90)
    assert q.used("zu-3", DAY) == 10
    q.observe("zu-3", DAY, limit=100, remaining=0)
    assert q.exhausted("zu-3", DAY)


def test_mark_exhausted(store: Store) -> None:
    q = store.quota
    q.record_request("zu-1", DAY)
    q.mark_exhausted("zu-1", DAY)
    assert q.exhausted("zu-1", DAY)
    q.mark_exhausted("zu-2", DAY)
    assert q.used("zu-2", DAY) == 100
    assert q.exhausted("zu-2", DAY)


def test_counts_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    first = Store.open_file(path)
    for _ in range(7):
        first.quota.record_request("zu-1", DAY)
    first.close()
    second = Store.open_file(path)
    try:
        assert SqlQuotaLedger(second.engine).used("zu-1", DAY) == 7
    finally:
        second.close()
