"""Benchmark: the full public build at scale, beside vanilla mkdocs-material.

    .venv/bin/python tools/bench_build.py [--sizes 500 2000 5000] [--vanilla-limit 900]

For each size N it generates the corpus (tools/corpus.py) and measures, with
/usr/bin/time -v for wall time and peak memory:
  - the portal's full public build from a cold cache (gate, pages, Pagefind, feeds,
    JSON, PDF text, trainer packs), then a rebuild after changing one item;
  - `portal check` over the whole corpus;
  - output size and the HTML weight of a review page without its report body;
  - the baseline in the same run: vanilla mkdocs-material (full navigation, lunr search)
    over the same Markdown, stopped after --vanilla-limit seconds if it takes longer.
Search bytes are measured by tools/bench_search.py.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
BIN = Path(sys.executable).parent
NOW = "2026-11-20 12:00"
VANILLA = """site_name: Benchmark (vanilla mkdocs-material)
docs_dir: content
theme:
  name: material
  font: false
plugins:
  - search
validation:
  nav: {omitted_files: ignore, not_found: ignore}
  links: {not_found: ignore, unrecognized_links: ignore}
"""


def _tree_memory_mb(root: int) -> float:
    """Memory of a process and all its descendants now, in MB: the sum of their
    proportional set sizes (PSS, from /proc), so pages shared by forked workers count
    once, not once per process as resident sizes would. Kept cheap (about 5 ms of CPU),
    since it runs beside the build it measures."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(name))  # state, then ppid
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                pss = re.search(rb"^Pss:\s+(\d+)", rollup.read(), re.M)
            total += int(pss.group(1)) if pss else 0
        except OSError:
            pass
        stack += children.get(pid, [])
    return total / 1024


PEAK_TOTAL: list[float] = []


def timed(command: list[str], cwd: Path, limit: float | None = None,
          ok: tuple[int, ...] = (0,)) -> tuple[float | None, float | None]:
    """(wall seconds, peak resident MB of the largest single process) from /usr/bin/time -v;
    (None, None) past the limit. The peak of all its processes together (PSS, sampled
    every 0.5 s from /proc) is appended to PEAK_TOTAL."""
    start = time.perf_counter()
    process = subprocess.Popen(["/usr/bin/time", "-v", *command], cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    reader = threading.Thread(target=lambda: setattr(process, "captured", process.communicate()))
    reader.start()
    peak_total = 0.0
    while reader.is_alive():
        peak_total = max(peak_total, _tree_memory_mb(process.pid))
        if limit is not None and time.perf_counter() - start > limit:
            subprocess.run(["pkill", "-TERM", "-P", str(process.pid)])
            process.kill()
            reader.join()
            return None, None
        reader.join(0.5)
    wall = time.perf_counter() - start
    stderr = process.captured[1]
    if process.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    PEAK_TOTAL.append(peak_total)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return wall, int(peak.group(1)) / 1024 if peak else None


def du(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def review_page_weight(site: Path) -> float:
    """KB of a review page's HTML without the report body (the rendered Markdown)."""
    page = next(site.glob("reviews/benchmark-child-0001/index.html")).read_text()
    body = re.search(r'<div class="portal-body">(.*?)</div>\s*(?:<section|<div class="portal|</article)', page, re.S)
    return (len(page.encode()) - (len(body.group(1).encode()) if body else 0)) / 1024


def main() -> int:
    from corpus import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--vanilla-limit", type=float, default=900)
    parser.add_argument("--work", type=Path, default=Path("/tmp/portal-bench-build"))
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        project = args.work / f"portal-{size}"
        print(f"[{size}] generating", flush=True)
        generate(project, size)
        shutil.rmtree(project / ".portal-cache", ignore_errors=True)
        build, peak = timed([str(BIN / "portal"), "build", "--now", NOW], project)
        peak_all = PEAK_TOTAL[-1]
        check, _ = timed([str(BIN / "portal"), "check", "--now", NOW, "--json"], project, ok=(0, 1))
        # One change: an embargoed review's text (a published one would need a change note).
        changed = project / "content" / "reviews" / "benchmark-child-0010.md"
        changed.write_text(changed.read_text() + "\nAn added sentence.\n")
        rebuild, _ = timed([str(BIN / "portal"), "build", "--now", NOW], project)
        output = du(project / "site")
        weight = review_page_weight(project / "site")
        vanilla = args.work / f"vanilla-{size}"
        shutil.rmtree(vanilla, ignore_errors=True)
        vanilla.mkdir(parents=True)
        shutil.copytree(project / "content", vanilla / "content")
        (vanilla / "mkdocs.yml").write_text(VANILLA)
        print(f"[{size}] vanilla", flush=True)
        base, base_peak = timed([str(BIN / "mkdocs"), "build", "-q"], vanilla, args.vanilla_limit)
        base_output = du(vanilla / "site") if base else None
        rows.append((size, build, peak, peak_all, check, rebuild, output, weight, base, base_peak, base_output))
        print(rows[-1], flush=True)
    print("\n| reviews | portal build | peak memory, largest process | peak memory, all processes (PSS) | portal check | rebuild after one change | output | review page HTML (no body) | vanilla mkdocs-material build | portal / vanilla | vanilla peak | vanilla output |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size, build, peak, peak_all, check, rebuild, output, weight, base, base_peak, base_output in rows:
        ratio = f"{build / base:.2f}" if base else f"< {build / args.vanilla_limit:.2f} (vanilla stopped at {args.vanilla_limit:.0f} s)"
        print(f"| {size} | {build:.1f} s | {peak:.0f} MB | {peak_all:.0f} MB | {check:.1f} s | {rebuild:.1f} s | {output:.0f} MB | "
              f"{weight:.1f} KB | {f'{base:.1f} s' if base else 'over limit'} | {ratio} | "
              f"{f'{base_peak:.0f} MB' if base_peak else '-'} | {f'{base_output:.0f} MB' if base_output else '-'} |")
    if len(rows) >= 2:
        by = {r[0]: r[1] for r in rows}
        if 2000 in by and 5000 in by:
            print(f"\ngrowth 2,000 -> 5,000 reviews: {by[5000] / by[2000]:.2f}x (linear would be 2.5x)")
    print("\nportal check runs after the build, as a partnership would run it: its cache of PDF "
          "text, scans and parsed YAML is warm.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
