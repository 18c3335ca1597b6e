"""Test helper: the Alt+letter accelerators of a dialog's visible controls, to find clashes."""

from __future__ import annotations

import re
from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget

_MNEMONIC = re.compile(r"&([^&])")


def accelerator(text: str) -> str | None:
    """The letter after a single ``&`` (``&&`` is a literal ampersand), lower case."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def accelerators(dialog: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every control in ``dialog`` that has one (hidden ones too)."""
    found: list[tuple[str, str]] = []
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, QAbstractButton | QGroupBox):
            text = widget.text() if isinstance(widget, QAbstractButton) else widget.title()
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            text = widget.text()
        else:
            continue
        letter = accelerator(text)
        if letter:
            found.append((letter, text))
    return found


def clashes(dialog: QWidget) -> dict[str, list[str]]:
    """Letters bound to more than one control, with those controls' texts."""
    pairs = accelerators(dialog)
    counts = Counter(letter for letter, _ in pairs)
    return {
        letter: [text for other, text in pairs if other == letter]
        for letter, count in counts.items()
        if count > 1
    }


def literal_ampersands(dialog: QWidget) -> list[str]:
    """Label texts that show a ``&`` mnemonic literally (a label with no buddy)."""
    return [
        w.text()
        for w in dialog.findChildren(QLabel)
        if w.buddy() is None and accelerator(w.text()) and w.textFormat() != Qt.TextFormat.RichText
    ]
