"""A build cache in ``.portal-cache/`` (beside mkdocs.yml, never committed): results that
depend only on their inputs (PDF text, identifying-detail scans, trainer packs) are kept
under a hash of those inputs, so a rebuild after one change redoes only that change."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

VERSION = "2"


def key_of(*parts: object) -> str:
    digest = hashlib.sha256(VERSION.encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
    return digest.hexdigest()


class BuildCache:
    KEPT_IN_MEMORY = frozenset({"detect"})
    """Namespaces whose entries are small and read again in the same build: they are
    also kept in memory, so a cache that cannot be written still saves the work."""

    def __init__(self, root: Path | None):
        self.directory = root / ".portal-cache" if root is not None else None
        self._memory: dict[tuple[str, str], bytes] = {}

    def has(self, namespace: str, key: str) -> bool:
        if (namespace, key) in self._memory:
            return True
        return self.directory is not None and (self.directory / namespace / key[:2] / key).exists()

    def get(self, namespace: str, key: str) -> bytes | None:
        if (namespace, key) in self._memory:
            return self._memory[namespace, key]
        if self.directory is None:
            return None
        path = self.directory / namespace / key[:2] / key
        try:
            return path.read_bytes()
        except OSError:
            return None

    def put(self, namespace: str, key: str, data: bytes) -> None:
        if namespace in self.KEPT_IN_MEMORY:
            self._memory[namespace, key] = data
        if self.directory is None:
            return
        folder = self.directory / namespace / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, folder / key)
        except OSError:
            pass  # a cache that cannot be written is only slower
