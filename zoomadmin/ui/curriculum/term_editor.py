"""The wizard's term editors: the weekly slots table and the holidays list, keyboard first."""

from __future__ import annotations

import itertools
from datetime import date, time

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.curriculum import MAX_DURATION, MIN_DURATION

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_START = time(9, 0)
DEFAULT_DURATION = 50
MAX_SLOTS = 70
"""Ten slots a day, every day: more is a file's job (Import curriculum CSV…)."""


class SlotColumn:
    """The columns of the slots table."""

    WEEKDAY = 0
    START = 1
    DURATION = 2


def qdate(day: date) -> QDate:
    """``day`` as Qt's date."""
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    """Qt's date as ``date``."""
    return date(day.year(), day.month(), day.day())


class SlotsEditor(QWidget):
    """Weekly slots as rows of weekday, local start time and duration.

    Insert (or Alt+A) adds a row after the current one (a copy of it a day later); Delete
    (or Alt+R) removes the current row (in a time or minutes field Delete edits the text).
    The rows' numbers are the ones row problems name.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("curriculumSlots")
        self.table.setHorizontalHeaderLabels(["Weekday", "Local start", "Minutes"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("&Add slot", self)
        self.add_button.setToolTip("Add a weekly slot (Insert)")
        self.remove_button = QPushButton("&Remove slot", self)
        self.remove_button.setToolTip("Remove the current slot (Delete on the table)")
        self.add_button.clicked.connect(self.add_slot)
        self.remove_button.clicked.connect(self.remove_current)
        # Delete removes the slot being edited, except where it edits text (a time, minutes).
        delete = QShortcut(QKeySequence.StandardKey.Delete, self)
        delete.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.activated.connect(self.remove_current)
        insert = QShortcut(QKeySequence(Qt.Key.Key_Insert), self)
        insert.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        insert.activated.connect(self.add_slot)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def rows(self) -> int:
        """How many slots there are."""
        return self.table.rowCount()

    def add_slot(
        self, weekday: int | None = None, start: time | None = None, duration: int | None = None
    ) -> int:
        """Add a slot (by default a copy of the current one a day later); its row."""
        if self.rows() >= MAX_SLOTS:
            return -1
        current = self.current_row()
        if current < 0 and self.rows():
            current = self.rows() - 1
        if current >= 0:
            was_day, was_start, was_duration = self.slot(current)
            weekday = (was_day + 1) % 7 if weekday is None else weekday
            start = was_start if start is None else start
            duration = was_duration if duration is None else duration
        row = current + 1 if current >= 0 else self.rows()
        self.table.insertRow(row)
        day = QComboBox(self.table)
        day.addItems(list(WEEKDAY_NAMES))
        day.setCurrentIndex(0 if weekday is None else weekday)
        at = QTimeEdit(self.table)
        at.setDisplayFormat("HH:mm")
        clock = start or DEFAULT_START
        at.setTime(QTime(clock.hour, clock.minute))
        minutes = QSpinBox(self.table)
        minutes.setRange(MIN_DURATION, MAX_DURATION)
        minutes.setSuffix(" min")
        minutes.setValue(duration or DEFAULT_DURATION)
        day.currentIndexChanged.connect(self.changed)
        at.timeChanged.connect(self.changed)
        minutes.valueChanged.connect(self.changed)
        self.table.setCellWidget(row, SlotColumn.WEEKDAY, day)
        self.table.setCellWidget(row, SlotColumn.START, at)
        self.table.setCellWidget(row, SlotColumn.DURATION, minutes)
        self.table.setCurrentCell(row, SlotColumn.WEEKDAY)
        self._fix_tab_order()
        day.setFocus()
        self._update_buttons()
        self.changed.emit()
        return row

    def remove_current(self) -> None:
        """Remove the current slot (the last one when none is current)."""
        row = self.current_row()
        if row < 0:
            row = self.rows() - 1
        if row < 0:
            return
        self.table.removeRow(row)
        if self.rows():
            at = min(row, self.rows() - 1)
            self.table.setCurrentCell(at, SlotColumn.WEEKDAY)
            cell = self.table.cellWidget(at, SlotColumn.WEEKDAY)
            if cell is not None:
                cell.setFocus()
        else:
            self.add_button.setFocus()  # Remove is off now; Insert still works from here
        self._fix_tab_order()
        self._update_buttons()
        self.changed.emit()

    def current_row(self) -> int:
        """The row whose editor has the keyboard focus, else the table's current row."""
        focus = QApplication.focusWidget()
        if focus is not None:
            for row in range(self.rows()):
                for column in range(3):
                    cell = self.table.cellWidget(row, column)
                    if cell is not None and (cell is focus or cell.isAncestorOf(focus)):
                        return row
        return self.table.currentRow()

    def slot(self, row: int) -> tuple[int, time, int]:
        """Row ``row``'s weekday (0 = Monday), local start and minutes."""
        day = self.table.cellWidget(row, SlotColumn.WEEKDAY)
        at = self.table.cellWidget(row, SlotColumn.START)
        minutes = self.table.cellWidget(row, SlotColumn.DURATION)
        if not (
            isinstance(day, QComboBox)
            and isinstance(at, QTimeEdit)
            and isinstance(minutes, QSpinBox)
        ):
            raise LookupError(f"row {row} of the slots table has no editors")
        start = at.time()
        return day.currentIndex(), time(start.hour(), start.minute()), minutes.value()

    def slots(self) -> list[tuple[int, time, int]]:
        """Every slot, in table order."""
        return [self.slot(row) for row in range(self.rows())]

    def _fix_tab_order(self) -> None:
        """Tab goes along each row, then to the next row, then to the buttons."""
        widgets = [
            self.table.cellWidget(row, column) for row in range(self.rows()) for column in range(3)
        ]
        chain = [w for w in widgets if w is not None] + [self.add_button, self.remove_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.rows() > 0)
        self.add_button.setEnabled(self.rows() < MAX_SLOTS)


class HolidaysEditor(QWidget):
    """Dates to skip: pick a date, Add holiday (Enter in the date field); Delete removes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = QDateEdit(self)
        self.day.setObjectName("holidayDate")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.add_button = QPushButton("Add &holiday", self)
        self.remove_button = QPushButton("Remo&ve holiday", self)
        self.list = QListWidget(self)
        self.list.setObjectName("holidayList")
        self.list.setMaximumHeight(140)
        self.add_button.clicked.connect(self.add_current)
        self.remove_button.clicked.connect(self.remove_current)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_current)
        top = QHBoxLayout()
        top.addWidget(self.day, 1)
        top.addWidget(self.add_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.list, 1)
        bottom.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.setTabOrder(self.day, self.add_button)
        self.setTabOrder(self.add_button, self.list)
        self.setTabOrder(self.list, self.remove_button)
        self._update_buttons()

    def dates(self) -> list[date]:
        """The holidays, in order."""
        return [self.list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(self.list.count())]

    def add(self, day: date) -> None:
        """Add ``day`` (once; the list stays in date order)."""
        days = self.dates()
        if day in days:
            return
        days.append(day)
        days.sort()
        at = days.index(day)
        item = QListWidgetItem(f"{day:%a} {day.day} {day:%b %Y}")
        item.setData(Qt.ItemDataRole.UserRole, day)
        self.list.insertItem(at, item)
        self.list.setCurrentRow(at)
        self._update_buttons()
        self.changed.emit()

    def add_current(self) -> None:
        """Add the date in the date field."""
        self.add(pydate(self.day.date()))

    def remove_current(self) -> None:
        """Remove the selected holiday."""
        row = self.list.currentRow()
        if row < 0:
            return
        self.list.takeItem(row)
        self._update_buttons()
        self.changed.emit()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.list.count() > 0)
