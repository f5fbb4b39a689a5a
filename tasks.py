#!/usr/bin/env python3
"""Every chore of the site in one small script, each creating its own environment in .venv first.

    python3 tasks.py serve     serve the site at http://127.0.0.1:8000, rebuilt as you edit
    python3 tasks.py test      run every test (data, build, links, code examples, notebooks, browser)
    python3 tasks.py build     the publishing build: strict, notebooks executed, into site/

Extra arguments after `test` go to pytest (e.g. `python3 tasks.py test -k validation`).
Only the standard library is used here, so it runs on a fresh clone.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def say(msg: str) -> None:
    print(f"tasks.py: {msg}", flush=True)


def ensure_env(extras: str) -> None:
    """Create .venv and install the project with the given extras, again only when pyproject.toml changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - say so clearly to a learner on an older Python
        sys.exit(f"tasks.py: Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not PY.exists():
        say(f"creating the environment in {VENV.relative_to(ROOT)}/")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{extras.replace(',', '-')}-{digest}"
    if stamp.exists():
        return
    say(f"installing the project with [{extras}] (first run, or pyproject.toml changed)")
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    torch_index = os.environ.get("TORCH_INDEX_URL")
    if torch_index and "ml" in extras.split(","):
        # PyPI's Linux torch includes CUDA (several GB); PyTorch's own index has the CPU-only build.
        # The workflows set this; the pinned version comes from pyproject.toml, so the two never differ.
        pin = re.search(r'"(torch==[^";]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8")).group(1)
        say(f"installing {pin} from {torch_index}")
        subprocess.run([str(PY), "-m", "pip", "install", "--quiet", pin, "--index-url", torch_index], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"], cwd=ROOT, check=True)
    for old in VENV.glob(f".installed-{extras.replace(',', '-')}-*"):
        old.unlink()
    stamp.touch()


def find_chromium() -> str | None:
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def ensure_chromium() -> str:
    """The browser tests drive a system Chromium; install Debian's package where we can."""
    found = find_chromium()
    if found:
        return found
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        say("installing Debian's chromium package for the browser tests")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, stdout=subprocess.DEVNULL)
        found = find_chromium()
        if found:
            return found
    sys.exit(
        "tasks.py: the browser tests need Chromium or Chrome. Install it (Debian/Ubuntu: "
        "`sudo apt-get install chromium`; macOS: install Google Chrome) or set CHROMIUM_PATH."
    )


def site_env(**extra: str) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MPLBACKEND="Agg", PYTHONHASHSEED="0", **extra)
    env.pop("PYTHONPATH", None)
    return env


# What `serve` leaves out of each build, so that a saved page is back in the browser in seconds: the git
# dates, the search index, and the published build's size optimisations (hooks/block_sizes.py, the CSS
# pruning in hooks/notebook_pages.py). Pages read the same; `build` and the tests keep all of it.
SERVE_ENV = {"ROADMAP_GIT_DATES": "false", "ROADMAP_SEARCH": "false", "ROADMAP_PREVIEW": "true"}


def serve(args: list[str]) -> int:
    ensure_env("docs")
    cmd = [str(BIN / "mkdocs"), "serve", "--livereload", *args]
    say("serving at http://127.0.0.1:8000 (Ctrl+C to stop); search is off while serving")
    return subprocess.call(cmd, cwd=ROOT, env=site_env(**SERVE_ENV))


def build(args: list[str]) -> int:
    ensure_env("docs,ml")
    cmd = [str(BIN / "mkdocs"), "build", "--clean", *args]
    env = site_env(ROADMAP_EXECUTE_NOTEBOOKS="true")
    env.pop("MPLBACKEND")  # Agg would hide the notebooks' plots: let their kernels use the inline backend
    return subprocess.call(cmd, cwd=ROOT, env=env)


def test_workers() -> int:
    """One pytest worker per core, up to 4 (each can hold a model and a browser in memory)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 4)


def test(args: list[str]) -> int:
    ensure_env("docs,ml,test")
    chromium = ensure_chromium()
    # Spread the tests over the cores; the tests that use the built site share one worker (conftest.py).
    # Pass `-n 0` to run everything in one process.
    chosen = any(a.startswith(("-n", "--numprocesses")) for a in args)
    parallel = [] if chosen else ["-n", str(test_workers()), "--dist", "loadgroup"]
    cmd = [str(PY), "-m", "pytest", *parallel, *args]
    env = site_env(CHROMIUM_PATH=chromium)
    # The examples are small: one BLAS/OpenMP thread costs them little, while two threads on a busy
    # 2-core machine were measured 60x slower on small torch operations. A learner's own setting wins.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return subprocess.call(cmd, cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    tasks = {"serve": serve, "test": test, "build": build}
    if not argv or argv[0] not in tasks:
        print(__doc__)
        return 2
    return tasks[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
