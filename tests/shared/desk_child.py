"""A desk on the shared database, without its window: the desktop's runtime and lease.

``python desk_child.py BASEDIR`` opens the account of the ``ZOOMADMIN_`` variables on
``ZOOMADMIN_DATABASE_URL`` as the desktop does (its jobs under the desktop's lease, which
yields to a live agent) and prints JSON lines on stdout until SIGTERM:

- ``{"t": WALL, "leading": BOOL}`` whenever its jobs' state changes;
- ``{"t": WALL, "heard": KIND, "ids": [...]}`` for each change another process made;
- ``{"t": WALL, "row": "intent"|"move", "id": ID, "key": KEY}`` when a created session or
  a seat move is first seen in the database (polled every 100 ms), ``KEY`` the meeting or
  host its change names, so the test can tell how long the change took to reach this desk's
  change bus.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from zoomadmin.account.shared import lease_for
from zoomadmin.commands.account_choice import OpenOptions, choose_account, opened_account
from zoomadmin.core.changes import Change, ChangeKind
from zoomadmin.paths import AppPaths

POLL_EVERY = 0.1
ROWS = {
    # A created session: its intent, and the Zoom meeting a SESSIONS change names.
    "intent": "SELECT id, meeting_id FROM schedule_intent WHERE state = 'created'",
    # A seat move: its audit entry, and the host a HOSTS change names.
    "move": "SELECT audit_log.id, host.id FROM audit_log JOIN host ON host.email ="
    " audit_log.object_id WHERE action IN ('license.attach', 'license.detach')",
}


def say(**fields: Any) -> None:
    print(json.dumps({"t": time.time(), **fields}), flush=True)


async def poll_rows(url: str) -> None:
    engine = create_engine(url)
    seen: set[tuple[str, int]] = set()
    try:
        while True:
            rows = await asyncio.to_thread(_read, engine)
            for kind, row_id, key in rows:
                if (kind, row_id) not in seen:
                    seen.add((kind, row_id))
                    say(row=kind, id=row_id, key=key)
            await asyncio.sleep(POLL_EVERY)
    finally:
        engine.dispose()


def _read(engine: Any) -> list[tuple[str, int, str]]:
    with engine.connect() as conn:
        return [
            (kind, int(row_id), str(key))
            for kind, query in ROWS.items()
            for row_id, key in conn.execute(text(query))
        ]


async def main(basedir: Path) -> None:
    url = os.environ["ZOOMADMIN_DATABASE_URL"]
    paths = AppPaths.from_basedir(str(basedir))
    options = OpenOptions(
        database_url=url,
        lease_for=lambda account, store: lease_for(account, store, basedir / "jobs.lock"),
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    choice = choose_account(None, os.environ, lambda _words: None)
    async with opened_account(paths, choice, lambda _words: None, options) as runtime:

        def heard(change: Change) -> None:
            if change.kind is ChangeKind.JOBS:
                say(leading=runtime.supervisor.leading)
            if change.origin != runtime.bus.origin:
                say(heard=str(change.kind), ids=sorted(map(str, change.ids)))

        runtime.bus.subscribe(heard)
        runtime.start()
        poller = asyncio.create_task(poll_rows(url))
        say(ready=True)
        await stopping.wait()
        poller.cancel()
        await asyncio.gather(poller, return_exceptions=True)
        await runtime.stop()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
