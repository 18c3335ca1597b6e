"""The queue's intents of a host handed to another: what moves and what stays."""

from __future__ import annotations

from datetime import UTC, datetime

from zoomadmin.core.schedule import IntentKind, IntentState, NewIntent
from zoomadmin.store.hosts import HostData
from zoomadmin.store.repositories import Store

START = datetime(2030, 3, 4, 9, tzinfo=UTC)


def _intent(kind: IntentKind, host_id: int, parent: int | None = None, seq: int = 0) -> NewIntent:
    return NewIntent(
        kind=kind,
        host_id=host_id,
        zoom_user_id="zu-old",
        tenant_id=None,
        topic="Algebra",
        meeting_type=8,
        start_local="2030-03-04T09:00:00",
        timezone="UTC",
        duration_minutes=50,
        weekly_days="2",
        end_times=4,
        first_start=START,
        seq=seq,
        session_starts=(START,),
        parent_index=parent,
    )


def test_unsent_creates_move_with_their_deletes_and_nothing_sent_moves(store: Store) -> None:
    old = store.hosts.add(HostData("zu-old", "old@x.org"))
    new = store.hosts.add(HostData("zu-new", "new@x.org"))
    repo = store.schedule
    repo.add(
        "a",
        [_intent(IntentKind.CREATE, old.id), _intent(IntentKind.DELETE_OCCURRENCE, old.id, 0, 1)],
    )
    repo.add(
        "b",
        [_intent(IntentKind.CREATE, old.id), _intent(IntentKind.DELETE_OCCURRENCE, old.id, 0, 1)],
    )
    repo.add("c", [_intent(IntentKind.CREATE, old.id)])
    queued_create, queued_delete = repo.batch_ids("a")
    made, made_delete = repo.batch_ids("b")
    (sending,) = repo.batch_ids("c")
    repo.set_state(made, IntentState.CREATED, meeting_id=77)
    repo.set_state(sending, IntentState.SENDING)
    assert repo.retarget(old.id, new.id, "zu-new") == 2
    hosts = {i.id: i.zoom_user_id for i in repo.listed()}
    assert hosts == {
        queued_create: "zu-new",
        queued_delete: "zu-new",
        made: "zu-old",
        made_delete: "zu-old",  # its meeting is the old host's, in Zoom already
        sending: "zu-old",
    }
    assert repo.retarget(old.id, new.id, "zu-new") == 0
