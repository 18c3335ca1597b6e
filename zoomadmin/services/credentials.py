"""Account secrets (client secret, webhook secret token) in the OS keyring and nowhere else."""

from __future__ import annotations

import asyncio
import enum
import logging
import threading
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from zoomadmin.core.errors import EnvironmentFault
from zoomadmin.core.redaction import register_secret

log = logging.getLogger(__name__)

#: The one keyring service name every zoomadmin secret is stored under.
SERVICE_NAME = "zoomadmin"


class SecretKind(enum.StrEnum):
    """Which secret of a profile."""

    CLIENT_SECRET = "client_secret"  # noqa: S105 - the name of a kind, not a secret
    WEBHOOK_SECRET = "webhook_secret"  # noqa: S105 - the name of a kind, not a secret


class SecretStoreUnavailable(EnvironmentFault):
    """No secure place to keep secrets: the keyring is missing, insecure or failing."""


@runtime_checkable
class SecretStore(Protocol):
    """Secrets by (profile name, kind). Implementations block; use the ``a*`` wrappers."""

    def get(self, profile: str, kind: SecretKind) -> str | None:
        """The secret, or None when none is stored."""
        ...

    def set(self, profile: str, kind: SecretKind, value: str) -> None:
        """Store (or replace) the secret."""
        ...

    def delete(self, profile: str, kind: SecretKind) -> None:
        """Remove the secret; no error when there is none."""
        ...


def _keyring() -> ModuleType:
    """The ``keyring`` package with the parts used here, imported on first use.

    Importing it and finding its backend costs about 0.1 s that a start on the sandbox never
    needs. Both import modules, so they happen on the caller's thread (see :func:`prepare`),
    never first on a worker thread beside other imports.
    """
    import keyring
    import keyring.backends.chainer
    import keyring.backends.fail
    import keyring.backends.null
    import keyring.errors

    return keyring


def prepare(store: SecretStore) -> None:
    """Import what ``store`` needs on this thread, before a worker thread calls it."""
    ready = getattr(store, "prepare", None)
    if callable(ready):
        ready()


async def acheck(store: SecretStore) -> None:
    """The store's ``check()`` (raises SecretStoreUnavailable) in a worker thread, if it has one."""
    check = getattr(store, "check", None)
    if callable(check):
        prepare(store)
        await asyncio.to_thread(check)


async def aget(store: SecretStore, profile: str, kind: SecretKind) -> str | None:
    """:meth:`SecretStore.get` in a worker thread (keyring calls block on D-Bus)."""
    prepare(store)
    return await asyncio.to_thread(store.get, profile, kind)


async def aset(store: SecretStore, profile: str, kind: SecretKind, value: str) -> None:
    """:meth:`SecretStore.set` in a worker thread."""
    prepare(store)
    await asyncio.to_thread(store.set, profile, kind, value)


async def adelete(store: SecretStore, profile: str, kind: SecretKind) -> None:
    """:meth:`SecretStore.delete` in a worker thread."""
    prepare(store)
    await asyncio.to_thread(store.delete, profile, kind)


class MemorySecretStore:
    """A :class:`SecretStore` in memory (tests; the sandbox account needs no keyring)."""

    def __init__(self) -> None:
        self._secrets: dict[tuple[str, SecretKind], str] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemorySecretStore({len(self._secrets)} secrets)"

    def get(self, profile: str, kind: SecretKind) -> str | None:
        """The stored secret, or None."""
        with self._lock:
            return self._secrets.get((profile, kind))

    def set(self, profile: str, kind: SecretKind, value: str) -> None:
        """Store the secret."""
        register_secret(value)
        with self._lock:
            self._secrets[(profile, kind)] = value

    def delete(self, profile: str, kind: SecretKind) -> None:
        """Forget the secret."""
        with self._lock:
            self._secrets.pop((profile, kind), None)


_NO_KEYRING = (
    "zoomadmin found no secure password store (keyring) on this computer{detail}, so it "
    "cannot keep a Zoom account's client secret safely. Only the built-in sandbox can be "
    "used. On Linux, install and unlock GNOME Keyring or KWallet (a Secret Service "
    "provider), then restart zoomadmin."
)


def backend_problem(backend: Any) -> str | None:
    """Why ``backend`` cannot hold secrets safely, or None when it can."""
    keyring = _keyring()
    module = type(backend).__module__
    name = type(backend).__name__
    if isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring):
        return "no keyring backend is available"
    if module.startswith("keyrings.alt") or "plaintext" in name.lower():
        return f"the only keyring backend ({module}.{name}) stores secrets in a plain file"
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return _chainer_problem(list(backend.backends))
    priority = getattr(type(backend), "priority", 1)
    if isinstance(priority, int | float) and priority <= 0:
        return f"the keyring backend {name} is not usable here"
    return None


def _chainer_problem(inner: list[Any]) -> str | None:
    """A chain is usable when at least one of its backends is."""
    if not inner:
        return "no keyring backend is available"
    problems = [backend_problem(b) for b in inner]
    return problems[0] if all(problems) else None


class KeyringSecretStore:
    """A :class:`SecretStore` on the OS keyring (Secret Service, Keychain, Credential Locker).

    Refuses insecure or failing backends with :class:`SecretStoreUnavailable` rather than
    falling back to a file; it never writes a file itself.
    """

    def __init__(self, service: str = SERVICE_NAME, backend: Any = None) -> None:
        self._service = service
        self._backend = backend

    def __repr__(self) -> str:
        return f"KeyringSecretStore(service={self._service!r})"

    def prepare(self) -> None:
        """Import the keyring and find its backend on this thread (which imports more)."""
        self.backend()

    def backend(self) -> Any:
        """The keyring backend in use: of a chain, its first secure backend only.

        A chain passes a write on to its next backend, which may be a plain file, so the
        store talks to the secure member directly and never to the chain.
        """
        keyring = _keyring()
        chosen = self._backend if self._backend is not None else keyring.get_keyring()
        if isinstance(chosen, keyring.backends.chainer.ChainerBackend):
            secure = [b for b in chosen.backends if backend_problem(b) is None]
            return secure[0] if secure else chosen
        return chosen

    def check(self) -> None:
        """Raise :class:`SecretStoreUnavailable` unless a secure backend is in use."""
        self._secure_backend()

    def _secure_backend(self) -> Any:
        """The backend to call, once it is known to be secure (else SecretStoreUnavailable)."""
        backend = self.backend()
        problem = backend_problem(backend)
        if problem:
            raise SecretStoreUnavailable(_NO_KEYRING.format(detail=f" ({problem})"))
        return backend

    def describe(self) -> str:
        """A line for the settings page: which keyring keeps the secrets."""
        backend = self.backend()
        return str(getattr(backend, "name", type(backend).__name__))

    @staticmethod
    def _username(profile: str, kind: SecretKind) -> str:
        return f"{profile}:{kind.value}"

    def get(self, profile: str, kind: SecretKind) -> str | None:
        """The stored secret, or None."""
        backend = self._secure_backend()
        keyring = _keyring()
        try:
            value = backend.get_password(self._service, self._username(profile, kind))
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
        if not isinstance(value, str):
            return None
        register_secret(value)
        return value

    def set(self, profile: str, kind: SecretKind, value: str) -> None:
        """Store the secret in the keyring."""
        register_secret(value)
        backend = self._secure_backend()
        keyring = _keyring()
        try:
            backend.set_password(self._service, self._username(profile, kind), value)
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
        log.info("Stored the %s of account profile %r in the keyring", kind.value, profile)

    def delete(self, profile: str, kind: SecretKind) -> None:
        """Remove the secret from the keyring (nothing happens if it is not there)."""
        backend = self._secure_backend()
        keyring = _keyring()
        try:
            backend.delete_password(self._service, self._username(profile, kind))
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None


def _unavailable(exc: Exception) -> SecretStoreUnavailable:
    if isinstance(exc, _keyring().errors.KeyringLocked):
        return SecretStoreUnavailable(
            "The computer's keyring is locked, so zoomadmin cannot read or store the Zoom "
            "account's secret. Unlock the keyring (sign in again), then retry."
        )
    # The keyring's own text can mention the item, never the secret; keep only its kind.
    return SecretStoreUnavailable(
        _NO_KEYRING.format(detail=f" (the keyring failed: {type(exc).__name__})")
    )
