"""The learners' TEST_SUITE.py: it passes on a good setup, offline and quickly, and on a bad one it fails
with a table and a fix instead of a traceback."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "docs" / "downloads" / "TEST_SUITE.py"
BUDGET_S = 30  # the promise on the setup page

# Loaded first by Python at start-up (it is on PYTHONPATH): any attempt to reach the network fails.
NO_NETWORK = """
import socket
def _refuse(*args, **kwargs):
    raise OSError("network access attempted during TEST_SUITE.py")
socket.socket.connect = _refuse
socket.create_connection = _refuse
"""


HIDE_DISTRIBUTIONS = """
import importlib.metadata as _m
_version = _m.version
def _hidden(name):
    if name.lower() in HIDDEN:
        raise _m.PackageNotFoundError(name)
    return _version(name)
_m.version = _hidden
"""


def run_suite(tmp_path: Path, shims: dict[str, str] | None = None, hidden: tuple[str, ...] = (), args=()):
    """Run the script as a learner would, with `shims` (module name -> code) shadowing real packages and the
    distributions in `hidden` looking uninstalled."""
    shim_dir = tmp_path / "shims"
    shim_dir.mkdir()
    custom = NO_NETWORK + (f"HIDDEN = {set(hidden)!r}\n" + HIDE_DISTRIBUTIONS if hidden else "")
    (shim_dir / "sitecustomize.py").write_text(custom, encoding="utf-8")
    for name, code in (shims or {}).items():
        (shim_dir / name).mkdir()
        (shim_dir / name / "__init__.py").write_text(code, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(shim_dir), PYTHONIOENCODING="utf-8")
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return proc, time.perf_counter() - start, cpu


def row(stdout: str, name: str) -> str:
    """The table row of one check."""
    found = [line for line in stdout.splitlines() if line.strip().startswith(name + " ")]
    assert found, f"no row for {name!r} in:\n{stdout}"
    return found[0]


def test_passes_on_the_project_environment_offline_and_fast(tmp_path):
    proc, wall, cpu = run_suite(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.rstrip().endswith("All tests passed ✓")
    assert " FAIL " not in proc.stdout and "Traceback" not in proc.stderr
    for check in (
        "Python version",
        "package numpy",
        "package torch",
        "NumPy linear algebra",
        "PyTorch device",
        "gradient check",
        "linear regression (GD vs closed form)",
        "softmax and cross-entropy stability",
    ):
        assert " PASS " in row(proc.stdout, check)
    # CPU time, not wall time: a busy test machine must not fail a script that is fast on its own.
    assert cpu < BUDGET_S, (
        f"TEST_SUITE.py used {cpu:.1f} s of CPU (wall {wall:.1f} s); the promise is under {BUDGET_S} s"
    )


def test_missing_required_package_fails_with_a_fix(tmp_path):
    proc, _, _ = run_suite(tmp_path, {"torch": "raise ImportError('hidden by the test')"})
    assert proc.returncode == 1
    assert " FAIL " in row(proc.stdout, "package torch")
    assert " SKIP " in row(proc.stdout, "PyTorch device")
    assert 'pip install "torch>=' in proc.stdout
    assert "guides/troubleshooting-guide/#setup" in proc.stdout
    assert "All tests passed" not in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    # the other checks still ran
    assert " PASS " in row(proc.stdout, "gradient check")


def test_missing_optional_package_is_a_warning_not_a_failure(tmp_path):
    proc, _, _ = run_suite(tmp_path, {"jupyterlab": "raise ImportError('hidden by the test')"})
    assert proc.returncode == 0, proc.stdout
    assert " WARN " in row(proc.stdout, "package jupyterlab")
    assert proc.stdout.rstrip().endswith("All tests passed ✓")


def test_broken_numpy_is_reported_not_crashed(tmp_path):
    """A package that raises something other than ImportError on import (a half-installed NumPy)."""
    proc, _, _ = run_suite(tmp_path, {"numpy": "raise RuntimeError('a broken install')"})
    assert proc.returncode == 1
    assert " FAIL " in row(proc.stdout, "package numpy")
    assert " SKIP " in row(proc.stdout, "NumPy linear algebra")
    assert "Some tests FAILED" in proc.stdout and "All tests passed" not in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2.13.0+cpu", (2, 13, 0)),
        ("1.26.4", (1, 26, 4)),
        ("2.0.0rc1", (2, 0, 0)),
        ("3.11.2.post1", (3, 11, 2)),
        ("unknown", ()),
    ],
)
def test_versions_compare_as_numbers(text, expected):
    TEST_SUITE = load_suite()
    assert TEST_SUITE.version_tuple(text) == expected
    assert TEST_SUITE.version_tuple("1.10") > TEST_SUITE.version_tuple("1.9")


def load_suite():
    from macros import load_test_suite

    return load_test_suite(SCRIPT)


def test_phases_install_what_the_site_itself_runs():
    """TEST_SUITE.py's table (from which the setup page's install commands are made) names every library the
    guides and notebooks import (pyproject.toml's ml extra), with the same lower bounds, and nothing else."""
    import re
    import tomllib

    ml = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["ml"]
    site: dict[str, str] = {}
    for req in ml:
        m = re.match(r"([A-Za-z0-9_.\-\[\]]+?)\s*(?:==|>=)\s*([0-9][^,;]*)", req)
        assert m, req
        name = m.group(1).lower().replace("xgboost-cpu", "xgboost")  # the Linux CPU-only build of the same package
        low = m.group(2).strip()
        if name not in site or tuple(map(int, low.split("."))) < tuple(map(int, site[name].split("."))):
            site[name] = low  # a package listed per platform: the lowest bound any platform accepts
    site.pop("ipykernel")  # what the build's notebook kernel needs; a learner's Jupyter brings its own
    suite = load_suite()
    listed = {pip.lower(): low for n in suite.PHASES for _, pip, low, _ in suite.PHASES[n]}
    assert set(listed) == set(site), (
        f"only in pyproject.toml: {sorted(set(site) - set(listed))}; "
        f"only in TEST_SUITE.py: {sorted(set(listed) - set(site))}"
    )
    # the site pins torch; a learner may have any release since the oldest the guides work with
    differ = {k: (listed[k], site[k]) for k in listed if listed[k] != site[k] and k != "torch"}
    assert not differ, f"lower bounds differ (TEST_SUITE.py, pyproject.toml): {differ}"


def test_later_phases_are_warnings_until_asked_for(tmp_path):
    proc, _, _ = run_suite(tmp_path, hidden=("xgboost", "xgboost-cpu"))
    assert proc.returncode == 0, proc.stdout
    assert "setup check for Phase 1 (Weeks 1-4)" in proc.stdout
    line = row(proc.stdout, "package xgboost")
    assert " WARN " in line and "needed in Phase 2" in line, line
    assert 'Before Phase 2: pip install "xgboost>=' in proc.stdout
    assert proc.stdout.rstrip().endswith("All tests passed ✓")


def test_asking_for_a_later_phase_requires_its_libraries(tmp_path):
    proc, _, _ = run_suite(tmp_path, hidden=("xgboost", "xgboost-cpu"), args=("--phase", "2"))
    assert proc.returncode == 1, proc.stdout
    assert " FAIL " in row(proc.stdout, "package xgboost")
    assert " PASS " in row(proc.stdout, "package lightgbm")
    assert "Some tests FAILED" in proc.stdout
    suite = load_suite()
    assert suite.pip_command(2, only_new=True).startswith('pip install "xgboost>=2.0"')
    assert '"numpy>=1.26"' in suite.pip_command(3) and '"numpy>=1.26"' not in suite.pip_command(3, only_new=True)
