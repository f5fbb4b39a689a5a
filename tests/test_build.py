"""Build the site once, strictly, and check facts in the HTML against the data."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from conftest import ROOT, build_site

pytestmark = pytest.mark.slow
RAW = yaml.safe_load((ROOT / "data" / "roadmap.yml").read_text(encoding="utf-8"))


class _Page(HTMLParser):
    """Collects ids, links, checklist items and resource URLs of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.items: list[str] = []
        self.resources: list[str] = []
        self.h1 = []
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "input" and "data-mdx-item" in a:
            self.items.append(a["data-mdx-item"])
        if tag in ("script", "img", "iframe") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") in ("stylesheet", "preload", "icon", "modulepreload"):
            self.resources.append(a["href"])
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1.append(data)


def parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, _Page]:
    """Every HTML page of the built site, by its path relative to the site root."""
    return {p.relative_to(built_site).as_posix(): parse(p) for p in built_site.rglob("*.html")}


def text_of(built_site: Path, page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (built_site / page).read_text(encoding="utf-8")))


def test_every_week_has_its_page(pages):
    weeks = [p for p in pages if re.fullmatch(r"roadmap/week-[\d-]+/index.html", p)]
    assert len(weeks) == len(RAW["weeks"]) == 20
    for w in RAW["weeks"]:
        page = pages[f"roadmap/{w['id']}/index.html"]
        assert w["title"] in "".join(page.h1)


def test_every_checklist_item_appears_once_on_the_site(pages):
    raw_ids = [
        i["id"]
        for w in RAW["weeks"]
        for i in w["objectives"] + w.get("practice", {}).get("items", []) + w["project"]["tasks"]
    ]
    raw_ids += [i["id"] for s in RAW["skills"] for i in s["items"]]
    seen = Counter(i for p in pages.values() for i in p.items)
    assert sorted(seen) == sorted(raw_ids)
    assert set(seen.values()) == {1}, [i for i, n in seen.items() if n > 1]


def test_html_ids_are_unique_on_every_page(pages):
    for name, page in pages.items():
        dupes = [i for i, n in Counter(page.ids).items() if n > 1]
        assert not dupes, f"{name}: duplicate ids {dupes}"


def hours_label(lo, hi):
    return f"{lo}+ h" if hi is None else f"{lo}–{hi} h"


def test_totals_shown_are_the_sums_of_the_data(built_site):
    """Computed here from the raw YAML, independently of the macros, then looked up in the HTML."""
    sums = {}
    for w in RAW["weeks"]:
        lo, hi = sums.get(w["phase"], (0, 0))
        h = w["hours"]
        sums[w["phase"]] = (lo + h["min"], None if hi is None or h["max"] is None else hi + h["max"])
    assert {k: hours_label(*v) for k, v in sums.items()} == {
        1: "65–85 h",
        2: "100–120 h",
        3: "115–135 h",
        4: "135–155 h",
        5: "155+ h",
    }  # the figures
    total = hours_label(sum(v[0] for v in sums.values()), None)
    home = text_of(built_site, "index.html")
    for n, (lo, hi) in sums.items():
        assert hours_label(lo, hi) in text_of(built_site, f"roadmap/phase-{n}/index.html")
        assert hours_label(lo, hi) in home
    assert total == "570+ h" and f"{total}" in home


def test_week_pages_show_their_hours_and_deep_links(built_site):
    for w in RAW["weeks"]:
        html = (built_site / f"roadmap/{w['id']}/index.html").read_text(encoding="utf-8")
        h = w["hours"]
        want = f"{h['min']}+ hours" if h["max"] is None else f"{h['min']}–{h['max']} hours"
        assert want in html, w["id"]
        for m in w["materials"]:
            slug = m["guide"].lower().replace("_", "-")
            assert f'href="../../guides/{slug}/' in html, (w["id"], m["guide"])
            for t in m.get("topics", []):
                assert f'href="../../guides/{slug}/#{t["section"]}"' in html, (w["id"], t)


def test_every_guide_page_links_back_to_its_weeks(roadmap, built_site):
    for gid, guide in roadmap.guides.items():
        html = (built_site / guide.page.replace(".md", "/index.html")).read_text(encoding="utf-8")
        for week, _ in roadmap.guide_usage(gid):
            assert f'href="../../roadmap/{week.id}/"' in html, (gid, week.id)


def test_every_internal_link_and_anchor_resolves(built_site, pages):
    broken = []
    for name, page in pages.items():
        base = "http://site/" + name
        for href in page.links:
            url = urlsplit(urljoin(base, href))
            if url.netloc != "site":
                continue
            path = unquote(url.path.lstrip("/"))
            target = path + "index.html" if path.endswith("/") or not path else path
            if not (built_site / target).is_file():
                broken.append(f"{name}: {href} (no {target})")
            elif url.fragment and target in pages and unquote(url.fragment) not in pages[target].ids:
                broken.append(f"{name}: {href} (no #{url.fragment} in {target})")
    assert not broken, "\n".join(sorted(set(broken))[:40])


def test_pages_load_nothing_from_other_hosts(pages):
    """Scripts, styles, images and fonts all come from the site itself."""
    remote = [(n, r) for n, p in pages.items() for r in p.resources if re.match(r"^(https?:)?//", r)]
    assert not remote, remote[:10]


def test_math_and_diagrams_use_the_sites_own_copies(built_site):
    assert (built_site / "assets/vendor/katex/katex.min.js").is_file()
    assert (built_site / "assets/vendor/mermaid/mermaid.min.js").is_file()


def test_home_page_says_how_many_guides_are_published(roadmap, built_site):
    published = sum(g.published for g in roadmap.guides.values())
    assert f"{published} of 25 guides are written." in text_of(built_site, "index.html")


def test_a_broken_data_file_fails_the_build_with_file_entry_and_reason(tmp_path):
    project = tmp_path / "project"
    for part in ("docs", "macros", "overrides", "data", "hooks"):
        shutil.copytree(ROOT / part, project / part, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    data = project / "data" / "roadmap.yml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("hours: {min: 25, max: 30}", "hours: {min: 35, max: 30}", 1),
        encoding="utf-8",
    )
    proc = build_site(tmp_path / "out", config=project / "mkdocs.yml")
    assert proc.returncode != 0
    assert re.search(
        r"roadmap\.yml:\d+: weeks\[4\]\.hours: min \(35\) must not be greater than max \(30\)",
        proc.stderr + proc.stdout,
    )
