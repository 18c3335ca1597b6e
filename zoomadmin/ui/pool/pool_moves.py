"""Staff's own moves in the License Pool tab: the switch, attach and detach, each confirmed
with what it affects (destructive ones default to Cancel, as everywhere in the app)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QWidget

from zoomadmin.services.license_control import LicenseControl
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.tenants.host_actions import confirm
from zoomadmin.ui.tenants.host_dialogs import open_dialog

OFF_QUESTION = (
    "Turn the license pool off?\n\nIt then moves no seats, for every desk and agent of this "
    "account, until it is turned on again: sessions of Basic hosts run as Basic (cut at 40 "
    "minutes, no cloud recording). Seats already given stay."
)


class StaffMoves(QObject):
    """Asks, then has the license controller make staff's move; :attr:`done` says what
    happened (for the status bar) once Zoom and the audit log have it."""

    done = Signal(str)
    """A move or the switch went through: its confirmation in words."""

    def __init__(self, licenses: LicenseControl, runner: AsyncRunner, owner: QWidget) -> None:
        super().__init__(owner)
        self._licenses = licenses
        self._runner = runner
        self._owner = owner
        self.dialog: QWidget | None = None
        """The confirmation or chooser opened last."""

    def _opened(self, dialog: QWidget) -> None:
        """Keep ``dialog`` as :attr:`dialog` until Qt deletes it (a closed one is)."""
        self.dialog = dialog
        dialog.destroyed.connect(lambda _=None: self._gone(dialog))

    def _gone(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def switch(self, *, on: bool) -> None:
        """Turn the pool on at once, or off after asking."""
        if on:
            self._switch(True)
            return
        self._opened(
            confirm(
                self._owner,
                "Turn the pool off",
                OFF_QUESTION,
                "Turn off",
                lambda: self._switch(False),
                destructive=True,
            )
        )

    def _switch(self, on: bool) -> None:
        self._runner.run(
            self._licenses.set_enabled(on),
            on_done=lambda _: self.done.emit(
                "The license pool is on." if on else "The license pool is off."
            ),
            label="Turning the pool on…" if on else "Turning the pool off…",
        )

    def detach(self, email: str) -> None:
        """Say what taking ``email``'s seat affects, and take it if staff agree."""
        self._runner.run(
            self._licenses.impact(email, "basic"),
            on_done=lambda impact: self._confirm(email, "basic", impact),
            label="Looking at the seat…",
        )

    def attach(self, first: Sequence[str] = ()) -> None:
        """Choose a host without a seat (``first`` at the top, where they have none), say
        what giving it one affects, and give it if staff agree."""
        self._runner.run(
            self._licenses.seatless(),
            on_done=lambda hosts: self._choose(hosts, first),
            label="Reading the hosts…",
        )

    def _choose(self, hosts: tuple[str, ...], first: Sequence[str]) -> None:
        ordered = list(dict.fromkeys(h for h in (*first, *hosts) if h in hosts))
        dialog = QInputDialog(self._owner)
        dialog.setObjectName("attachHostDialog")
        dialog.setWindowTitle("Attach a paid seat")
        dialog.setLabelText(
            "Host to give a paid seat until it is detached\n(tenant hosts without one; those "
            "with sessions coming first):"
        )
        dialog.setComboBoxItems(ordered)
        dialog.setComboBoxEditable(True)
        dialog.setOkButtonText("Next…")
        dialog.textValueSelected.connect(self._ask_attach)
        self._opened(dialog)
        open_dialog(dialog, self._owner)

    def _ask_attach(self, email: str) -> None:
        email = email.strip()
        if email:
            self._runner.run(
                self._licenses.impact(email, "licensed"),
                on_done=lambda impact: self._confirm(email, "licensed", impact),
                label="Looking at the seats…",
            )

    def _confirm(self, email: str, to: str, impact: str) -> None:
        if to == "licensed":
            title, question, ok = "Attach a paid seat", f"Give {email} a paid seat?", "Attach"
        else:
            title, question, ok = (
                "Detach a paid seat",
                f"Take the paid seat from {email}?",
                "Detach",
            )
        self._opened(
            confirm(
                self._owner,
                title,
                f"{question}\n\n{impact}",
                ok,
                lambda: self._move(email, to),
                destructive=to == "basic",
            )
        )

    def _move(self, email: str, to: str) -> None:
        attach = to == "licensed"
        work = self._licenses.attach(email) if attach else self._licenses.detach(email)
        self._runner.run(
            work,
            on_done=lambda _: self.done.emit(
                f"{email} got a paid seat." if attach else f"{email} gave its seat back."
            ),
            label="Giving the seat…" if attach else "Taking the seat back…",
            error_parent=self._owner,
        )
