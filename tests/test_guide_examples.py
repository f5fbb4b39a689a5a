"""Every python block of every page runs, in page order, offline, on CPU, and checks its own result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from examples import parse_blocks, python_blocks, run_page

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if python_blocks(parse_blocks(p, ROOT)))
MAX_NORUN_PER_PAGE = 4  # blocks that cannot run here stay few
SKIPPED: dict[str, list] = {}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples_run(page: Path, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    result = run_page(page, ROOT)
    SKIPPED[result.page] = result.skipped
    assert result.executed or result.skipped, "no python block ran"
    assert len(result.skipped) <= MAX_NORUN_PER_PAGE, (
        f"{result.page} has {len(result.skipped)} blocks marked norun; keep them to {MAX_NORUN_PER_PAGE} or fewer"
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
    if not SKIPPED:
        return
    total = sum(len(v) for v in SKIPPED.values())
    terminalreporter.write_line(f"code examples marked norun (not executed here): {total}")
    for page, blocks in sorted(SKIPPED.items()):
        for b in blocks:
            terminalreporter.write_line(f"  {page}:{b.line}: {b.norun_reason}")
