"""Inline field errors in one style for every form: next to the field, marked, focused, cleared
as soon as the input is fixed."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from zoomadmin.ui.common.async_runner import user_message_of

ERROR_COLOR = "#d93025"
"""Reads as an error on both the light and the dark palette."""
FIELD_MARK = f"border: 1px solid {ERROR_COLOR}; border-radius: 2px;"
LABEL_STYLE = f"color: {ERROR_COLOR}; font-weight: bold;"

Check = Callable[[], str]
"""Returns the field's problem in words, or "" when the input is fine."""


def error_label(parent: QWidget) -> QLabel:
    """A hidden, word-wrapped label in the error style (for a form-wide message)."""
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet(LABEL_STYLE)
    label.hide()
    return label


class FieldErrors(QObject):
    """The errors of one form: each field has its own label, placed by the form.

    ``watch(field, check)`` re-checks the field as it is edited, so an error goes away as
    soon as the input is fixed; ``valid()`` says whether Save may be enabled.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._labels: dict[int, tuple[QWidget, QLabel]] = {}
        self._checks: dict[int, tuple[QWidget, Check]] = {}
        self._changed: list[Callable[[], None]] = []

    def label_for(self, field: QWidget) -> QLabel:
        """The error label of ``field`` (add it to the form right below the field)."""
        found = self._labels.get(id(field))
        if found is None:
            parent = field.parentWidget()
            found = (field, error_label(parent if parent is not None else field))
            self._labels[id(field)] = found
        return found[1]

    def show(self, field: QWidget, text: str, *, focus: bool = True) -> None:
        """Show ``text`` by ``field``, mark the field and (by default) focus it."""
        label = self.label_for(field)
        label.setText(text)
        label.setVisible(bool(text))
        field.setStyleSheet(_mark(field) if text else "")
        field.setProperty("invalid", bool(text))
        if text and focus:
            field.setFocus()
        for callback in self._changed:
            callback()

    def clear(self, field: QWidget) -> None:
        """The field's input is fine now."""
        if field.property("invalid"):
            self.show(field, "", focus=False)

    def clear_all(self) -> None:
        """No field has an error."""
        for field, _label in self._labels.values():
            if shiboken6.isValid(field):
                self.clear(field)

    def text(self, field: QWidget) -> str:
        """The error shown by ``field`` ("" when none)."""
        found = self._labels.get(id(field))
        return found[1].text() if found is not None and not found[1].isHidden() else ""

    def show_known(self, field: QWidget, exc: BaseException) -> bool:
        """Show a known error's message by ``field`` (True); a bug is left to the caller."""
        message = user_message_of(exc)
        if message is None:
            return False
        self.show(field, message)
        return True

    def watch(self, field: QLineEdit | QComboBox, check: Check, *, live: bool = True) -> None:
        """Re-check ``field`` whenever it changes: its error clears as soon as the input is
        fixed. ``live``: a problem shows as soon as the field was edited into it (off for
        fields whose input is wrong while being typed, like a time zone name)."""
        self._checks[id(field)] = (field, check)
        signal = field.textChanged if isinstance(field, QLineEdit) else field.currentTextChanged
        signal.connect(lambda _text: self._recheck(field, check, live=live))

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever an error shows or clears (to enable Save)."""
        self._changed.append(callback)

    def _recheck(self, field: QWidget, check: Check, *, live: bool) -> None:
        problem = check()
        if problem:
            # While typing, say what is wrong without pulling the focus; a field nobody
            # edited yet is only marked on Save.
            if live or field.property("invalid"):
                self.show(field, problem, focus=False)
        else:
            self.clear(field)
        for callback in self._changed:
            callback()

    def valid(self) -> bool:
        """Whether every watched field passes its check now."""
        checks = [check for field, check in self._checks.values() if shiboken6.isValid(field)]
        return not any(check() for check in checks)

    def first_problem(self) -> tuple[QWidget, str] | None:
        """The first watched field with a problem, and the problem."""
        for field, check in self._checks.values():
            problem = check()
            if problem:
                return field, problem
        return None


def _mark(field: QWidget) -> str:
    name = type(field).__name__
    return f"{name} {{ {FIELD_MARK} }}"
