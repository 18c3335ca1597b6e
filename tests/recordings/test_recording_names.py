"""Names of downloaded recordings: valid on Windows, macOS and Linux, dates in the tenant's zone."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from zoomadmin.services.recording_names import (
    NameParts,
    TemplateError,
    numbered,
    relative_path,
    safe_name,
    valid_everywhere,
)

HOSTILE = [
    "Maths: week 1",
    "A/B testing \\ results",
    "Lesson 🎓🔥 with emoji",
    "CON",
    "con.txt",
    "LPT1",
    "trailing dots...",
    "trailing spaces   ",
    'quotes "and" <angles> | pipes ? stars *',
    "tab\there\x01ctl",
    "x" * 300,
    "é" * 200,
    "🎓" * 100,
    "",
    "...",
    "Cafe\u0301",
]


@pytest.mark.parametrize("topic", HOSTILE)
def test_hostile_topics_give_names_valid_on_all_three_systems(topic: str) -> None:
    parts = NameParts(
        tenant="Acme: North/South",
        host="teach+1@school.example",
        start=datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
        timezone="Europe/Berlin",
        topic=topic,
        file_type="MP4",
        recording_type="shared_screen_with_speaker_view",
        extension="MP4",
        meeting_id=123,
        file_id="abc",
    )
    path = relative_path(parts)
    assert len(path.parts) == 4
    for piece in path.parts:
        assert valid_everywhere(piece), piece
        assert len(piece.encode("utf-8")) <= 255
        assert unicodedata.is_normalized("NFC", piece)
    # 23:30 UTC is already the next day in Berlin.
    assert path.parts[2].startswith("2026-03-03 00.30")
    assert path.name == "shared_screen_with_speaker_view.mp4"


def test_reserved_names_and_extensions() -> None:
    assert safe_name("CON") == "_CON"
    assert safe_name("aux.mp4", keep_extension=True) == "_aux.mp4"
    assert safe_name("x" * 300 + ".mp4", keep_extension=True).endswith(".mp4")
    assert valid_everywhere(numbered("x" * 255, 2))
    assert numbered("lesson.mp4", 2) == "lesson (2).mp4"
    assert not valid_everywhere("CON")
    assert not valid_everywhere("a:b")
    assert not valid_everywhere("a.")


def test_a_template_with_an_unknown_field_is_refused() -> None:
    parts = NameParts(
        "T", "h", datetime(2026, 1, 1, tzinfo=UTC), None, "x", "MP4", "", "MP4", 1, "f"
    )
    with pytest.raises(TemplateError, match="unknown fields"):
        relative_path(parts, "{tenant}/{year}/{type}.{ext}")
