"""The disclosure gate's I/O side: which texts of an item are scanned (front matter,
body, PDF text and metadata), deny-list files, and acknowledgements in the register."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pypdf import PdfReader

from .core.anonymise import DenyList, detect, finding_id, identifier_hash, normalise_words
from .core.items import Item

if TYPE_CHECKING:
    from .project import Project

KIND_LABELS = {"postcode": "a postcode", "date-of-birth": "a date of birth", "nhs-number": "an NHS number",
               "ni-number": "a National Insurance number", "phone": "a phone number",
               "email": "an email address", "street-address": "a street address"}
DENY_HEADER = ("# Deny-list: salted SHA-256 hashes of names and places this review must never show.\n"
               "# Added with `portal identifiers add {item_id}`; the plain text is never stored.\n")


@dataclass(frozen=True)
class Disclosure:
    item_id: str
    file: str
    where: str
    kind: str
    id: str
    message: str
    acknowledged: str = ""


def texts_of(item: Item, project: Project) -> list[tuple[str, str, str]]:
    """(file, where, text) for everything of an item that could be published."""
    path = f"content/{item.src_uri}"
    texts = [(path, "title", item.title), (path, "summary", item.summary),
             (path, "body", project.bodies.get(item.id, ""))]
    for name, value in item.details.items():
        if isinstance(value, str):
            texts.append((path, name, value))
        elif isinstance(value, tuple):
            texts += [(path, name, str(v)) for v in value if isinstance(v, str)]
    for action in item.details.get("actions", ()):
        texts.append((path, f"actions.{action.id}", " ".join(
            [action.recommendation, action.action, action.lead, action.evidence, action.impact])))
    for attachment in item.attachments:
        shown = f"content/{attachment}"
        texts.append((shown, "text", project.pdf_text(attachment)))
        metadata = project.pdf_meta.get(attachment)
        if metadata is None:
            metadata = pdf_metadata(project.docs_dir / attachment)
        texts += [(shown, f"metadata {key}", value) for key, value in metadata]
    return texts


def pdf_metadata(path: Path) -> list[tuple[str, str]]:
    """The document information (Author, Title, Subject, Keywords...) and the XMP packet."""
    reader = PdfReader(path)
    fields = [(str(key).lstrip("/"), str(value)) for key, value in (reader.metadata or {}).items()]
    root = reader.trailer["/Root"]
    if "/Metadata" in root:
        fields.append(("XMP", root["/Metadata"].get_object().get_data().decode("utf-8", "replace")))
    return fields


def find_disclosures(project: Project) -> dict[str, list[Disclosure]]:
    results: dict[str, list[Disclosure]] = {}
    for item in project.items.values():
        register = project.register.get(item.id)
        acknowledged = dict((register.extra.get("acknowledged") or {}) if register else {})
        found: list[Disclosure] = []
        deny_list = project.deny_lists.get(item.id) or (
            project.deny_lists.get(item.review_id) if item.review_id else None)
        texts = texts_of(item, project)
        # An item's short fields are scanned together first, and one by one only if that
        # finds anything (a NUL between them: no detector's match can span it).
        short = [text for _, _, text in texts if len(text) < LONG_TEXT]
        short_clean = not cached_detect(project, "\n\0\n".join(short))
        for file, where, text in texts:
            if short_clean and len(text) < LONG_TEXT:
                detections = []
            else:
                detections = cached_detect(project, text)
            for detection in detections:
                ident = finding_id(item.id, detection.kind, detection.match)
                place = where if file.endswith(".md") else f"{file} {where}"
                message = (f"{place}: {KIND_LABELS[detection.kind]} ({detection.match!r}) could "
                           f"identify someone: remove it, or if it is safe to publish, acknowledge it in "
                           f"embargo/{item.id}.yaml under acknowledged: {{{ident}: \"reason\"}}")
                found.append(Disclosure(item.id, file, where, detection.kind, ident, message,
                                        str(acknowledged.get(ident, ""))))
            if deny_list is not None and deny_list.matches(text):
                owner = item.id if item.id in project.deny_lists else item.review_id
                place = where if file.endswith(".md") else f"{file} {where}"
                found.append(Disclosure(
                    item.id, file, where, "deny-list", f"deny-list-{where}",
                    f"{place}: holds a name or place on the deny-list of {owner} "
                    "(the list holds hashes only, so check the text for the real names and "
                    "places you entered): remove it"))
        if found:
            results[item.id] = found
    return results


LONG_TEXT = 4000
"""Texts at least this long (bodies, PDF text) are scanned on every core and cached;
shorter fields are cheaper to scan than to look up."""


def _detect_rows(text: str, allowed_numbers: tuple[str, ...], allowed_domains: tuple[str, ...]) -> str:
    import json

    found = detect(text, allowed_numbers, allowed_domains)
    return json.dumps([[d.kind, d.match, d.start, d.end] for d in found])


def _extract_and_detect(path: Path, allowed_numbers: tuple[str, ...],
                        allowed_domains: tuple[str, ...]) -> tuple[str, str]:
    from .pdf import extract_text

    text = extract_text(path)
    return text, _detect_rows(text, allowed_numbers, allowed_domains)


class Scans:
    """The long texts of a project (bodies, PDF text) scanned in a pool of processes while
    the project is still being read: the reading takes one core and leaves the other
    idle, so scanning starts as soon as the first body is read. `finish` collects the
    results into the build cache, where ``cached_detect`` and ``Project.pdf_text`` find
    them. Small projects (fewer than ``POOL_FROM`` texts to scan) are scanned in this
    process instead, as is everything on one core."""

    POOL_FROM = 16

    def __init__(self, project: Project) -> None:
        self._project = project
        settings = project.settings
        self._allowed = (tuple(settings.allowed_phone_numbers), tuple(settings.allowed_email_domains))
        self._queued: list[tuple[str | None, tuple[str, str] | None, object, tuple]] = []
        self._submitted: list[tuple[str | None, tuple[str, str] | None, object]] = []
        self._keys: set[str] = set()
        self._pool = None

    def body(self, text: str) -> None:
        """Scan a long text unless the cache has it."""
        if len(text) < LONG_TEXT:
            return
        key = detect_key(self._project, text)
        if key not in self._keys and not self._project.detect_cache.has(key):
            self._keys.add(key)
            self._add(key, None, _detect_rows, (text, *self._allowed))

    def pdf(self, path: str) -> None:
        """Extract an attachment's text and scan it, unless the cache has them."""
        from .cache import key_of

        project = self._project
        text_key = key_of("pdf-text", (project.docs_dir / path).read_bytes())
        cached = project.cache.get("pdf-text", text_key)
        if cached is not None:
            project.keep_pdf_text(path, cached.decode("utf-8"))
            self.body(project.pdf_text(path))
        else:
            self._add(None, (path, text_key), _extract_and_detect, (project.docs_dir / path, *self._allowed))

    def _add(self, key, pdf, function, arguments) -> None:
        import multiprocessing
        import os

        self._queued.append((key, pdf, function, arguments))
        if self._pool is None and len(self._queued) >= self.POOL_FROM and (os.cpu_count() or 1) > 1 \
                and "fork" in multiprocessing.get_all_start_methods():
            import concurrent.futures
            import gc

            # gc.freeze in each worker: its collections leave the inherited objects alone,
            # so their memory stays shared with this process instead of being copied.
            self._pool = concurrent.futures.ProcessPoolExecutor(
                mp_context=multiprocessing.get_context("fork"), initializer=gc.freeze)
        if self._pool is not None:
            for key, pdf, function, arguments in self._queued:
                self._submitted.append((key, pdf, self._pool.submit(function, *arguments)))
            self._queued.clear()

    def finish(self) -> None:
        """Wait for every scan and keep the results."""
        project = self._project
        try:
            results = [(key, pdf, future.result()) for key, pdf, future in self._submitted]
            results += [(key, pdf, function(*arguments)) for key, pdf, function, arguments in self._queued]
        finally:
            self.cancel()
        for key, pdf, result in results:
            if pdf is not None:
                path, text_key = pdf
                text, rows = result
                project.cache.put("pdf-text", text_key, text.encode("utf-8"))
                project.keep_pdf_text(path, text)
                if len(text) >= LONG_TEXT:
                    project.detect_cache.put("detect", detect_key(project, text), rows.encode("utf-8"))
            else:
                project.detect_cache.put("detect", key, result.encode("utf-8"))

    def cancel(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._submitted, self._queued = [], []


def detect_key(project: Project, text: str) -> str:
    """A long text's key in the detection cache (its hash and the allow-lists), worked
    out once per text."""
    from .cache import key_of

    key = project.detect_keys.get(text)
    if key is None:
        settings = project.settings
        key = key_of("detect", text, settings.allowed_phone_numbers, settings.allowed_email_domains)
        project.detect_keys[text] = key
    return key


def cached_detect(project: Project, text: str):
    """``detect`` on one text; a long text's findings are kept in the build cache under the
    text and the allow-lists."""
    import json

    from .core.anonymise import Detection

    settings = project.settings
    if len(text) < LONG_TEXT:  # short fields: scanning is cheaper than a cache entry
        return detect(text, settings.allowed_phone_numbers, settings.allowed_email_domains)
    key = detect_key(project, text)
    cached = project.detect_cache.get("detect", key)
    if cached is not None:
        return [Detection(*row) for row in json.loads(cached)]
    found = detect(text, settings.allowed_phone_numbers, settings.allowed_email_domains)
    project.detect_cache.put("detect", key, json.dumps(
        [[d.kind, d.match, d.start, d.end] for d in found]).encode("utf-8"))
    return found


def read_deny_list(path: Path) -> DenyList:
    salt, hashes, lengths = "", set(), set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if parts[0] == "salt" and len(parts) == 2:
            salt = parts[1]
        elif len(parts) == 2 and parts[0].isdigit() and len(parts[1]) == 64:
            lengths.add(int(parts[0]))
            hashes.add(parts[1])
        else:
            raise ValueError(f"line {number}: expected 'salt HEX' or 'WORDS HASH'")
    if not salt:
        raise ValueError("no 'salt' line: add identifiers with 'portal identifiers add'")
    return DenyList(salt, frozenset(hashes), frozenset(lengths))


def add_identifiers(path: Path, item_id: str, phrases: list[str]) -> int:
    """Append the salted hashes of ``phrases`` to the item's deny-list (never the text)."""
    if path.exists():
        deny = read_deny_list(path)
        salt, existing = deny.salt, deny.hashes
        lines = []
    else:
        salt, existing = secrets.token_hex(16), frozenset()
        lines = [DENY_HEADER.format(item_id=item_id), f"salt {salt}\n"]
    added = 0
    for phrase in phrases:
        words = normalise_words(phrase)
        if not words:
            continue
        digest = identifier_hash(salt, phrase)
        if digest in existing:
            continue
        lines.append(f"{len(words)} {digest}\n")
        added += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.writelines(lines)
    return added
