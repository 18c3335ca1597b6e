"""Recording file bytes: structurally valid MP4/M4A, Zoom-shaped transcripts and chats, sizes."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from zoomadmin.sandbox import media
from zoomadmin.sandbox.state import RecordingFile

FFPROBE = shutil.which("ffprobe")
FFMPEG = shutil.which("ffmpeg")


def boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box between start and end; checks sizes."""
    end = len(data) if end is None else end
    found = []
    pos = start
    while pos < end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        assert size >= 8, f"box {kind!r} at {pos} has size {size}"
        assert pos + size <= end, f"box {kind!r} at {pos} overruns its parent"
        found.append((kind, pos + 8, pos + size))
        pos += size
    assert pos == end
    return found


def child(data: bytes, parent: tuple[bytes, int, int], kind: bytes) -> tuple[bytes, int, int]:
    matches = [b for b in boxes(data, parent[1], parent[2]) if b[0] == kind]
    assert matches, f"{parent[0]!r} has no {kind!r}"
    return matches[0]


def path(data: bytes, root: tuple[bytes, int, int], *kinds: bytes) -> tuple[bytes, int, int]:
    node = root
    for kind in kinds:
        node = child(data, node, kind)
    return node


def sample_table(data: bytes, trak: tuple[bytes, int, int]) -> tuple[bytes, list[int], int]:
    """Handler type, sample sizes and the single chunk offset of a track."""
    hdlr = path(data, trak, b"mdia", b"hdlr")
    handler = data[hdlr[1] + 8 : hdlr[1] + 12]
    stbl = path(data, trak, b"mdia", b"minf", b"stbl")
    stsz = child(data, stbl, b"stsz")
    uniform, count = struct.unpack_from(">II", data, stsz[1] + 4)
    sizes = (
        [uniform] * count if uniform else list(struct.unpack_from(f">{count}I", data, stsz[1] + 12))
    )
    stco = child(data, stbl, b"stco")
    (entries, offset) = struct.unpack_from(">II", data, stco[1] + 4)
    assert entries == 1
    return handler, sizes, offset


def check_iso_bmff(data: bytes, *, seconds: int, video: bool) -> None:
    top = boxes(data)
    kinds = [b[0] for b in top]
    assert kinds[0] == b"ftyp"
    assert kinds.count(b"mdat") == 1 and kinds.count(b"moov") == 1
    mdat = top[kinds.index(b"mdat")]
    moov = top[kinds.index(b"moov")]
    mvhd = child(data, moov, b"mvhd")
    timescale, duration = struct.unpack_from(">II", data, mvhd[1] + 12)
    assert duration / timescale == seconds
    traks = [b for b in boxes(data, moov[1], moov[2]) if b[0] == b"trak"]
    handlers = []
    for trak in traks:
        handler, sizes, offset = sample_table(data, trak)
        handlers.append(handler)
        assert mdat[1] <= offset and offset + sum(sizes) <= mdat[2]
        if handler == b"vide":
            check_h264_samples(data, sizes, offset)
        else:
            frame = data[offset : offset + sizes[0]]
            assert frame[0] >> 5 == 0  # an AAC single channel element
    assert handlers == ([b"vide", b"soun"] if video else [b"soun"])


def check_h264_samples(data: bytes, sizes: list[int], offset: int) -> None:
    pos = offset
    for index, size in enumerate(sizes):
        (length,) = struct.unpack_from(">I", data, pos)
        assert length + 4 == size
        nal_type = data[pos + 4] & 0x1F
        assert nal_type == (5 if index % 150 == 0 else 1)
        pos += size


def recording_file(file_type: str, seconds: int, file_id: str = "f1") -> RecordingFile:
    start = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
    ext, rtype = media.FILE_KINDS[file_type]
    return RecordingFile(
        id=file_id,
        meeting_uuid="u" * 22 + "==",
        file_type=file_type,
        file_extension=ext,
        recording_type=rtype,
        recording_start=start,
        recording_end=start + timedelta(seconds=seconds),
        file_size=media.file_size(file_type, rtype, seconds, file_id),
    )


@pytest.mark.parametrize("seconds", [1, 61, 2400])
def test_mp4_is_a_valid_iso_bmff_file_with_h264_and_aac(seconds: int) -> None:
    file = recording_file("MP4", seconds)
    data = media.content(file)
    assert len(data) == file.file_size
    check_iso_bmff(data, seconds=seconds, video=True)
    assert data[8:12] == b"isom"


def test_m4a_is_audio_only() -> None:
    file = recording_file("M4A", 600)
    data = media.content(file)
    assert len(data) == file.file_size
    assert data[8:12] == b"M4A "
    check_iso_bmff(data, seconds=600, video=False)


def test_sizes_stay_modest_and_grow_with_duration() -> None:
    forty = media.file_size("MP4", "shared_screen_with_speaker_view", 2400, "k")
    hour = media.file_size("MP4", "shared_screen_with_speaker_view", 3600, "k")
    assert 20_000 < forty < hour < 200_000
    assert media.file_size("TRANSCRIPT", "audio_transcript", 3600, "k") < 20_000


def test_content_is_deterministic_per_key_and_differs_between_keys() -> None:
    a = media.content(recording_file("MP4", 120, "file-a"))
    again = media._generate.__wrapped__("MP4", 120, "file-a")
    b = media.content(recording_file("MP4", 120, "file-b"))
    assert a == again
    assert a != b and len(a) == len(b)


def test_transcript_is_webvtt_covering_the_meeting() -> None:
    file = recording_file("TRANSCRIPT", 125)
    text = media.content(file).decode("utf-8")
    assert len(text.encode("utf-8")) == file.file_size
    assert text.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:29.000\n")
    cues = text.strip().split("\n\n")[1:]
    assert len(cues) == 5
    last = cues[-1].splitlines()
    assert last[0] == "5"
    assert last[1] == "00:02:00.000 --> 00:02:05.000"
    assert ": " in last[2]


def test_chat_follows_zoom_chat_file_layout() -> None:
    file = recording_file("CHAT", 600)
    lines = media.content(file).decode("utf-8").splitlines()
    assert lines[0].startswith("00:00:15 From ") and lines[0].endswith(" to Everyone:")
    assert lines[1].startswith("\t")
    assert len(lines) == 6


def test_wrong_size_or_type_is_a_media_error() -> None:
    file = recording_file("CHAT", 600)
    file.file_size += 1
    with pytest.raises(media.MediaError, match="bytes"):
        media.content(file)
    with pytest.raises(media.MediaError, match="CSV"):
        media.file_size("CSV", "poll", 60, "k")


@pytest.mark.skipif(FFPROBE is None or FFMPEG is None, reason="ffmpeg is not installed")
@pytest.mark.parametrize(("file_type", "codecs"), [("MP4", ["h264", "aac"]), ("M4A", ["aac"])])
def test_ffprobe_reads_and_ffmpeg_decodes(
    tmp_path: Path, file_type: str, codecs: list[str]
) -> None:
    target = tmp_path / f"recording.{file_type.lower()}"
    target.write_bytes(media.content(recording_file(file_type, 95)))
    assert FFPROBE is not None and FFMPEG is not None
    probe = subprocess.run(  # noqa: S603 - fixed arguments, our own temporary file
        [FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(target)],
        capture_output=True,
        check=True,
        text=True,
    )
    info = json.loads(probe.stdout)
    assert [s["codec_name"] for s in info["streams"]] == codecs
    assert float(info["format"]["duration"]) == pytest.approx(95, abs=0.1)
    decode = subprocess.run(  # noqa: S603 - fixed arguments, our own temporary file
        [FFMPEG, "-v", "error", "-i", str(target), "-f", "null", "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    assert decode.stderr == ""
