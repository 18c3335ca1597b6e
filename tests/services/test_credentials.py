"""Secrets go to a secure keyring or nowhere: insecure and failing backends are refused."""

from __future__ import annotations

from typing import ClassVar

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from zoomadmin.services.credentials import (
    SERVICE_NAME,
    KeyringSecretStore,
    MemorySecretStore,
    SecretKind,
    SecretStore,
    SecretStoreUnavailable,
    adelete,
    aget,
    aset,
    backend_problem,
)

SECRET = "s3cr3t-client-value-9f8e7d"


class DictKeyring(keyring.backend.KeyringBackend):
    """A secure-looking backend that keeps passwords in a dict (no OS keyring in unit tests)."""

    priority: ClassVar[float] = 1  # type: ignore[misc]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.items[(service, username)]


class PlaintextKeyring(DictKeyring):
    """Named like keyrings.alt's file backend: secrets in a plain file."""


class BrokenKeyring(DictKeyring):
    """A backend whose D-Bus calls fail."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringError(f"cannot store {password}")


async def test_memory_store_round_trip() -> None:
    store = MemorySecretStore()
    assert isinstance(store, SecretStore)
    await aset(store, "acme", SecretKind.CLIENT_SECRET, SECRET)
    assert await aget(store, "acme", SecretKind.CLIENT_SECRET) == SECRET
    assert await aget(store, "acme", SecretKind.WEBHOOK_SECRET) is None
    await adelete(store, "acme", SecretKind.CLIENT_SECRET)
    await adelete(store, "acme", SecretKind.CLIENT_SECRET)
    assert await aget(store, "acme", SecretKind.CLIENT_SECRET) is None
    assert SECRET not in repr(store)


def test_keyring_store_uses_one_service_name_and_deletes() -> None:
    backend = DictKeyring()
    store = KeyringSecretStore(backend=backend)
    store.set("acme", SecretKind.CLIENT_SECRET, SECRET)
    store.set("acme", SecretKind.WEBHOOK_SECRET, "hook")
    assert set(backend.items) == {
        (SERVICE_NAME, "acme:client_secret"),
        (SERVICE_NAME, "acme:webhook_secret"),
    }
    assert store.get("acme", SecretKind.CLIENT_SECRET) == SECRET
    store.delete("acme", SecretKind.CLIENT_SECRET)
    store.delete("acme", SecretKind.CLIENT_SECRET)  # already gone: no error
    assert store.get("acme", SecretKind.CLIENT_SECRET) is None
    assert SECRET not in repr(store)


@pytest.mark.parametrize(
    "backend",
    [
        keyring.backends.null.Keyring(),
        keyring.backends.fail.Keyring(),
        PlaintextKeyring(),
    ],
    ids=["null", "fail", "plaintext"],
)
def test_insecure_backends_are_refused_plainly(backend: keyring.backend.KeyringBackend) -> None:
    assert backend_problem(backend)
    store = KeyringSecretStore(backend=backend)
    with pytest.raises(SecretStoreUnavailable) as caught:
        store.set("acme", SecretKind.CLIENT_SECRET, SECRET)
    assert "Only the built-in sandbox can be used" in caught.value.user_message
    assert isinstance(backend, DictKeyring) is False or not backend.items


def _chainer(*backends: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
    class Chainer(keyring.backends.chainer.ChainerBackend):
        pass

    Chainer.backends = list(backends)  # type: ignore[assignment,misc]
    return Chainer()


def test_chainer_without_viable_backends_is_refused() -> None:
    assert backend_problem(_chainer()) == "no keyring backend is available"
    assert backend_problem(_chainer(keyring.backends.fail.Keyring(), PlaintextKeyring()))
    assert backend_problem(_chainer(PlaintextKeyring(), DictKeyring())) is None


def test_the_test_environment_keyring_is_refused_by_default() -> None:
    # conftest selects the null backend, so nothing can reach a real keyring by accident.
    store = KeyringSecretStore()
    with pytest.raises(SecretStoreUnavailable):
        store.check()
    assert "null" in type(keyring.get_keyring()).__module__


def test_failing_backend_error_hides_the_secret() -> None:
    store = KeyringSecretStore(backend=BrokenKeyring())
    with pytest.raises(SecretStoreUnavailable) as caught:
        store.set("acme", SecretKind.CLIENT_SECRET, SECRET)
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None
    assert "KeyringError" in caught.value.user_message


def test_a_chain_with_a_plain_file_backend_writes_only_to_the_secure_one() -> None:
    plain, secure = PlaintextKeyring(), DictKeyring()
    # The chain would try the plain file first: the store must never let it.
    store = KeyringSecretStore(backend=_chainer(plain, secure))
    store.set("acme", SecretKind.CLIENT_SECRET, SECRET)
    assert plain.items == {}
    assert secure.items == {(SERVICE_NAME, "acme:client_secret"): SECRET}
    plain.items[(SERVICE_NAME, "acme:webhook_secret")] = "left-in-a-file"
    assert store.get("acme", SecretKind.WEBHOOK_SECRET) is None  # never read from the file
    assert store.get("acme", SecretKind.CLIENT_SECRET) == SECRET
    store.delete("acme", SecretKind.CLIENT_SECRET)
    assert secure.items == {}


def test_the_keyring_is_imported_only_when_a_secret_is_first_needed() -> None:
    """A start on the sandbox never needs a secret: importing the store costs no keyring."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from zoomadmin.services.credentials import KeyringSecretStore\n"
        "KeyringSecretStore()\n"
        "print('keyring' in sys.modules)\n"
    )
    found = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.strip() == "False"


async def test_the_keyring_is_made_ready_on_the_callers_thread_before_a_worker_uses_it() -> None:
    import threading

    prepared_on: list[str] = []
    backend = DictKeyring()

    class Watched(KeyringSecretStore):
        def prepare(self) -> None:
            prepared_on.append(threading.current_thread().name)
            super().prepare()

    store = Watched(backend=backend)
    await aset(store, "p", SecretKind.CLIENT_SECRET, SECRET)
    assert await aget(store, "p", SecretKind.CLIENT_SECRET) == SECRET
    assert prepared_on == [threading.current_thread().name] * 2
