#!/usr/bin/env python3
"""What progress tracking costs (a benchmark, not a test).

    python3 scripts/bench_progress.py [--site DIR] [--runs 30]

Prints:
- bytes of the site's own JavaScript and CSS as the built site serves them (minified by hooks/minify_assets.py)
  and gzipped, file by file and for what each kind of page loads (read from the built pages' script and
  stylesheet tags). Budgets: 8 KB for the progress tracking of issue 3 (store, bind, dashboard, progress.css)
  and for a week page; 12 KB for any page with the planner (issue 8);
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
OWN = re.compile(r"assets/(javascripts/(progress/)?[\w-]+\.js|stylesheets/(?![\w-]*\.min\.)[\w-]+\.css)$")
PROGRESS = ["progress/store.js", "progress/bind.js", "progress/dashboard.js", "progress.css"]  # issue 3's feature
PAGES = {  # page -> budget in bytes, gzipped as served
    "index.html": 8 * 1024,
    "roadmap/week-01/index.html": 8 * 1024,
    "guides/mathematics-for-ml/index.html": 8 * 1024,
    "progress/index.html": 12 * 1024,
    "progress/certificates/index.html": 12 * 1024,
}
BYTES_BUDGET, RENDER_BUDGET_MS = 8 * 1024, 16.0


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))  # about what GitHub Pages' servers use


def own_files(site: Path) -> dict[str, tuple[int, int, int, int]]:
    """Each own asset: (source bytes, source gzipped, served bytes, served gzipped)."""
    out = {}
    for path in sorted(site.glob("assets/**/*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and OWN.search(rel):
            src = (DOCS / rel).read_bytes()
            served = path.read_bytes()
            out[rel] = (len(src), gz(src), len(served), gz(served))
    return out


def page_assets(site: Path, page: str) -> list[str]:
    """The own scripts and stylesheets a built page loads (its src/href attributes, resolved)."""
    html = (site / page).read_text(encoding="utf-8")
    found = []
    for ref in re.findall(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"', html):
        target = (site / page).parent.joinpath(ref.split("?")[0]).resolve()
        try:
            rel = target.relative_to(site.resolve()).as_posix()
        except ValueError:
            continue
        if OWN.search(rel) and rel not in found:
            found.append(rel)
    return found


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
  const root = document.querySelector('.mdx-dash__report');  // where the dashboard draws its report
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

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if not args.site:
            build(site)
        files = own_files(site)
        pages = {p: page_assets(site, p) for p in PAGES}
        url, server = serve(site)
        try:
            clicks, renders, links = browser_numbers(url, args.runs)
        finally:
            server.shutdown()

    def ms(xs: list[float]) -> str:
        xs = sorted(xs)
        # min is the cost on an idle machine; median and p95 show how much other load got in the way
        return f"min {xs[0]:.2f} ms, median {statistics.median(xs):.2f} ms, p95 {xs[int(0.95 * (len(xs) - 1))]:.2f} ms"

    print(f"{'file':<44} {'source B':>9} {'source gz':>10} {'served B':>9} {'served gz':>10}")
    for rel, (a, b, c, e) in files.items():
        print(f"{rel:<44} {a:>9} {b:>10} {c:>9} {e:>10}")
    total = [sum(v[i] for v in files.values()) for i in range(4)]
    print(f"{'all ' + str(len(files)) + ' files':<44} {total[0]:>9} {total[1]:>10} {total[2]:>9} {total[3]:>10}")
    prog = sum(v[3] for k, v in files.items() if k.endswith(tuple(PROGRESS)))
    verdict = "OK" if prog <= BYTES_BUDGET else "OVER BUDGET"
    print(f"progress tracking ({', '.join(PROGRESS)}): {prog} B served gzipped (budget {BYTES_BUDGET}: {verdict})")
    print()
    print(f"{'page loads (own JS + CSS)':<44} {'files':>5} {'served gz':>10}  budget")
    for page, assets in pages.items():
        size = sum(files[a][3] for a in assets)
        verdict = "OK" if size <= PAGES[page] else "OVER BUDGET"
        print(f"{page:<44} {len(assets):>5} {size:>10}  {PAGES[page]} {verdict}")
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
