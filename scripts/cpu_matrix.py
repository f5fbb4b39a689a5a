#!/usr/bin/env python3
"""Run every page's examples and every notebook under each CPU kernel setting in turn, and tabulate which
blocks print something different from this machine's native run, and which fail their checks.

    .venv/bin/python scripts/cpu_matrix.py                      every setting of tests/kernels.py
    .venv/bin/python scripts/cpu_matrix.py --settings native,torch-default --only mathematics
    .venv/bin/python scripts/cpu_matrix.py --out matrix.md      also write the tables to a file

A setting changes one library's kernels at a time (NumPy's dispatch targets, PyTorch's capability,
OpenBLAS's core type; tests/kernels.py says which exist on this machine). A block whose output changes
but still passes is fine: its Output block allows for it. A failure is a block to fix (CONTRIBUTING.md,
"Numbers on any CPU"). Runs two jobs at a time; the whole matrix takes a while, so it is a script to run
before a release or after changing many examples, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import kernels  # noqa: E402
from examples import parse_blocks, python_blocks  # noqa: E402

DOCS = ROOT / "docs"


def pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if python_blocks(parse_blocks(p, ROOT)))


def notebooks() -> list[Path]:
    return sorted((DOCS / "notebooks").glob("*.py"))


def base_env(setting: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NPY_DISABLE_CPU_FEATURES", "ATEN_CPU_CAPABILITY")}
    env.update(MPLBACKEND="Agg", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")  # as tasks.py test runs them
    env.update(setting)
    return env


def run_page(path: Path, setting: dict[str, str]) -> dict:
    """{"blocks": {line: (printed, mismatch)}, "error": message or None} for one page under one setting."""
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "record.json"
        proc = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "examples.py"), "--record", str(record), str(path)],
            cwd=tmp,
            env=base_env(setting),
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if not record.exists():
            return {"blocks": {}, "error": f"crashed (exit {proc.returncode}): {proc.stderr[-500:]}"}
        (result,) = json.loads(record.read_text(encoding="utf-8")).values()
    blocks = {b["line"]: (b["printed"], b["mismatch"]) for b in result["blocks"]}
    return {"blocks": blocks, "error": result["error"]}


def run_notebook(path: Path, setting: dict[str, str]) -> dict:
    """A notebook as one block: what it printed, and its failure (a failed assert) if any."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, str(path)],
            cwd=tmp,
            env=base_env(setting),
            capture_output=True,
            text=True,
            timeout=1800,
        )
    error = None if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
    return {"blocks": {0: (proc.stdout, None)}, "error": error and error[0]}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--settings", help="comma-separated names (default: all of tests/kernels.py)")
    ap.add_argument("--only", help="run only pages and notebooks whose path contains this")
    ap.add_argument("--no-notebooks", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    args = ap.parse_args(argv)

    all_settings = kernels.settings()
    names = args.settings.split(",") if args.settings else list(all_settings)
    if "native" not in names:
        names.insert(0, "native")
    unknown = [n for n in names if n not in all_settings]
    if unknown:
        sys.exit(f"unknown settings {unknown}; this machine has: {', '.join(all_settings)}")
    targets = [(p, run_page) for p in pages()]
    if not args.no_notebooks:
        targets += [(p, run_notebook) for p in notebooks()]
    if args.only:
        targets = [(p, f) for p, f in targets if args.only in p.as_posix()]

    jobs = [(name, path, fn) for name in names for path, fn in targets]
    start = time.perf_counter()

    def one(name: str, path: Path, fn) -> dict:
        res = fn(path, all_settings[name])
        failed = sum(bool(m) for _, m in res["blocks"].values()) + bool(res["error"])
        # a line per finished run, so that a run cut short still tells what it found
        print(
            f"done: {name:18} {path.relative_to(ROOT).as_posix():60} {len(res['blocks']):3} blocks, "
            f"{failed} failed{': ' + res['error'].splitlines()[0][:120] if res['error'] else ''}",
            flush=True,
        )
        return res

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {(name, path): pool.submit(one, name, path, fn) for name, path, fn in jobs}
        results = {key: f.result() for key, f in futures.items()}
    elapsed = time.perf_counter() - start

    rel = lambda p: p.relative_to(ROOT).as_posix()
    rows, details, total_failed = [], [], 0
    for name in names:
        changed = failed = 0
        for path, _ in targets:
            res, native = results[(name, path)], results[("native", path)]
            for line, (printed, mismatch) in res["blocks"].items():
                differs = name != "native" and native["blocks"].get(line, (None,))[0] != printed
                changed += differs
                failed += bool(mismatch)
                if differs or mismatch:
                    what = "FAILS" if mismatch else "changes, passes"
                    details.append(f"| {name} | `{rel(path)}:{line}` | {what} |")
            if res["error"]:
                failed += 1
                details.append(f"| {name} | `{rel(path)}` | ERROR: {res['error'].splitlines()[0][:160]} |")
        total_failed += failed
        rows.append(
            f"| {name} | `{' '.join(f'{k}={v}' for k, v in all_settings[name].items()) or '-'}` "
            f"| {changed} | {failed} |"
        )

    report = [
        f"CPU kernel matrix: {len(targets)} pages and notebooks x {len(names)} settings, {elapsed:.0f} s",
        "",
        "| setting | environment | blocks whose output changed | failures |",
        "|---|---|---|---|",
        *rows,
    ]
    if details:
        report += ["", "| setting | block | result |", "|---|---|---|", *details]
    text = "\n".join(report)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
