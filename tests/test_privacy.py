"""No page asks any other host for anything: fonts, math, diagrams and scripts are the site's own."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def all_pages(built_site) -> list[str]:
    pages = []
    for p in sorted(built_site.rglob("index.html")):
        rel = p.parent.relative_to(built_site).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return pages + ["404.html"]


def test_no_page_makes_a_request_to_another_host(built_site, site_url, browser):
    local = urlsplit(site_url).netloc
    context = browser.new_context()
    leaks: list[str] = []

    def guard(route):
        url = route.request.url
        if urlsplit(url).netloc != local and not url.startswith(("data:", "blob:")):
            leaks.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    visited = all_pages(built_site)
    for path in visited:
        leaks_before = len(leaks)
        page.goto(site_url + path, wait_until="networkidle")
        # math and diagrams load lazily: give them a moment
        page.wait_for_timeout(150)
        if len(leaks) > leaks_before:
            leaks[leaks_before:] = [f"{path}: {u}" for u in leaks[leaks_before:]]
    context.close()
    assert len(visited) > 60
    assert not leaks, "requests to other hosts:\n" + "\n".join(leaks)
