"""Shared fixtures: the loaded roadmap, one strict build of the site per test session, a local server
for it, and a headless Chromium driven by Playwright (the system's browser, never a downloaded one)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DATA = ROOT / "data" / "roadmap.yml"
sys.path.insert(0, str(ROOT))

import kernels  # noqa: E402
from macros.roadmap import load  # noqa: E402

# Tests that use the built site run on one xdist worker, so that the site is built once per run
# (tasks.py runs the tests on every core: the examples and notebooks spread over the others).
SITE_FIXTURES = {"built_site", "site_url", "instant_url", "browser"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SITE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("site"))


@pytest.fixture(scope="session")
def roadmap():
    return load(DATA, DOCS)


@pytest.fixture(scope="session")
def portable_kernels() -> dict[str, str]:
    """Environment variables for NumPy's baseline kernels and PyTorch's default ones (tests/kernels.py)."""
    return kernels.portable()


def build_site(dest: Path, config: Path | None = None, **env_vars: str) -> subprocess.CompletedProcess:
    """A strict build into dest; returns the finished process (check returncode and stderr)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_vars)
    env.pop("ROADMAP_EXECUTE_NOTEBOOKS", None)  # tests/test_notebooks.py runs the notebooks themselves
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(dest)]
    if config:
        cmd += ["-f", str(config)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site, built once per session, strictly; any warning fails the build and the tests using it."""
    dest = tmp_path_factory.mktemp("site")
    proc = build_site(dest)
    assert proc.returncode == 0, f"the strict build failed:\n{proc.stdout}\n{proc.stderr}"
    return dest


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_dir(directory: Path, port: int = 0):
    """Serve a folder on loopback (a free port unless one is given), as a static host would; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served on a free loopback port."""
    with serve_dir(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def instant_url(tmp_path_factory):
    """The site built with Material's instant navigation on (off on the site itself:
    hooks/instant_navigation.py), and with site_url set to where it is served, as on GitHub Pages:
    instant navigation is only active when the sitemap's addresses match the page's."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    dest = tmp_path_factory.mktemp("site-instant")
    proc = build_site(dest, SITE_URL=url, ROADMAP_INSTANT_NAVIGATION="1")
    assert proc.returncode == 0, proc.stderr
    with serve_dir(dest, port) as served:
        assert served == url
        yield url


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM_PATH") or next(
        (p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))), None
    )
    if not found:
        pytest.fail(
            "no Chromium found: run the tests with `python3 tasks.py test`, which installs it, or set CHROMIUM_PATH"
        )
    return found


# Chromium's own background traffic is refused on a closed network; these flags keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    """A fresh browser context (its own storage) per test; a test module may override it, for a viewport."""
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page in that context; the test fails if a script on the page throws."""
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    assert not errors, f"script errors on the page: {errors}"


def pytest_terminal_summary(terminalreporter):
    """Report the code examples that do not run here, and why, so that they stay visible and few, and the
    notebooks' run times. Read from the reports, as the tests may have run in xdist workers."""
    ran = {
        r.nodeid.split("::")[0] for reports in terminalreporter.stats.values() for r in reports if hasattr(r, "nodeid")
    }
    for name in ("test_guide_examples", "test_notebooks"):
        if f"tests/{name}.py" in ran:
            importlib.import_module(name).pytest_terminal_summary_hook(terminalreporter)
