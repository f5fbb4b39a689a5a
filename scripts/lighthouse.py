#!/usr/bin/env python3
"""Lighthouse scores of the built site, served with gzip as GitHub Pages serves it (a benchmark, not a test).

    python3 scripts/lighthouse.py                 # build the site, then measure
    python3 scripts/lighthouse.py --site site     # measure an existing build

Needs Node.js and npm (Lighthouse 12 is installed into .cache/lighthouse the first time) and Chromium
(CHROMIUM_PATH, or chromium on PATH). Measures the mobile profile of the home page, a guide, a week page,
the progress dashboard and a notebook page, and prints a table with the audits that cost points.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "lighthouse"
PAGES = {
    "home": "",
    "guide": "guides/mathematics-for-ml/",
    "week": "roadmap/week-01/",
    "dashboard": "progress/",
    "notebook": None,  # the first notebook page found in the build
}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves text files gzip-compressed when the client accepts it, as GitHub Pages does."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.endswith(COMPRESSIBLE) and os.path.isfile(path)):
            return super().send_head()
        if os.path.isdir(self.translate_path(self.path)) and not self.path.endswith("/"):
            return super().send_head()  # let the base class redirect to the slash form
        body = gzip.compress(Path(path).read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def lighthouse_bin() -> Path:
    exe = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not exe.exists():
        if not shutil.which("npm"):
            sys.exit("lighthouse.py: needs Node.js and npm")
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(CACHE), "--silent", "lighthouse@12"], check=True)
    return exe


def chromium() -> str:
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("google-chrome")
    if not found:
        sys.exit("lighthouse.py: needs Chromium (set CHROMIUM_PATH)")
    return found


def build(dest: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", str(dest)], cwd=ROOT, env=env, check=True)


def measure(url: str, exe: Path, browser: str) -> dict:
    flags = (
        "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
        "--disable-component-update --disable-sync --no-first-run"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [
                str(exe),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                f"--chrome-flags={flags}",
                "--only-categories=performance,accessibility,best-practices,seo",
            ],
            env=dict(os.environ, CHROME_PATH=browser),
            check=True,
        )
        return json.loads(out.read_text(encoding="utf-8"))


def failing_audits(report: dict) -> list[str]:
    out = []
    for cat in report["categories"].values():
        for ref in cat["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                out.append(f"{audit['id']} ({audit['score']:.2f})")
    return sorted(set(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="an existing build (default: build one)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the table shows the median run")
    args = parser.parse_args()
    exe, browser = lighthouse_bin(), chromium()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if not args.site:
            build(site)
        notebooks = sorted((site / "notebooks").glob("*/index.html"))
        pages = dict(PAGES, notebook=notebooks[0].parent.relative_to(site).as_posix() + "/" if notebooks else None)
        handler = functools.partial(GzipHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        load = f"load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
        print(f"Lighthouse, mobile profile, gzip; median of {args.runs} run(s) per page by Performance; {load}")
        print(
            "| page | Performance | Accessibility | Best Practices | SEO | transfer | requests | FCP | LCP | TBT | CLS "
            "| runs | below 1.0 |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for name, path in pages.items():
            if path is None:
                print(f"| {name} | not in this build | | | | | | |")
                continue
            reports = sorted(
                (measure(base + path, exe, browser) for _ in range(max(1, args.runs))),
                key=lambda r: r["categories"]["performance"]["score"],
            )
            report = reports[len(reports) // 2]
            runs = "/".join(str(round(r["categories"]["performance"]["score"] * 100)) for r in reports)
            a = report["audits"]
            metrics = (
                f"{a['first-contentful-paint']['numericValue'] / 1000:.1f} s | "
                f"{a['largest-contentful-paint']['numericValue'] / 1000:.1f} s | "
                f"{a['total-blocking-time']['numericValue']:.0f} ms | "
                f"{a['cumulative-layout-shift']['numericValue']:.3f}"
            )
            c = report["categories"]
            items = report["audits"]["network-requests"]["details"]["items"]
            kib = sum(i.get("transferSize", 0) for i in items) / 1024
            categories = ("performance", "accessibility", "best-practices", "seo")
            scores = " | ".join(str(round(c[k]["score"] * 100)) for k in categories)
            below = ", ".join(failing_audits(report)) or "-"
            print(f"| {name} (`/{path}`) | {scores} | {kib:.0f} KiB | {len(items)} | {metrics} | {runs} | {below} |")
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
