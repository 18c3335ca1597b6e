"""Zoom's published OpenAPI files as jsonschema validators for the sandbox's answers."""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

#: Zoom's Meetings API (OpenAPI 3.0, mid-2025) and the old "Zoom API" (Swagger 2.0, 2018).
MEETINGS_SPEC = "openapi.json"
LEGACY_SPEC = "openapi.v2.json"

_REPO_ROOT = Path(__file__).resolve().parents[2]
_SPEC_URI = "urn:zoom-spec:"


class SpecMissingError(Exception):
    """Zoom's OpenAPI files are not beside the repository (nor where ZOOMADMIN_SHARED says)."""


def spec_dir() -> Path:
    """The folder holding Zoom's OpenAPI files; raises SpecMissingError when it has none.

    ``ZOOMADMIN_SHARED`` may name either the shared folder or its ``zoom-api`` sub-folder;
    the default is ``<repository>/../shared/zoom-api``. The files are never copied into the
    repository (they are Zoom's, kept as reference data outside it).
    """
    override = os.environ.get("ZOOMADMIN_SHARED")
    base = Path(override) if override else _REPO_ROOT.parent / "shared"
    for candidate in (base / "zoom-api", base):
        if (candidate / MEETINGS_SPEC).is_file() and (candidate / LEGACY_SPEC).is_file():
            return candidate
    raise SpecMissingError(
        f"Zoom's OpenAPI files ({MEETINGS_SPEC}, {LEGACY_SPEC}) are not in {base}/zoom-api "
        f"or {base}; set ZOOMADMIN_SHARED to the folder that holds them"
    )


def _to_json_schema(node: Any) -> Any:
    """OpenAPI's schema dialect as plain JSON Schema: ``nullable`` becomes a ``null`` type."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_json_schema(value) for key, value in node.items()}
    nullable = out.pop("nullable", False) or out.pop("x-nullable", False)
    if nullable and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


@cache
def load_spec(name: str) -> dict[str, Any]:
    """One of Zoom's OpenAPI documents, converted to plain JSON Schema."""
    with (spec_dir() / name).open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    converted: dict[str, Any] = _to_json_schema(document)
    return converted


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def response_pointer(name: str, path: str, method: str, status: int) -> str:
    """The JSON pointer of an operation's response schema (OAS3 ``content`` or Swagger 2)."""
    spec = load_spec(name)
    try:
        response = spec["paths"][path][method.lower()]["responses"][str(status)]
    except KeyError as exc:
        raise KeyError(f"{name} does not describe {method} {path} -> {status}") from exc
    base = ("paths", path, method.lower(), "responses", str(status))
    if "content" in response:
        return _pointer(*base, "content", "application/json", "schema")
    if "schema" in response:
        return _pointer(*base, "schema")
    raise KeyError(f"{name}: {method} {path} -> {status} has no body schema")


def _is_date_time(value: object) -> bool:
    # Zoom writes UTC as yyyy-MM-ddTHH:mm:ssZ; anything fromisoformat reads is a date-time.
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    date.fromisoformat(value)
    return True


def _format_checker() -> FormatChecker:
    # Only the formats Zoom's wire honours: its "uuid" format is Zoom's base64 meeting UUID,
    # not RFC 4122, so the other checkers jsonschema knows would reject correct answers.
    checker = FormatChecker(formats=())
    checker.checks("date-time", raises=ValueError)(_is_date_time)
    checker.checks("date", raises=ValueError)(_is_date)
    return checker


def _set_pointer(document: dict[str, Any], pointer: str, value: Any) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.strip("/").split("/")]
    node: Any = document
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if parts[-1] not in node:
        raise KeyError(f"correction target {pointer} is not in the spec")
    node[parts[-1]] = value


@cache
def _registry(name: str, corrections: str) -> Registry:
    spec = load_spec(name)
    fixes: dict[str, Any] = json.loads(corrections)
    if fixes:
        spec = copy.deepcopy(spec)
        for pointer, schema in fixes.items():
            _set_pointer(spec, pointer, schema)
    resource = Resource.from_contents(spec, default_specification=DRAFT4)
    return Registry().with_resource(_SPEC_URI + name, resource)


def response_validator(
    name: str,
    path: str,
    method: str,
    status: int,
    *,
    extra: Mapping[str, Any] | None = None,
    corrections: Mapping[str, Any] | None = None,
) -> Draft4Validator:
    """A validator for one documented response, ``$ref``s resolved inside its document.

    ``extra`` is a JSON Schema that must hold as well: Zoom's response schemas rarely list
    ``required``, so callers name the keys the real wire always carries there and a missing
    field fails as surely as a wrong type. ``corrections`` replaces schemas inside the
    document (JSON pointer -> schema) where Zoom's file contradicts Zoom's real wire; each
    one must be justified where it is declared.
    """
    pointer = response_pointer(name, path, method, status)
    documented = {"$ref": f"{_SPEC_URI}{name}#/{pointer}"}
    schema: dict[str, Any] = {"allOf": [documented, dict(extra or {})]}
    return Draft4Validator(
        schema,
        registry=_registry(name, json.dumps(dict(corrections or {}), sort_keys=True)),
        format_checker=_format_checker(),
    )


def describe_errors(validator: Draft4Validator, body: Any, limit: int = 10) -> list[str]:
    """Readable validation failures: where in the body, and what was wrong."""
    found = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<body>'}: {error.message[:300]}"
        for error in found[:limit]
    ]
