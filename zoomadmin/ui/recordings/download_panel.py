"""The download queue as the user sees it: one bar per file, one overall, pause and cancel."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.services.recording_downloads import DownloadService, FileProgress, QueueProgress
from zoomadmin.services.recordings_index import LocalState
from zoomadmin.ui.recordings.recordings_model import STATE_WORDS, size_words

REPAINT_MS = 200
"""Progress is drawn at most this often, however fast the chunks arrive."""


def _time_left(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def overall_words(q: QueueProgress) -> str:
    """ "3 of 10 files · 120.0 MB of 1.0 GB · 12.0 MB/s · 1:10 left" (or paused)."""
    text = (
        f"{q.finished} of {q.files} files · {size_words(q.bytes_done)} of "
        f"{size_words(q.bytes_total)} · {size_words(int(q.rate))}/s · "
        f"{_time_left(q.seconds_left)} left"
    )
    if q.failed:
        text += f" · {q.failed} failed"
    return "Paused · " + text if q.paused else text


class DownloadPanel(QWidget):
    """Shows the queue of one :class:`DownloadService` (hears it; repaints on a timer)."""

    def __init__(self, downloads: DownloadService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("downloadPanel")
        self._downloads = downloads
        self._rows: dict[str, int] = {}
        self._dirty = False
        self.overall = QProgressBar(self)
        self.overall.setObjectName("overallProgress")
        self.overall.setRange(0, 1000)
        self.summary = QLabel("Nothing queued.", self)
        self.summary.setObjectName("downloadSummary")
        self.pause_button = QPushButton("Pause", self)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton("Cancel all", self)
        self.files = QTableWidget(0, 3, self)
        self.files.setObjectName("downloadFiles")
        self.files.setHorizontalHeaderLabels(["File", "Progress", "State"])
        self.files.horizontalHeader().setStretchLastSection(True)
        self.files.verticalHeader().hide()
        self.files.setColumnWidth(0, 280)
        top = QHBoxLayout()
        top.addWidget(self.overall, 1)
        top.addWidget(self.pause_button)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.files, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self.repaint_progress)
        self._timer.start()
        self._stop = downloads.listen(self._heard)
        self.destroyed.connect(lambda _=None: self._stop())

    def _heard(self, _file: FileProgress, _queue: QueueProgress) -> None:
        self._dirty = True

    def toggle_pause(self) -> None:
        """Pause the queue, or resume it."""
        if self._downloads.overall.paused:
            self._downloads.resume()
        else:
            self._downloads.pause()
        self._dirty = True
        self.repaint_progress()

    def repaint_progress(self) -> None:
        """Draw the latest progress (only when something moved)."""
        if not self._dirty:
            return
        self._dirty = False
        q = self._downloads.overall
        self.overall.setValue(int(1000 * q.bytes_done / q.bytes_total) if q.bytes_total else 0)
        self.summary.setText(overall_words(q))
        self.pause_button.setText("Resume" if q.paused else "Pause")
        for progress in list(self._downloads.files.values()):
            self._show(progress)

    def _show(self, f: FileProgress) -> None:
        n = self._rows.get(f.file_id)
        if n is None:
            n = self.files.rowCount()
            self.files.insertRow(n)
            self._rows[f.file_id] = n
            self.files.setItem(n, 0, QTableWidgetItem(f.name))
            new_bar = QProgressBar(self.files)
            new_bar.setRange(0, 1000)
            self.files.setCellWidget(n, 1, new_bar)
            self.files.setItem(n, 2, QTableWidgetItem())
        bar = self.files.cellWidget(n, 1)
        if isinstance(bar, QProgressBar):
            bar.setValue(int(1000 * f.done / f.total) if f.total else 0)
        words = STATE_WORDS.get(f.state, str(f.state))
        if f.state is LocalState.FAILED and f.error:
            words = f"Failed: {f.error}"
        cell = self.files.item(n, 2)
        if cell is not None:
            cell.setText(words)

    def state_of(self, file_id: str) -> str:
        """The state shown for a file ("" when not shown)."""
        n = self._rows.get(file_id)
        cell = self.files.item(n, 2) if n is not None else None
        return cell.text() if cell is not None else ""
