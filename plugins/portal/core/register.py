"""The publication register (``embargo/<id>.yaml``): what communications staff record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .dates import DateError, parse_date
from .findings import Finding, error


@dataclass(frozen=True)
class Circulation:
    sent_on: date
    reference: str = ""


@dataclass(frozen=True)
class Submission:
    submitted_on: date
    reference: str = ""


@dataclass(frozen=True)
class Withdrawal:
    on: date
    reason_public: str
    authorised_by: str


@dataclass(frozen=True)
class RegisterEntry:
    """One item's register record. Empty when nothing has been recorded."""

    circulation: dict[str, Circulation] = field(default_factory=dict)
    nspcc: Submission | None = None
    withdrawal: Withdrawal | None = None
    extra: dict[str, Any] = field(default_factory=dict)


SECTIONS = ("circulation", "nspcc", "withdrawal", "not_published_notified", "acknowledged")


def parse_entry(data: Any, path: str, item_id: str) -> tuple[RegisterEntry | None, list[Finding]]:
    """Validate one register file's parsed YAML."""
    findings: list[Finding] = []

    def fail(field_name: str, message: str, code: str = "invalid-register") -> None:
        findings.append(error(path, field_name, code, message, item_id))

    if data is None:
        return RegisterEntry(), findings
    if not isinstance(data, dict):
        fail("", "expected a mapping with circulation, nspcc or withdrawal")
        return None, findings
    for key in data:
        if key not in SECTIONS:
            fail(str(key), f"unknown section: expected one of {', '.join(SECTIONS)}")

    def a_date(value: Any, field_name: str) -> date | None:
        try:
            return parse_date(value)
        except DateError as exc:
            fail(field_name, str(exc))
            return None

    circulation: dict[str, Circulation] = {}
    raw = data.get("circulation") or {}
    if not isinstance(raw, dict):
        fail("circulation", "expected a mapping of rule id to {sent_on: YYYY-MM-DD, reference: ...}")
        raw = {}
    for rule_id, record in raw.items():
        name = f"circulation.{rule_id}"
        if not isinstance(record, dict) or "sent_on" not in record:
            fail(name, "expected {sent_on: YYYY-MM-DD, reference: ...}")
            continue
        sent_on = a_date(record["sent_on"], f"{name}.sent_on")
        if sent_on:
            circulation[str(rule_id)] = Circulation(sent_on, str(record.get("reference") or ""))

    nspcc = None
    if data.get("nspcc") is not None:
        raw_nspcc = data["nspcc"]
        if not isinstance(raw_nspcc, dict) or "submitted_on" not in raw_nspcc:
            fail("nspcc", "expected {submitted_on: YYYY-MM-DD, reference: ...}")
        else:
            submitted = a_date(raw_nspcc["submitted_on"], "nspcc.submitted_on")
            if submitted:
                nspcc = Submission(submitted, str(raw_nspcc.get("reference") or ""))

    withdrawal = None
    if data.get("withdrawal") is not None:
        raw_w = data["withdrawal"]
        needed = ("on", "reason_public", "authorised_by")
        if not isinstance(raw_w, dict) or any(not raw_w.get(k) for k in needed):
            fail("withdrawal", "expected {on: YYYY-MM-DD, reason_public: ..., authorised_by: ...}")
        else:
            on = a_date(raw_w["on"], "withdrawal.on")
            if on:
                withdrawal = Withdrawal(on, str(raw_w["reason_public"]), str(raw_w["authorised_by"]))

    acknowledged = data.get("acknowledged")
    if acknowledged is not None and (not isinstance(acknowledged, dict) or not all(
            isinstance(v, str) and v.strip() for v in acknowledged.values())):
        fail("acknowledged", "expected a mapping of finding id to the reason it is safe to publish, "
             "e.g. {postcode-1a2b3c4d5e: \"The partnership's office address\"}")
    extra = {k: data[k] for k in ("not_published_notified", "acknowledged") if k in data}
    if findings:
        return None, findings
    return RegisterEntry(circulation, nspcc, withdrawal, extra), findings
