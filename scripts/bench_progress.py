#!/usr/bin/env python3
"""What progress tracking costs (a benchmark, not a test).

    python3 scripts/bench_progress.py [--site DIR] [--runs 30]

Prints one table:
- bytes of the site's own JavaScript and CSS (every file it adds to pages), raw, gzipped, and minified +
  gzipped. Minified with terser and csso when `npx` finds them (set NODE_TOOLS to a folder whose
  node_modules/.bin holds them), otherwise with a comment- and whitespace-stripping estimate. Budget: 8 KB.
- time from a click on a checklist box to the state being in localStorage, in headless Chromium;
- the dashboard's render time for a synthetic manifest of 2,000 items (half ticked). Budget: 16 ms.
Builds the site strictly into a temporary folder unless --site names a built one.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
OWN = [
    "assets/javascripts/render.js",
    "assets/javascripts/progress/store.js",
    "assets/javascripts/progress/bind.js",
    "assets/javascripts/progress/plan.js",
    "assets/javascripts/progress/dashboard.js",
    "assets/javascripts/progress/planner.js",
    "assets/stylesheets/site.css",
    "assets/stylesheets/progress.css",
]
# what each kind of page loads of them (the dashboard-only scripts come from overrides/main.html)
PAGES = {
    "week page": [f for f in OWN if not f.endswith(("dashboard.js", "planner.js"))],
    "dashboard": OWN,
    "certificates": [f for f in OWN if not f.endswith("dashboard.js")],
    "other pages": [f for f in OWN if not f.endswith(("dashboard.js", "planner.js", "plan.js"))],
}
BYTES_BUDGET, RENDER_BUDGET_MS = 8 * 1024, 16.0
PAGE_BUDGET = 12 * 1024  # the site's own JS + CSS a week page loads, gzipped as served


def tool(name: str) -> str | None:
    folder = os.environ.get("NODE_TOOLS")
    if folder and (Path(folder) / "node_modules/.bin" / name).exists():
        return str(Path(folder) / "node_modules/.bin" / name)
    return shutil.which(name)


def minify(path: Path) -> tuple[bytes, str]:
    """The file minified by terser/csso when available, else by a rough stripping estimate."""
    name = "terser" if path.suffix == ".js" else "csso"
    exe = tool(name)
    if exe:
        args = [exe, str(path), "--compress", "--mangle"] if name == "terser" else [exe, "-i", str(path)]
        return subprocess.run(args, capture_output=True, check=True).stdout, name
    text = path.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
    text = re.sub(r"\s*\n\s*", "\n", text)
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip().encode(), "estimate"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def byte_rows() -> tuple[list[tuple], int]:
    rows, total = [], 0
    for rel in OWN:
        path = DOCS / rel
        raw = path.read_bytes()
        small, how = minify(path)
        rows.append((rel, len(raw), gz(raw), gz(small), how))
        total += gz(small)
    return rows, total


def build(dest: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(dest)], cwd=ROOT, env=env, check=True
    )


def serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


CLICK = """(runs) => {
  const box = document.querySelector('input[data-mdx-item]'), id = box.dataset.mdxItem, out = [];
  for (let i = 0; i < runs; i++) {
    const want = !box.checked, t0 = performance.now();
    box.click();
    const stored = id in JSON.parse(localStorage.getItem(mdxProgress.key)).ticks;
    out.push(performance.now() - t0);
    if (stored !== want) throw new Error('the click was not stored');
  }
  return out;
}"""

RENDER = """([runs, n]) => {
  const weeks = [], items = [], phases = [], ticks = {}, per = n / 20;
  for (let w = 0; w < 20; w++) {
    const ids = [];
    for (let i = 0; i < per; i++) {
      const id = `w${w}-item-${i}`;
      ids.push(id);
      items.push({id, text: `Synthetic checklist item ${i} of week ${w}, with a realistic length of text`,
                  kind: 'objective', week: `week-${w}`, url: `../roadmap/week-${w}/#item-${id}`});
      if (i % 2) ticks[id] = 1700000000000 + w * 1000 + i;
    }
    weeks.push({id: `week-${w}`, label: `Week ${w}`, title: `Synthetic week ${w}`, phase: 1 + (w >> 2),
                url: `../roadmap/week-${w}/`, hours: [20, w == 19 ? null : 30], items: ids});
  }
  for (let p = 0; p < 5; p++)
    phases.push({number: p + 1, title: `Phase ${p + 1}`, url: '../',
                 weeks: weeks.slice(4 * p, 4 * p + 4).map(w => w.id)});
  const m = {schema: 1, weeks, phases, items, skills: [], certificates: [], successors: {}};
  mdxProgress.apply(mdxProgress.parse(JSON.stringify({version: 2, ticks})), 'replace');
  const root = document.createElement('div');
  document.querySelector('article').appendChild(root);
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    mdxDashboard.render(m, root);
    root.offsetHeight;  // include style and layout, not only building the DOM
    out.push(performance.now() - t0);
  }
  return [out, root.querySelectorAll('a').length];
}"""


def browser_numbers(url: str, runs: int) -> tuple[list[float], list[float], int]:
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = b.new_page()
        page.goto(url + "roadmap/week-01/")
        clicks = page.evaluate(CLICK, runs)
        page.goto(url + "progress/")
        renders, links = page.evaluate(RENDER, [runs, 2000])
        b.close()
    return clicks, renders, links


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path, help="a built site (default: build one now)")
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()

    rows, total = byte_rows()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if not args.site:
            build(site)
        url, server = serve(site)
        try:
            clicks, renders, links = browser_numbers(url, args.runs)
        finally:
            server.shutdown()

    def ms(xs: list[float]) -> str:
        xs = sorted(xs)
        # min is the cost on an idle machine; median and p95 show how much other load got in the way
        return f"min {xs[0]:.2f} ms, median {statistics.median(xs):.2f} ms, p95 {xs[int(0.95 * (len(xs) - 1))]:.2f} ms"

    print(f"{'file':<44} {'raw B':>7} {'gzip B':>7} {'min+gzip B':>11}  minifier")
    for rel, raw, g, m, how in rows:
        print(f"{rel:<44} {raw:>7} {g:>7} {m:>11}  {how}")
    print(
        f"{'total (budget ' + str(BYTES_BUDGET) + ' B)':<44} {sum(r[1] for r in rows):>7} "
        f"{sum(r[2] for r in rows):>7} {total:>11}  {'OK' if total <= BYTES_BUDGET else 'OVER BUDGET'}"
    )
    print()
    by = {r[0]: r for r in rows}
    head = f"{'page loads (own JS + CSS)':<44} {'raw B':>7} {'gzip B':>7} {'min+gzip B':>11}"
    print(f"{head}  budget {PAGE_BUDGET} B gzipped as served")
    for name, files in PAGES.items():
        raw, g, m = (sum(by[f][i] for f in files) for i in (1, 2, 3))
        verdict = "OK" if g <= PAGE_BUDGET else "OVER BUDGET"
        print(f"{name + ' (' + str(len(files)) + ' files)':<44} {raw:>7} {g:>7} {m:>11}  {verdict}")
    print()
    load = f", load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs" if hasattr(os, "getloadavg") else ""
    print(f"{'measure':<44} result{load}")
    print(f"{'click to stored (' + str(args.runs) + ' clicks)':<44} {ms(clicks)}")
    verdict = "OK" if statistics.median(renders) < RENDER_BUDGET_MS else "OVER BUDGET"
    print(
        f"{'dashboard render, 2,000 items (' + str(links) + ' links)':<44} {ms(renders)}  "
        f"(budget {RENDER_BUDGET_MS:.0f} ms: {verdict})"
    )


if __name__ == "__main__":
    main()
