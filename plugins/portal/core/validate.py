"""Front-matter validation: raw YAML mappings in, validated ``Item`` objects and findings out.

Every message names the field, what was found and what would be right. All problems
of a file are reported together, so that one run of ``portal check`` lists them all.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from .dates import DateError, local_date, parse_date, parse_instant
from .findings import Finding, error
from .items import (
    ACTION_STATUSES,
    BRIEFING_TYPES,
    PUBLISHED_FORMS,
    REVIEW_TYPES,
    STATUSES,
    Action,
    Change,
    Item,
    Kind,
    LegalHold,
)
from .settings import Settings
from .text import UnclosedComment, refused_body_character, refused_character, strip_html_comments


class FieldError(ValueError):
    """A field's value is wrong; the message says what would be right."""


# --- value parsers: each returns the normalised value or raises FieldError -------------


def text(value: Any, multiline: bool = False) -> str:
    """One line of text (a title, a name, an id): no control or invisible characters
    (``core.text``). With ``multiline``, line breaks and tabs are allowed."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise FieldError(f"expected text, got {_describe(value)}")
    result = str(value).strip()
    if not result:
        raise FieldError("must not be empty")
    problem = refused_character(result, multiline)
    if problem:
        raise FieldError(problem)
    return result


def prose(value: Any) -> str:
    """Text that may run over lines (a summary, a recommendation, a note)."""
    return text(value, multiline=True)


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"expected true or false, got {_describe(value)}")
    return value


def a_date(value: Any):
    try:
        return parse_date(value)
    except DateError as exc:
        raise FieldError(str(exc)) from exc


def text_list(value: Any, entry_text: Callable[[Any], str] = text) -> tuple[str, ...]:
    if isinstance(value, str):
        raise FieldError(f"expected a list (one '- ' line per entry), got the text {value!r}")
    if not isinstance(value, list) or not value:
        raise FieldError(f"expected a list with at least one entry, got {_describe(value)}")
    result = []
    for position, entry in enumerate(value, start=1):
        try:
            result.append(entry_text(entry))
        except FieldError as exc:
            raise FieldError(f"entry {position}: {exc}") from exc
    return tuple(result)


def prose_list(value: Any) -> tuple[str, ...]:
    return text_list(value, prose)


def text_or_list(value: Any) -> tuple[str, ...]:
    return (text(value),) if isinstance(value, str) else text_list(value)


def one_of(choices: Collection[str]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            near = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            allowed = ", ".join(choices)
            raise FieldError(f"unknown value {value!r}{hint}: expected one of {allowed}")
        return value

    return parse


def item_id(value: Any) -> str:
    result = text(value).strip("/")
    if result.endswith(".md"):
        result = result[:-3]
    if not result.startswith("reviews/"):
        raise FieldError(f"expected a review's id such as 'reviews/child-t', got {value!r}")
    return result


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


# --- the schema ---------------------------------------------------------------------------

COMMON_FIELDS = {
    "title", "status", "approved_by", "approved_on", "publish_at", "summary", "themes",
    "legal_hold", "changes", "archived",
}
KIND_FIELDS: dict[Kind, set[str]] = {
    Kind.REVIEW: {
        "review_type", "reviewer", "reviewer_anonymous", "child", "report", "published_form",
        "area", "incident_summary", "recommendations", "learning_points",
    },
    Kind.CASE_STUDY: {"review", "learning_points", "questions", "audience"},
    Kind.BRIEFING: {"briefing_type", "review"},
    Kind.PROGRESS: {"review", "actions"},
}
# MkDocs and Material read these themselves; they are allowed on any item.
PASS_THROUGH_FIELDS = {"template", "description", "hide", "search"}


def kind_of(src_uri: str) -> Kind | None:
    """The item kind a Markdown file's location gives it, or None for an ordinary page."""
    top = src_uri.split("/", 1)[0]
    if "/" not in src_uri or src_uri.rsplit("/", 1)[-1] == "index.md":
        return None
    for kind in Kind:
        if kind.value == top:
            return kind
    return None


class _Collector:
    """Gathers parsed fields and findings for one file."""

    def __init__(self, meta: dict, path: str, item: str):
        self.meta = meta
        self.path = path
        self.item = item
        self.findings: list[Finding] = []

    def add(self, field: str, code: str, message: str) -> None:
        self.findings.append(error(self.path, field, code, message, self.item))

    def get(self, field: str, parse: Callable[[Any], Any], required: bool = False,
            default: Any = None, required_because: str = "") -> Any:
        if field not in self.meta or self.meta[field] is None:
            if required:
                because = f" {required_because}" if required_because else ""
                self.add(field, "missing-field", f"required field is missing{because}")
            return default
        try:
            return parse(self.meta[field])
        except FieldError as exc:
            self.add(field, "invalid-value", str(exc))
            return default


def validate_item(
    src_uri: str,
    meta: Any,
    settings: Settings,
    files: Collection[str],
    display_prefix: str = "content/",
) -> tuple[Item | None, list[Finding]]:
    """Validate one item's front matter.

    Args:
        src_uri: the Markdown file's path under ``content/``.
        meta: the parsed front matter.
        settings: the site's settings (timezone, theme vocabulary...).
        files: every file path under ``content/``, to check attachments exist.
        display_prefix: put before ``src_uri`` in messages so users can open the file.

    Returns the item (None when it has errors) and the findings.
    """
    kind = kind_of(src_uri)
    assert kind is not None, f"{src_uri} is not an item"
    path = display_prefix + src_uri
    item_id_ = src_uri[: -len(".md")]
    c = _Collector(meta if isinstance(meta, dict) else {}, path, item_id_)
    if not isinstance(meta, dict):
        c.add("", "no-front-matter",
              "expected YAML front matter between '---' lines at the top of the file, "
              "with at least title, status, summary and themes")
        return None, c.findings

    allowed = COMMON_FIELDS | KIND_FIELDS[kind] | PASS_THROUGH_FIELDS
    for name in meta:
        if name not in allowed:
            near = difflib.get_close_matches(str(name), sorted(allowed), n=1, cutoff=0.6)
            hint = f"did you mean {near[0]!r}?" if near else (
                f"fields a {kind.label.lower()} may have: {', '.join(sorted(allowed - PASS_THROUGH_FIELDS))}"
            )
            c.add(str(name), "unknown-field", f"unknown field ({hint})")

    title = c.get("title", text, required=True)
    status = c.get("status", one_of(STATUSES), required=True)
    summary = c.get("summary", prose, required=kind is not Kind.PROGRESS, default="")
    themes = _themes(c, settings, required=kind is not Kind.PROGRESS)
    approved = status == "approved"
    because = "(an approved item needs it)"
    approved_by = c.get("approved_by", text, required=approved, default="",
                        required_because=because)
    approved_on = c.get("approved_on", a_date, required=approved, required_because=because)
    publish_at = c.get(
        "publish_at",
        lambda v: _instant(v, settings),
        required=approved,
        required_because="(an approved item needs its publication date: YYYY-MM-DD or "
        "YYYY-MM-DD HH:MM)",
    )
    if approved_on and publish_at and approved_on > local_date(publish_at, settings.timezone):
        c.add("approved_on", "approved-after-publication",
              f"approved on {approved_on} but set to publish on "
              f"{local_date(publish_at, settings.timezone)}: "
              "an item is approved before it is published")
    legal_hold = c.get("legal_hold", _legal_hold)
    changes = c.get("changes", _changes, default=())
    archived = c.get("archived", flag, default=False)

    details: dict[str, Any] = {}
    attachments: list[str] = []
    if kind is Kind.REVIEW:
        details["review_type"] = c.get("review_type", one_of(REVIEW_TYPES), required=True)
        details["child"] = c.get("child", text, required=True)
        anonymous = c.get("reviewer_anonymous", flag, default=False)
        reviewer = c.get("reviewer", text_or_list, default=())
        if not reviewer and not anonymous:
            c.add("reviewer", "missing-field",
                  "a published review names its reviewer(s): give 'reviewer', or set "
                  "'reviewer_anonymous: true' if it is published anonymously")
        if reviewer and anonymous:
            c.add("reviewer_anonymous", "invalid-value",
                  "'reviewer_anonymous: true' but reviewers are named: keep one of the two")
        details["reviewer"] = reviewer
        details["reviewer_anonymous"] = anonymous
        details["published_form"] = c.get(
            "published_form", one_of(PUBLISHED_FORMS), default="full")
        details["area"] = c.get("area", text, default=settings.area)
        details["incident_summary"] = c.get("incident_summary", prose, default="")
        details["recommendations"] = c.get("recommendations", prose_list, default=())
        details["learning_points"] = c.get("learning_points", prose_list, default=())
        report = c.get("report", lambda v: _attachment(v, src_uri, files))
        if report and details["published_form"] == "withheld":
            c.add("report", "withheld-with-report",
                  "published_form is 'withheld', so the report is not published: remove "
                  "'report' (the page holds the improvement information only)")
        elif report:
            details["report"] = report
            attachments.append(report)
    elif kind is Kind.CASE_STUDY:
        details["review"] = c.get("review", item_id)
        details["learning_points"] = c.get("learning_points", prose_list, required=True)
        details["questions"] = c.get("questions", prose_list, required=True)
        details["audience"] = c.get("audience", text_or_list, default=())
    elif kind is Kind.BRIEFING:
        details["briefing_type"] = c.get("briefing_type", one_of(BRIEFING_TYPES), required=True)
        details["review"] = c.get("review", item_id)
    elif kind is Kind.PROGRESS:
        details["review"] = c.get("review", item_id, required=True)
        details["actions"] = _actions(c)

    if any(f.level.value == "error" for f in c.findings):
        return None, c.findings
    return (
        Item(
            id=item_id_,
            kind=kind,
            src_uri=src_uri,
            title=title,
            status=status,
            summary=summary,
            themes=themes,
            publish_at=publish_at,
            approved_by=approved_by,
            approved_on=approved_on,
            legal_hold=legal_hold,
            changes=changes,
            archived=archived,
            attachments=tuple(attachments),
            details=details,
        ),
        c.findings,
    )


SEVEN_MINUTE_PARTS = ("Background", "Why it matters", "Information", "What to do",
                      "Questions to consider", "Reflection", "Further information")


def _heading_text(line: str) -> str:
    text = line.lstrip("#").strip()
    return re.sub(r"^\d+[.)]?\s*", "", text).strip().lower()


def public_body(item: Item, body: str, path: str, first_line: int = 1) -> tuple[str, list[Finding]]:
    """The body as it may be published: without HTML comments (editors' notes never
    reach the page source, the search index or a trainer pack), and findings for a
    comment that never closes or a control character (``core.text``).

    ``first_line`` is the body's first line in its file, so that messages count lines
    as the author's editor does."""
    findings = []
    try:
        body = strip_html_comments(body)
    except UnclosedComment as exc:
        findings.append(error(path, "body", "unclosed-comment",
                              f"line {exc.line + first_line - 1}: {exc.what} '{exc.opening}' is never "
                              f"closed with '{exc.closing}': close it, or delete it (it is "
                              "never published)", item.id))
    problem = refused_body_character(body)
    if problem:
        line, message = problem
        findings.append(error(path, "body", "refused-character",
                              f"line {line + first_line - 1}: {message}", item.id))
    return body, findings


def validate_body(item: Item, body: str, path: str) -> list[Finding]:
    """Rules about the body: a seven-minute briefing has its fixed seven parts, in order,
    as '## ' headings (numbering optional)."""
    if item.kind is not Kind.BRIEFING or item.details.get("briefing_type") != "seven-minute":
        return []
    found = [_heading_text(line) for line in body.splitlines() if line.startswith("## ")]
    expected = ", ".join(f"{n}. {part}" for n, part in enumerate(SEVEN_MINUTE_PARTS, start=1))
    findings = []
    positions = []
    for number, part in enumerate(SEVEN_MINUTE_PARTS, start=1):
        if part.lower() not in found:
            findings.append(error(path, "body", "seven-minute-part-missing",
                                  f"the seven-minute briefing has no '## {number}. {part}' section "
                                  f"(its seven parts, in order: {expected})", item.id))
        else:
            positions.append(found.index(part.lower()))
    if not findings and positions != sorted(positions):
        findings.append(error(path, "body", "seven-minute-order",
                              f"the seven parts of a seven-minute briefing come in order: {expected}", item.id))
    return findings


YEARS = range(1990, 2101)
"""Publication dates the portal works with: working-day and anniversary arithmetic far
outside them overflows, and such a date is always a typing mistake."""


def _instant(value: Any, settings: Settings):
    try:
        moment = parse_instant(value, settings.timezone, settings.publication_time)
    except DateError as exc:
        raise FieldError(str(exc)) from exc
    if moment.year not in YEARS:
        raise FieldError(f"{value} is not a publication date the portal can use: give a date "
                         f"between {YEARS.start} and {YEARS.stop - 1}")
    return moment


def _themes(c: _Collector, settings: Settings, required: bool) -> tuple[str, ...]:
    themes = c.get("themes", text_list, required=required, default=())
    known = []
    for theme in themes:
        if theme in settings.themes:
            known.append(theme)
        else:
            c.add("themes", "unknown-theme", settings.themes.unknown_message(theme))
    if len(set(known)) != len(known):
        c.add("themes", "duplicate-theme", "a theme is listed more than once")
    return tuple(known)


def _legal_hold(value: Any) -> LegalHold:
    if not isinstance(value, dict):
        raise FieldError(
            f"expected {{reason: ..., until: YYYY-MM-DD}} (until is optional), got {_describe(value)}"
        )
    unknown = set(value) - {"reason", "until"}
    if unknown:
        raise FieldError(f"unknown key {sorted(unknown)[0]!r}: a legal hold has 'reason' and 'until'")
    if not value.get("reason"):
        raise FieldError("a legal hold needs a 'reason' (e.g. 'criminal proceedings')")
    until = value.get("until")
    return LegalHold(text(value["reason"]), a_date(until) if until is not None else None)


def _changes(value: Any) -> tuple[Change, ...]:
    if not isinstance(value, list):
        raise FieldError(f"expected a list of {{on: YYYY-MM-DD, note: ...}}, got {_describe(value)}")
    result = []
    for position, entry in enumerate(value, start=1):
        if not isinstance(entry, dict) or set(entry) != {"on", "note"}:
            raise FieldError(f"entry {position}: expected {{on: YYYY-MM-DD, note: ...}}, got {entry!r}")
        try:
            result.append(Change(a_date(entry["on"]), prose(entry["note"])))
        except FieldError as exc:
            raise FieldError(f"entry {position}: {exc}") from exc
    return tuple(sorted(result, key=lambda change: change.on))


def _attachment(value: Any, src_uri: str, files: Collection[str]) -> str:
    relative = text(value)
    folder = posixpath.dirname(src_uri)
    resolved = posixpath.normpath(posixpath.join(folder, relative))
    if relative.startswith("/") or resolved.startswith("..") or not resolved.startswith(folder + "/"):
        raise FieldError(
            f"{relative!r} leaves the item's folder: put the file in content/{folder}/ "
            "and give its path relative to the item"
        )
    if not resolved.lower().endswith(".pdf"):
        raise FieldError(f"{relative!r} is not a PDF: the report must be a .pdf file")
    if resolved not in files:
        raise FieldError(f"{relative!r} does not exist (looked for content/{resolved})")
    return resolved


def attachment_owners(items: Iterable[Item]) -> dict[str, Item]:
    """The one item each attachment belongs to: of the items that name it, the one whose
    name the file carries (``reviews/child-h`` for ``child-h.pdf``), else the first by id."""
    claims: dict[str, list[Item]] = {}
    for item in items:
        for path in item.attachments:
            claims.setdefault(path, []).append(item)
    return {path: min(claimants, key=lambda item: (not _is_named_for(item, path), item.id))
            for path, claimants in sorted(claims.items())}


def shared_attachment_findings(items: Iterable[Item], digests: Mapping[str, str],
                               display_prefix: str = "content/") -> list[Finding]:
    """An error on every item that gives as its report a file another item owns
    (``attachment_owners``), or a file with the same bytes (``digests``: each attachment's
    sha256) as another item's report. Otherwise a live review could publish the report
    of a review on legal hold, archived or withdrawn, and the gate would let it through."""
    items = sorted(items, key=lambda item: item.id)
    owners = attachment_owners(items)
    findings = []
    for item in items:
        for path in item.attachments:
            owner = owners[path]
            if owner.id != item.id:
                findings.append(error(display_prefix + item.src_uri, "report", "shared-report",
                                      f"{_relative_to_item(item, path)} is already the report of "
                                      f"{owner.id}: each report belongs to one review", item.id))
    first_with_bytes: dict[str, str] = {}
    for path in sorted(owners, key=lambda p: (not _is_named_for(owners[p], p), p)):
        first = first_with_bytes.setdefault(digests[path], path)
        if first != path:
            owner = owners[path]
            findings.append(error(display_prefix + owner.src_uri, "report", "shared-report",
                                  f"{_relative_to_item(owner, path)} has the same bytes as "
                                  f"{display_prefix}{first} (the report of {owners[first].id}): "
                                  "each report belongs to one review", owner.id))
    return findings


def _is_named_for(item: Item, path: str) -> bool:
    return posixpath.splitext(posixpath.basename(path))[0] == posixpath.basename(item.id)


def _relative_to_item(item: Item, path: str) -> str:
    return posixpath.relpath(path, posixpath.dirname(item.src_uri))


_ACTION_FIELDS = {"id", "recommendation", "action", "lead", "due", "status", "evidence",
                  "impact", "updated"}


def _actions(c: _Collector) -> tuple[Action, ...]:
    raw = c.meta.get("actions")
    if not isinstance(raw, list) or not raw:
        c.add("actions", "missing-field" if raw is None else "invalid-value",
              "expected a list of actions, each with id, recommendation, action, lead, "
              "due, status")
        return ()
    actions = []
    for position, entry in enumerate(raw, start=1):
        field = f"actions[{position}]"
        if not isinstance(entry, dict):
            c.add(field, "invalid-value", f"expected a mapping, got {_describe(entry)}")
            continue
        for name in entry:
            if name not in _ACTION_FIELDS:
                near = difflib.get_close_matches(str(name), sorted(_ACTION_FIELDS), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                c.add(f"{field}.{name}", "unknown-field", f"unknown field{hint}")
        sub = _Collector(entry, c.path, c.item)
        values = {
            "id": sub.get("id", text, required=True),
            "recommendation": sub.get("recommendation", prose, required=True),
            "action": sub.get("action", prose, required=True),
            "lead": sub.get("lead", text, required=True),
            "due": sub.get("due", a_date, required=True),
            "status": sub.get("status", one_of(ACTION_STATUSES), required=True),
            "evidence": sub.get("evidence", prose, default=""),
            "impact": sub.get("impact", prose, default=""),
            "updated": sub.get("updated", a_date),
        }
        for finding in sub.findings:
            c.add(f"{field}.{finding.field}", finding.code, finding.message)
        if not sub.findings:
            actions.append(Action(**values))
    return tuple(actions)
