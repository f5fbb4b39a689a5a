#!/usr/bin/env python3
"""How fast the site builds and serves (a benchmark, not a test).

    python3 scripts/bench_build.py [--runs 3]

Measures, in fresh processes: the cold strict build (empty output folder), the time from starting
`mkdocs serve` to the first week page answering, and counts the pages and checklist items built.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def cold_build(dest: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(dest)],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_to_first_page() -> float:
    port = free_port()
    start = time.perf_counter()
    # as `python3 tasks.py serve` runs it: without git dates
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - start < 120:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/roadmap/week-01/", timeout=1) as r:
                    if r.status == 200 and b"data-mdx-item" in r.read():
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mkdocs serve did not answer within 120 s")
    finally:
        proc.terminate()
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    builds, serves = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            dest = Path(tmp) / f"site{i}"
            builds.append(cold_build(dest))
            serves.append(serve_to_first_page())
        pages = list(dest.rglob("*.html"))
        items = sum(len(re.findall(r"data-mdx-item=", p.read_text(encoding="utf-8"))) for p in pages)
    for label, runs in (("cold strict build", builds), ("mkdocs serve to first page", serves)):
        each = ", ".join(f"{r:.2f}" for r in runs)
        print(f"| {label} | median {statistics.median(runs):.2f} s (runs: {each}) |")
    print(f"| HTML pages built | {len(pages)} |")
    print(f"| checklist items rendered | {items} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
