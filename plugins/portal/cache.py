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
    def __init__(self, root: Path | None):
        self.directory = root / ".portal-cache" if root is not None else None

    def get(self, namespace: str, key: str) -> bytes | None:
        if self.directory is None:
            return None
        path = self.directory / namespace / key[:2] / key
        try:
            return path.read_bytes()
        except OSError:
            return None

    def put(self, namespace: str, key: str, data: bytes) -> None:
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


class CacheTable:
    """Many small entries kept as one file (``.portal-cache/<name>.json``): read once and
    written once per run, instead of a file per entry. Entries not used in a run are
    dropped when it is written, so the table holds only what the project still has."""

    def __init__(self, cache: BuildCache, name: str):
        self._path = cache.directory / f"{name}.json" if cache.directory is not None else None
        self._old: dict[str, str] = {}
        self._now: dict[str, str] = {}
        if self._path is not None:
            try:
                import json

                self._old = json.loads(self._path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._old = {}

    def has(self, key: str) -> bool:
        return key in self._now or key in self._old

    def get(self, namespace: str, key: str) -> bytes | None:
        value = self._now.get(key)
        if value is None:
            value = self._old.get(key)
            if value is None:
                return None
            self._now[key] = value
        return value.encode("utf-8")

    def put(self, namespace: str, key: str, data: bytes) -> None:
        self._now[key] = data.decode("utf-8")

    def save(self) -> None:
        if self._path is None or self._now == self._old:
            return
        import json

        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self._path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(self._now, out)
            os.replace(temporary, self._path)
        except OSError:
            pass  # a cache that cannot be written is only slower
