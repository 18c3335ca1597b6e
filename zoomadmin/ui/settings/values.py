"""Setting values and layers in words for the Host settings tab."""

from __future__ import annotations

from typing import Any

from zoomadmin.core.policy import Layer

LAYER_WORDS = {Layer.ACCOUNT: "Account", Layer.GROUP: "Group", Layer.USER: "User"}


def value_words(value: Any) -> str:
    """A setting's value as the tab shows it (switches as On/Off)."""
    if isinstance(value, bool):
        return "On" if value else "Off"
    if value is None:
        return "—"
    return str(value)


def layer_words(layer: Layer, locked: bool) -> str:
    """ "Group (locked)", "User", ..."""
    word = LAYER_WORDS[layer]
    return f"{word} (locked)" if locked else word
