"""Every python block of every page runs, in page order, offline, on CPU, and checks its own result, with
this machine's own vector kernels and again with the portable ones (tests/kernels.py), so that an output
that depends on the processor fails here, whatever the processor."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from examples import parse_blocks, python_blocks, run_page

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if python_blocks(parse_blocks(p, ROOT)))
MAX_NORUN_PER_PAGE = 4  # blocks that cannot run here stay few


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples_run(page: Path, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    result = run_page(page, ROOT)
    assert result.executed or result.skipped, "no python block ran"
    assert len(result.skipped) <= MAX_NORUN_PER_PAGE, (
        f"{result.page} has {len(result.skipped)} blocks marked norun; keep them to {MAX_NORUN_PER_PAGE} or fewer"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples_run_with_portable_kernels(page: Path, portable_kernels, tmp_path):
    """The same page, in a fresh interpreter whose NumPy and PyTorch use other kernels than this CPU's best."""
    env = dict(os.environ, MPLBACKEND="Agg", **portable_kernels)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "examples.py"), str(page)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, (
        f"with {portable_kernels}:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}\n"
        "A number that depends on the processor: assert a bound for rounding noise, or give the Output "
        "block a tolerance for results of training (CONTRIBUTING.md, 'Numbers on any CPU')."
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples_check_their_results(page: Path):
    """A page of examples that asserts nothing and checks no output proves nothing."""
    blocks = [b for b in python_blocks(parse_blocks(page, ROOT)) if b.norun_reason is None]
    checked = [b for b in blocks if b.expected_output is not None or re.search(r"^\s*assert\b", b.code, re.M)]
    assert len(checked) * 2 >= len(blocks), (
        f"{page.relative_to(ROOT)}: only {len(checked)} of {len(blocks)} runnable blocks check their result "
        "(an assert, or an Output block); at least half must"
    )


def pytest_terminal_summary_hook(terminalreporter):  # called from conftest's hook
    """List the norun blocks (read from the pages, so it also works when the tests ran in xdist workers)."""
    skipped = [b for p in PAGES for b in python_blocks(parse_blocks(p, ROOT)) if b.norun_reason is not None]
    terminalreporter.write_line(f"code examples marked norun (not executed here): {len(skipped)}")
    for b in skipped:
        terminalreporter.write_line(f"  {b.page}:{b.line}: {b.norun_reason}")
