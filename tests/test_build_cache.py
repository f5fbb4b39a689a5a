"""hooks/build_cache.py reuses what a rebuild would compute again; the site it writes must not change by a byte."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("build_cache")]  # one worker builds the copy once

# Run in a copy of the project: build, save a guide with a new paragraph, build, put the guide back,
# build again; all in one process with a fresh configuration each time, as `mkdocs serve` rebuilds.
REBUILDS = r"""
import json, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

out, guide = Path(sys.argv[1]), Path("docs/guides/mathematics-for-ml.md")
original = guide.read_text(encoding="utf-8")
build(load_config("mkdocs.yml", site_dir=str(out / "first")))
guide.write_text(original + "\n\nA paragraph saved while serving.\n", encoding="utf-8")
build(load_config("mkdocs.yml", site_dir=str(out / "edited")))
guide.write_text(original, encoding="utf-8")
build(load_config("mkdocs.yml", site_dir=str(out / "restored")))
print(json.dumps(sys.modules["_roadmap_build_cache"].stats))
"""


def _copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(".git", ".venv", "site", ".cache", ".pytest_cache", "__pycache__", "node_modules")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def _env(**extra: str) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", ROADMAP_GIT_DATES="false", SOURCE_DATE_EPOCH="1700000000")
    env.pop("ROADMAP_EXECUTE_NOTEBOOKS", None)
    env.update(extra)
    return env


def _differences(a: Path, b: Path) -> list[str]:
    left = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    right = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    if left != right:
        return sorted(set(left) ^ set(right))
    return [name for name in left if not filecmp.cmp(a / name, b / name, shallow=False)]


def _build(project: Path, dest: Path, **env: str) -> Path:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(dest)],
        cwd=project,
        env=_env(**env),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dest


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the project, and its site built with hooks/build_cache.py switched off."""
    tmp = tmp_path_factory.mktemp("build-cache")
    project = _copy_project(tmp / "project")
    return project, _build(project, tmp / "clean", ROADMAP_BUILD_CACHE="false")


def test_a_rebuild_from_remembered_results_writes_the_same_site_as_a_build_without_them(clean_build, tmp_path):
    project, clean = clean_build
    proc = subprocess.run(
        [sys.executable, "-c", REBUILDS, str(tmp_path)], cwd=project, env=_env(), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = json.loads(proc.stdout.strip().splitlines()[-1])

    # The rebuilds really reused results: each Markdown page converted once, the saved guide once more, and
    # every other conversion (the restored guide's too: the same text as the first time) taken from memory.
    pages = sum(1 for _ in (project / "docs").rglob("*.md"))
    assert stats["page"] == [2 * pages - 1, pages + 1], stats
    assert stats["highlight"][0] > 0 and stats["block_sizes"][0] > 0, stats
    # ...the saved page was converted again, not taken from memory...
    edited = (tmp_path / "edited" / "guides" / "mathematics-for-ml" / "index.html").read_text(encoding="utf-8")
    assert "A paragraph saved while serving." in edited
    # ...and the site is byte for byte the one a build that computes everything writes.
    assert _differences(clean, tmp_path / "first") == []
    assert _differences(clean, tmp_path / "restored") == []


STYLE_HINT = re.compile(r' style="--mdx-(?:h|lines):[^"]*"')  # hooks/block_sizes.py's rendering hints
ARTICLE = re.compile(r"<article\b.*?</article>", re.S)


def _serve_env() -> dict[str, str]:
    """What `python3 tasks.py serve` sets (tasks.py's SERVE_ENV)."""
    sys.path.insert(0, str(ROOT))
    try:
        from tasks import SERVE_ENV
    finally:
        sys.path.remove(str(ROOT))
    return SERVE_ENV


def test_the_serve_build_is_strict_and_shows_the_same_pages_without_the_published_extras(clean_build, tmp_path):
    project, clean = clean_build
    preview = _build(project, tmp_path / "preview", **_serve_env())
    assert (clean / "search" / "search_index.json").is_file()
    assert not (preview / "search" / "search_index.json").exists()
    for page in ("roadmap/week-01", "guides/mathematics-for-ml", "guides/reinforcement-learning", "progress"):
        published = (clean / page / "index.html").read_text(encoding="utf-8")
        served = (preview / page / "index.html").read_text(encoding="utf-8")
        assert STYLE_HINT.search(published) or page in ("roadmap/week-01", "progress")
        assert STYLE_HINT.sub("", ARTICLE.search(published).group()) == ARTICLE.search(served).group(), page
    notebook = (preview / "notebooks" / "week-01-linear-regression" / "index.html").read_text(encoding="utf-8")
    assert "mathjax" not in notebook.lower() and 'class="jupyter-wrapper"' in notebook


ONE_BUILD = r"""
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

build(load_config("mkdocs.yml", site_dir=sys.argv[1]))
print(json.dumps(sys.modules["_roadmap_build_cache"].stats))
"""


def test_the_next_serve_starts_from_the_pages_the_last_one_converted(clean_build, tmp_path):
    project, _ = clean_build
    env = _env(**_serve_env())
    runs = []
    for name in ("first", "second"):
        proc = subprocess.run(
            [sys.executable, "-c", ONE_BUILD, str(tmp_path / name)],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert list((project / ".cache" / "roadmap-build").glob("serve-*.pickle"))
    pages = sum(1 for _ in (project / "docs").rglob("*.md"))
    assert runs[1]["page"] == [pages, 0], runs  # every page from the file the first run left
    assert _differences(tmp_path / "first", tmp_path / "second") == []
