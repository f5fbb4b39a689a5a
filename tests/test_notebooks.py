"""The notebooks: each runs offline on CPU within its budget and checks its own claims; each is linked from
its week, listed in the navigation, downloadable as an up-to-date .ipynb; and their pages load nothing
from another host.

A notebook source is a jupytext percent-format .py file, which is also a plain Python script: running
it with Python runs its cells in order, and a failure points at a line of the source.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, build_site
from macros import render

DOCS = ROOT / "docs"
NOTEBOOKS = sorted((DOCS / "notebooks").glob("*.py"))
BUDGET_S = 60  # CPU seconds per notebook (issue: under a minute on 2 cores)


def _sync_module():
    spec = importlib.util.spec_from_file_location("sync_notebooks", ROOT / "scripts" / "sync_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def code_cells(source: Path) -> list[str]:
    """The code cells of a percent-format source (markdown cells and the header dropped)."""
    cells, current, kind = [], [], None
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("# %%"):
            if kind == "code":
                cells.append("\n".join(current))
            kind = "markdown" if "[markdown]" in line else "code"
            current = []
        elif kind is not None:
            current.append(line)
    if kind == "code":
        cells.append("\n".join(current))
    return cells


@pytest.mark.slow
@pytest.mark.parametrize("kernel_setting", ["native", "portable"])
@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_offline_within_budget(source: Path, kernel_setting, portable_kernels, tmp_path, record_property):
    """Each notebook with this CPU's own kernels and with the portable ones (tests/kernels.py): its asserts
    must hold on any processor."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    if kernel_setting == "portable":
        env.update(portable_kernels)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(source)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    record_property("notebook_timing", (f"{source.stem} ({kernel_setting})", wall, cpu))
    assert proc.returncode == 0, f"{source.relative_to(ROOT)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    # CPU time: a busy test machine stretches wall time, not the work the notebook does.
    assert cpu < BUDGET_S, f"{source.name} used {cpu:.0f} s of CPU (wall {wall:.0f} s); the budget is {BUDGET_S} s"


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_plain_python_that_checks_its_claims(source: Path):
    """No IPython magics or shell escapes (the file must run as a script), and real checks in the code."""
    cells = code_cells(source)
    assert cells, "no code cells"
    for cell in cells:
        ast.parse(cell)  # a magic (%...) or shell escape (!...) is a syntax error here
    asserts = sum(len(re.findall(r"^\s*assert\b", cell, re.M)) for cell in cells)
    assert asserts >= 3, f"{source.name} checks only {asserts} claims with assert; a notebook must check its results"
    text = source.read_text(encoding="utf-8")
    assert text.startswith("# ---\n# jupyter:") and "format_name: percent" in text, "not a jupytext percent file"


def test_committed_ipynb_files_are_in_sync_with_their_sources():
    stale = _sync_module().stale()
    assert not stale, (
        "out of date: "
        + ", ".join(p.name for p in stale)
        + "; run `python scripts/sync_notebooks.py` and commit the .ipynb files"
    )
    assert sorted(p.stem for p in (DOCS / "notebooks").glob("*.ipynb")) == [p.stem for p in NOTEBOOKS]


def test_every_notebook_is_in_the_nav_and_linked_from_its_week(roadmap):
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for source in NOTEBOOKS:
        assert f"- notebooks/{source.name}\n" in nav, f"{source.name} is missing from the nav of mkdocs.yml"
    linked = {w.project.notebook: w for w in roadmap.weeks if w.project.notebook}
    assert set(linked) == {f"notebooks/{p.name}" for p in NOTEBOOKS}, "every notebook belongs to a week's project"
    for week_id in (
        "week-01",
        "week-02",
        "week-03",
        "week-04",
        "week-09",
        "week-10",
        "week-11",
        "week-12",
        "week-13",
        "week-14",
        "week-15",
        "week-16",
        "week-17",
        "week-18",
    ):
        assert roadmap.week(week_id).project.notebook, f"{week_id}'s checkpoint project has no notebook"


def test_week_page_links_its_notebook_under_the_project(roadmap):
    week = roadmap.week("week-01")
    page = render.week_page(roadmap, week, week.page)
    project = page[page.index("{#project}") :]
    assert "(../notebooks/week-01-linear-regression.py)" in project
    # the checklist itself is unchanged
    assert [m for m in re.findall(r'data-mdx-item="([^"]+)"', project)] == [t.id for t in week.project.tasks]


EXTERNAL = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)


@pytest.mark.slow
def test_notebook_pages_load_nothing_from_another_host(built_site):
    for source in NOTEBOOKS:
        html = (built_site / "notebooks" / source.stem / "index.html").read_text(encoding="utf-8")
        assert not EXTERNAL.findall(html), f"{source.stem}: a script, style or image from another host"
        # nbconvert's Mermaid loader imports from a CDN, but only when a notebook has a Mermaid output
        assert not re.search(r'class="[^"]*\bjp-Mermaid\b', html), (
            f"{source.stem}: a Mermaid output would load Mermaid from a CDN"
        )


@pytest.mark.slow
def test_notebook_pages_offer_the_ipynb_and_no_colab_link_without_a_repository(built_site):
    for source in NOTEBOOKS:
        html = (built_site / "notebooks" / source.stem / "index.html").read_text(encoding="utf-8")
        assert f'href="../{source.stem}.ipynb" download' in html
        assert (built_site / "notebooks" / f"{source.stem}.ipynb").is_file()
        if not os.environ.get("REPO_URL"):
            assert "colab.research.google.com" not in html, "a Colab link needs the repository (REPO_URL)"


@pytest.mark.slow
def test_colab_link_appears_when_the_repository_is_known(tmp_path):
    proc = build_site(tmp_path, REPO_URL="https://github.com/example/roadmap/", REPO_BRANCH="main")
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "notebooks" / "week-02-mlp-digits" / "index.html").read_text(encoding="utf-8")
    assert (
        'href="https://colab.research.google.com/github/example/roadmap/blob/main/'
        'docs/notebooks/week-02-mlp-digits.ipynb"'
    ) in html


@pytest.mark.slow
def test_test_suite_is_a_download_not_a_page(built_site):
    assert (built_site / "downloads" / "TEST_SUITE.py").is_file()
    assert not (built_site / "downloads" / "TEST_SUITE").exists()


def pytest_terminal_summary_hook(terminalreporter):
    """The run times, from the test reports (so that they reach the summary from xdist workers too)."""
    timings = [
        value
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        if report.when == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == "notebook_timing"
    ]
    if timings:
        terminalreporter.write_line(
            "notebook run times (wall s / CPU s): "
            + ", ".join(f"{name} {wall:.1f}/{cpu:.1f}" for name, wall, cpu in sorted(timings))
        )
