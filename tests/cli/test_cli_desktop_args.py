"""Opening the desktop reads its few options without building the whole command line."""

from __future__ import annotations

import pytest

from zoomadmin.cli import build_parser, desktop_arguments

DESKTOP = [
    [],
    ["--smoke-test"],
    ["--basedir", "/tmp/z", "--smoke-test"],
    ["--basedir=/tmp/z", "--screenshot", "shots"],
    ["--screenshot=shots", "--basedir", "b"],
]


@pytest.mark.parametrize("argv", DESKTOP, ids=" ".join)
def test_the_desktops_options_read_as_the_whole_parser_reads_them(argv: list[str]) -> None:
    quick = desktop_arguments(argv)
    assert quick is not None
    whole = build_parser().parse_args(argv)
    for name in ("basedir", "screenshot", "smoke_test", "command"):
        assert getattr(quick, name) == getattr(whole, name), name


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["-h"],
        ["--version"],
        ["hosts", "list"],
        ["--basedir", "b", "tenants", "list"],
        ["--account", "school"],
        ["--base", "b"],  # an abbreviation: the whole parser decides
        ["--basedir"],
        ["--basedir", "--smoke-test"],
        ["sandbox", "serve"],
    ],
    ids=" ".join,
)
def test_anything_else_is_left_to_the_whole_parser(argv: list[str]) -> None:
    assert desktop_arguments(argv) is None
