"""The disclosure gate's I/O side: which texts of an item are scanned (front matter,
body, PDF text and metadata), deny-list files, and acknowledgements in the register."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pypdf import PdfReader

from .cache import key_of
from .workspace import write_atomic
from .core.anonymise import (NORMALISATION, DenyList, candidate_phrases, detect, finding_id, phrase_hash,
                             spellings)
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


PRIVATE_FIELDS = frozenset({"kind", "status", "publish_at", "approved_by", "approved_on", "legal_hold",
                            "archived"})
"""The fields of an ``Item`` that never reach the public site. Every other field, and every
string inside it (lists, type-specific details, actions, change notes), is scanned: a new
field is scanned unless it is named here."""
SAME_AS = {"src_uri": "id"}
"""Fields that hold another field's text again (scanned once, under the other's name)."""


def texts_of(item: Item, project: Project) -> list[tuple[str, str, str]]:
    """(file, where, text) for everything of an item that could be published."""
    path = f"content/{item.src_uri}"
    texts = [(path, where, text) for where, text in public_strings(item)]
    texts.append((path, "body", project.bodies.get(item.id, "")))
    for attachment in item.attachments:
        shown = f"content/{attachment}"
        texts.append((shown, "text", project.pdf_text(attachment)))
        metadata = project.pdf_meta.get(attachment)
        if metadata is None:
            metadata = pdf_metadata(project.docs_dir / attachment)
        texts += [(shown, where, value) for where, value in metadata]
    withdrawal = getattr(project.register.get(item.id), "withdrawal", None)
    if withdrawal is not None:  # its public reason is shown on the withdrawal notice
        texts.append((f"embargo/{item.id}.yaml", "withdrawal.reason_public", withdrawal.reason_public))
    return texts


def public_strings(item: Item):
    """(where, text) for every string of the item's public fields (``PRIVATE_FIELDS`` aside)."""
    for field in dataclasses.fields(item):
        if field.name not in PRIVATE_FIELDS and field.name not in SAME_AS:
            yield from _strings("" if field.name == "details" else field.name, getattr(item, field.name))


def _strings(where: str, value):
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, (list, tuple)):
        for position, entry in enumerate(value, start=1):
            yield from _strings(f"{where}[{position}]", entry)
    elif isinstance(value, dict):
        for key, entry in value.items():
            yield from _strings(f"{where}.{key}" if where else str(key), entry)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _strings(f"{where}.{field.name}", getattr(value, field.name))
    # dates, numbers and booleans hold no name


def pdf_metadata(path: Path) -> list[tuple[str, str]]:
    """(where, text) for a PDF's text outside its pages: the document information
    (``metadata Author``, Title, Subject, Keywords...), the XMP packet (``metadata XMP``),
    and what a PDF reader shows besides the pages (``pdf.shown_parts``: comments,
    bookmarks, form fields)."""
    from .pdf import shown_parts

    reader = PdfReader(path)
    fields = [(f"metadata {str(key).lstrip('/')}", str(value)) for key, value in (reader.metadata or {}).items()]
    root = reader.trailer["/Root"]
    if "/Metadata" in root:
        fields.append(("metadata XMP", root["/Metadata"].get_object().get_data().decode("utf-8", "replace")))
    try:
        return fields + shown_parts(reader)
    except Exception as exc:  # noqa: BLE001 - a damaged comment or outline, of any kind
        from .pdf import PdfProblem

        raise PdfProblem(f"its comments, bookmarks or form fields cannot be read ({exc}): export it "
                         "again from the source document") from exc


def find_disclosures(project: Project) -> dict[str, list[Disclosure]]:
    results: dict[str, list[Disclosure]] = {}
    index = DenyIndex(project.deny_lists)
    for item in project.items.values():
        register = project.register.get(item.id)
        acknowledged = dict((register.extra.get("acknowledged") or {}) if register else {})
        found: list[Disclosure] = []
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
        found += deny_list_findings(project, index, item, texts)
        if found:
            results[item.id] = found
    return results


def deny_list_findings(project: Project, index: DenyIndex, item: Item,
                       texts: list[tuple[str, str, str]]) -> list[Disclosure]:
    """Every text of the item against every review's deny-list (a child's real name must
    appear nowhere on the site); lists of version 1 only in their own review and the items
    that name it. A finding names the field, the line and the list, never the name."""
    if not index:
        return []
    scoped = [owner for owner in (item.id, item.review_id) if owner]
    short = [text for _, _, text in texts if len(text) < LONG_TEXT]
    short_clean = not index.owners("\n\n".join(short), scoped)
    found = []
    for file, where, text in texts:
        if short_clean and len(text) < LONG_TEXT:
            continue
        for owner in cached_owners(project, index, text, scoped):
            line = index.line_of(text, owner, scoped)
            if line and where == "body":
                line += project.body_lines.get(item.id, 0)
            place = (where if file.endswith(".md") else f"{file} {where}") + (f" (line {line})" if line else "")
            found.append(Disclosure(
                item.id, file, where, "deny-list", f"deny-list-{where}",
                f"{place}: holds a name or place on the deny-list of {owner} "
                "(the list holds hashes only, so check the text for the real names and "
                "places you entered): remove it"))
    return found


class DenyIndex:
    """Every deny-list of a project, for scanning any text against all of them at once.

    Lists of this version share the project's salt, so a text's word sequences are hashed
    once per salt (once in all), not once per list."""

    def __init__(self, deny_lists: dict[str, DenyList]):
        self._by_salt: dict[str, dict[str, list[str]]] = {}
        self._lengths: set[int] = set()
        self._scoped: dict[str, DenyList] = {}
        for owner, deny in sorted(deny_lists.items()):
            if deny.version < NORMALISATION:
                self._scoped[owner] = deny
                continue
            table = self._by_salt.setdefault(deny.salt, {})
            for digest in deny.hashes:
                table.setdefault(digest, []).append(owner)
            self._lengths |= deny.lengths
            if deny.legacy is not None:
                self._scoped[owner] = deny.legacy
        self.fingerprint = key_of("deny-index", *(
            f"{owner} {deny.version} {deny.salt} {sorted(deny.hashes)} "
            f"{sorted(deny.legacy.hashes) if deny.legacy else ''} {deny.legacy.salt if deny.legacy else ''}"
            for owner, deny in sorted(deny_lists.items())))

    def __bool__(self) -> bool:
        return bool(self._by_salt or self._scoped)

    def owners(self, text: str, scoped: list[str]) -> list[str]:
        """The lists that hold a word sequence of ``text``: every list of this version, and
        the older lists of ``scoped`` (the item's own and its review's)."""
        found: set[str] = set()
        if self._by_salt:
            phrases = candidate_phrases(text, self._lengths)
            for salt, table in self._by_salt.items():
                for phrase in phrases:
                    owners = table.get(phrase_hash(salt, phrase))
                    if owners:
                        found.update(owners)
        found.update(owner for owner in scoped if owner in self._scoped and self._scoped[owner].matches(text))
        return sorted(found)

    def line_of(self, text: str, owner: str, scoped: list[str]) -> int | None:
        """The first line of a many-line text that holds a sequence on ``owner``'s list (or
        that does with the next line: a name broken across two), to help find it."""
        if "\n" not in text:
            return None
        lines = text.splitlines()
        for number, line in enumerate(lines, start=1):
            if owner in self.owners(line, scoped):
                return number
        for number in range(1, len(lines)):
            if owner in self.owners("\n".join(lines[number - 1:number + 1]), scoped):
                return number
        return None


def cached_owners(project: Project, index: DenyIndex, text: str, scoped: list[str]) -> list[str]:
    """``index.owners``; a long text's result is kept in the build cache under the text and
    every list (so a changed list or text is scanned again)."""
    if len(text) < LONG_TEXT:
        return index.owners(text, scoped)
    key = key_of("deny", text, index.fingerprint, *scoped)
    cached = project.detect_cache.get("deny", key)
    if cached is not None:
        return json.loads(cached)
    owners = index.owners(text, scoped)
    project.detect_cache.put("deny", key, json.dumps(owners).encode("utf-8"))
    return owners


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
    """A deny-list file: ``version 2`` (the words normalised by ``deny_words``, the salt
    shared by the project's lists), or without a version line as written before (its own
    salt; see ``DenyList.version``); a version 2 file may keep the lines of the older file
    it replaced as ``legacy-salt`` and ``legacy WORDS HASH``."""
    version, salt, hashes, lengths = 1, "", set(), set()
    legacy_salt, legacy_hashes, legacy_lengths = "", set(), set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if parts == ["version", str(NORMALISATION)]:
            version = NORMALISATION
        elif parts[0] == "salt" and len(parts) == 2:
            salt = parts[1]
        elif parts[0] == "legacy-salt" and len(parts) == 2:
            legacy_salt = parts[1]
        elif len(parts) == 2 and parts[0].isdigit() and len(parts[1]) == 64:
            lengths.add(int(parts[0]))
            hashes.add(parts[1])
        elif len(parts) == 3 and parts[0] == "legacy" and parts[1].isdigit() and len(parts[2]) == 64:
            legacy_lengths.add(int(parts[1]))
            legacy_hashes.add(parts[2])
        else:
            raise ValueError(f"line {number}: expected 'version {NORMALISATION}', 'salt HEX' or 'WORDS HASH'")
    if not salt:
        raise ValueError("no 'salt' line: add identifiers with 'portal identifiers add'")
    if legacy_hashes and not legacy_salt:
        raise ValueError("'legacy' lines without a 'legacy-salt' line: add identifiers with 'portal identifiers add'")
    legacy = DenyList(legacy_salt, frozenset(legacy_hashes), frozenset(legacy_lengths), 1) if legacy_hashes else None
    return DenyList(salt, frozenset(hashes), frozenset(lengths), version, legacy)


def older_deny_list_message(deny: DenyList) -> str | None:
    """What to tell the user about a list (or part of one) written before ``NORMALISATION``."""
    if deny.version >= NORMALISATION and deny.legacy is None:
        return None
    return ("written by an older version of the portal: its names are found only in this review and "
            "the items that name it, and only in the forms that version knew (not Lukasz for Łukasz, "
            "nor O’Neill for O'Neill): type them again with 'portal identifiers add', then delete the "
            "lines that start with 'legacy'")


def add_identifiers(path: Path, item_id: str, phrases: list[str]) -> int:
    """Add the salted hashes of ``phrases`` to the item's deny-list (never the text). The
    file is written in this version's form with the salt the project's other lists of this
    version use; the hashes of a list written before are kept as its ``legacy`` lines."""
    old = read_deny_list(path) if path.exists() else None
    if old is not None and old.version >= NORMALISATION:
        salt, hashes = old.salt, dict.fromkeys(old.hashes)
        lengths = _lengths_by_hash(path)
        legacy = old.legacy
    else:
        salt, hashes, lengths, legacy = _project_salt(path, item_id), {}, {}, old
    if legacy is not None:
        legacy_lengths = _lengths_by_hash(path, "legacy " if old.legacy is not None else "")
    added = 0
    for phrase in phrases:
        new = False
        for words in spellings(phrase):  # Jürgen Müller is also listed as Juergen Mueller
            digest = phrase_hash(salt, " ".join(words))
            if not words or digest in hashes:
                continue
            hashes[digest] = None
            lengths[digest] = len(words)
            new = True
        added += new
    lines = [DENY_HEADER.format(item_id=item_id), f"version {NORMALISATION}\n", f"salt {salt}\n"]
    lines += [f"{lengths[digest]} {digest}\n" for digest in hashes]
    if legacy is not None:
        lines.append(f"legacy-salt {legacy.salt}\n")
        lines += [f"legacy {legacy_lengths[digest]} {digest}\n" for digest in sorted(legacy.hashes)]
    write_atomic(path, "".join(lines).encode("utf-8"))
    return added


def _lengths_by_hash(path: Path, prefix: str = "") -> dict[str, int]:
    lengths = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(prefix) and not line.startswith("#"):
            parts = line[len(prefix):].split()
            if len(parts) == 2 and parts[0].isdigit():
                lengths[parts[1]] = int(parts[0])
    return lengths


def _project_salt(path: Path, item_id: str) -> str:
    """The salt of the project's other lists of this version, or a new one."""
    register_dir = Path(str(path)[: -len(f"{item_id}.identifiers")])
    for other in sorted(register_dir.rglob("*.identifiers")) if register_dir.is_dir() else ():
        try:
            deny = read_deny_list(other)
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if deny.version >= NORMALISATION:
            return deny.salt
    return secrets.token_hex(16)


# --- what MkDocs publishes that is not an item: pages, copied files, theme labels -----------

BINARY_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".bmp", ".tif",
                             ".tiff", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".zip", ".gz", ".mp3",
                             ".mp4", ".webm", ".ogg", ".wav", ".docx", ".xlsx", ".pptx", ".odt"})
"""Files read as binary: not scanned as text (a PDF's text and metadata are read)."""


SCRIPT_SUFFIXES = frozenset({".json", ".js", ".mjs", ".geojson", ".webmanifest"})
_SCRIPT_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")
"""JSON's and JavaScript's escapes (``J\\u00fcrgen``): read as the letters a page shows."""


def page_texts(project: Project, markdown_extensions: tuple[str, ...], pdfs: bool = True):
    """(file, where, text) for everything under ``content/`` that MkDocs publishes and that
    is not an item or in an item's folder: Markdown pages (about, home) as MkDocs renders
    them (front matter included, comments out), every other file whose bytes are text
    (.txt, .html, .csv, .json, .xml, .svg, .js, .css...), and PDFs (text, metadata,
    comments; not with ``pdfs=False``); and each theme's label and description. Also the errors of PDFs that
    cannot be read."""
    from .core.text import UnclosedComment, strip_html_comments
    from .project import is_item_area

    texts, problems = [], []
    for path in sorted(project.files):
        if is_item_area(path):
            continue  # items, their attachments, and files withheld (``Publication.withheld_paths``)
        shown = f"{project.docs_dir.name}/{path}"
        suffix = os.path.splitext(path)[1].lower()
        if suffix == ".pdf":
            if pdfs:
                texts += _pdf_texts(project, path, shown, problems)
            continue
        if suffix in BINARY_SUFFIXES:
            continue
        try:
            data = (project.docs_dir / path).read_bytes()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue  # binary
        text = data.decode("utf-8", "replace")
        if suffix in markdown_extensions:
            try:
                text = strip_html_comments(text)  # as the gate's on_page_markdown does
            except UnclosedComment:
                pass  # the build stops on it; the source is scanned meanwhile
        elif suffix in SCRIPT_SUFFIXES and "\\" in text:
            text = _SCRIPT_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
        texts.append((shown, "body", text))
    themes = project.settings.themes
    source = getattr(themes, "source", "themes.yml")
    for position, theme in enumerate(themes, start=1):
        texts.append((source, f"themes[{position}].label", theme.label))
        texts.append((source, f"themes[{position}].description", theme.description))
    return texts, problems


def _pdf_texts(project: Project, path: str, shown: str, problems: list) -> list[tuple[str, str, str]]:
    try:
        return [(shown, "text", project.pdf_text(path))] + [
            (shown, where, value) for where, value in pdf_metadata(project.docs_dir / path)]
    except Exception as exc:  # noqa: BLE001 - pypdf and PDFium raise many kinds
        problems.append(_unreadable(shown, exc))
        return []


def _unreadable(shown: str, exc: Exception):
    from .core.findings import error

    return error(shown, "", "bad-pdf", f"the PDF cannot be read ({exc}), so it cannot be checked for "
                 "names: export it again from the source document")


def page_disclosures(project: Project, markdown_extensions: tuple[str, ...]):
    """An error for each published text that is not an item's and holds a name or place
    on any review's deny-list (a page, a copied file, a theme label): unlike an item,
    which is held back, it stops the build. The finding names the file, the field and the
    line, never the name."""
    from .core.findings import error

    index = DenyIndex(project.deny_lists)
    if not index:
        return page_refusals(project, markdown_extensions)
    texts, findings = page_texts(project, markdown_extensions)
    findings += _refusals(texts, markdown_extensions)
    for file, where, text in texts:
        for owner in cached_owners(project, index, text, []):
            line = index.line_of(text, owner, [])
            field = f"{where} (line {line})" if line else where
            findings.append(error(file, field, "deny-list",
                                  f"holds a name or place on the deny-list of {owner} (the list holds "
                                  "hashes only, so check the text for the real names and places you "
                                  "entered): remove it"))
    return findings


def page_refusals(project: Project, markdown_extensions: tuple[str, ...]):
    """An error for each page or copied text file that holds what shows text in another
    order than it is written (``core.text.refused_body_character``: bidi controls, typed or
    as entities, ``<bdo>``, a ``bidi-override`` style), which no deny-list can check; in a
    Markdown page, also a control character. Names the file and the line."""
    texts, _ = page_texts(project, markdown_extensions, pdfs=False)
    return _refusals(texts, markdown_extensions)


def _refusals(texts, markdown_extensions: tuple[str, ...]):
    from .core.findings import error
    from .core.text import refused_body_character

    findings = []
    for file, where, text in texts:
        if where != "body":
            continue
        problem = refused_body_character(text, controls=os.path.splitext(file)[1].lower() in markdown_extensions)
        if problem:
            line, message = problem
            findings.append(error(file, f"{where} (line {line})", "refused-character", message))
    return findings
