"""What every group of endpoints shares: the transport, JSON helpers and page parsing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, Unpack

import httpx

from zoomadmin.zoom.errors import ZoomUnavailable
from zoomadmin.zoom.models import Page
from zoomadmin.zoom.paging import PAGE_SIZE
from zoomadmin.zoom.transport import RequestOptions, Transport

T = TypeVar("T")


def response_json(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a success answer (empty for 204)."""
    if response.status_code == 204 or not response.content:
        return {}
    try:
        data = response.json()
    except ValueError:
        raise ZoomUnavailable("Zoom gave an unreadable answer.") from None
    if not isinstance(data, dict):
        raise ZoomUnavailable("Zoom gave an unexpected answer.")
    return data


def page_params(token: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Query parameters of one page: the largest page size and the token, if any."""
    params: dict[str, Any] = {"page_size": PAGE_SIZE}
    if token:
        params["next_page_token"] = token
    if extra:
        params.update({k: v for k, v in extra.items() if v is not None})
    return params


def parse_page(data: dict[str, Any], key: str, parse: Callable[[dict[str, Any]], T]) -> Page[T]:
    """A :class:`Page` from a list answer whose items sit under ``key``."""
    raw = data.get(key) or []
    total = data.get("total_records")
    return Page[T](
        items=[parse(item) for item in raw if isinstance(item, dict)],
        total_records=total if isinstance(total, int) else None,
        next_page_token=str(data.get("next_page_token") or ""),
    )


class ClientBase:
    """Holds the :class:`Transport`; endpoint groups build on its two helpers."""

    transport: Transport

    async def _json(
        self, method: str, template: str, **options: Unpack[RequestOptions]
    ) -> dict[str, Any]:
        return response_json(await self.transport.request(method, template, **options))

    async def request(
        self, method: str, template: str, **options: Unpack[RequestOptions]
    ) -> httpx.Response:
        """The raw authorized request, for endpoints without a typed method."""
        return await self.transport.request(method, template, **options)
