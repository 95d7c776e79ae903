"""ADLS Gen2 bronze backend, written through the Blob endpoint with azure-storage-blob.

Data flow: Store calls -> ContainerClient -> https://<account>.blob.core.windows.net/<container>/<path>
Run standalone: LAKE_BACKEND=adls python -c "from lake.store import open_store; print(list(open_store().list('bronze/')))"

Why Blob and not DFS (DESIGN.md §2): Put Blob / Put Block List with If-None-Match: * is an
atomic create-if-absent, uncommitted blocks are invisible (no half-written files), and Azurite
can test it. HNS listings hold directory placeholders (metadata hdi_isfolder=true): list() drops them.
Secrets go to the SDK only, never into a message; the SDK's HTTP logging redacts them itself.
"""
from __future__ import annotations

import io
import logging
from typing import BinaryIO, Iterator
from urllib.parse import urlsplit

from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContainerClient

from lake.settings import Settings, SettingsError

log = logging.getLogger(__name__)

# Up to 8 MB goes as one Put Blob, larger streams as 8 MB blocks, so a 64 MB part is never in
# memory whole; reads come in 4 MB ranges for the same reason (the SDK's first GET is 32 MB).
_TUNING = dict(max_single_put_size=8 * 1024 * 1024, max_block_size=8 * 1024 * 1024,
               max_single_get_size=4 * 1024 * 1024, max_chunk_get_size=4 * 1024 * 1024)
_NOT_PERMITTED = ("AuthorizationPermissionMismatch", "AuthorizationResourceTypeMismatch")


def _account_name(account_url: str) -> str:
    """'https://acct.blob.core.windows.net' -> 'acct'; Azurite 'http://127.0.0.1:10000/devstoreaccount1'
    (IP, localhost or a bare docker host name) -> the first path segment."""
    parts = urlsplit(account_url)
    host = parts.hostname or ""
    path_style = host == "localhost" or "." not in host or host.replace(".", "").isdigit()  # IPv6 has no '.'
    name = parts.path.strip("/").split("/")[0] if path_style else host.split(".")[0]
    if not name:
        # Only scheme and host in the message: the URL's query string may carry a SAS token.
        raise SettingsError(f"ADLS_ACCOUNT_URL has no account name: {parts.scheme}://{parts.netloc}")
    return name


class _ChunkReader(io.RawIOBase):
    """A raw reader over download_blob().chunks(), so BufferedReader/gzip can stream a blob."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._buf = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._buf:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buf = memoryview(chunk)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


class AdlsStore:
    def __init__(self, container: ContainerClient):
        self._container = container

    @classmethod
    def from_settings(cls, settings: Settings) -> "AdlsStore":
        settings.require_one_of(("ADLS_CONNECTION_STRING",), ("ADLS_ACCOUNT_URL", "ADLS_ACCOUNT_KEY"),
                                ("ADLS_ACCOUNT_URL", "ADLS_SAS_TOKEN"))
        if settings.adls_connection_string:
            service = BlobServiceClient.from_connection_string(settings.adls_connection_string, **_TUNING)
        elif settings.adls_account_key:
            credential = {"account_name": _account_name(settings.adls_account_url),
                          "account_key": settings.adls_account_key}
            service = BlobServiceClient(settings.adls_account_url, credential=credential, **_TUNING)
        else:
            service = BlobServiceClient(settings.adls_account_url,
                                        credential=settings.adls_sas_token.lstrip("?"), **_TUNING)
        store = cls(service.get_container_client(settings.adls_container))
        store.ensure_container()
        return store

    def ensure_container(self) -> None:
        try:
            self._container.create_container()
            log.info("adls container %s created", self._container.container_name)
        except ResourceExistsError:
            pass
        except HttpResponseError as exc:
            # A valid but narrow credential (container-scoped SAS) may not create containers;
            # if the container is really missing, the first read or write says ContainerNotFound.
            # A wrong key or signature is a different code and still fails here, early.
            if exc.error_code not in _NOT_PERMITTED:
                raise
            log.info("adls container %s: not allowed to create it, assuming it exists",
                     self._container.container_name)

    @staticmethod
    def _name(path: str) -> str:
        # Same key rules as the local backend, so a path valid on one is valid on both.
        if path.startswith("/") or ".." in path.split("/"):
            raise ValueError(f"store paths are relative keys without '..': {path!r}")
        return path

    def put_if_absent(self, path: str, data: bytes | BinaryIO) -> bool:
        # overwrite=False makes the SDK send If-None-Match: * on Put Blob, or on the final
        # Put Block List for large streams (block ids are random, so racing writers never
        # mix blocks). Losing the race surfaces as 409 BlobAlreadyExists or 412.
        try:
            self._container.upload_blob(self._name(path), data, overwrite=False)
            return True
        except ResourceExistsError:
            return False
        except HttpResponseError as exc:
            if exc.status_code in (409, 412):
                return False
            raise

    def replace(self, path: str, data: bytes) -> None:
        self._container.upload_blob(self._name(path), data, overwrite=True)

    def open(self, path: str) -> BinaryIO:
        try:
            downloader = self._container.download_blob(self._name(path))
        except ResourceNotFoundError:
            raise FileNotFoundError(f"no such object in container "
                                    f"{self._container.container_name}: {path}") from None
        return io.BufferedReader(_ChunkReader(downloader.chunks()), buffer_size=1024 * 1024)

    def exists(self, path: str) -> bool:
        return self._container.get_blob_client(self._name(path)).exists()

    def list(self, prefix: str) -> Iterator[str]:
        blobs = self._container.list_blobs(name_starts_with=prefix, include=["metadata"])
        names = [b.name for b in blobs if (b.metadata or {}).get("hdi_isfolder", "").lower() != "true"]
        return iter(sorted(names))
