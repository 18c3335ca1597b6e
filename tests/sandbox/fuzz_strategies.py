"""Hypothesis strategies for Zoom requests, built from the request schemas of Zoom's OpenAPI files.

Values follow each schema most of the time and are swapped, now and then, for any JSON
value or for a string known to have tripped the sandbox (a folder time zone, year 9999,
"²" as an id), so both the documented shapes and the malformed ones reach every route.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

#: Strings that once made the sandbox answer 500 (kept so they stay covered).
TRICKY_STRINGS = (
    "",
    "Europe",
    "Mars/Olympus",
    "A" * 300,
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+05:00",
    "2026-03-05T10:00:00Z",
    "2026-03-05",
    "²",
    "①",
    "7" * 40,
    "a\u0000b@learnwell.example",
    "me",
    "-1",
    "1e3",
)
_LEAF = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([0, -1, 2**31, 2**63, 10**15, 10**30])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(TRICKY_STRINGS)
)
#: Any JSON value (JSON has no NaN or Infinity; refusing those is tested on its own).
ANY_JSON: st.SearchStrategy[Any] = st.recursive(
    _LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
_MAX_DEPTH = 4


@dataclass(frozen=True)
class Parameter:
    """One documented query or path parameter."""

    name: str
    location: str
    schema: Mapping[str, Any]


@dataclass(frozen=True)
class Operation:
    """One documented operation the sandbox serves: where, its parameters and body schema."""

    spec: str
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    body: Mapping[str, Any] | None

    @property
    def label(self) -> str:
        """``METHOD /path`` for test ids."""
        return f"{self.method} {self.path}"


class Resolver:
    """Follows local ``$ref`` pointers inside one OpenAPI document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        """Resolve inside ``document``."""
        self.document = document

    def resolve(self, node: Any) -> Any:
        """``node`` with a top-level ``$ref`` (chains included) replaced by its target."""
        for _ in range(20):
            if not isinstance(node, Mapping) or "$ref" not in node:
                return node
            ref = str(node["$ref"])
            if not ref.startswith("#/"):
                return {}
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return {}


def operation(spec_name: str, document: Mapping[str, Any], method: str, path: str) -> Operation:
    """The operation ``method path`` of ``document`` (OpenAPI 3 or Swagger 2)."""
    resolver = Resolver(document)
    item = document["paths"][path]
    op = item[method.lower()]
    parameters: list[Parameter] = []
    body: Mapping[str, Any] | None = None
    for raw in [*item.get("parameters", []), *op.get("parameters", [])]:
        param = resolver.resolve(raw)
        where = param.get("in")
        if where == "body":
            body = param.get("schema", {})
        elif where in ("query", "path"):
            schema = param.get("schema") or {k: v for k, v in param.items() if k != "in"}
            parameters.append(Parameter(str(param["name"]), str(where), schema))
    content = resolver.resolve(op.get("requestBody", {})).get("content", {})
    if "application/json" in content:
        body = content["application/json"].get("schema", {})
    return Operation(spec_name, method.upper(), path, tuple(parameters), body)


def _string(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    if schema.get("format") == "date-time":
        moments = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
        return moments | st.text(max_size=30)
    if schema.get("format") == "date":
        return st.dates().map(lambda d: d.isoformat()) | st.text(max_size=12)
    limit = min(int(schema.get("maxLength", 40) or 40), 300)
    return st.text(max_size=limit + 5)


def _integer(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    bounded = st.integers(
        min_value=int(low) if isinstance(low, int | float) else None,
        max_value=int(high) if isinstance(high, int | float) else None,
    )
    return bounded | st.integers() | st.sampled_from([0, -1, 10**15])


def _object(schema: Mapping[str, Any], resolver: Resolver, depth: int) -> st.SearchStrategy[Any]:
    properties: dict[str, Any] = {}
    for part in [schema, *(resolver.resolve(s) for s in schema.get("allOf", []))]:
        properties.update(part.get("properties", {}))
    optional = {name: value_of(prop, resolver, depth + 1) for name, prop in properties.items()}
    return st.fixed_dictionaries({}, optional=optional)


_SIMPLE: dict[str, st.SearchStrategy[Any]] = {
    "number": st.floats(allow_nan=False, allow_infinity=False) | st.integers(),
    "boolean": st.booleans(),
}


def _documented(
    schema: Mapping[str, Any], resolver: Resolver, depth: int
) -> st.SearchStrategy[Any]:
    if schema.get("enum"):
        return st.sampled_from(list(schema["enum"]))
    choices = schema.get("oneOf") or schema.get("anyOf")
    if choices:
        return st.one_of([value_of(c, resolver, depth + 1) for c in choices])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or "properties" in schema or "allOf" in schema:
        return _object(schema, resolver, depth)
    if kind == "array":
        return st.lists(value_of(schema.get("items", {}), resolver, depth + 1), max_size=3)
    if kind in ("integer", "string"):
        return _integer(schema) if kind == "integer" else _string(schema)
    return _SIMPLE.get(str(kind), ANY_JSON)


def value_of(schema: Any, resolver: Resolver, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for ``schema``: mostly as documented, sometimes any JSON or a tricky string."""
    resolved = resolver.resolve(schema)
    if depth > _MAX_DEPTH or not isinstance(resolved, Mapping):
        return ANY_JSON
    documented = _documented(resolved, resolver, depth)
    return st.one_of(documented, documented, documented, ANY_JSON, st.sampled_from(TRICKY_STRINGS))


def as_query_text(value: Any) -> str:
    """How a client would put ``value`` in a query string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
