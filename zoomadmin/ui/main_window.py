"""The main window: menus with shortcuts, the feature tabs, loading and failure states."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl, Signal, SignalInstance, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zoomadmin import APP_NAME, __version__
from zoomadmin.ui.common.icons import icon
from zoomadmin.ui.status_bar import AppStatusBar

MAX_TAB_SHORTCUTS = 9
STATUS_MESSAGE_MS = 10_000
DOCS = Path(__file__).resolve().parents[2] / "README.md"
"""F1 opens the documentation (the README, which links every guide) in the browser."""


@dataclass
class TabSpec:
    """One feature tab as app.py hands it to the window: built when first shown.

    ``build`` makes the tab's widget (importing its modules) the first time the tab is
    shown, so five tabs cost at start-up what the one on screen costs. The widget may
    define ``async def ready(self) -> None`` that returns once the tab has shown its first
    data (or its empty state); ``--screenshot`` and ``--smoke-test`` wait for it, and the
    window waits for the shown tab's before it counts as loaded.
    """

    title: str
    build: Callable[[], QWidget]
    icon_name: str = ""
    widget: QWidget | None = field(default=None, init=False)
    """The tab's widget once it has been shown (None until then)."""
    page: QWidget | None = field(default=None, init=False, repr=False)
    """The page in the tab bar that holds the widget."""
    on_built: Callable[[QWidget], None] | None = field(default=None, init=False, repr=False)
    """The window's hook for a freshly built widget (its status bar signals)."""

    def ensure_built(self) -> QWidget:
        """The tab's widget, built now if it was not yet."""
        if self.widget is None:
            self.widget = self.build()
            if self.page is not None:
                layout = self.page.layout()
                if layout is not None:
                    layout.addWidget(self.widget)
            if self.on_built is not None:
                self.on_built(self.widget)
        return self.widget


async def tab_ready(widget: QWidget) -> None:
    """Wait for ``widget``'s ``ready()`` (see :class:`TabSpec`), if it has one."""
    ready = getattr(widget, "ready", None)
    if callable(ready):
        result = ready()
        if inspect.isawaitable(result):
            await result


class _StatePage(QWidget):
    """The page shown instead of the tabs while connecting or after a failure."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.message = QLabel(self)
        self.message.setObjectName("stateMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(280)
        self.progress.setTextVisible(False)
        self.retry = QPushButton("&Try again", self)
        self.accounts = QPushButton("&Accounts…", self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry)
        buttons.addWidget(self.accounts)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(buttons)
        layout.addStretch(2)

    def show_loading(self, text: str) -> None:
        self.message.setText(text)
        self.progress.show()
        self.retry.hide()
        self.accounts.hide()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.progress.hide()
        self.retry.hide()
        self.accounts.hide()

    def show_failure(self, text: str) -> None:
        self.message.setText(text)
        self.progress.hide()
        self.retry.show()
        self.accounts.show()
        self.retry.setFocus()


class MainWindow(QMainWindow):
    """Menus, tabs and status bar; holds no service and no data of its own.

    app.py builds the tabs for the active account and hands them in with :meth:`set_tabs`;
    the window adds a View menu entry with Ctrl+1…Ctrl+9 for each, in order.
    Geometry, window state and the current tab are kept in ``settings`` (QSettings).
    """

    accounts_requested = Signal()
    """The user asked for Settings → Accounts."""
    retry_requested = Signal()
    """The user asked to connect again after a failure."""
    closing = Signal()
    """The window is closing (the app then shuts down in order)."""
    curriculum_requested = Signal(bool)
    """Schedule → New curriculum… (False) or Import curriculum CSV… (True)."""

    def __init__(self, settings: QSettings, status: AppStatusBar) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icon("zoomadmin"))
        self._settings = settings
        self.status = status
        self.setStatusBar(status)
        self.tabs = QTabWidget(self)
        self.tabs.currentChanged.connect(self._on_tab_shown)
        self.tabs.setObjectName("featureTabs")
        self.tabs.setDocumentMode(True)
        self._connected_text = ""
        self.state_page = _StatePage(self)
        self.state_page.retry.clicked.connect(self.retry_requested)
        self.state_page.accounts.clicked.connect(self.accounts_requested)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.state_page)
        self._stack.addWidget(self.tabs)
        self.setCentralWidget(self._stack)
        self._tab_specs: list[TabSpec] = []
        self._tab_actions: list[QAction] = []
        self._tab_menus: list[QMenu] = []
        self._build_menus()
        self.resize(1200, 760)
        self._restore_geometry()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.quit_action = file_menu.addAction("&Quit")
        # Linux and Windows styles define no key for Quit: Ctrl+Q there, the platform's
        # own (Cmd+Q) where it has one.
        quit_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
        self.quit_action.setShortcuts(quit_keys or [QKeySequence("Ctrl+Q")])
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)
        settings_menu = bar.addMenu("&Settings")
        self.accounts_action = settings_menu.addAction("&Accounts…")
        self.accounts_action.setShortcut(QKeySequence("Ctrl+,"))
        self.accounts_action.triggered.connect(self.accounts_requested)
        self.view_menu = bar.addMenu("&View")
        schedule_menu = self.schedule_menu = bar.addMenu("S&chedule")
        self.new_curriculum_action = schedule_menu.addAction("&New curriculum…")
        self.new_curriculum_action.setShortcut(QKeySequence("Ctrl+Alt+N"))
        self.new_curriculum_action.triggered.connect(lambda: self.curriculum_requested.emit(False))
        self.import_curriculum_action = schedule_menu.addAction("&Import curriculum CSV…")
        self.import_curriculum_action.setShortcut(QKeySequence("Ctrl+Alt+I"))
        self.import_curriculum_action.triggered.connect(
            lambda: self.curriculum_requested.emit(True)
        )
        self._set_account_actions(False)
        help_menu = self.help_menu = bar.addMenu("&Help")
        self.help_action = help_menu.addAction(icon("help"), "zoomadmin &help")
        self.help_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.help_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.help_action.triggered.connect(self._on_help)
        self.log_action = help_menu.addAction("Open &log folder")
        help_menu.addSeparator()
        self.about_action = help_menu.addAction("&About zoomadmin")
        self.about_action.triggered.connect(self._on_about)
        self.log_folder: str | None = None
        self.log_action.triggered.connect(self._on_open_log_folder)

    @property
    def settings(self) -> QSettings:
        """Where the window and its dialogs remember things (geometry, drafts)."""
        return self._settings

    def _set_account_actions(self, enabled: bool) -> None:
        """The Schedule menu's actions work only while an account is open."""
        for action in (self.new_curriculum_action, self.import_curriculum_action):
            action.setEnabled(enabled)

    def show_loading(self, text: str) -> None:
        """Replace the tabs by a busy page saying what is happening."""
        self._set_account_actions(False)
        self._connected_text = ""
        self.setWindowTitle(APP_NAME)  # no account is open while another one opens
        self.state_page.show_loading(text)
        self._stack.setCurrentWidget(self.state_page)

    def show_failure(self, text: str) -> None:
        """Replace the tabs by the reason the account could not be opened, with a way out."""
        self._set_account_actions(False)
        self.setWindowTitle(APP_NAME)
        self.state_page.show_failure(text)
        self._stack.setCurrentWidget(self.state_page)

    def set_tabs(self, specs: list[TabSpec]) -> None:
        """Show ``specs`` as the feature tabs, replacing (and deleting) the previous ones."""
        current = _as_int(self._settings.value("window/tab", 0))
        self._clear_tabs()
        self._tab_specs = list(specs)
        for number, spec in enumerate(specs, start=1):
            spec.page = _page()
            spec.on_built = self._connect_status
            self.tabs.addTab(spec.page, icon(spec.icon_name), spec.title)
            # The title keeps "&&" (a literal "&"); as "&" it would underline the next letter.
            action = self.view_menu.addAction(spec.title)
            if number <= MAX_TAB_SHORTCUTS:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, i=number - 1: self.tabs.setCurrentIndex(i))
            self._tab_actions.append(action)
        if 0 <= current < len(specs):
            self.tabs.setCurrentIndex(current)
        self._on_tab_shown(self.tabs.currentIndex())
        if specs:
            self._stack.setCurrentWidget(self.tabs)
        elif self._connected_text:
            self.state_page.show_message(self._connected_text)
            self._stack.setCurrentWidget(self.state_page)

    def _add_tab_menus(self, widget: QWidget) -> None:
        """A tab's own menus (``menus()``: title and actions), before Help."""
        menus = getattr(widget, "menus", None)
        if not callable(menus):
            return
        for title, actions in menus():
            menu = QMenu(title, self)
            for action in actions:
                menu.addSeparator() if action is None else menu.addAction(action)
            self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
            self._tab_menus.append(menu)

    def _connect_status(self, widget: QWidget) -> None:
        """A tab's confirmations and Zoom outcomes go to the status bar (if it has them)."""
        use_settings = getattr(widget, "use_settings", None)
        if callable(use_settings):
            use_settings(self._settings)
        self._add_tab_menus(widget)
        message = getattr(widget, "status_message", None)
        if isinstance(message, SignalInstance):
            message.connect(lambda text: self.status.showMessage(text, STATUS_MESSAGE_MS))
        problem = getattr(widget, "zoom_problem", None)
        if isinstance(problem, SignalInstance):
            problem.connect(self.status.show_zoom_problem)

    def show_connected(self, text: str, specs: list[TabSpec]) -> None:
        """The account is open: show its tabs (or ``text`` when this build has none)."""
        self._connected_text = text
        self.set_tabs(specs)
        self._set_account_actions(True)

    def _clear_tabs(self) -> None:
        for menu in self._tab_menus:
            self.menuBar().removeAction(menu.menuAction())
            menu.deleteLater()
        self._tab_menus.clear()
        for action in self._tab_actions:
            self.view_menu.removeAction(action)
            action.deleteLater()
        self._tab_actions.clear()
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None:
                widget.deleteLater()
        self._tab_specs = []

    @property
    def tab_specs(self) -> list[TabSpec]:
        """The tabs shown now, in order."""
        return list(self._tab_specs)

    def _on_tab_shown(self, index: int) -> None:
        if 0 <= index < len(self._tab_specs):
            self._tab_specs[index].ensure_built()

    def show_tab(self, index: int) -> QWidget:
        """Make tab ``index`` current (building it if needed); its widget."""
        self.tabs.setCurrentIndex(index)
        return self._tab_specs[index].ensure_built()

    async def ready(self) -> None:
        """Return once every tab built so far (the one on screen) has loaded its first data."""
        waits: list[Awaitable[None]] = [
            tab_ready(spec.widget) for spec in self._tab_specs if spec.widget is not None
        ]
        await asyncio.gather(*waits)

    def _restore_geometry(self) -> None:
        geometry = self._settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        state = self._settings.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(state)

    def save_geometry(self) -> None:
        """Write size, position, toolbar state and the current tab to QSettings."""
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/state", self.saveState())
        if self.tabs.count():
            self._settings.setValue("window/tab", self.tabs.currentIndex())
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Remember the geometry, then let the app shut down in order."""
        self.save_geometry()
        self.closing.emit()
        super().closeEvent(event)

    @Slot()
    def _on_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About zoomadmin")
        box.setIconPixmap(icon("zoomadmin").pixmap(64, 64))
        box.setText(
            f"<b>zoomadmin {__version__}</b><p>Run many Zoom meetings from one Zoom account: "
            "tenants and hosts, term calendars, a shared license pool, recordings and host "
            "settings.</p><p>Licensed under the Apache License 2.0.</p>"
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.show()

    @Slot()
    def _on_help(self) -> None:
        if DOCS.is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(DOCS)))
            return
        box = QMessageBox(self)
        box.setWindowTitle("zoomadmin help")
        box.setText(
            "The documentation (README.md and the docs folder) comes with zoomadmin's source; "
            "this installation does not include it."
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    @Slot()
    def _on_open_log_folder(self) -> None:
        if self.log_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.log_folder))


def _page() -> QWidget:
    """The tab bar's page for a tab not built yet: the widget goes in when first shown."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    return page


def _as_int(value: object) -> int:
    """A QSettings value as an int (INI files give strings back)."""
    try:
        return int(str(value))
    except ValueError:
        return 0
