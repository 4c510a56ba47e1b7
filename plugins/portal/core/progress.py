"""Action-plan progress: the RAG state of each action, derived, never typed by hand.

- green: complete, with evidence;
- amber: in progress and not past its due date (or complete but the evidence not yet given);
- red: not complete and past its due date (due yesterday or earlier);
- not started and not yet due: shown as such.

An action due today is not yet overdue.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import Enum

from .dates import format_date
from .findings import Finding, warning
from .items import Action, Item


class Rag(str, Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_STARTED = "not-started"

    @property
    def label(self) -> str:
        return {"green": "Complete", "amber": "In progress", "red": "Overdue",
                "not-started": "Not started"}[self.value]


@dataclass(frozen=True)
class ActionState:
    action: Action
    rag: Rag
    label: str
    is_overdue: bool


def rag_of(action: Action, today: date) -> ActionState:
    if action.status == "complete":
        if action.evidence:
            return ActionState(action, Rag.GREEN, "Complete", False)
        return ActionState(action, Rag.AMBER, "Complete, evidence awaited", False)
    if today > action.due:
        return ActionState(action, Rag.RED, "Overdue", True)
    if action.status == "in-progress":
        return ActionState(action, Rag.AMBER, "In progress", False)
    return ActionState(action, Rag.NOT_STARTED, "Not started", False)


@dataclass(frozen=True)
class ProgressSummary:
    states: tuple[ActionState, ...]

    @property
    def total(self) -> int:
        return len(self.states)

    @property
    def counts(self) -> dict[Rag, int]:
        counted = Counter(state.rag for state in self.states)
        return {rag: counted.get(rag, 0) for rag in Rag}

    @property
    def complete(self) -> int:
        return sum(1 for s in self.states if s.action.status == "complete")

    @property
    def overdue(self) -> int:
        return sum(1 for s in self.states if s.is_overdue)

    @property
    def headline(self) -> str:
        overdue = f", {self.overdue} overdue" if self.overdue else ", none overdue"
        return f"{self.complete} of {self.total} actions complete{overdue}"


def summarise(item: Item, today: date) -> ProgressSummary:
    return ProgressSummary(tuple(rag_of(action, today) for action in item.details.get("actions", ())))


STATUTORY_SECTIONS = ("actions taken", "impact", "what more will be done")


def progress_warnings(item: Item, body: str, today: date, stale_after_days: int,
                      path: str) -> list[Finding]:
    """Complete without evidence, an old update, an action id used twice, a missing
    statutory section (001, 002 §8.4: actions taken, their impact, what more will be done)."""
    findings = []
    seen: Counter[str] = Counter(action.id for action in item.details.get("actions", ()))
    for action_id, count in seen.items():
        if count > 1:
            findings.append(warning(path, "actions", "duplicate-action-id",
                                    f"action id {action_id!r} is used {count} times: give each action its own id",
                                    item.id))
    for position, action in enumerate(item.details.get("actions", ()), start=1):
        field = f"actions[{position}]"
        if action.status == "complete" and not action.evidence:
            findings.append(warning(path, f"{field}.evidence", "complete-without-evidence",
                                    f"action {action.id} is complete but gives no evidence: it shows "
                                    "amber until evidence is recorded", item.id))
        if action.updated is None or (today - action.updated).days > stale_after_days:
            when = format_date(action.updated) if action.updated else "never"
            findings.append(warning(path, f"{field}.updated", "stale-update",
                                    f"action {action.id} was last updated {when}: progress is reported "
                                    f"at least every {stale_after_days} days", item.id))
    headings = [line.lstrip("#").strip().lower() for line in body.splitlines() if line.startswith("## ")]
    for section in STATUTORY_SECTIONS:
        if not any(section in heading for heading in headings):
            findings.append(warning(path, "", "missing-progress-section",
                                    f"no '## ' section about {section}: a progress report says what "
                                    "actions were taken, their impact, and what more will be done",
                                    item.id))
    return findings
