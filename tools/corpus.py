"""Generate a clearly fictional corpus in the portal's content format, for benchmarks.

    .venv/bin/python tools/corpus.py DIR --reviews 2000 [--seed 1]

Makes a site project in DIR (from `portal new`'s skeleton): N reviews of 2,500-6,000
words each, with case studies, briefings and progress pages in proportion, a PDF report
for one review in eight, a tenth of items embargoed, and circulation records so that
the rest are live. Every name is invented ("Benchmark Child 0001"); the text is
generated from a fixed vocabulary, deterministically from the seed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

THEMES = ["neglect", "physical-abuse", "sexual-abuse", "emotional-abuse", "domestic-abuse",
          "parental-mental-health", "parental-substance-misuse", "non-accidental-head-injury",
          "sudden-unexpected-death-in-infancy", "child-sexual-exploitation",
          "child-criminal-exploitation", "online-abuse", "suicide-and-self-harm",
          "disabled-children", "looked-after-children", "adolescents", "infants",
          "multi-agency-working", "information-sharing", "professional-curiosity",
          "voice-of-the-child", "escalation", "early-help", "ethnicity-culture-and-faith"]
SUBJECTS = ["The health visitor", "The school", "Children's social care", "The police",
            "The GP practice", "The adult mental health service", "Early help",
            "The hospital trust", "The drug and alcohol service", "The housing provider",
            "The multi-agency safeguarding hub", "The youth justice service"]
VERBS = ["recorded", "shared", "assessed", "reviewed", "escalated", "considered", "missed",
         "noted", "discussed", "referred", "visited", "questioned"]
OBJECTS = ["the concerns raised by the nursery", "the pattern of missed appointments",
           "the child's own account", "the history of domestic abuse", "the father's role",
           "information from the previous authority", "the injuries seen at school",
           "the mother's mental health", "the threshold for a strategy discussion",
           "the step-down plan", "the cumulative impact of neglect", "the voice of the child"]
TAILS = ["but the information was not brought together.", "and the plan was reviewed.",
         "although supervision did not test the assumptions.", "which the review found was right.",
         "without a clear record of the decision.", "in line with the partnership's procedures.",
         "and this was escalated to a manager.", "but the child was not seen alone."]
HEADINGS = ["About this review", "The child and family", "What happened", "Findings",
            "What the partnership has learned", "Recommendations", "Partnership response"]
REVIEW_TYPES = ["lcspr", "rapid-review", "learning-review", "scr"]


def _example_sentences() -> list[str]:
    """Sentences of the example site's own prose, so that the corpus has the vocabulary,
    sentence lengths and compressibility of real reports (pseudonyms replaced)."""
    import re

    from portal import frontmatter

    pool = []
    for path in sorted((ROOT / "content").glob("*/*.md")):
        _, text = frontmatter.split(path.read_text(encoding="utf-8"))
        text = re.sub(r"^#.*$|^>.*$|^\s*[-*\d.]+\s", "", text, flags=re.M)
        text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"\b(Child|Baby|Sibling Group|Young Person) [A-Z]\b", "the child", text)
        pool += [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.split()) > 6]
    return pool


SENTENCES: list[str] = []


def sentence(rng: random.Random) -> str:
    if not SENTENCES:
        SENTENCES.extend(_example_sentences() or [
            f"{s} {v} {o} {t}" for s in SUBJECTS for v in VERBS for o in OBJECTS for t in TAILS[:1]])
    return rng.choice(SENTENCES)


def body(rng: random.Random, words: int) -> str:
    parts = []
    per_section = words // len(HEADINGS)
    for heading in HEADINGS:
        parts.append(f"## {heading}\n")
        section = 0
        while section < per_section:
            paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
            section += len(paragraph.split())
            parts.append(paragraph + "\n")
    return "\n".join(parts)


def front(fields: dict) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True) + "---\n\n"


def generate(target: Path, reviews: int, seed: int = 1, today: date = date(2026, 11, 20)) -> None:
    from portal.printable import render_document

    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "plugins" / "portal" / "skeleton", target)
    (target / "gitignore").rename(target / ".gitignore")
    config = target / "mkdocs.yml"  # the prose quotes the example partnership's own addresses
    config.write_text(config.read_text().replace(
        "allowed_email_domains: [", "allowed_email_domains: [northmere-scp.example, northmere-partners.example, "))
    for sample in (target / "content").glob("*/example-*.md"):
        sample.unlink()
    for sample in (target / "embargo").rglob("*.yaml"):
        sample.unlink()
    content, register = target / "content", target / "embargo"
    for number in range(1, reviews + 1):
        slug = f"benchmark-child-{number:04d}"
        embargoed = number % 10 == 0
        published = today + timedelta(days=rng.randint(3, 60)) if embargoed else \
            today - timedelta(days=rng.randint(1, 3000))
        while published.weekday() >= 5:
            published += timedelta(days=1)
        text = body(rng, rng.randint(2500, 6000))
        fields = {
            "title": f"Benchmark Child {number:04d}: fictional review",
            "status": "approved", "approved_by": "Benchmark executive",
            "approved_on": (published - timedelta(days=30)).isoformat(),
            "publish_at": published.isoformat(),
            "summary": " ".join(sentence(rng) for _ in range(3)),
            "themes": rng.sample(THEMES, rng.randint(2, 4)),
            "review_type": rng.choice(REVIEW_TYPES), "reviewer": "A. Fictional Reviewer",
            "child": f"Benchmark Child {number:04d}", "area": "Benchmarkshire",
            "incident_summary": "A fictional child, for benchmarking only.",
            "recommendations": [sentence(rng) for _ in range(3)],
        }
        if number % 8 == 0:
            pdf = render_document(fields["title"], "Benchmark report", [fields["summary"]], body=text)
            (content / "reviews" / f"{slug}.pdf").write_bytes(pdf)
            fields["report"] = f"{slug}.pdf"
        (content / "reviews" / f"{slug}.md").write_text(front(fields) + text, encoding="utf-8")
        sent = (published - timedelta(days=21)).isoformat()
        (register / "reviews").mkdir(parents=True, exist_ok=True)
        (register / "reviews" / f"{slug}.yaml").write_text(
            "circulation:\n" + "".join(f"  {rule}: {{sent_on: {sent}}}\n"
                                       for rule in ("national-panel", "ofsted", "dfe")))
        common = {"status": "approved", "approved_by": "Benchmark executive",
                  "approved_on": fields["approved_on"], "publish_at": published.isoformat(),
                  "themes": fields["themes"]}
        if number % 3 == 0:
            (content / "case-studies" / f"{slug}.md").write_text(front({
                "title": f"Case study from benchmark child {number:04d}", **common,
                "summary": sentence(rng), "review": f"reviews/{slug}",
                "learning_points": [sentence(rng) for _ in range(3)],
                "questions": [f"What would you have done about {rng.choice(OBJECTS)}?" for _ in range(4)],
                "audience": "Multi-agency practitioners"}) + body(rng, 600), encoding="utf-8")
        if number % 4 == 0:
            (content / "briefings" / f"{slug}.md").write_text(front({
                "title": f"Briefing: learning from benchmark child {number:04d}", **common,
                "summary": sentence(rng), "briefing_type": "practitioner",
                "review": f"reviews/{slug}"}) + body(rng, 500), encoding="utf-8")
        if number % 5 == 0:
            actions = [{"id": f"B{number}-{a}", "recommendation": sentence(rng), "action": sentence(rng),
                        "lead": rng.choice(SUBJECTS)[4:], "due": (published + timedelta(days=90 * a)).isoformat(),
                        "status": rng.choice(["not-started", "in-progress", "complete"]),
                        "evidence": "Audit report.", "updated": published.isoformat()} for a in range(1, 5)]
            progress = {k: v for k, v in common.items() if k != "themes"}
            (content / "progress" / f"{slug}.md").write_text(front({
                "title": f"Benchmark child {number:04d}: action-plan progress", **progress,
                "summary": sentence(rng), "review": f"reviews/{slug}", "actions": actions})
                + "## Actions taken\n\nSome.\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--reviews", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.directory, args.reviews, args.seed)
    print(f"wrote a corpus of {args.reviews} reviews to {args.directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
