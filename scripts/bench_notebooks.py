#!/usr/bin/env python3
"""Measure the notebooks and what they cost the site build (not a test: it prints numbers to compare).

    python scripts/bench_notebooks.py               every notebook, then the build with and without execution
    python scripts/bench_notebooks.py --no-build    the notebooks only

Per notebook: wall time, CPU time and peak memory (the child's ru_maxrss) of running its source as a
script, which runs every cell in order. Then two strict builds of the site into a temporary folder, with
notebook execution off (as `tasks.py serve` and the tests build) and on (as `tasks.py build` publishes).
Both builds run from an empty working folder so that mkdocs-jupyter's cache (.cache/ in the working
folder) cannot hide the cost of execution. The machine's load average is printed too: on a busy machine
wall time stretches, CPU time does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))


def measure(cmd: list[str], cwd: Path, env: dict) -> tuple[int, float, float, float]:
    """Run cmd; return (exit status, wall s, CPU s, peak resident MB) of the process and its reaped children."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode:
        print(f"  failed: {' '.join(cmd)}\n{err[-2000:]}", file=sys.stderr)
    peak_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)  # bytes on macOS, KB on Linux
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime, peak_mb


def table(title: str, rows: list[tuple]) -> None:
    print(f"\n{title}")
    print(f"  {'':<34} {'status':>6} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}")
    for name, (status, wall, cpu, mb) in rows:
        print(f"  {name:<34} {'ok' if status == 0 else 'FAILED':>6} {wall:>8.1f} {cpu:>8.1f} {mb:>8.0f}")


def main(argv: list[str]) -> int:
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", NO_MKDOCS_2_WARNING="1")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for source in NOTEBOOKS:
            rows.append((source.stem, measure([sys.executable, str(source)], Path(tmp), env)))
    table("Notebooks, each run as a script (every cell, in order)", rows)
    failed = any(r[1][0] for r in rows)
    if "--no-build" not in argv:
        builds = []
        for label, execute in (("build, notebooks not executed", "false"), ("build, notebooks executed", "true")):
            with tempfile.TemporaryDirectory() as cwd, tempfile.TemporaryDirectory() as dest:
                cmd = [
                    sys.executable,
                    "-m",
                    "mkdocs",
                    "build",
                    "--strict",
                    "--quiet",
                    "-f",
                    str(ROOT / "mkdocs.yml"),
                    "-d",
                    dest,
                ]
                build_env = dict(env, ROADMAP_EXECUTE_NOTEBOOKS=execute)
                build_env.pop("MPLBACKEND")  # as tasks.py build: the kernels draw inline plots into the pages
                builds.append((label, measure(cmd, Path(cwd), build_env)))
        table("Site builds (strict, into a temporary folder, no cache)", builds)
        failed = failed or any(b[1][0] for b in builds)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
