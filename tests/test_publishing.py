"""The site as GitHub Pages publishes it: canonical URLs, sitemap, descriptions, edit links, dates, 404."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from conftest import build_site, serve_dir

pytestmark = pytest.mark.slow
SITE = "https://learner.github.io/ml-roadmap/"
REPO = "https://github.com/learner/ml-roadmap"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Built the way the deploy workflow builds it, with the fork's own addresses."""
    dest = tmp_path_factory.mktemp("published")
    proc = build_site(dest, SITE_URL=SITE, REPO_URL=REPO, EDIT_URI="edit/main/docs/")
    assert proc.returncode == 0, proc.stderr
    return dest


def pages(site):
    return sorted(p for p in site.rglob("index.html"))


def test_every_page_has_its_own_description_canonical_url_edit_link_and_date(published):
    descriptions = {}
    for p in pages(published):
        html = p.read_text(encoding="utf-8")
        rel = p.parent.relative_to(published).as_posix()
        url = SITE + ("" if rel == "." else rel + "/")
        desc = re.search(r'<meta name="description" content="([^"]+)"', html)
        assert desc and len(desc.group(1)) > 40, rel
        descriptions[rel] = desc.group(1)
        assert f'<link rel="canonical" href="{url}">' in html, rel
        if rel.startswith(("roadmap/", "guides/", "learn/", "progress/", "about/")) or rel == ".":
            assert f'href="{REPO}/edit/main/docs/' in html, rel
            assert "md-source-file__fact" in html, f"{rel}: no last-changed date"
    weeks = [d for r, d in descriptions.items() if r.startswith("roadmap/week-")]
    assert len(weeks) == 20 and len(set(weeks)) == 20  # generated pages get their own description
    assert descriptions["roadmap/week-01"].startswith("Week 1 of the ML/AI learning roadmap: Mathematics & ML Basics")


def test_sitemap_lists_every_page_at_the_site_address(published):
    sitemap = (published / "sitemap.xml").read_text(encoding="utf-8")
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert len(locs) == len(pages(published))
    assert all(loc.startswith(SITE) for loc in locs)


def test_404_page_helps_the_reader_on(published):
    html = (published / "404.html").read_text(encoding="utf-8")
    assert "This page is not here" in html
    for target in ("/ml-roadmap/roadmap/", "/ml-roadmap/guides/"):
        assert f'href="{target}"' in html


@pytest.mark.browser
def test_repository_link_makes_no_request_to_github(published, browser):
    """Material would fetch stars and forks from api.github.com; our source partial does not."""
    with serve_dir(published) as base:
        context = browser.new_context()
        requests = []
        context.on("request", lambda r: requests.append(r.url))
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        page = context.new_page()
        page.goto(base, wait_until="networkidle")
        assert page.locator(f'a.md-source[href="{REPO}"]').count() >= 1  # header and drawer
        context.close()
    assert [u for u in requests if urlsplit(u).hostname != "127.0.0.1"] == []
