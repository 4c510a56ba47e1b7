"""Precision and recall of the identifying-detail detectors on the labelled corpus.

    .venv/bin/python tools/anonymisation_eval.py [tests/data/anonymisation_corpus.yaml]

A detection counts as correct when its kind matches and its text matches the labelled
span (ignoring surrounding whitespace). Prints a table per kind, and every miss and
false alarm, so that a change to a detector can be judged.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from portal.core.anonymise import detect  # noqa: E402

ALLOWED_DOMAINS = ("education.gov.uk", "ofsted.gov.uk", "nspcc.org.uk", "gov.uk",
                   "northmere-scp.example", "northmere-partners.example")


def evaluate(cases: list[dict]) -> tuple[dict[str, Counter], list[str]]:
    scores: dict[str, Counter] = {}
    notes = []
    for case in cases:
        expected = {(e["kind"], e["match"].strip()) for e in case.get("expect") or []}
        found = {(d.kind, d.match.strip()) for d in detect(case["text"], allowed_email_domains=ALLOWED_DOMAINS)}
        for kind, match in expected & found:
            scores.setdefault(kind, Counter())["tp"] += 1
        for kind, match in expected - found:
            scores.setdefault(kind, Counter())["fn"] += 1
            notes.append(f"MISS  {kind}: {match!r} in {case['text']!r}")
        for kind, match in found - expected:
            scores.setdefault(kind, Counter())["fp"] += 1
            notes.append(f"FALSE {kind}: {match!r} in {case['text']!r}")
    return scores, notes


def table(scores: dict[str, Counter]) -> list[str]:
    rows = ["| kind | true positives | misses | false alarms | precision | recall |", "|---|---|---|---|---|---|"]
    total = Counter()
    for kind in sorted(scores):
        c = scores[kind]
        total.update(c)
        rows.append(_row(kind, c))
    rows.append(_row("**all**", total))
    return rows


def _row(name: str, c: Counter) -> str:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return f"| {name} | {c['tp']} | {c['fn']} | {c['fp']} | {precision:.2f} | {recall:.2f} |"


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "anonymisation_corpus.yaml"
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    scores, notes = evaluate(cases)
    negatives = sum(1 for case in cases if not case.get("expect"))
    print(f"{len(cases)} cases ({negatives} with nothing to find)\n")
    print("\n".join(table(scores)))
    if notes:
        print("\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
