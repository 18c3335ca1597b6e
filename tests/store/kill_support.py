"""Killing a process while it opens a database: a fork server that opens and kills on request.

Run as a script, it imports what an open needs once, then for each line on stdin forks a
child that opens one database: ``time PATH`` answers the seconds the open took, ``kill PATH
DELAY`` sends the child SIGKILL after DELAY seconds and answers ``killed`` or ``finished``.
Forking from this small single-threaded process is fast (a few ms) and safe, and the kill
lands in the open itself rather than in Python's start-up or imports.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

READY = "ready"


def _fork_open(path: str) -> int:
    """Fork a child that opens ``path`` and exits (0 done, 1 failed); its pid."""
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            from zoomadmin.store.db import open_database, sqlite_url

            open_database(sqlite_url(Path(path))).dispose()
            code = 0
        finally:
            os._exit(code)
    return pid


def _outcome(status: int) -> str:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        return "killed"
    return "finished" if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else "failed"


def _serve_one(line: str) -> str:
    verb, path, *rest = line.split()
    started = time.perf_counter()
    pid = _fork_open(path)
    if verb == "kill":
        time.sleep(float(rest[0]))  # where the kill lands; nothing is asserted about timing
        os.kill(pid, signal.SIGKILL)  # still our unreaped child, so the pid is its own
    _, status = os.waitpid(pid, 0)
    if verb == "time":
        return (
            f"{time.perf_counter() - started:.6f}" if _outcome(status) == "finished" else "failed"
        )
    return _outcome(status)


def serve() -> None:
    """Answer ``time``/``kill`` lines from stdin until it closes."""
    import zoomadmin.store.migrate
    import zoomadmin.store.models  # noqa: F401  (what the open's slow path imports)

    print(READY, flush=True)
    for line in sys.stdin:
        print(_serve_one(line), flush=True)


class Opener:
    """The test's side: starts the fork server and asks it to open (and kill) databases."""

    def __init__(self) -> None:
        """Start the server and wait until its imports are done."""
        self._proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self._answer() != READY:
            raise AssertionError("the fork server did not start")

    def _answer(self) -> str:
        assert self._proc.stdout is not None
        return self._proc.stdout.readline().strip()

    def _ask(self, line: str) -> str:
        assert self._proc.stdin is not None
        self._proc.stdin.write(line + "\n")
        self._proc.stdin.flush()
        answer = self._answer()
        if answer in ("failed", ""):
            raise AssertionError(f"the child's open failed: {line}")
        return answer

    def time_open(self, path: Path) -> float:
        """Seconds a child takes to open ``path`` (at most the whole child's life)."""
        return float(self._ask(f"time {path}"))

    def kill_during_open(self, path: Path, delay: float) -> bool:
        """Open ``path`` in a child, SIGKILL it after ``delay`` s; whether it had finished."""
        return self._ask(f"kill {path} {delay:.6f}") == "finished"

    def __enter__(self) -> Opener:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(10)


def delays(rng: random.Random, count: int, span: float) -> list[float]:
    """``count`` kill delays spread evenly over ``span`` seconds, each jittered at random."""
    step = span / count
    return [step * (i + rng.random()) for i in range(count)]


if __name__ == "__main__":
    serve()
