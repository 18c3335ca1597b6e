"""Remove host with coming sessions: hand them to another host of the tenant, cancel them
or leave them, with the Zoom requests each costs shown before anything is done."""

from __future__ import annotations

import enum
from collections.abc import Coroutine, Sequence
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.records import HostRecord
from zoomadmin.services.session_changes import ChangePlan, SessionChanges
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.messages import error_text
from zoomadmin.ui.tenants.host_confirm import host_name


class SessionChoice(enum.IntEnum):
    """What happens to the removed host's coming sessions."""

    MOVE = 0
    CANCEL = 1
    LEAVE = 2


SHOWN_CLASHES = 3
"""Overlaps with the new host's own sessions named in the price (the rest counted)."""
LEAVE_NOTE = (
    "They leave with the user: they stay scheduled in what becomes its own free Zoom "
    "account, outside this one, and no longer appear here."
)


def plan_words(plan: ChangePlan, then: str = "The host is removed") -> str:
    """What a plan costs, per host, one line each, and what follows (``then``)."""
    parts = [
        f"• {c.email}: {c.requests} of its {c.left_today} left today"
        + ("" if c.goes_now else f" ({c.waiting} wait for 00:00 UTC)")
        for c in plan.charges
    ]
    cost = f"{plan.requests} Zoom request{'s' if plan.requests != 1 else ''}"
    text = "\n".join([f"{cost}:", *parts]) if parts else f"{cost}."
    text += "\n"
    if plan.queued_moved:
        text += f"{plan.queued_moved} still in the queue move at no cost. "
    if plan.drop_intents:
        text += f"{len(plan.drop_intents)} still in the queue are dropped. "
    if plan.action == "hand_over" and plan.meeting_ids:
        text += "Zoom cannot change a meeting's host: each is created again for the new "
        text += "host (new join links), then deleted from this one. "
    if not plan.goes_now:
        text += f"{then} once they have all gone."
    clashes = [n for n in plan.notes if " overlaps " in n]
    for note in clashes[:SHOWN_CLASHES]:
        text += f"\nNote: {note}"
    if len(clashes) > SHOWN_CLASHES:
        text += f"\n(+{len(clashes) - SHOWN_CLASHES} more overlaps)"
    return text.strip()


class RemoveHostDialog(QDialog):
    """Asks before removing one host with coming sessions; emits ``chosen(plan or None)``.

    The safe choice is the default: hand the sessions to another host of the tenant when
    there is one, else leave them as Zoom has them (no request). Cancel is the default
    button; each choice shows its price before Remove is pressed.
    """

    chosen = Signal(object)
    """The plan to submit before the removal (None: remove only)."""

    def __init__(
        self,
        question: str,
        host: HostRecord,
        others: Sequence[HostRecord],
        *,
        sessions: SessionChanges,
        runner: AsyncRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("removeHostDialog")
        self.setWindowTitle("Remove host")
        self.setMinimumWidth(520)
        self._host = host
        self._sessions = sessions
        self._runner = runner
        self.plan: ChangePlan | None = None
        self._asked = 0
        text = QLabel(question, self)
        text.setWordWrap(True)
        box = QGroupBox("Its coming sessions", self)
        self.move_to = QRadioButton("&Move them to another host of the tenant:", box)
        self.to_host = QComboBox(box)
        self.to_host.setObjectName("handOverHost")
        for other in others:
            self.to_host.addItem(host_name(other), other.id)
        self.cancel_them = QRadioButton("Ca&ncel them in Zoom", box)
        self.leave = QRadioButton("&Leave them with the user", box)
        self.group = QButtonGroup(self)
        for choice, button in (
            (SessionChoice.MOVE, self.move_to),
            (SessionChoice.CANCEL, self.cancel_them),
            (SessionChoice.LEAVE, self.leave),
        ):
            self.group.addButton(button, int(choice))
        self.move_to.setEnabled(bool(others))
        self.to_host.setEnabled(bool(others))
        if not others:
            self.move_to.setText("&Move them to another host (the tenant has no other host)")
        self.cost = QLabel(self)
        self.cost.setObjectName("sessionCost")
        self.cost.setWordWrap(True)
        inner = QVBoxLayout(box)
        inner.addWidget(self.move_to)
        inner.addWidget(self.to_host)
        inner.addWidget(self.cancel_them)
        inner.addWidget(self.leave)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.remove = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.remove.setText("&Remove")
        self.remove.setAutoDefault(False)
        self.remove.setDefault(False)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        self.buttons.accepted.connect(self._on_remove)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(box)
        layout.addWidget(self.cost)
        layout.addWidget(self.buttons)
        (self.move_to if others else self.leave).setChecked(True)
        self.group.idToggled.connect(self._on_toggled)
        self.to_host.currentIndexChanged.connect(lambda _: self._price())
        self._price()

    @property
    def choice(self) -> SessionChoice:
        """The chosen treatment of the sessions."""
        return SessionChoice(self.group.checkedId())

    @Slot(int, bool)
    def _on_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self._price()

    def _price(self) -> None:
        """Show what the chosen treatment costs (asking the service; Remove waits)."""
        self.to_host.setEnabled(self.choice is SessionChoice.MOVE)
        self.plan = None
        self._asked += 1
        asked = self._asked
        if self.choice is SessionChoice.LEAVE:
            self.cost.setText(f"No Zoom request. {LEAVE_NOTE}")
            self.remove.setEnabled(True)
            self.adjustSize()
            return
        self.cost.setText("Working out what it costs…")
        self.remove.setEnabled(False)
        work: Coroutine[Any, Any, ChangePlan]
        if self.choice is SessionChoice.MOVE:
            work = self._sessions.plan_hand_over(self._host.id, int(self.to_host.currentData()))
        else:
            work = self._sessions.plan_cancel_all(self._host.id)

        def show(plan: ChangePlan) -> None:
            if asked != self._asked:
                return  # another choice was made meanwhile
            self.plan = plan
            self.cost.setText(plan_words(plan))
            self.remove.setEnabled(True)
            self.adjustSize()

        def failed(exc: BaseException) -> bool:
            text = error_text(exc)
            if text is None:
                return False  # our bug: the error dialog
            if asked == self._asked:
                self.cost.setText(f"Its cost could not be worked out: {text}")
            return True

        self._runner.run(work, on_done=show, on_error=failed, label="Working out the cost…")

    @Slot()
    def _on_remove(self) -> None:
        if self.choice is not SessionChoice.LEAVE and self.plan is None:
            return
        self.chosen.emit(None if self.choice is SessionChoice.LEAVE else self.plan)
        self.accept()


class DeleteTenantDialog(QDialog):
    """Asks before deleting a tenant whose hosts have coming sessions; emits
    ``chosen(plan)`` with the cancellations to send first.

    A tenant is deleted only once its sessions are gone, so Delete waits for the box that
    cancels them (off at first: the safe choice is not to cancel anything); the price shows
    before it is ticked. Cancel is the default button.
    """

    chosen = Signal(object)
    """The cancellations to send before the tenant is deleted."""

    def __init__(
        self,
        question: str,
        pricing: Coroutine[Any, Any, ChangePlan],
        *,
        runner: AsyncRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deleteTenantDialog")
        self.setWindowTitle("Delete tenant")
        self.setMinimumWidth(520)
        self.plan: ChangePlan | None = None
        text = QLabel(question, self)
        text.setWordWrap(True)
        self.cancel_them = QCheckBox("Ca&ncel the coming sessions in Zoom first", self)
        self.cost = QLabel("Working out what it costs…", self)
        self.cost.setObjectName("sessionCost")
        self.cost.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.delete = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.delete.setText("&Delete")
        self.delete.setAutoDefault(False)
        self.delete.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        self.buttons.accepted.connect(self._on_delete)
        self.buttons.rejected.connect(self.reject)
        self.cancel_them.setEnabled(False)
        self.cancel_them.toggled.connect(lambda _: self._update())
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.cancel_them)
        layout.addWidget(self.cost)
        layout.addWidget(self.buttons)

        def show(plan: ChangePlan) -> None:
            self.plan = plan
            self.cost.setText(plan_words(plan, "The tenant is deleted"))
            self.cancel_them.setEnabled(True)
            self._update()
            self.adjustSize()

        def failed(exc: BaseException) -> bool:
            text = error_text(exc)
            if text is None:
                return False
            self.cost.setText(f"Its cost could not be worked out: {text}")
            return True

        runner.run(pricing, on_done=show, on_error=failed, label="Working out the cost…")

    def _update(self) -> None:
        self.delete.setEnabled(self.plan is not None and self.cancel_them.isChecked())

    @Slot()
    def _on_delete(self) -> None:
        if self.plan is None or not self.cancel_them.isChecked():
            return
        self.chosen.emit(self.plan)
        self.accept()
