"""Trainer packs: for each live case study, a zip a trainer can take into a session: a
print-ready PDF of the case study, the questions as a handout, and a facilitator's note.
Built at build time from live items only; byte-for-byte the same for the same content."""

from __future__ import annotations

import concurrent.futures
import gc
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from .cache import BuildCache, key_of
from .core.dates import format_date, local_date
from .core.items import Item
from .project import Publication
from .views import pack_path

FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def _case_study_pdf(item: Item, body: str, tz, partnership: str, review: Item | None) -> bytes:
    from .printable import Document  # fpdf2 loads only when a pack is made

    pdf = Document(item.title, footer_note=partnership)
    pdf.add_page()
    pdf.para(f"{partnership}: case study for training", size=10, style="B")
    pdf.ln(4)
    pdf.heading(item.title, 1)
    pdf.para(f"Published {format_date(local_date(item.publish_at, tz))}", size=10)
    if review is not None:
        pdf.para(f"From: {review.title}", size=10)
    pdf.ln(3)
    pdf.para(item.summary, style="I")
    pdf.ln(3)
    pdf.markdown(body)
    pdf.bullets("Learning points", item.details["learning_points"])
    if review is not None:
        pdf.bullets("Key recommendations of the review", review.details.get("recommendations", ()))
    pdf.bullets("Questions to consider", item.details["questions"])
    return bytes(pdf.output())


def _handout_pdf(item: Item, partnership: str) -> bytes:
    from .printable import Document  # fpdf2 loads only when a pack is made

    pdf = Document(f"Questions: {item.title}", footer_note=partnership)
    pdf.add_page()
    pdf.para(f"{partnership}: handout", size=10, style="B")
    pdf.ln(4)
    pdf.heading(f"Questions to consider: {item.title}", 1)
    pdf.para(item.summary, style="I")
    pdf.ln(4)
    for number, question in enumerate(item.details["questions"], start=1):
        pdf.para(f"{number}. {question}", size=12, height=7)
        pdf.ln(14)  # room to write
    return bytes(pdf.output())


def _facilitator_note(item: Item, partnership: str, url: str, review: Item | None) -> bytes:
    from .printable import Document  # fpdf2 loads only when a pack is made

    audience = ", ".join(item.details.get("audience") or ()) or "single- and multi-agency practitioners"
    pdf = Document(f"Facilitator's note: {item.title}", footer_note=partnership)
    pdf.add_page()
    pdf.para(f"{partnership}: facilitator's note", size=10, style="B")
    pdf.ln(4)
    pdf.heading(f"Facilitator's note: {item.title}", 1)
    pdf.heading("Who it is for", 2)
    pdf.para(f"This case study is written for {audience}. It takes 45 to 60 minutes: ten minutes to "
             "read the case study, twenty to thirty minutes' discussion of the questions in small "
             "groups, and fifteen minutes to share what each group would do differently.")
    pdf.heading("Before the session", 2)
    pdf.para("The case study describes the harm of a child. Tell participants in advance, make clear "
             "that they may step out, and say where support is available. Do not add details of the "
             "real case beyond what is published: the account is anonymised on purpose.")
    pdf.bullets("What participants should take away", item.details["learning_points"])
    pdf.heading("Running the discussion", 2)
    pdf.para("Hand out the questions sheet after participants have read the case study. Ask groups "
             "to think about what they would have known and done in their own role at each point, "
             "and what would have helped them to act.")
    pdf.heading("Source", 2)
    source = f"It is drawn from {review.title}." if review is not None else "It is a composite account."
    pdf.para(f"{source} The published case study is at {url}.")
    return bytes(pdf.output())


@dataclass(frozen=True)
class PackInput:
    """Everything a trainer pack is made from (picklable, for a pool of processes)."""

    item: Item
    body: str
    review: Item | None
    partnership: str
    url: str
    tz_name: str

    @property
    def key(self) -> str:
        review = (self.review.title, self.review.details.get("recommendations")) if self.review else None
        return key_of("pack", repr(self.item), self.body, repr(review), self.partnership, self.url, self.tz_name)


def pack_input(item: Item, publication: Publication, partnership: str, site_url: str) -> PackInput:
    review = None
    if item.review_id and publication.is_live(item.review_id):
        review = publication.project.items[item.review_id]
    return PackInput(item, publication.project.bodies[item.id], review, partnership,
                     site_url.rstrip("/") + "/" + item.url, publication.project.settings.timezone.key)


def render_pack(source: PackInput) -> bytes:
    """The zip for one live case study."""
    item, review = source.item, source.review
    slug = item.id.split("/")[-1]
    members = [
        (f"{slug}/case-study.pdf", _case_study_pdf(item, source.body, ZoneInfo(source.tz_name),
                                                    source.partnership, review)),
        (f"{slug}/questions-handout.pdf", _handout_pdf(item, source.partnership)),
        (f"{slug}/facilitator-note.pdf", _facilitator_note(item, source.partnership, source.url, review)),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


class PackMaker:
    """Makes every pack in other processes while the build goes on, from the cache where
    it can; ``write`` waits for them and writes them into the built site."""

    def __init__(self, sources: list[PackInput], cache: BuildCache):
        self.cache = cache
        self.ready: dict[str, tuple[PackInput, bytes]] = {}
        self.pending: list[tuple[PackInput, concurrent.futures.Future]] = []
        self.pool = None
        missing = []
        for source in sources:
            cached = cache.get("packs", source.key)
            if cached is None:
                missing.append(source)
            else:
                self.ready[source.item.id] = (source, cached)
        if len(missing) > 4 and (os.cpu_count() or 1) > 1:
            # One process: the rest of the build (Markdown, Pagefind) keeps the other cores busy.
            # gc.freeze in the child: its collections then leave the objects it inherited
            # alone, so their memory stays shared with this process instead of copied.
            self.pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, initializer=gc.freeze)
            self.pending = [(source, self.pool.submit(render_pack, source)) for source in missing]
        else:
            for source in missing:
                self.ready[source.item.id] = (source, self._keep(source, render_pack(source)))

    def collect_if_done(self) -> None:
        """Once every pack is made (one process makes them in order, so the last one's
        being done means all are), take them and end the process, so its memory is free
        while the build goes on."""
        if self.pool is not None and self.pending and self.pending[-1][1].done():
            self._collect()

    def _collect(self) -> None:
        try:
            for source, future in self.pending:
                self.ready[source.item.id] = (source, self._keep(source, future.result()))
            self.pending = []
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
                self.pool = None

    def _keep(self, source: PackInput, data: bytes) -> bytes:
        self.cache.put("packs", source.key, data)
        return data

    def write(self, site_dir: Path) -> int:
        self._collect()
        for source, data in self.ready.values():
            target = site_dir / pack_path(source.item)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return len(self.ready)

    def cancel(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
