"""Trainer packs: for each live case study, a zip a trainer can take into a session: a
print-ready PDF of the case study, the questions as a handout, and a facilitator's note.
Built at build time from live items only; byte-for-byte the same for the same content."""

from __future__ import annotations

import io
import zipfile

from .core.dates import format_date, local_date
from .core.items import Item
from .printable import Document
from .project import Publication

FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def _case_study_pdf(item: Item, publication: Publication, partnership: str, review: Item | None) -> bytes:
    tz = publication.project.settings.timezone
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
    pdf.markdown(publication.project.bodies[item.id])
    pdf.bullets("Learning points", item.details["learning_points"])
    if review is not None:
        pdf.bullets("Key recommendations of the review", review.details.get("recommendations", ()))
    pdf.bullets("Questions to consider", item.details["questions"])
    return bytes(pdf.output())


def _handout_pdf(item: Item, partnership: str) -> bytes:
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


def trainer_pack(item: Item, publication: Publication, partnership: str, site_url: str) -> bytes:
    """The zip for one live case study."""
    review = None
    if item.review_id and publication.is_live(item.review_id):
        review = publication.project.items[item.review_id]
    url = site_url.rstrip("/") + "/" + item.url
    slug = item.id.split("/")[-1]
    members = [
        (f"{slug}/case-study.pdf", _case_study_pdf(item, publication, partnership, review)),
        (f"{slug}/questions-handout.pdf", _handout_pdf(item, partnership)),
        (f"{slug}/facilitator-note.pdf", _facilitator_note(item, partnership, url, review)),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
