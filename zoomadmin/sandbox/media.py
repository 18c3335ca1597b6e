"""Bytes of cloud recording files: real MP4/M4A media, WebVTT transcripts, Zoom chat files."""

from __future__ import annotations

import functools
import hashlib
import random

from zoomadmin.sandbox import mp4
from zoomadmin.sandbox.state import RecordingFile

#: file_type -> (file_extension, default recording_type), as Zoom lists them.
FILE_KINDS: dict[str, tuple[str, str]] = {
    "MP4": ("MP4", "shared_screen_with_speaker_view"),
    "M4A": ("M4A", "audio_only"),
    "TRANSCRIPT": ("VTT", "audio_transcript"),
    "CHAT": ("TXT", "chat_file"),
    "CC": ("VTT", "closed_caption"),
}
#: Seconds between transcript cues and between chat messages (keeps files at tens of KB).
CUE_SECONDS = 30
CHAT_SECONDS = 240

_SPEAKERS = (
    "Alex Morgan",
    "Priya Natarajan",
    "Tom Becker",
    "Sofia Alvarez",
    "Kenji Watanabe",
    "Amara Okafor",
)
_LINES = (
    "Good morning everyone, can you all hear me?",
    "Let's pick up where we left off last week.",
    "Please open the worksheet in the shared folder.",
    "Could you repeat the last step, please?",
    "I'll share my screen so you can follow along.",
    "Any questions before we move on?",
    "That is a great point, thank you.",
    "We have about ten minutes left for exercises.",
    "The homework is due before the next session.",
    "See you all next week.",
)


class MediaError(ValueError):
    """A recording file the sandbox cannot produce bytes for."""


def _rng(key: str) -> random.Random:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _clock(seconds: int, *, millis: bool) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.000" if millis else text


def transcript(duration_seconds: int, key: str) -> bytes:
    """A WebVTT transcript in Zoom's layout: numbered cues, "Speaker: text" lines."""
    rng = _rng(key)
    speakers = rng.sample(_SPEAKERS, 3)
    cues = ["WEBVTT", ""]
    for number, start in enumerate(range(0, max(1, duration_seconds), CUE_SECONDS), start=1):
        end = min(start + CUE_SECONDS - 1, max(1, duration_seconds))
        cues += [
            str(number),
            f"{_clock(start, millis=True)} --> {_clock(end, millis=True)}",
            f"{rng.choice(speakers)}: {rng.choice(_LINES)}",
            "",
        ]
    return "\n".join(cues).encode("utf-8")


def chat(duration_seconds: int, key: str) -> bytes:
    """A meeting chat file in Zoom's layout: "HH:MM:SS From Name to Everyone:" then the text."""
    rng = _rng(key)
    speakers = rng.sample(_SPEAKERS, 4)
    lines = []
    for offset in range(15, max(16, duration_seconds), CHAT_SECONDS):
        lines.append(f"{_clock(offset, millis=False)} From {rng.choice(speakers)} to Everyone:")
        lines.append(f"\t{rng.choice(_LINES)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _shade(key: str) -> int:
    return _rng(key).randrange(220)


@functools.lru_cache(maxsize=64)
def _generate(file_type: str, duration_seconds: int, key: str) -> bytes:
    if file_type == "MP4":
        return mp4.build(duration_seconds, video=True, shade=_shade(key))
    if file_type == "M4A":
        return mp4.build(duration_seconds, video=False)
    if file_type in ("TRANSCRIPT", "CC"):
        return transcript(duration_seconds, key)
    if file_type == "CHAT":
        return chat(duration_seconds, key)
    raise MediaError(
        f"the sandbox makes no {file_type!r} recording files (MP4, M4A, TRANSCRIPT, CHAT, CC)"
    )


@functools.lru_cache(maxsize=4096)
def file_size(file_type: str, recording_type: str, duration_seconds: int, key: str) -> int:
    """The byte size of a file's content; media sizes come without generating the media."""
    del recording_type  # the content depends on the file type; kept for Zoom's shape
    if file_type == "MP4":
        return mp4.size(duration_seconds, video=True)
    if file_type == "M4A":
        return mp4.size(duration_seconds, video=False)
    return len(_generate(file_type, duration_seconds, key))


def file_bytes(file: RecordingFile, *, duration_seconds: int) -> bytes:
    """The content of ``file`` (keyed by its id), deterministic, ``len == file.file_size``."""
    content = _generate(file.file_type, duration_seconds, file.id)
    if len(content) != file.file_size:
        raise MediaError(
            f"recording file {file.id} says {file.file_size} bytes but its content has "
            f"{len(content)}: pass the duration it was created with"
        )
    return content


def duration_of(file: RecordingFile) -> int:
    """The whole seconds a file covers (recording_end - recording_start)."""
    return max(1, int((file.recording_end - file.recording_start).total_seconds()))


def content(file: RecordingFile) -> bytes:
    """The content of ``file`` for its own recording_start..recording_end span."""
    return file_bytes(file, duration_seconds=duration_of(file))
