"""The publication register (``embargo/<id>.yaml``): what communications staff record.

A circulation rule is met only when every address of it accepted the pack. What
``portal circulate --send`` records, per rule::

    circulation:
      dfe:                               # every address accepted: the rule is met
        sent_on: 2026-11-24              # the day the last address accepted it
        reference: <...@example.org>     # the Message-ID
        recipients: {a@x.gov.uk: 2026-11-24}
      ofsted:                            # partly sent: the rule is NOT met
        reference: <...@example.org>
        accepted: {a@x.gov.uk: 2026-11-24}
        refused: {b@x.gov.uk: "550 5.1.1 mailbox unavailable"}

A send made by hand is recorded with ``sent_on`` (and a ``reference``) alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .dates import DateError, parse_date
from .findings import Finding, error, errors_in, warning
from .text import refused_character


@dataclass(frozen=True)
class Circulation:
    """A rule met: every address accepted the pack (or staff recorded a send by hand)."""

    sent_on: date
    reference: str = ""
    recipients: dict[str, date] = field(default_factory=dict)


@dataclass(frozen=True)
class PartialCirculation:
    """A rule not yet met: some addresses accepted the pack, others refused it.

    ``portal circulate --send`` sends again only to the addresses not in ``accepted``."""

    accepted: dict[str, date] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
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
    partial_circulation: dict[str, PartialCirculation] = field(default_factory=dict)


def circulation_after_send(previous: PartialCirculation | None, addresses: tuple[str, ...],
                           accepted: dict[str, date], refused: dict[str, str],
                           reference: str) -> Circulation | PartialCirculation:
    """The rule's record once the server answered a send: met when every address of the
    rule has accepted the pack, in this send or an earlier one; else partial."""
    all_accepted = {**(previous.accepted if previous else {}), **accepted}
    still_refused = {a: why for a, why in refused.items() if a not in all_accepted}
    reference = (previous.reference if previous and previous.reference else "") or reference
    if all(a in all_accepted for a in addresses) and not still_refused:
        return Circulation(max(all_accepted[a] for a in addresses), reference, all_accepted)
    return PartialCirculation(all_accepted, still_refused, reference)


def circulation_record(record: Circulation | PartialCirculation) -> dict[str, Any]:
    """The register's YAML form of a circulation record (keys in the order written)."""
    if isinstance(record, Circulation):
        return {"sent_on": record.sent_on, "reference": record.reference,
                "recipients": dict(record.recipients)}
    values: dict[str, Any] = {"reference": record.reference}
    if record.accepted:
        values["accepted"] = dict(record.accepted)
    if record.refused:
        values["refused"] = dict(record.refused)
    return values


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
    partial: dict[str, PartialCirculation] = {}
    raw = data.get("circulation") or {}
    if not isinstance(raw, dict):
        fail("circulation", "expected a mapping of rule id to {sent_on: YYYY-MM-DD, reference: ...}")
        raw = {}
    for rule_id, record in raw.items():
        known = len(findings)
        parsed = _circulation(record, f"circulation.{rule_id}", fail, a_date)
        if len(findings) > known:
            continue  # the record's errors are reported; no half-read record
        if isinstance(parsed, Circulation):
            circulation[str(rule_id)] = parsed
        elif isinstance(parsed, PartialCirculation):
            partial[str(rule_id)] = parsed
            findings.append(_partial_warning(parsed, path, f"circulation.{rule_id}", item_id))

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
            texts_ok = True
            for name, multiline in (("reason_public", True), ("authorised_by", False)):
                problem = refused_character(str(raw_w[name]), multiline=multiline)
                if problem:  # reason_public is shown on the public withdrawal notice
                    fail(f"withdrawal.{name}", problem)
                    texts_ok = False
            if on and texts_ok:
                withdrawal = Withdrawal(on, str(raw_w["reason_public"]), str(raw_w["authorised_by"]))

    acknowledged = data.get("acknowledged")
    if acknowledged is not None and (not isinstance(acknowledged, dict) or not all(
            isinstance(v, str) and v.strip() for v in acknowledged.values())):
        fail("acknowledged", "expected a mapping of finding id to the reason it is safe to publish, "
             "e.g. {postcode-1a2b3c4d5e: \"The partnership's office address\"}")
    extra = {k: data[k] for k in ("not_published_notified", "acknowledged") if k in data}
    if errors_in(findings):
        return None, findings
    return RegisterEntry(circulation, nspcc, withdrawal, extra, partial), findings


CIRCULATION_KEYS = ("sent_on", "reference", "recipients", "accepted", "refused", "earlier")
_CIRCULATION_SHAPE = "expected {sent_on: YYYY-MM-DD, reference: ...}"


def _circulation(record: Any, name: str, fail, a_date) -> Circulation | PartialCirculation | None:
    """One rule's record: met (``sent_on``), partly sent (``accepted``/``refused``
    without ``sent_on``), or ``None`` after reporting what is wrong."""
    if not isinstance(record, dict):
        fail(name, _CIRCULATION_SHAPE)
        return None
    unknown = [str(k) for k in record if k not in CIRCULATION_KEYS]
    if unknown:
        fail(f"{name}.{unknown[0]}", f"unknown field: expected {', '.join(CIRCULATION_KEYS)}")
        return None
    if "sent_on" not in record and not record.get("accepted") and not record.get("refused"):
        fail(name, _CIRCULATION_SHAPE)
        return None
    earlier = record.get("earlier")
    if earlier is not None and not isinstance(earlier, list):
        fail(f"{name}.earlier", "expected a list of the records a resend replaced")
    reference = str(record.get("reference") or "")
    recipients = _address_dates(record.get("recipients"), f"{name}.recipients", fail, a_date)
    accepted = _address_dates(record.get("accepted"), f"{name}.accepted", fail, a_date)
    refused = _address_reasons(record.get("refused"), f"{name}.refused", fail)
    if "sent_on" in record:
        if refused:
            fail(f"{name}.refused", "a rule is met (sent_on) only when every address accepted "
                 "the pack: remove sent_on until the refused addresses have it, or remove "
                 "refused if they were sent it another way")
            return None
        sent_on = a_date(record["sent_on"], f"{name}.sent_on")
        return Circulation(sent_on, reference, {**accepted, **recipients}) if sent_on else None
    return PartialCirculation(accepted, refused, reference)


def _address_dates(raw: Any, name: str, fail, a_date) -> dict[str, date]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        fail(name, "expected a mapping of address to the date it accepted the pack "
             "({a@example.gov.uk: YYYY-MM-DD})")
        return {}
    found = {}
    for address, when in raw.items():
        day = a_date(when, f"{name}.{address}")
        if day:
            found[str(address)] = day
    return found


def _address_reasons(raw: Any, name: str, fail) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        fail(name, "expected a mapping of address to the server's answer "
             "({a@example.gov.uk: \"550 mailbox unavailable\"})")
        return {}
    return {str(a): why for a, why in raw.items()}


def _partial_warning(record: PartialCirculation, path: str, name: str, item_id: str) -> Finding:
    refused = "; ".join(f"{a} refused it ({why})" for a, why in record.refused.items())
    accepted = ", ".join(f"{a} on {day.isoformat()}" for a, day in record.accepted.items())
    done = f"; accepted by {accepted}" if accepted else ""
    return warning(path, name, "circulation-partial",
                   f"not met: {refused or 'not every address accepted it'}{done}. Correct the "
                   "address in mkdocs.yml if it is wrong, then run 'portal circulate "
                   f"{item_id} --send' to send to the addresses that have not accepted it",
                   item_id)
