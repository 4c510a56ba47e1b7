"""A site project on disk: its settings, content and register, read and validated.

This is the one place that reads ``content/`` and ``embargo/``. It hands plain data to
the core rules and collects every finding, so ``portal check``, ``portal build`` and the
MkDocs plugins all see the same items and the same errors.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from . import frontmatter
from .cache import BuildCache, CacheTable, key_of
from .core.addresses import is_email_address
from .core.anonymise import DEFAULT_ALLOWED_EMAIL_DOMAINS, DEFAULT_ALLOWED_NUMBERS, DenyList
from .core.circulation import DEFAULT_RULES, CirculationRule
from .core.dates import (UTC, DateError, format_instant, load_timezone, parse_date, parse_time_of_day,
                         start_of_day)
from .core.findings import Finding, error, errors_in, warning
from .core.items import Item, Kind
from .core.ledger import (LedgerEntry, LedgerError, LedgerSeal, changed_line, event_lines,
                          published_line, seal, withdrawn_line)
from .core.ledger import parse as parse_ledger
from .core.protection import (Witness, ledger_findings, protection_findings, published_by,
                              withdrawal_findings, witness_findings)
from .core.publication import Decision, RuleContext, decide_all, hold_lifts_at
from .core.register import RegisterEntry, parse_entry
from .core.settings import Settings
from .core.themes import ThemeVocabulary, vocabulary_from_data
from .core.validate import (attachment_owners, kind_of, public_body, shared_attachment_findings,
                            validate_body, validate_item)
from .disclosure import (Disclosure, Scans, find_disclosures, older_deny_list_message, page_disclosures, pdf_metadata,
                         read_deny_list)
from .pdf import PdfFacts, PdfProblem, extract_text, read_facts
from .workspace import NotRegularFile, read_regular_file, special_file_problem

# MkDocs renders all of these as pages; an item must be .md so that the rules see it.
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class SettingsError(ValueError):
    """The site's settings in mkdocs.yml are wrong; the message names the option."""


def load_settings(options: dict[str, Any], project_dir: Path, config_file: str = "mkdocs.yml") -> Settings:
    """Build ``Settings`` from the ``portal`` plugin's options in mkdocs.yml."""
    where = f"{config_file}: plugins.portal"
    try:
        tz = load_timezone(options.get("timezone", "Europe/London"))
    except DateError as exc:
        raise SettingsError(f"{where}.timezone: {exc}") from exc
    try:
        publication_time = parse_time_of_day(options.get("publication_time", "00:01"))
    except DateError as exc:
        raise SettingsError(f"{where}.publication_time: {exc}") from exc
    closure_days = set()
    for value in options.get("closure_days") or []:
        try:
            closure_days.add(parse_date(value))
        except DateError as exc:
            raise SettingsError(f"{where}.closure_days: {exc}") from exc
    rules = _circulation_rules(options.get("circulation"), where)
    themes_path = project_dir / options.get("themes_file", "themes.yml")
    return Settings(
        timezone=tz,
        publication_time=publication_time,
        themes=load_themes(themes_path, project_dir),
        closure_days=frozenset(closure_days),
        area=str(options.get("area") or ""),
        circulation_rules=rules,
        nspcc_due_working_days=int(options.get("nspcc_due_working_days", 10)),
        allowed_phone_numbers=_texts(options.get("allowed_phone_numbers") or DEFAULT_ALLOWED_NUMBERS,
                                     f"{where}.allowed_phone_numbers"),
        allowed_email_domains=_texts(options.get("allowed_email_domains") or DEFAULT_ALLOWED_EMAIL_DOMAINS,
                                     f"{where}.allowed_email_domains"),
    )


def _texts(values, where: str) -> tuple[str, ...]:
    """A settings list of short texts (phone numbers, domains); a number is its digits."""
    for position, value in enumerate(values, start=1):
        if value is None or isinstance(value, (bool, list, dict)):
            raise SettingsError(f"{where}[{position}]: expected text, got {value!r}")
    return tuple(str(value) for value in values)


def _circulation_rules(raw, where: str) -> tuple[CirculationRule, ...]:
    if raw is None:
        return DEFAULT_RULES
    rules = []
    seen = set()
    for position, entry in enumerate(raw, start=1):
        entry = dict(entry)
        field_name = f"{where}.circulation[{position}]"
        rule_id = str(entry.get("id") or "")
        if not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", rule_id):
            raise SettingsError(f"{field_name}.id: expected lower-case words joined by hyphens, got {rule_id!r}")
        if rule_id in seen:
            raise SettingsError(f"{field_name}.id: the rule id {rule_id!r} is used twice")
        seen.add(rule_id)
        days = entry.get("working_days")
        if not isinstance(days, int) or days < 0:
            raise SettingsError(f"{field_name}.working_days: expected a whole number of working days, got {days!r}")
        addresses = tuple(entry.get("addresses") or ())
        for address in addresses:
            if not is_email_address(address):
                raise SettingsError(f"{field_name}.addresses: {address!r} is not an email address")
        if not addresses:
            raise SettingsError(f"{field_name}.addresses: give at least one email address")
        rules.append(CirculationRule(
            id=rule_id, recipient=str(entry.get("recipient") or rule_id), addresses=addresses,
            working_days=days, sends=tuple(entry.get("sends") or ("full-report",)),
            applies_to=tuple(entry.get("applies_to") or ("reviews",))))
    return tuple(rules)


def load_themes(path: Path, project_dir: Path) -> ThemeVocabulary:
    shown = _relative(path, project_dir)
    problem = special_file_problem(path)
    if problem:
        raise SettingsError(f"{shown}: {problem}")
    if not path.is_file():
        raise SettingsError(
            f"{shown}: the theme vocabulary file is missing (set plugins.portal.themes_file "
            "in mkdocs.yml, or create it with a list of {id, label, description})"
        )
    try:
        data = frontmatter.load_yaml(read_utf8(path))
        vocabulary = vocabulary_from_data(data)
        vocabulary.source = shown  # named by the disclosure gate (disclosure.page_texts)
        return vocabulary
    except (frontmatter.FrontMatterError, ValueError) as exc:
        raise SettingsError(f"{shown}: {exc}") from exc


class NotUtf8(ValueError):
    """A file of the project that is not UTF-8 text; the message says where."""


def read_utf8(path: Path) -> str:
    """The text of a project file (without the byte-order mark some Windows editors put
    first), or ``NotUtf8`` naming the line of the first bad byte (``NotRegularFile`` for a
    named pipe, socket, device or folder, never read)."""
    data = read_regular_file(path)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is not text
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise NotUtf8(f"line {line}: not UTF-8 text: save it as UTF-8") from exc


@dataclass
class Project:
    """Everything read from a site project, validated.

    Attributes:
        items: valid items by id.
        bodies: each valid item's Markdown body, by id.
        register: register entries by item id.
        files: every file under ``content/`` (posix paths relative to it).
        findings: every problem found, errors and warnings.
        pdfs: facts about each attachment PDF, by path under ``content/``.
    """

    root: Path
    docs_dir: Path
    settings: Settings
    items: dict[str, Item] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)
    body_lines: dict[str, int] = field(default_factory=dict)
    """Lines of each item's file before its body (front matter), to name a body's line as
    in the file; comments are stripped line for line, so the count stays true."""
    register: dict[str, RegisterEntry] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    pdfs: dict[str, PdfFacts] = field(default_factory=dict)
    ledger: dict[str, LedgerEntry] = field(default_factory=dict)
    ledger_path: Path | None = None
    ledger_events: list[tuple[int, str]] = field(default_factory=list)
    """The ledger's event lines in order, with their line numbers (for its seal)."""
    deny_lists: dict[str, DenyList] = field(default_factory=dict)
    pdf_meta: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Each attachment's document information and XMP, for the disclosure scan."""
    _pdf_texts: dict[str, str] = field(default_factory=dict, repr=False)
    detect_keys: dict[str, str] = field(default_factory=dict, repr=False)
    """Each long text's detection cache key, worked out once (``disclosure.detect_key``)."""

    @property
    def errors(self) -> list[Finding]:
        return errors_in(self.findings)

    @cached_property
    def hashes(self) -> dict[str, str]:
        """A hash of what each item publishes: its public fields, body and attachments."""
        return {item_id: content_hash(item, self.bodies[item_id], self.docs_dir)
                for item_id, item in self.items.items()}

    @cached_property
    def disclosures(self) -> dict[str, list[Disclosure]]:
        """Identifying details found in each item (its fields, body, PDF text and metadata)."""
        self.scans.finish()
        found = find_disclosures(self)
        self.detect_cache.save()
        return found

    @cached_property
    def scans(self) -> Scans:
        """Long texts being scanned in other processes (started while the project is read)."""
        return Scans(self)

    @cached_property
    def detect_cache(self) -> CacheTable:
        """Findings in long texts, by ``disclosure.detect_key`` (one file for all)."""
        return CacheTable(self.cache, "detect")

    @cached_property
    def cache(self) -> BuildCache:
        return BuildCache(self.root)

    def keep_pdf_text(self, path: str, text: str) -> None:
        self._pdf_texts[path] = text

    def pdf_text(self, path: str) -> str:
        if path not in self._pdf_texts:
            data = (self.docs_dir / path).read_bytes()
            key = key_of("pdf-text", data)
            cached = self.cache.get("pdf-text", key)
            if cached is None:
                text = extract_text(self.docs_dir / path)
                self.cache.put("pdf-text", key, text.encode("utf-8"))
            else:
                text = cached.decode("utf-8")
            self._pdf_texts[path] = text
        return self._pdf_texts[path]

    def preview(self, now: datetime, real_now: datetime) -> Publication:
        """The internal preview: everything not withdrawn, as the site will look at ``now``,
        with a banner on each item that is not public by the real clock."""
        public_now = self.decide(now)
        public_today = self.decide(real_now)
        decisions = {}
        banners = {}
        tz = self.settings.timezone
        for item_id, decision in public_now.decisions.items():
            codes = {block.code for block in decision.blocks}
            keep_out = {"withdrawal", "withdrawn", "archived", "no-publication-date"} & codes
            decisions[item_id] = decision if keep_out else Decision(item_id)
            if not keep_out and not public_today.decisions[item_id].is_live:
                banners[item_id] = preview_banner(self.items[item_id], public_today.decisions[item_id], tz)
        return Publication(now, self, decisions, [], preview=True, banners=banners)

    def decide(self, now: datetime, *,
               witnesses: Iterable[Witness] = ()) -> Publication:
        """The publication at ``now``, with every error that must stop a build: the
        twelve-month protection, the withdrawals the ledger records (binding), the ledger
        checked against the real clock and
        against each witness (a public copy of the site)."""
        published = published_by(self.ledger, now)
        blocking = {item_id: tuple(d.message for d in found if not d.acknowledged)
                    for item_id, found in self.disclosures.items()}
        ctx = RuleContext(now=now, settings=self.settings, register=self.register, ledger=published,
                          disclosures=blocking)
        decisions = decide_all(self.items.values(), ctx)
        findings = protection_findings(self.items, decisions, self.ledger, self.register,
                                       self.hashes, now, self.settings)
        tz = self.settings.timezone
        ledger_file = self._ledger_shown()
        findings += withdrawal_findings(self.items, decisions, self.ledger, self.register, now, tz,
                                        ledger_file)
        findings += ledger_findings(self.ledger, self.items, datetime.now(UTC), tz,
                                    ledger_file)
        for witness in witnesses:
            findings += witness_findings(witness, self.ledger, self.hashes, tz, ledger_file,
                                         self.ledger_events, self.register)
        publication = Publication(now, self, decisions, findings)
        findings += self._notice_disclosures(publication.notice_pages)
        return publication

    def _notice_disclosures(self, notices: dict[str, str]) -> list[Finding]:
        """Identifying details a withdrawal or archive notice would show (its title, the
        public reason): the notice must go out (a court order), so the detail stops the
        build rather than the page."""
        shown_on_notice = {"title", "withdrawal.reason_public"}
        return [error(found.file, found.where, "notice-discloses",
                      f"{found.message}; the {notices[item_id]} notice shows this field, so "
                      "nothing is published until it is changed", item_id)
                for item_id in sorted(notices)
                for found in self.disclosures.get(item_id, ())
                if found.where in shown_on_notice and not found.acknowledged]

    def _ledger_shown(self) -> str:
        if self.ledger_path is None:
            return "embargo/ledger"
        try:
            return self.ledger_path.relative_to(self.root).as_posix()
        except ValueError:
            return str(self.ledger_path)


@dataclass
class Publication:
    """The publication decision for every item at one instant: what the public site holds."""

    now: datetime
    project: Project
    decisions: dict[str, Decision]
    findings: list[Finding] = field(default_factory=list)
    """Errors of the twelve-month rule and change history: the build must not go ahead."""
    preview: bool = False
    """An internal preview (never published): every item, marked."""
    banners: dict[str, str] = field(default_factory=dict)
    """In a preview, the mark of each item that is not public today."""

    def is_live(self, item_id: str) -> bool:
        decision = self.decisions.get(item_id)
        return decision is not None and decision.is_live

    @cached_property
    def live_items(self) -> list[Item]:
        """Live items, newest publication first."""
        live = [item for item in self.project.items.values() if self.is_live(item.id)]
        return sorted(live, key=lambda item: (item.publish_at, item.id), reverse=True)

    def live_of_kind(self, kind: Kind) -> list[Item]:
        return self._live_by_kind.get(kind, [])

    def live_from_review(self, review_id: str) -> list[Item]:
        """Live items whose ``review`` field names ``review_id``, newest first."""
        return self._live_by_review.get(review_id, [])

    @cached_property
    def _live_by_review(self) -> dict[str, list[Item]]:
        grouped: dict[str, list[Item]] = {}
        for item in self.live_items:
            if item.review_id:
                grouped.setdefault(item.review_id, []).append(item)
        return grouped

    @cached_property
    def _live_by_kind(self) -> dict[Kind, list[Item]]:
        grouped: dict[Kind, list[Item]] = {}
        for item in self.live_items:
            grouped.setdefault(item.kind, []).append(item)
        return grouped

    def first_published(self, item: Item) -> datetime:
        """When a live item was first published: the ledger's record, or, when this
        publication is the first, what the ledger will record (``first_live_instant``)."""
        entry = self.project.ledger.get(item.id)
        return entry.published_at if entry else first_live_instant(item, self.project.settings)

    def is_public(self, item_id: str) -> bool:
        """True when other items may name and link this one: live, or archived (its notice
        says where to ask for it). A withdrawn item keeps a notice page at its address, but
        a withdrawal (a court order) takes every mention elsewhere down with it: case
        studies, briefings and JSON no longer name or link it."""
        return self.is_live(item_id) or self.notice_pages.get(item_id) == "archived"

    def ledger_updates(self) -> list[str]:
        """Ledger lines this publication adds: first publications, content changes
        recorded under their newest change note, and withdrawals whose notice it is the
        first to publish (from then on the ledger's record of them binds)."""
        return list(self._ledger_updates)

    @cached_property
    def _ledger_updates(self) -> tuple[str, ...]:
        """Worked out once: the lines recorded and the seal the site carries must be the
        same lines (``record_publication`` and ``ledger_seal`` both read them)."""
        lines = []
        hashes = self.project.hashes
        for item in self.live_items:
            entry = self.project.ledger.get(item.id)
            if entry is None:
                published_at = first_live_instant(item, self.project.settings)
                lines.append(published_line(item.id, published_at, hashes[item.id], item.title))
            elif hashes[item.id] != entry.hash and item.changes:
                newest = item.changes[-1]
                lines.append(changed_line(item.id, newest.on, hashes[item.id], newest.note))
        for item_id in sorted(self.withdrawals):
            entry = self.project.ledger[item_id]
            if entry.withdrawn is None:
                reason = self.project.register[item_id].withdrawal.reason_public
                lines.append(withdrawn_line(item_id, self.withdrawals[item_id],
                                            hashes.get(item_id, entry.hash), reason))
        return tuple(lines)

    @cached_property
    def withdrawals(self) -> dict[str, datetime]:
        """Items shown withdrawn (a notice in place of the page), with the instant the
        withdrawal took effect: the ledger's, once it records it (the register's date may
        not move later, ``core.protection.withdrawal_findings``), else the start of the
        register's withdrawal date."""
        tz = self.project.settings.timezone
        found = {}
        for item_id, kind in self.notice_pages.items():
            if kind != "withdrawn":
                continue
            recorded = self.project.ledger[item_id].withdrawn
            found[item_id] = (recorded.at if recorded is not None else
                              start_of_day(self.project.register[item_id].withdrawal.on, tz)).astimezone(tz)
        return found

    def ledger_seal(self) -> LedgerSeal | None:
        """The seal of the ledger as this publication leaves it (its lines and the ones it
        adds), for ``api/publications.json``; None for a preview, which records nothing."""
        if self.preview:
            return None
        return seal([text for _, text in self.project.ledger_events] + self.ledger_updates())

    @cached_property
    def notice_pages(self) -> dict[str, str]:
        """Items whose page is replaced by a notice: ``withdrawn`` (a published item with an
        authorised withdrawal) or ``archived``. Their content and PDF are not published."""
        notices = {}
        for item_id, decision in self.decisions.items():
            codes = {block.code for block in decision.blocks}
            if "withdrawal" in codes and item_id in self.project.ledger:
                notices[item_id] = "withdrawn"
            elif codes == {"archived"}:
                notices[item_id] = "archived"
        return notices

    @cached_property
    def published_files(self) -> set[str]:
        """Paths under ``content/`` that may be copied to the site for live items: never a
        path an item that is not live claims too (``_claimed_by_items_not_live``)."""
        paths = set()
        for item in self.live_items:
            paths.add(item.src_uri)
            paths.update(item.attachments)
        return paths - self._claimed_by_items_not_live

    @cached_property
    def withheld_paths(self) -> set[str]:
        """Paths under ``content/`` that must not reach the site: every item and
        attachment that is not live (even if a live item claims it too), and any file in
        an item folder no live item claims."""
        return {path for path in self.project.files
                if is_item_area(path) and path not in self.published_files} | self._claimed_by_items_not_live

    @cached_property
    def _claimed_by_items_not_live(self) -> set[str]:
        """The page and attachments of every item that is not live. A report belongs to one
        review (``core.validate.shared_attachment_findings`` stops the build otherwise); if
        that check were ever bypassed, the claim of an item that is not live still wins."""
        return {path for item in self.project.items.values() if not self.is_live(item.id)
                for path in (item.src_uri, *item.attachments)}


def first_live_instant(item: Item, settings: Settings) -> datetime:
    """The earliest instant ``item`` can have gone out: its ``publish_at``, or later when it
    was approved after that day or held until after it (the protection then runs from when
    the public could first see it, never from a date it was still held or unapproved)."""
    moments = [item.publish_at]
    if item.approved_on is not None:
        moments.append(start_of_day(item.approved_on, settings.timezone))
    lifted = hold_lifts_at(item, settings)
    if lifted is not None:
        moments.append(lifted)
    return max(moments).astimezone(settings.timezone)


def preview_banner(item: Item, decision: Decision, tz) -> str:
    """What a preview says on an item that is not public by the real clock."""
    codes = {block.code for block in decision.blocks}
    when = format_instant(item.publish_at, tz) if item.publish_at else "no date set"
    if "draft" in codes or "no-publication-date" in codes:
        return f"DRAFT: not approved for publication (planned {when})"
    if "legal-hold" in codes:
        return f"EMBARGOED: on legal hold ({item.legal_hold.reason}); publication {when} at the earliest"
    if "embargoed" in codes:
        return f"EMBARGOED until {when}"
    reasons = "; ".join(block.message for block in decision.blocks)
    return f"NOT PUBLISHED: {reasons}"


def is_item_area(path: str) -> bool:
    """True for a path inside one of the item folders (reviews/, case-studies/...)."""
    top = path.split("/", 1)[0]
    return "/" in path and any(kind.value == top for kind in Kind)


def load_project(root: Path, settings: Settings, docs_dir: str = "content",
                 register_dir: str = "embargo") -> Project:
    """Read and validate every item and register entry of a site project."""
    docs = root / docs_dir
    project = Project(root=root, docs_dir=docs, settings=settings)
    if not docs.is_dir():
        project.findings.append(error(docs_dir, "", "missing-content",
                                      f"the content folder {docs_dir}/ does not exist"))
        return project
    walk = _walk(docs)
    project.files = set(walk.files)
    for path, message in walk.refused:
        project.findings.append(error(f"{docs_dir}/{path}", "", "refused-file", message))
    for path, register_file in _register_hard_links(walk.linked, root / register_dir, register_dir).items():
        project.findings.append(error(
            f"{docs_dir}/{path}", "", "register-hard-link",
            f"a hard link to {register_file} (the same file under a second name): the register "
            "is never published; delete this link"))
    yaml_cache = CacheTable(project.cache, "yaml")
    prefix = f"{docs_dir}/"
    seen_ids: dict[str, str] = {}
    for src_uri in sorted(project.files, key=lambda p: (not p.endswith(".md"), p)):
        stem, extension = posixpath.splitext(src_uri)
        if extension not in MARKDOWN_EXTENSIONS:
            continue
        shown = prefix + src_uri
        if extension != ".md":
            if is_item_area(src_uri):
                twin = seen_ids.get(stem.lower())
                message = (f"the id {stem!r} is already used by {prefix}{twin}" if twin else
                           f"items are .md files: rename it to {posixpath.basename(stem)}.md")
                code = "duplicate-id" if twin else "bad-extension"
                project.findings.append(error(shown, "", code, message))
            continue
        try:
            source = (docs / src_uri).read_text(encoding="utf-8-sig")  # without a byte-order mark
            meta, body = frontmatter.split(source, yaml_cache)
        except UnicodeDecodeError:
            project.findings.append(error(shown, "", "not-utf8", "the file is not UTF-8 text: save it as UTF-8"))
            continue
        except frontmatter.FrontMatterError as exc:
            project.findings.append(error(shown, "", "bad-yaml", str(exc)))
            continue
        kind = kind_of(src_uri)
        if kind is None:
            if is_item_area(src_uri) or (isinstance(meta, dict) and "status" in meta):
                if not src_uri.endswith("index.md") or isinstance(meta, dict) and "status" in meta:
                    project.findings.append(error(shown, "", "item-outside-folder", NOT_AN_ITEM_MESSAGE))
            continue
        item_id = src_uri[:-3]
        slug = item_id.split("/", 1)[1]
        if not _SLUG.match(slug):
            suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")
            project.findings.append(error(
                shown, "", "bad-id",
                f"the file name gives the id {item_id!r}, which becomes its URL: use lower-case "
                f"words joined by hyphens (e.g. {suggestion}.md)"))
            continue
        seen_ids[item_id] = src_uri
        item, findings = validate_item(src_uri, meta, settings, project.files, prefix)
        project.findings.extend(findings)
        if item is not None:
            first_line = source.count("\n", 0, len(source) - len(body)) + 1
            body, body_findings = public_body(item, body, shown, first_line)
            body_findings += validate_body(item, body, shown)
            project.findings.extend(body_findings)
            if body_findings:
                continue
            project.items[item.id] = item
            project.bodies[item.id] = body
            project.body_lines[item.id] = first_line - 1
            project.scans.body(body)  # scanned on the other cores while reading goes on
    project.findings.extend(_not_items(project, prefix))
    _check_references(project, prefix)
    digests = _check_attachments(project, prefix)
    _read_attachments(project, prefix, digests)
    _load_register(project, root / register_dir, register_dir, yaml_cache)
    yaml_cache.save()
    if project.errors:
        project.scans.cancel()  # nothing is decided: the scans are not needed
    _load_ledger(project, root / register_dir / "ledger", f"{register_dir}/ledger")
    _load_deny_lists(project, root / register_dir, register_dir)
    project.findings += page_disclosures(project, MARKDOWN_EXTENSIONS)  # pages, copied files, themes
    return project


def _load_deny_lists(project: Project, register_dir: Path, shown_dir: str) -> None:
    if not register_dir.is_dir():
        return
    for path in sorted(register_dir.rglob("*.identifiers")):
        if special_file_problem(path):
            continue  # reported by _load_register, never opened
        item_id = path.relative_to(register_dir).as_posix()[: -len(".identifiers")]
        shown = f"{shown_dir}/{item_id}.identifiers"
        try:
            project.deny_lists[item_id] = read_deny_list(path)
        except ValueError as exc:
            project.findings.append(error(shown, "", "bad-identifiers", str(exc), item_id))
            continue
        older = older_deny_list_message(project.deny_lists[item_id])
        if older:
            project.findings.append(warning(shown, "", "older-identifiers", older, item_id))
        if item_id not in project.items and f"{item_id}.md" not in project.files:
            project.findings.append(error(shown, "", "register-orphan",
                                          f"identifiers for {item_id!r}, but there is no content/{item_id}.md"))


def _load_ledger(project: Project, path: Path, shown: str) -> None:
    project.ledger_path = path
    if not path.exists():
        return
    try:
        text = read_utf8(path)
        project.ledger = parse_ledger(text, shown)
        project.ledger_events = event_lines(text)
    except NotRegularFile:
        return  # reported with the register folder (_load_register)
    except NotUtf8 as exc:
        project.findings.append(error(shown, "", "bad-ledger", str(exc)))
    except LedgerError as exc:
        project.findings.append(error(shown, "", "bad-ledger", exc.detail))


def content_hash(item: Item, body: str, docs_dir: Path) -> str:
    """What a reader sees of an item: title, summary, themes, type fields, body and the
    bytes of its attachments. Status, dates, holds and change notes are not content."""
    digest = hashlib.sha256()
    public = {"title": item.title, "summary": item.summary, "themes": list(item.themes),
              "details": {k: v for k, v in item.details.items() if k != "actions"},
              "body": body.strip()}
    digest.update(json.dumps(public, sort_keys=True, default=str).encode("utf-8"))
    for path in item.attachments:
        digest.update(hashlib.sha256((docs_dir / path).read_bytes()).digest())
    return "sha256:" + digest.hexdigest()[:32]


def _check_references(project: Project, prefix: str) -> None:
    progress_for: dict[str, str] = {}
    for item in project.items.values():
        review = item.review_id
        if not review:
            continue
        if f"{review}.md" in project.files and review not in project.items:
            continue  # the review has errors of its own, reported against its file
        if review not in project.items or project.items[review].kind is not Kind.REVIEW:
            project.findings.append(error(
                prefix + item.src_uri, "review", "unknown-review",
                f"no review with id {review!r} (expected the path of a file under "
                "content/reviews/ without .md)", item.id))
        if item.kind is Kind.PROGRESS:
            if review in progress_for:
                project.findings.append(error(
                    prefix + item.src_uri, "review", "duplicate-progress",
                    f"{prefix}{progress_for[review]}.md already reports progress for {review}: "
                    "keep one progress page per review", item.id))
            progress_for[review] = item.id


def _check_attachments(project: Project, prefix: str) -> dict[str, str]:
    """Each report belongs to one review, and has no copy outside the item folders: the
    gate decides on a report through its review only. Reviews that give another's report
    are left out (the build stops). Returns each attachment's sha256."""
    digests = {path: _sha256(project.docs_dir / path)
               for item in project.items.values() for path in item.attachments}
    shared = shared_attachment_findings(project.items.values(), digests, prefix)
    project.findings.extend(shared)
    for finding in shared:
        project.items.pop(finding.item, None)
    project.findings.extend(_report_copies(project, digests, prefix))
    return digests


def _sha256(path: Path) -> str:
    return hashlib.sha256(read_regular_file(path)).hexdigest()


def _report_copies(project: Project, digests: dict[str, str], prefix: str) -> list[Finding]:
    """Every file outside the item folders with the bytes of an item's attachment: MkDocs
    would copy it whatever the review's state (a legal hold, a withdrawal). Only files of
    an attachment's size are read."""
    owners = attachment_owners(project.items.values())
    by_size: dict[int, list[str]] = {}
    for path in sorted(digests):
        by_size.setdefault(os.stat(project.docs_dir / path).st_size, []).append(path)
    findings = []
    for path in sorted(project.files):
        if is_item_area(path):
            continue  # withheld unless a live item claims it (``Publication.withheld_paths``)
        full = project.docs_dir / path
        try:
            candidates = by_size.get(os.stat(full).st_size)
            digest = _sha256(full) if candidates else ""
        except (OSError, NotRegularFile):
            continue  # gone or replaced since the walk: not a copy of anything now
        if not candidates:
            continue
        for original in candidates:
            if digests[original] == digest and original in owners:
                findings.append(error(
                    prefix + path, "", "report-copy",
                    f"a copy of {prefix}{original} (the report of {owners[original].id}): it would be "
                    "published whatever that review's state; link to the review's page instead"))
                break
    return findings


def _read_attachments(project: Project, prefix: str, digests: dict[str, str]) -> None:
    import json

    for item in list(project.items.values()):
        for path in item.attachments:
            full = project.docs_dir / path
            # By content, never size and mtime: cp -p, rsync -a and unzip keep both when
            # they replace a file, and a replaced PDF must be read (and scanned) again.
            key = key_of("pdf-facts-2", path, bytes.fromhex(digests[path]))  # 2: comments, outline
            cached = project.cache.get("pdf-facts", key)
            if cached is not None:
                data = json.loads(cached)
                project.pdfs[path] = PdfFacts(data["pages"], data["size"])
                project.pdf_meta[path] = [tuple(pair) for pair in data["metadata"]]
                continue
            try:
                project.pdfs[path] = read_facts(full)
                project.pdf_meta[path] = pdf_metadata(full)
                project.cache.put("pdf-facts", key, json.dumps(
                    {"pages": project.pdfs[path].pages, "size": project.pdfs[path].size_bytes,
                     "metadata": project.pdf_meta[path]}).encode())
            except PdfProblem as exc:
                project.findings.append(error(prefix + item.src_uri, "report", "bad-pdf",
                                              f"{prefix}{path}: {exc}", item.id))
                project.items.pop(item.id, None)
        if item.id in project.items:
            for path in item.attachments:
                project.scans.pdf(path)  # text extracted and scanned on the other cores


def _load_register(project: Project, register_dir: Path, shown_dir: str, yaml_cache=None) -> None:
    """Read every register entry; first refuse every file of the register folder that is
    not a regular file (the ledger, the progress history, deny-lists and entries included),
    so that nothing later waits forever on a named pipe while holding the project lock."""
    if not register_dir.is_dir():
        return
    special = _special_files(register_dir)
    for path, what in special.items():
        project.findings.append(error(f"{shown_dir}/{path.relative_to(register_dir).as_posix()}",
                                      "", "special-file", what))
    for path in sorted(register_dir.rglob("*.yaml")):
        relative = path.relative_to(register_dir).as_posix()
        item_id = relative[: -len(".yaml")]
        shown = f"{shown_dir}/{relative}"
        if path in special:
            continue
        try:
            data = frontmatter.load_yaml(read_utf8(path), yaml_cache)
        except NotRegularFile as exc:
            project.findings.append(error(shown, "", "special-file", str(exc)))
            continue
        except NotUtf8 as exc:
            project.findings.append(error(shown, "", "not-utf8", str(exc)))
            continue
        except frontmatter.RefusedYaml as exc:
            project.findings.append(error(shown, "", "bad-yaml", str(exc)))
            continue
        except frontmatter.FrontMatterError as exc:
            project.findings.append(error(shown, "", "bad-yaml", f"not valid YAML: {exc}"))
            continue
        if item_id not in project.items and f"{item_id}.md" not in project.files:
            project.findings.append(error(
                shown, "", "register-orphan",
                f"register entry for {item_id!r}, but there is no content/{item_id}.md "
                "(rename the register file to match the item, or remove it)"))
            continue
        entry, findings = parse_entry(data, shown, item_id)
        project.findings.extend(findings)
        project.findings.extend(_unknown_circulation_rules(data, shown, item_id, project.settings))
        if entry is not None:
            project.register[item_id] = entry


def _special_files(register_dir: Path) -> dict[Path, str]:
    """Every entry of the register folder that is not a regular file (nor a link to one),
    with what it is, without opening any: pipes, sockets and devices, and folders named as
    the files the portal reads there."""
    found = {}
    for folder, subfolders, files in os.walk(register_dir):
        for name in files + [n for n in subfolders if _is_register_file_name(n)]:
            problem = special_file_problem(Path(folder) / name)
            if problem:
                found[Path(folder) / name] = problem
    return dict(sorted(found.items()))


def _is_register_file_name(name: str) -> bool:
    return name in ("ledger", "progress-history") or name.endswith((".yaml", ".identifiers"))


SYMLINK_MESSAGE = ("a symbolic link: the portal never publishes links (they can point outside "
                   "the project); copy the file in instead")
SPECIAL_FILE_MESSAGE = "not a regular file (a pipe, socket or device): delete it"


def _unknown_circulation_rules(data: Any, shown: str, item_id: str, settings: Settings) -> list[Finding]:
    """A circulation record under a rule id the site does not have (a typo such as
    'natinal-panel') would never count as circulated, and nobody would be told."""
    raw = data.get("circulation") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        return []
    known = [rule.id for rule in settings.circulation_rules]
    findings = []
    for rule_id in raw:
        if str(rule_id) in known:
            continue
        near = difflib.get_close_matches(str(rule_id), known, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        findings.append(error(shown, f"circulation.{rule_id}", "unknown-circulation-rule",
                              f"no circulation rule {str(rule_id)!r} (the rules are "
                              f"{', '.join(known)}{hint})", item_id))
    return findings


@dataclass
class Walk:
    """What ``_walk`` found under the content folder (posix paths relative to it)."""

    files: list[str] = field(default_factory=list)
    """Every file MkDocs may copy."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """Every entry refused, with why."""
    linked: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Each file with more than one name (a hard link): its (device, inode)."""


def _walk(docs: Path) -> Walk:
    """Every file under ``docs`` that MkDocs may copy, and every entry refused with why:
    symbolic links (MkDocs follows them, to anything on the machine: a folder of drafts
    outside the gate's view, ``/etc/passwd``), special files, and backup, temporary,
    office and email files (``refused_name``). Hidden entries are not files of the site (MkDocs
    excludes them) but are searched for links and left-behind files too."""
    found = Walk()
    folders = [("", False)]
    while folders:
        folder, hidden = folders.pop()
        try:
            entries = list(os.scandir(docs / folder if folder else docs))
        except OSError as exc:
            found.refused.append((folder.rstrip("/") or ".", f"the folder cannot be read ({exc.strerror})"))
            continue
        for entry in entries:
            path = folder + entry.name
            is_hidden = hidden or entry.name.startswith(".")
            if entry.is_symlink():
                found.refused.append((path, SYMLINK_MESSAGE))
            elif entry.is_dir(follow_symlinks=False):
                folders.append((path + "/", is_hidden))
            elif not entry.is_file(follow_symlinks=False):
                found.refused.append((path, SPECIAL_FILE_MESSAGE))
            elif is_hidden:
                continue  # MkDocs never publishes hidden files (an editor's .swp, a .~lock#)
            elif (why := refused_name(entry.name)) is not None:
                found.refused.append((path, why))
            else:
                found.files.append(path)
                stat = entry.stat(follow_symlinks=False)
                if stat.st_nlink > 1:
                    found.linked[path] = (stat.st_dev, stat.st_ino)
    found.refused.sort()
    return found


# What editors and office suites leave beside a file: MkDocs would copy each one as it is
# (``child-b.md.bak``, a copy of an embargoed draft, becomes /child-b.md.bak on the site).
_BACKUP_NAME = re.compile(r"\.(?:bak|orig|old|tmp|swp|swo)$|~$|^#.*#$|^\.~lock", re.I)
_OFFICE_NAME = re.compile(r"\.(?:docx|doc|odt|xlsx)$", re.I)
_EMAIL_NAME = re.compile(r"\.(?:eml|msg|mbox)$", re.I)
BACKUP_MESSAGE = "a backup or draft file: it would be published as it is; move it out of content/"
OFFICE_MESSAGE = ("an office document: it would be published as it is, with its metadata and any "
                  "tracked changes; publish a PDF (report: in the item), and move this out of content/")
EMAIL_MESSAGE = ("an email (perhaps a circulation pack with the full report): it would be published "
                 "as it is; move it out of content/")


def refused_name(name: str) -> str | None:
    """Why a file of this name may not be under content/ at all, or None."""
    if _BACKUP_NAME.search(name):
        return BACKUP_MESSAGE
    if _OFFICE_NAME.search(name):
        return OFFICE_MESSAGE
    if _EMAIL_NAME.search(name):
        return EMAIL_MESSAGE
    return None


NOT_AN_ITEM_MESSAGE = (
    "this looks like a publishable item but is not directly in one of content/reviews/, "
    "case-studies/, briefings/ or progress/ as a .md file, so the embargo rules would not "
    "apply to it: move it there, or delete it")
_STATUS_LINE = re.compile(r"^[\"']?status[\"']?[ \t]*:", re.M)


def looks_like_item(path: Path) -> bool:
    """True for a file (of any name) that starts with YAML front matter holding
    ``status:``: a copy or a misnamed draft that MkDocs would publish as it is."""
    try:
        with path.open("rb") as handle:
            if handle.read(6).lstrip(b"\xef\xbb\xbf")[:3] != b"---":
                return False
            handle.seek(0)
            text = handle.read(1_000_000).decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError:
        return False
    match = frontmatter.FENCE.match(text)
    return match is not None and _STATUS_LINE.search(match.group(1) or "") is not None


def _not_items(project: Project, prefix: str) -> list[Finding]:
    """Every file that is not a .md file yet looks like an item (``looks_like_item``); a
    .md file outside the item folders is checked where its front matter is read."""
    return [error(prefix + path, "", "item-outside-folder", NOT_AN_ITEM_MESSAGE)
            for path in sorted(project.files)
            if not path.endswith(".md") and looks_like_item(project.docs_dir / path)]


def _register_hard_links(linked: dict[str, tuple[int, int]], register_dir: Path,
                         shown_dir: str) -> dict[str, str]:
    """Each file under content/ that is a hard link to a file of the register (the same
    file under a second name, which MkDocs would publish), with the register file it is."""
    if not linked or not register_dir.is_dir():
        return {}
    register: dict[tuple[int, int], str] = {}
    for folder, _, names in os.walk(register_dir):
        for name in names:
            full = os.path.join(folder, name)
            try:
                stat = os.lstat(full)
            except OSError:
                continue
            if stat.st_nlink > 1:
                register[(stat.st_dev, stat.st_ino)] = f"{shown_dir}/{Path(full).relative_to(register_dir).as_posix()}"
    return {path: register[key] for path, key in sorted(linked.items()) if key in register}


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
