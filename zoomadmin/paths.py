"""Where zoomadmin keeps its files: per-user platform folders, or everything under one base dir."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from zoomadmin import APP_NAME

JOBS_LOCK_NAME = "jobs.lock"
DATABASE_NAME = "zoomadmin.sqlite3"
PREFERENCES_NAME = "preferences.json"
LOG_NAME = "zoomadmin.log"
SANDBOX_STATE_NAME = "state.json"


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class AppPaths:
    """The four roots zoomadmin writes under; each folder is created the first time it is asked for.

    Building an ``AppPaths`` touches no disk, so it is cheap and safe in tests.
    """

    data_root: Path
    config_root: Path
    log_root: Path
    cache_root: Path

    @classmethod
    def default(cls) -> AppPaths:
        """The platform's per-user folders (XDG on Linux, AppData on Windows, Library on macOS)."""
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(
            data_root=Path(dirs.user_data_dir),
            config_root=Path(dirs.user_config_dir),
            log_root=Path(dirs.user_log_dir),
            cache_root=Path(dirs.user_cache_dir),
        )

    @classmethod
    def under(cls, basedir: Path | str) -> AppPaths:
        """Everything below one folder (``--basedir DIR``): portable installs and tests."""
        base = Path(basedir).expanduser().resolve()
        return cls(
            data_root=base / "data",
            config_root=base / "config",
            log_root=base / "logs",
            cache_root=base / "cache",
        )

    @classmethod
    def from_basedir(cls, basedir: Path | str | None) -> AppPaths:
        """``under(basedir)`` when a base dir was given, else the platform defaults."""
        return cls.default() if basedir is None else cls.under(basedir)

    @property
    def data_dir(self) -> Path:
        """The database and downloads live here."""
        return _ensure(self.data_root)

    @property
    def config_dir(self) -> Path:
        """preferences.json lives here."""
        return _ensure(self.config_root)

    @property
    def log_dir(self) -> Path:
        """The rotating log files live here."""
        return _ensure(self.log_root)

    @property
    def cache_dir(self) -> Path:
        """Anything that may be deleted at any time."""
        return _ensure(self.cache_root)

    @property
    def database_path(self) -> Path:
        """The SQLite database file."""
        return self.data_dir / DATABASE_NAME

    @property
    def sandbox_dir(self) -> Path:
        """The embedded sandbox's saved state and its own database (never a real account's)."""
        return _ensure(self.data_root / "sandbox")

    def account_dir(self, profile: str) -> Path:
        """A real account's folder (its database); each account keeps its own."""
        return _ensure(self.data_root / "accounts" / profile)

    def account_database(self, profile: str | None) -> Path:
        """The database of a saved profile's account (None: the embedded sandbox's)."""
        folder = self.sandbox_dir if profile is None else self.account_dir(profile)
        return folder / DATABASE_NAME

    def jobs_lock(self, profile: str | None) -> Path:
        """Beside an account's database: held by the process that runs the account's jobs."""
        return self.account_database(profile).with_name(JOBS_LOCK_NAME)

    @property
    def downloads_dir(self) -> Path:
        """Where recordings go unless the user chose another folder."""
        return _ensure(self.data_root / "downloads")

    @property
    def preferences_path(self) -> Path:
        """The preferences JSON file."""
        return self.config_dir / PREFERENCES_NAME

    @property
    def log_file(self) -> Path:
        """The current log file (older ones sit next to it with .1, .2, ...)."""
        return self.log_dir / LOG_NAME


DATABASE_URL = "ZOOMADMIN_DATABASE_URL"
"""The environment variable naming a database the desks and the agent share."""


def database_url(option: str | None, environ: Mapping[str, str]) -> str | None:
    """The shared database's URL: ``--database-url``, else the environment's, else None
    (this machine's SQLite file)."""
    chosen = (option or environ.get(DATABASE_URL, "")).strip()
    return chosen or None
