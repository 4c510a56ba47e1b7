"""Progress pages and the dashboard as templates show them: RAG badges, charts rendered
at build time as accessible inline SVG, exports, and RAG totals over time."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from .core.dates import format_date, local_date
from .core.items import Item, Kind
from .core.progress import ProgressSummary, Rag, summarise
from .project import Publication

RAG_COLOURS = {Rag.GREEN: "#00703c", Rag.AMBER: "#f47738", Rag.RED: "#d4351c", Rag.NOT_STARTED: "#b1b4b6"}
HISTORY_HEADER = "# Action-plan RAG totals, appended by `portal build` when they change.\n# date\tprogress id\tgreen\tamber\tred\tnot-started\n"


def today_of(publication: Publication) -> date:
    return local_date(publication.now, publication.project.settings.timezone)


def stacked_bar_svg(summary: ProgressSummary, title: str, ident: str, width: int = 480) -> str:
    """A horizontal bar of the RAG counts, with a text title and description for screen readers."""
    counts = summary.counts
    total = max(summary.total, 1)
    description = "; ".join(f"{rag.label}: {counts[rag]}" for rag in Rag)
    x = 0.0
    parts = []
    for rag in Rag:
        share = width * counts[rag] / total
        if share:
            parts.append(f'<rect x="{x:.1f}" y="0" width="{share:.1f}" height="28" fill="{RAG_COLOURS[rag]}"/>')
            if share > 24:
                colour = "#0b0c0c" if rag in (Rag.AMBER, Rag.NOT_STARTED) else "#ffffff"
                parts.append(f'<text x="{x + share / 2:.1f}" y="19" text-anchor="middle" font-size="14" '
                             f'font-family="Arial, sans-serif" fill="{colour}">{counts[rag]}</text>')
        x += share
    return (f'<svg class="portal-chart" role="img" aria-labelledby="{ident}-title {ident}-desc" '
            f'viewBox="0 0 {width} 28" width="100%" preserveAspectRatio="none" height="28">'
            f'<title id="{ident}-title">{escape(title)}</title>'
            f'<desc id="{ident}-desc">{escape(description)}</desc>{"".join(parts)}</svg>')


@dataclass
class ActionRow:
    id: str
    recommendation: str
    action: str
    lead: str
    due: str
    rag: str
    rag_label: str
    status: str
    evidence: str
    impact: str
    updated: str


@dataclass
class ProgressView:
    id: str
    url: str
    title: str
    review: tuple[str, str] | None
    headline: str
    counts: list[tuple[str, str, int]]
    chart: str
    rows: list[ActionRow]
    complete: int
    total: int
    overdue: int


def build_progress_view(item: Item, publication: Publication) -> ProgressView:
    summary = summarise(item, today_of(publication))
    review = None
    if item.review_id and publication.is_public(item.review_id):
        source = publication.project.items[item.review_id]
        review = (source.title, source.url)
    rows = [ActionRow(
        id=s.action.id, recommendation=s.action.recommendation, action=s.action.action,
        lead=s.action.lead, due=format_date(s.action.due), rag=s.rag.value, rag_label=s.label,
        status=s.action.status.replace("-", " ").capitalize(), evidence=s.action.evidence,
        impact=s.action.impact, updated=format_date(s.action.updated) if s.action.updated else "")
        for s in summary.states]
    return ProgressView(
        id=item.id, url=item.url, title=item.title, review=review, headline=summary.headline,
        counts=[(rag.value, rag.label, summary.counts[rag]) for rag in Rag],
        chart=stacked_bar_svg(summary, f"Actions by RAG status: {summary.headline}",
                              item.id.replace("/", "-")),
        rows=rows, complete=summary.complete, total=summary.total, overdue=summary.overdue)


def overdue_by_lead(publication: Publication) -> list[tuple[str, list[tuple[ActionRow, ProgressView]]]]:
    grouped: dict[str, list] = {}
    for item in publication.live_of_kind(Kind.PROGRESS):
        view = build_progress_view(item, publication)
        for row in view.rows:
            if row.rag == Rag.RED.value:
                grouped.setdefault(row.lead, []).append((row, view))
    return sorted(grouped.items(), key=lambda entry: (-len(entry[1]), entry[0]))


# Spreadsheets run a cell that starts with one of these as a formula (CSV injection:
# "=HYPERLINK(...)" in an action's evidence would become a live link, "@SUM(...)" a
# calculation). The OWASP remedy: an apostrophe first, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as the text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(item: Item, publication: Publication) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "recommendation", "action", "lead", "due", "status", "rag",
                     "evidence", "impact", "updated"])
    for state in summarise(item, today_of(publication)).states:
        a = state.action
        writer.writerow([csv_cell(cell) for cell in (
            a.id, a.recommendation, a.action, a.lead, a.due.isoformat(), a.status,
            state.rag.value, a.evidence, a.impact, a.updated.isoformat() if a.updated else "")])
    return out.getvalue()


def export_json(item: Item, publication: Publication) -> str:
    summary = summarise(item, today_of(publication))
    data = {
        "id": item.id, "title": item.title, "review": item.review_id if publication.is_public(item.review_id or "") else None,
        "as_of": today_of(publication).isoformat(), "headline": summary.headline,
        "totals": {rag.value: count for rag, count in summary.counts.items()},
        "actions": [{"id": s.action.id, "recommendation": s.action.recommendation,
                     "action": s.action.action, "lead": s.action.lead, "due": s.action.due.isoformat(),
                     "status": s.action.status, "rag": s.rag.value, "evidence": s.action.evidence,
                     "impact": s.action.impact,
                     "updated": s.action.updated.isoformat() if s.action.updated else None}
                    for s in summary.states],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- RAG totals over time: embargo/progress-history, appended by portal build -------------

def read_history(path: Path) -> list[tuple[date, str, dict[str, int]]]:
    if not path.exists():
        return []
    from .workspace import read_regular_file

    rows = []
    for line in read_regular_file(path).decode("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        when, item_id, *numbers = line.split("\t")
        rows.append((date.fromisoformat(when), item_id,
                     dict(zip([rag.value for rag in Rag], (int(n) for n in numbers), strict=False))))
    return rows


def history_updates(publication: Publication, history: list) -> list[str]:
    """Lines for live progress pages whose RAG totals differ from their last recorded ones."""
    last = {item_id: totals for _, item_id, totals in history}
    today = today_of(publication)
    lines = []
    for item in publication.live_of_kind(Kind.PROGRESS):
        totals = {rag.value: n for rag, n in summarise(item, today).counts.items()}
        if last.get(item.id) != totals:
            lines.append("\t".join([today.isoformat(), item.id, *(str(totals[r.value]) for r in Rag)]) + "\n")
    return lines


def totals_over_time(publication: Publication, history: list) -> list[tuple[str, dict[str, int]]]:
    """Summed RAG totals of live progress pages on each recorded date, carrying each page's
    last recorded totals forward, and today's totals last."""
    live = {item.id for item in publication.live_of_kind(Kind.PROGRESS)}
    current: dict[str, dict[str, int]] = {}
    points: dict[date, dict[str, int]] = {}
    for when, item_id, totals in sorted(history, key=lambda row: row[0]):
        if item_id not in live:
            continue
        current[item_id] = totals
        points[when] = {rag.value: sum(t[rag.value] for t in current.values()) for rag in Rag}
    today = today_of(publication)
    now_totals: dict[str, int] = {rag.value: 0 for rag in Rag}
    for item in publication.live_of_kind(Kind.PROGRESS):
        for rag, n in summarise(item, today).counts.items():
            now_totals[rag.value] += n
    points[today] = now_totals
    return [(format_date(when), totals) for when, totals in sorted(points.items())]


def trend_svg(points: list[tuple[str, dict[str, int]]], width: int = 640, height: int = 200) -> str:
    """Stacked columns of RAG totals per recorded date, accessible, with a table beside it."""
    if not points:
        return ""
    highest = max(sum(t.values()) for _, t in points) or 1
    column = width / max(len(points), 1)
    bars = []
    for index, (label, totals) in enumerate(points):
        y = height - 20
        for rag in (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.NOT_STARTED):
            h = (height - 30) * totals[rag.value] / highest
            y -= h
            bars.append(f'<rect x="{index * column + column * 0.2:.1f}" y="{y:.1f}" width="{column * 0.6:.1f}" '
                        f'height="{h:.1f}" fill="{RAG_COLOURS[rag]}"/>')
        bars.append(f'<text x="{index * column + column / 2:.1f}" y="{height - 5}" text-anchor="middle" '
                    f'font-size="11" font-family="Arial, sans-serif" fill="#0b0c0c">{escape(label)}</text>')
    description = "; ".join(f"{label}: " + ", ".join(f"{rag.label} {totals[rag.value]}" for rag in Rag)
                            for label, totals in points)
    return (f'<svg class="portal-chart" role="img" aria-labelledby="trend-title trend-desc" '
            f'viewBox="0 0 {width} {height}" width="100%"><title id="trend-title">RAG totals of all '
            f'action plans over time</title><desc id="trend-desc">{escape(description)}</desc>'
            f'{"".join(bars)}</svg>')
