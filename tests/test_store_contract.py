"""The bronze Store contract, one suite run against every backend (local folder, ADLS via Azurite).

Data flow: backend fixture (LocalStore on tmp_path | AdlsStore on a fresh Azurite container) -> Store calls -> asserts.
Run standalone: npm install && python -m pytest tests/test_store_contract.py -q

Test ids end in [local] / [adls], so CI output shows the ADLS half really ran (Azurite failing
to start fails the tests, it never skips them).
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import pytest
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import (AccountSasPermissions, ContainerClient, ContainerSasPermissions, ResourceTypes,
                                generate_account_sas, generate_container_sas)

from lake.settings import Settings, SettingsError
from lake.store import Store, open_store
from lake.store.adls import AdlsStore, _account_name
from lake.store.local import LocalStore

MB = 1024 * 1024


@dataclass
class Backend:
    name: str
    store: Store
    mkdir: Callable[[str], None]  # makes an empty directory the way the backend would show one


def _container() -> str:
    return f"test-{uuid.uuid4().hex[:20]}"


@pytest.fixture(params=["local", "adls"])
def backend(request, tmp_path) -> Backend:
    if request.param == "local":
        root = tmp_path / "lake"
        return Backend("local", LocalStore(root), lambda p: (root / p).mkdir(parents=True, exist_ok=True))
    azurite = request.getfixturevalue("azurite")
    name = _container()
    settings = Settings.from_env({"LAKE_BACKEND": "adls", "ADLS_CONNECTION_STRING": azurite.connection_string,
                                  "ADLS_CONTAINER": name})
    store = open_store(settings)
    assert isinstance(store, AdlsStore)
    sdk = ContainerClient.from_connection_string(azurite.connection_string, name)

    def mkdir(path: str) -> None:
        # What an HNS account shows in a Blob listing for a directory: an empty marker blob.
        sdk.upload_blob(path, b"", metadata={"hdi_isfolder": "true"})

    return Backend("adls", store, mkdir)


def read(store: Store, path: str) -> bytes:
    with store.open(path) as f:
        return f.read()


class _Unseekable(io.RawIOBase):
    """A pipe-like reader (no seek/tell, unknown length), e.g. a gzip stream being produced."""

    def __init__(self, data: bytes):
        self._src = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        return self._src.readinto(b)


def test_put_if_absent_writes_once_and_never_overwrites(backend):
    store = backend.store
    assert store.put_if_absent("bronze/a/part-0001.jsonl.gz", b"first") is True
    assert store.put_if_absent("bronze/a/part-0001.jsonl.gz", b"second, different") is False
    assert read(store, "bronze/a/part-0001.jsonl.gz") == b"first"


def test_large_file_object_streams_byte_identical(backend, tmp_path):
    payload = os.urandom(5 * MB) + b"tail" * (3 * MB)  # ~17 MB: several blocks on ADLS
    src = tmp_path / "part.bin"
    src.write_bytes(payload)
    with open(src, "rb") as f:
        assert backend.store.put_if_absent("bronze/big/part.bin", f) is True
    with backend.store.open("bronze/big/part.bin") as f:
        digest = hashlib.sha256()
        while chunk := f.read(MB):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(payload).hexdigest()
    # The conditional commit holds for the block upload path too.
    with open(src, "rb") as f:
        f.seek(7)
        assert backend.store.put_if_absent("bronze/big/part.bin", f) is False
    assert hashlib.sha256(read(backend.store, "bronze/big/part.bin")).digest() == hashlib.sha256(payload).digest()


def test_unseekable_stream_is_written(backend):
    payload = os.urandom(9 * MB + 123)
    assert backend.store.put_if_absent("bronze/pipe/part.bin", io.BufferedReader(_Unseekable(payload))) is True
    assert read(backend.store, "bronze/pipe/part.bin") == payload


def test_gzip_open_reads_through_store_open(backend):
    lines = [f'{{"id": {i}, "title": "deal {i}"}}\n'.encode() for i in range(50_000)]
    assert backend.store.put_if_absent("bronze/deals/part-0001.jsonl.gz", gzip.compress(b"".join(lines)))
    with backend.store.open("bronze/deals/part-0001.jsonl.gz") as raw, gzip.open(raw) as f:
        assert list(f) == lines


def test_exists_and_missing_object(backend):
    store = backend.store
    store.put_if_absent("bronze/x/here.json", b"{}")
    assert store.exists("bronze/x/here.json") is True
    assert store.exists("bronze/x/missing.json") is False
    with pytest.raises(FileNotFoundError):
        store.open("bronze/x/missing.json")


def test_empty_object_round_trips(backend):
    assert backend.store.put_if_absent("bronze/e/_SUCCESS", b"") is True
    assert read(backend.store, "bronze/e/_SUCCESS") == b""


def test_list_returns_only_files_under_prefix_sorted(backend):
    store = backend.store
    for path in ["bronze/p/deals/run=2/part-2", "bronze/p/deals/run=1/part-9", "bronze/p/deals/run=1/part-1",
                 "bronze/p/dealsx/other", "bronze/p/persons/part-1", "elsewhere/deals"]:
        assert store.put_if_absent(path, path.encode())
    backend.mkdir("bronze/p/deals/run=3")  # an empty directory must not be listed
    backend.mkdir("bronze/p/deals")
    assert list(store.list("bronze/p/deals/")) == [
        "bronze/p/deals/run=1/part-1", "bronze/p/deals/run=1/part-9", "bronze/p/deals/run=2/part-2"]
    assert list(store.list("bronze/p/deals")) == [
        "bronze/p/deals/run=1/part-1", "bronze/p/deals/run=1/part-9", "bronze/p/deals/run=2/part-2",
        "bronze/p/dealsx/other"]
    assert list(store.list("bronze/nothing/")) == []


def test_replace_overwrites(backend):
    store = backend.store
    store.replace("bronze/p/deals/_watermark.json", b'{"cursor": 1}')
    store.replace("bronze/p/deals/_watermark.json", b'{"cursor": 2}')
    assert read(store, "bronze/p/deals/_watermark.json") == b'{"cursor": 2}'


def test_concurrent_put_if_absent_has_exactly_one_winner(backend):
    writers = 8
    barrier = threading.Barrier(writers)
    results: dict[int, bool] = {}

    def write(i: int) -> None:
        barrier.wait()
        results[i] = backend.store.put_if_absent("bronze/race/_manifest.json", f"writer {i}".encode() * 1000)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [i for i, won in results.items() if won]
    assert len(results) == writers and len(winners) == 1
    assert read(backend.store, "bronze/race/_manifest.json") == f"writer {winners[0]}".encode() * 1000


def test_adls_from_settings_with_account_url_and_key(azurite):
    settings = Settings.from_env({"ADLS_ACCOUNT_URL": azurite.account_url, "ADLS_ACCOUNT_KEY": azurite.account_key,
                                  "ADLS_CONTAINER": _container()})
    store = AdlsStore.from_settings(settings)
    AdlsStore.from_settings(settings)  # the container now exists: tolerated
    assert store.put_if_absent("bronze/k/a", b"key auth") is True
    assert read(store, "bronze/k/a") == b"key auth"


def test_adls_from_settings_with_sas_token(azurite):
    sas = generate_account_sas("devstoreaccount1", azurite.account_key, ResourceTypes(container=True, object=True),
                               AccountSasPermissions(read=True, write=True, create=True, list=True),
                               expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    store = AdlsStore.from_settings(Settings.from_env(
        {"ADLS_ACCOUNT_URL": azurite.account_url, "ADLS_SAS_TOKEN": "?" + sas, "ADLS_CONTAINER": _container()}))
    assert store.put_if_absent("bronze/s/a", b"sas auth") is True
    assert list(store.list("bronze/s/")) == ["bronze/s/a"]


def test_adls_container_scoped_sas_may_not_create_its_container(azurite):
    name = _container()
    ContainerClient.from_connection_string(azurite.connection_string, name).create_container()
    sas = generate_container_sas("devstoreaccount1", name, account_key=azurite.account_key,
                                 permission=ContainerSasPermissions(read=True, write=True, create=True, list=True),
                                 expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    store = AdlsStore.from_settings(Settings.from_env(
        {"ADLS_ACCOUNT_URL": azurite.account_url, "ADLS_SAS_TOKEN": sas, "ADLS_CONTAINER": name}))
    assert store.put_if_absent("bronze/c/a", b"container sas") is True


def test_adls_wrong_key_fails_early_without_leaking_it(azurite):
    wrong = base64.b64encode(b"not the azurite key".ljust(64, b"!")).decode()
    with pytest.raises(HttpResponseError) as err:
        AdlsStore.from_settings(Settings.from_env(
            {"ADLS_ACCOUNT_URL": azurite.account_url, "ADLS_ACCOUNT_KEY": wrong, "ADLS_CONTAINER": _container()}))
    assert err.value.status_code == 403 and wrong not in str(err.value)


def test_adls_missing_config_names_variables_without_leaking_secrets():
    secret = "c2VjcmV0LWtleS12YWx1ZS1kby1ub3QtbG9n"
    with pytest.raises(SettingsError) as err:
        AdlsStore.from_settings(Settings.from_env({"LAKE_BACKEND": "adls", "ADLS_ACCOUNT_KEY": secret}))
    message = str(err.value)
    for name in ("ADLS_CONNECTION_STRING", "ADLS_ACCOUNT_URL", "ADLS_ACCOUNT_KEY", "ADLS_SAS_TOKEN"):
        assert name in message
    assert secret not in message


@pytest.mark.parametrize("url, account", [
    ("https://mylake.blob.core.windows.net", "mylake"),
    ("https://mylake.blob.core.windows.net/", "mylake"),
    ("http://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1"),
    ("http://localhost:10000/devstoreaccount1/", "devstoreaccount1"),
    ("http://azurite:10000/devstoreaccount1", "devstoreaccount1"),
])
def test_account_name_from_url(url, account):
    assert _account_name(url) == account


def test_account_url_without_account_name_is_a_settings_error_without_the_query():
    with pytest.raises(SettingsError) as err:
        _account_name("http://127.0.0.1:10000/?sig=c2VjcmV0")
    assert "sig=" not in str(err.value)


def test_local_bronze_files_follow_the_umask_so_other_readers_can_open_them(tmp_path):
    import os
    import stat

    from lake.store.local import LocalStore
    old = os.umask(0o022)
    try:
        store = LocalStore(tmp_path)
        store.put_if_absent("bronze/x/part-00000.jsonl.gz", b"data")
        store.replace("bronze/x/_watermark.json", b"{}")
    finally:
        os.umask(old)
    for name in ("part-00000.jsonl.gz", "_watermark.json"):
        assert stat.S_IMODE((tmp_path / "bronze" / "x" / name).stat().st_mode) == 0o644
