"""The Server-to-Server OAuth scopes each feature needs, as Settings → Accounts lists them."""

from __future__ import annotations

import html

from zoomadmin.services.scopes import feature_scopes


def scopes_html(mono_family: str = "monospace") -> str:
    """The scope list as the dialog shows it: each scope one unbroken line, to copy whole."""
    style = f"font-family: '{html.escape(mono_family)}'; white-space: pre; margin-top: 2px"
    items = "".join(
        f"<p style='margin-bottom: 0'><b>{html.escape(feature)}</b></p>"
        f'<pre style="{style}">{html.escape(chr(10).join(scopes))}</pre>'
        for feature, scopes in feature_scopes().items()
    )
    return (
        "<p>Create a <b>Server-to-Server OAuth</b> app in the Zoom App Marketplace and add "
        "these scopes (older apps may use the classic <tt>user:read:admin</tt>-style scopes "
        "instead):</p>" + items
    )
