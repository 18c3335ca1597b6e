"""Command line tests: no ZOOMADMIN_ variable leaks in, the default actor is put back."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from zoomadmin.cli import main
from zoomadmin.core.actor import set_default_actor


def _clear_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("ZOOMADMIN_")]:
        monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _no_account_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _clear_environment(monkeypatch)
    yield
    set_default_actor("zoomadmin")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A base dir whose embedded sandbox has its demo set up, shared by a module's tests
    (each adds tenants and hosts of its own names)."""
    basedir = tmp_path_factory.mktemp("demo")
    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        _clear_environment(monkeypatch)
        code = main(["--basedir", str(basedir), "tenants", "list", "--json"])
    assert code == 0, err.getvalue()
    assert "Demo set up: 3 tenants created" in err.getvalue()
    yield basedir
    set_default_actor("zoomadmin")
