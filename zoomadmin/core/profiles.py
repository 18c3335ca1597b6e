"""A real Zoom account's profile: how to reach it (its secrets live in the OS keyring)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_API_URL = "https://api.zoom.us/v2"
DEFAULT_OAUTH_URL = "https://zoom.us/oauth/token"
DEFAULT_WS_URL = "wss://ws.zoom.us/ws"
"""Zoom's WebSocket event stream (the subscription id picks the account's events)."""


class AccountProfile(BaseModel):
    """A real Zoom account reached with Server-to-Server OAuth.

    No secret lives here: the client secret (and any webhook secret) is kept in the OS
    keyring under the profile's name.
    """

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    name: str = Field(min_length=1)
    account_id: str
    client_id: str
    api_url: str = DEFAULT_API_URL
    oauth_url: str = DEFAULT_OAUTH_URL
    ws_url: str | None = None
    """The WebSocket event stream's address (``wss://ws.zoom.us/ws``), if one is set up."""
    ws_subscription_id: str | None = None
    """The event subscription the WebSocket streams (from the app's Marketplace page)."""
