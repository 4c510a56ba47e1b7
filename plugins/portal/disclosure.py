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


def _detect_rows(text: str, allowed_numbers: tuple[str, ...], allowed_domains: tuple[str, ...]) -> bytes:
    import json

    found = detect(text, allowed_numbers, allowed_domains)
    return json.dumps([[d.kind, d.match, d.start, d.end] for d in found]).encode()


def prefetch_detections(project: Project, texts: list[str]) -> None:
    """Scan the long texts that are not in the build cache in a pool of processes, and
    cache the findings, so that ``cached_detect`` finds every long text scanned."""
    import concurrent.futures
    import functools
    import os

    from .cache import key_of

    settings = project.settings
    allowed = (tuple(settings.allowed_phone_numbers), tuple(settings.allowed_email_domains))
    missing: dict[str, str] = {}
    for text in texts:
        if len(text) >= LONG_TEXT:
            key = key_of("detect", text, settings.allowed_phone_numbers, settings.allowed_email_domains)
            if key not in missing and not project.cache.has("detect", key):
                missing[key] = text
    if len(missing) < 16 or (os.cpu_count() or 1) < 2:
        return  # cached_detect scans these one by one
    with concurrent.futures.ProcessPoolExecutor() as pool:
        scan = functools.partial(_detect_rows, allowed_numbers=allowed[0], allowed_domains=allowed[1])
        for key, rows in zip(missing, pool.map(scan, missing.values(), chunksize=16)):
            project.cache.put("detect", key, rows)


def cached_detect(project: Project, text: str):
    """``detect`` on one text, kept in the build cache under the text and the allow-lists."""
    import json

    from .cache import key_of
    from .core.anonymise import Detection

    settings = project.settings
    if len(text) < LONG_TEXT:  # short fields: scanning is cheaper than a cache file
        return detect(text, settings.allowed_phone_numbers, settings.allowed_email_domains)
    key = key_of("detect", text, settings.allowed_phone_numbers, settings.allowed_email_domains)
    cached = project.cache.get("detect", key)
    if cached is not None:
        return [Detection(*row) for row in json.loads(cached)]
    found = detect(text, settings.allowed_phone_numbers, settings.allowed_email_domains)
    project.cache.put("detect", key, json.dumps([[d.kind, d.match, d.start, d.end] for d in found]).encode())
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
