"""Column state every table shares: a header menu to show, hide and reorder columns, and the
widths, order, hidden columns and sort remembered per table in QSettings."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QByteArray, QObject, QPoint, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

SAVE_DELAY_MS = 300
STATE_VERSION = 1


class TableState(QObject):
    """Keeps one table's header state in ``settings`` under ``key`` (e.g. ``"tables/hosts"``).

    Columns in ``hidden`` start hidden (until the user shows them); the header's context
    menu lists every column with a check box, plus "Reset columns". Sections can be dragged
    to reorder them. The state is written a moment after each change, and read back by
    :meth:`restore`.
    """

    def __init__(
        self,
        view: QTableView,
        key: str,
        *,
        hidden: Iterable[int] = (),
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._key = key
        self._settings = settings
        header = view.horizontalHeader()
        self._header = header
        self._default_hidden = set(hidden)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)  # a bold title for the current column would clip
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)
        self._defaults = header.saveState()
        for column in self._default_hidden:
            header.hideSection(column)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        for signal in (
            header.sectionResized,
            header.sectionMoved,
            header.sortIndicatorChanged,
        ):
            signal.connect(self._timer.start)
        self.menu: QMenu | None = None

    def use_settings(self, settings: QSettings) -> None:
        """Remember in ``settings`` from now on, and show what it remembers."""
        self._settings = settings
        self.restore()

    def restore(self) -> bool:
        """Show the remembered state (True), or keep the defaults (False)."""
        if self._settings is None:
            return False
        state = self._settings.value(f"{self._key}/header")
        version = self._settings.value(f"{self._key}/version")
        if not isinstance(state, QByteArray | bytes) or str(version) != str(STATE_VERSION):
            return False
        restored = self._header.restoreState(QByteArray(state))
        if restored and self._view.isSortingEnabled():
            self._view.sortByColumn(
                self._header.sortIndicatorSection(), self._header.sortIndicatorOrder()
            )
        return restored

    @Slot()
    def save(self) -> None:
        """Write the header's state now."""
        if self._settings is None:
            return
        self._settings.setValue(f"{self._key}/header", self._header.saveState())
        self._settings.setValue(f"{self._key}/version", STATE_VERSION)

    def set_column_shown(self, column: int, shown: bool) -> None:
        """Show or hide a column (the last shown one stays)."""
        visible = [c for c in range(self._header.count()) if not self._header.isSectionHidden(c)]
        if not shown and visible == [column]:
            return
        self._header.setSectionHidden(column, not shown)
        if shown and self._header.sectionSize(column) < self._header.minimumSectionSize() * 2:
            self._header.resizeSection(column, self._header.defaultSectionSize())
        self.save()

    def reset(self) -> None:
        """Back to the default columns, widths and order."""
        self._header.restoreState(self._defaults)
        for column in range(self._header.count()):
            self._header.setSectionHidden(column, column in self._default_hidden)
        self.save()

    def column_actions(self) -> list[QAction]:
        """One checkable action per column (for the header menu and the View menu)."""
        model = self._view.model()
        actions = []
        for column in range(self._header.count()):
            title = model.headerData(column, Qt.Orientation.Horizontal)
            action = QAction(str(title), self)
            action.setCheckable(True)
            action.setChecked(not self._header.isSectionHidden(column))
            action.toggled.connect(lambda on, c=column: self.set_column_shown(c, on))
            actions.append(action)
        return actions

    @Slot(QPoint)
    def _show_menu(self, at: QPoint) -> None:
        menu = QMenu(self._view)
        menu.setObjectName("columnsMenu")
        for action in self.column_actions():
            action.setParent(menu)
            menu.addAction(action)
        menu.addSeparator()
        reset = menu.addAction("Reset columns")
        reset.triggered.connect(self.reset)
        self.menu = menu
        menu.popup(self._header.mapToGlobal(at))


def resize_mode_interactive(header: QHeaderView) -> None:
    """Columns the user can resize (the last one takes the rest of the width)."""
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
