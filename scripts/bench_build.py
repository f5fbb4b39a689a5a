#!/usr/bin/env python3
"""How fast the site builds and serves: a contributor's edit loop (a benchmark, not a test).

    .venv/bin/python scripts/bench_build.py [--runs 5] [--project DIR] [--all-guides]

Measures, each as the median of --runs, in fresh processes and in a temporary copy of the project (so
that the edits it makes never touch your files):

* cold strict build: `mkdocs build --strict` into an empty folder, as the tests and the publishing
  build run it (notebooks are not executed);
* serve to first page: from starting `mkdocs serve` the way `python3 tasks.py serve` starts it until a
  week page answers with its checklist;
* save to reload: with that server running, from saving a guide with a new paragraph until the server
  answers that guide's page with the paragraph in it (what the browser's live reload then fetches).

Wall seconds depend on what else the machine is doing; CPU seconds (user + system of the build or server
process over the same interval) much less, so both are printed.

--project measures another checkout (for instance `git worktree add /tmp/before <commit>`), started the
way that checkout's own tasks.py serves. --all-guides first writes every guide that is still an outline
(`status: planned`) as a full-length page (the body of the longest written guide, with the outline's
anchors), to measure the site as it will be with all of its guides.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = "docs/guides/mathematics-for-ml.md"
IGNORE = shutil.ignore_patterns(".git", ".venv", "site", ".cache", ".pytest_cache", "__pycache__", "node_modules")


def serve_env(project: Path) -> dict[str, str]:
    """The variables the project's tasks.py sets for `serve` (SERVE_ENV there; older ones set git dates off)."""
    tree = ast.parse((project / "tasks.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SERVE_ENV" for t in node.targets):
            return ast.literal_eval(node.value)
    return {"ROADMAP_GIT_DATES": "false"}


def base_env() -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
    for var in ("ROADMAP_EXECUTE_NOTEBOOKS", "ROADMAP_PREVIEW", "ROADMAP_SEARCH", "ROADMAP_BUILD_CACHE"):
        env.pop(var, None)
    return env


def children_cpu() -> float:
    r = os.times()
    return r.children_user + r.children_system


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cold_build(project: Path, dest: Path) -> tuple[float, float]:
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(dest)],
        cwd=project,
        env=base_env(),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start, children_cpu() - cpu


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read() if r.status == 200 else None
    except OSError:
        return None


def wait_for(url: str, needle: bytes, limit: float = 180) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        body = fetch(url)
        if body is not None and needle in body:
            return
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not show {needle!r} within {limit:.0f} s")


def serve_session(project: Path, edits: int) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    """Start `mkdocs serve` as tasks.py does; time the first page, then `edits` saves of a guide."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=dict(base_env(), **serve_env(project)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    guide = project / GUIDE
    original = guide.read_text(encoding="utf-8")
    try:
        wait_for(f"{base}/roadmap/week-01/", b"data-mdx-item")
        first = (time.perf_counter() - start, process_cpu(proc.pid))
        time.sleep(1.0)  # let the watcher settle after the first build
        saves = []
        for i in range(edits):
            marker = f"Saved paragraph number {i} of the benchmark."
            cpu = process_cpu(proc.pid)
            t0 = time.perf_counter()
            guide.write_text(original + f"\n\n{marker}\n", encoding="utf-8")
            wait_for(f"{base}/guides/mathematics-for-ml/", marker.encode())
            saves.append((time.perf_counter() - t0, process_cpu(proc.pid) - cpu))
            time.sleep(1.0)
        return first, saves
    finally:
        guide.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait()


def write_all_guides(project: Path) -> int:
    """Give every planned guide a full-length body (the longest written guide's, plus its outline's anchors)."""
    import yaml

    guides = sorted((project / "docs" / "guides").glob("*.md"))
    split = {p: p.read_text(encoding="utf-8").split("---\n", 2) for p in guides if p.name != "index.md"}
    written = [parts[2] for parts in split.values() if "status: planned" not in parts[1]]
    body = max(written, key=len)
    filled = 0
    for path, (_, head, _) in split.items():
        meta = yaml.safe_load(head)
        if meta.get("status") != "planned":
            continue
        outline = meta.pop("outline")
        meta.pop("status")
        sections = "".join(f"\n## {o['title']} {{#{o['id']}}}\n\nA section of the outline.\n" for o in outline)
        path.write_text(f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n{body}{sections}", encoding="utf-8")
        filled += 1
    return filled


def line(label: str, runs: list[tuple[float, float]]) -> str:
    wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
    each = ", ".join(f"{w:.2f}" for w in wall)
    return f"| {label} | {statistics.median(wall):.2f} s | {statistics.median(cpu):.2f} s | {each} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--project", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    parser.add_argument("--all-guides", action="store_true", help="measure with every planned guide written out")
    args = parser.parse_args()
    builds, firsts, saves = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(args.project.resolve(), project, ignore=IGNORE)
        filled = write_all_guides(project) if args.all_guides else 0
        for i in range(args.runs):
            builds.append(cold_build(project, Path(tmp) / f"site{i}"))
        for _ in range(args.runs):
            first, edits = serve_session(project, edits=1)
            firsts.append(first)
            saves += edits
        pages = list((Path(tmp) / "site0").rglob("*.html"))
        items = sum(len(re.findall(r"data-mdx-item=", p.read_text(encoding="utf-8"))) for p in pages)
        guides = sum(
            1
            for p in (project / "docs" / "guides").glob("*.md")
            if p.name != "index.md" and "status: planned" not in p.read_text(encoding="utf-8")
        )
    print(
        f"{args.project.resolve()}: {guides} written guides ({filled} filled in for this run), {len(pages)} HTML "
        f"pages, {items} checklist items; medians of {args.runs}"
    )
    print("| step | wall | CPU | wall of each run |")
    print("|---|---|---|---|")
    print(line("cold strict build", builds))
    print(line("serve: start to first page", firsts))
    print(line("serve: save a guide to its page served again", saves))
    return 0


if __name__ == "__main__":
    sys.exit(main())
