"""Folder and file names for downloaded recordings, valid on Windows, macOS and Linux alike."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TEMPLATE = "{tenant}/{host}/{date} {topic}/{type}.{ext}"
MAX_NAME_BYTES = 255
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in "123456789¹²³"),
    *(f"LPT{n}" for n in "123456789¹²³"),
}
_FIELDS = ("tenant", "host", "date", "time", "topic", "type", "ext", "meeting", "file")


class TemplateError(ValueError):
    """A name template that cannot be used."""


@dataclass(frozen=True)
class NameParts:
    """What a file's name is made of."""

    tenant: str
    host: str
    start: datetime
    timezone: str | None
    topic: str
    file_type: str
    recording_type: str
    extension: str
    meeting_id: int
    file_id: str


def _fit(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` UTF-8 bytes without splitting a character."""
    data = name.encode("utf-8")
    if len(data) <= limit:
        return name
    return data[:limit].decode("utf-8", errors="ignore")


def safe_name(raw: str, *, keep_extension: bool = False) -> str:
    """One path component valid on all three systems: NFC, no forbidden or control
    characters, no trailing dots or spaces, not a reserved device name, <= 255 bytes.
    """
    name = unicodedata.normalize("NFC", raw)
    name = _FORBIDDEN.sub("_", name).strip(" ")
    stem, dot, ext = name.rpartition(".") if keep_extension and "." in name else (name, "", "")
    stem = stem.rstrip(". ")
    ext = ext.rstrip(". ")
    if not stem:
        stem = "_"
    if stem.split(".")[0].upper().rstrip(" ") in _RESERVED:
        stem = "_" + stem
    tail = f"{dot}{ext}" if ext else ""
    stem = _fit(stem, MAX_NAME_BYTES - len(tail.encode("utf-8"))).rstrip(". ") or "_"
    return unicodedata.normalize("NFC", stem + tail)


def valid_everywhere(name: str) -> bool:
    """Whether ``name`` is a valid file name on Windows, macOS and Linux."""
    if not name or name in (".", "..") or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return False
    if _FORBIDDEN.search(name) or name.endswith((".", " ")):
        return False
    if unicodedata.normalize("NFC", name) != name:
        return False
    return name.split(".", maxsplit=1)[0].upper().rstrip(" ") not in _RESERVED


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def check_template(template: str) -> None:
    """Refuse a template with unknown fields or without a file part."""
    fields = set(re.findall(r"{(\w*)}", template))
    unknown = fields - set(_FIELDS)
    if unknown:
        raise TemplateError(
            f"The name template uses unknown fields ({', '.join(sorted(unknown))}); "
            f"use {', '.join('{' + f + '}' for f in _FIELDS)}."
        )
    if not template.strip("/ ") or template.endswith("/"):
        raise TemplateError("The name template must end with a file name.")


def relative_path(parts: NameParts, template: str = DEFAULT_TEMPLATE) -> PurePosixPath:
    """The file's path below the download folder; dates in the tenant's zone."""
    check_template(template)
    local = parts.start.astimezone(_zone(parts.timezone))
    kind = (parts.recording_type or parts.file_type or "file").lower()
    values = {
        "tenant": parts.tenant,
        "host": parts.host,
        "date": local.strftime("%Y-%m-%d %H.%M"),
        "time": local.strftime("%H.%M"),
        "topic": parts.topic or "Untitled",
        "type": kind,
        "ext": (parts.extension or "bin").lower(),
        "meeting": str(parts.meeting_id),
        "file": parts.file_id,
    }
    pieces = template.split("/")
    out: list[str] = []
    for n, piece in enumerate(pieces):
        text = re.sub(r"{(\w+)}", lambda m: _field(values[m.group(1)]), piece)
        out.append(safe_name(text, keep_extension=n == len(pieces) - 1))
    return PurePosixPath(*out)


def _field(value: str) -> str:
    # A "/" in a topic must not make a folder.
    return value.replace("/", "_").replace("\\", "_")


def numbered(name: str, n: int) -> str:
    """``name`` with `` (n)`` before its extension, still within 255 bytes."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    tail = f" ({n})" + (f".{ext}" if ext else "")
    return _fit(stem, MAX_NAME_BYTES - len(tail.encode("utf-8"))).rstrip(". ") + tail
