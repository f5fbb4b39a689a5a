"""The fast checks of .pre-commit-config.yaml, over the whole repository, so CI enforces them too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BIN = Path(sys.executable).parent


def tracked(*suffixes: str) -> list[str]:
    """The files git tracks (or, outside a checkout, every file) with these endings, minus vendored ones."""
    if shutil.which("git") and (ROOT / ".git").exists():
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    else:
        out = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()]
    return sorted(f for f in out if f.endswith(suffixes) and not f.startswith(("docs/assets/vendor/", ".venv/")))


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize(
    "args", [("check", "--output-format", "concise"), ("format", "--check")], ids=["ruff-check", "ruff-format"]
)
def test_python_is_linted_and_formatted(args):
    proc = run("ruff", *args, *tracked(".py"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_spelling():
    proc = run("codespell", *tracked(".py", ".md", ".yml", ".yaml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_markdown_lint():
    proc = run("pymarkdown", "--config", ".pymarkdown.json", "scan", *tracked(".md"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
