"""The roadmap map on the home page and the roadmap overview, in a real Chromium: its nodes are the data's weeks,
ticks (on a week page, or in another tab) change their states, "you are here" moves, the keyboard follows the
path, every node has a name, filling the states in moves nothing on a phone or a desktop, it asks no other host,
and without JavaScript it is the same lists and links."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from conftest import ROOT

pytestmark = pytest.mark.browser

RAW = yaml.safe_load((ROOT / "data" / "roadmap.yml").read_text(encoding="utf-8"))
WEEKS = [w["id"] for w in RAW["weeks"]]
KEY = "mdx-progress:/"
MAPS = ("", "roadmap/")  # the pages with a map: home, roadmap overview
NODE = "[data-mdx-node]"


def items(week: dict) -> list[str]:
    """A week's checklist item ids: objectives, practice, project tasks."""
    return [
        i["id"] for i in week["objectives"] + (week.get("practice") or {}).get("items", []) + week["project"]["tasks"]
    ]


ITEMS = {w["id"]: items(w) for w in RAW["weeks"]}


@pytest.fixture
def context(browser):
    """conftest's context, at a desktop width."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def seed(page, site_url, ids) -> None:
    page.goto(site_url + "about/")
    state = {"format": "mdx-progress", "version": 3, "ticks": {i: 1_700_000_000_000 for i in ids}}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps(state)])


def node(page, week: str):
    return page.locator(f'[data-mdx-node="{week}"]')


def name(link) -> str:
    """A link's accessible name as Chromium computes it, without the space it puts before punctuation (the map
    writes the punctuation for screen readers in elements of their own)."""
    snap = link.aria_snapshot()
    got = re.search(r'link "(.*)"', snap).group(1)
    return re.sub(r"\s+([:,])", r"\1", got)


# ------------------------------------------------------------------------------------------- the nodes


@pytest.mark.parametrize("path", MAPS, ids=["home", "roadmap"])
def test_the_maps_nodes_are_the_datas_weeks_in_order(page, site_url, path):
    page.goto(site_url + path)
    assert page.locator(NODE).evaluate_all("ns => ns.map(n => n.dataset.mdxNode)") == WEEKS
    assert page.locator(".mdx-map__phase").count() == len(RAW["phases"])
    # each node is the week's link, with its title and hours
    for w in RAW["weeks"]:
        link = node(page, w["id"]).locator("a.mdx-map__node")
        assert link.get_attribute("href").rstrip("/").endswith("week-" + w["id"][5:])
        h = w["hours"]
        expect(link).to_contain_text(w["title"])
        expect(link).to_contain_text(f"{h['min']}+ h" if h["max"] is None else f"{h['min']}–{h['max']} h")
    # the certificates where they fall
    expect(node(page, "week-04").locator(".mdx-map__cert")).to_have_text("Certificate: ML/AI Foundations (Beginner)")
    assert page.locator(".mdx-map__cert").count() == len(RAW["certificates"])


def test_every_link_of_the_map_leads_to_a_page(page, site_url):
    for path in MAPS:
        page.goto(site_url + path)
        hrefs = page.locator(".mdx-map a").evaluate_all("as => as.map(a => a.href)")
        assert len(hrefs) > 2 * len(WEEKS)
        for href in dict.fromkeys(h.split("#")[0] for h in hrefs):
            assert page.request.get(href).ok, f"{path}: {href}"


# ------------------------------------------------------------------------------------------- progress


def test_a_tick_on_a_week_page_changes_that_weeks_node(page, site_url):
    page.goto(site_url)
    expect(node(page, "week-01")).to_have_attribute("data-mdx-state", "none")
    expect(node(page, "week-01").locator("[data-mdx-state]")).to_have_text(", Not started")
    page.goto(site_url + "roadmap/week-01/")
    page.locator("input[data-mdx-item]").first.check()
    page.goto(site_url)
    n = len(ITEMS["week-01"])
    expect(node(page, "week-01")).to_have_attribute("data-mdx-state", "part")
    expect(node(page, "week-01").locator("[data-mdx-state]")).to_have_text(f", 1 of {n} done")
    assert node(page, "week-01").evaluate("e => getComputedStyle(e).getPropertyValue('--mdx-f')").strip() == str(1 / n)
    expect(node(page, "week-02")).to_have_attribute("data-mdx-state", "none")
    # the overview's map counts from its own nodes' item ids: the same state
    page.goto(site_url + "roadmap/")
    expect(node(page, "week-01").locator("[data-mdx-state]")).to_have_text(f", 1 of {n} done")


def test_the_map_follows_ticks_made_in_another_tab(context, site_url):
    home, week = context.new_page(), context.new_page()
    home.goto(site_url)
    week.goto(site_url + "roadmap/week-02/")
    expect(node(home, "week-02")).to_have_attribute("data-mdx-state", "none")
    week.locator("input[data-mdx-item]").nth(0).check()
    week.locator("input[data-mdx-item]").nth(1).check()
    expect(node(home, "week-02").locator("[data-mdx-state]")).to_have_text(f", 2 of {len(ITEMS['week-02'])} done")
    for box in week.locator("input[data-mdx-item]").all():
        box.check()
    expect(node(home, "week-02")).to_have_attribute("data-mdx-state", "done")
    expect(node(home, "week-02").locator("[data-mdx-state]")).to_have_text(", Done")


def here(page) -> list[str]:
    return page.locator('.mdx-map a[aria-current="step"]').evaluate_all(
        "as => as.map(a => a.closest('[data-mdx-node]').dataset.mdxNode)"
    )


def test_you_are_here_marks_the_first_week_not_done_and_moves(page, site_url):
    page.goto(site_url)
    assert here(page) == ["week-01"]
    badge = "e => getComputedStyle(e, '::after').content"
    assert "You are here" in node(page, "week-01").locator("a.mdx-map__node").evaluate(badge)
    assert node(page, "week-02").locator("a.mdx-map__node").evaluate(badge) == "none"
    # Week 1 done and a start on Week 3: the first week not done is Week 2
    seed(page, site_url, ITEMS["week-01"] + ITEMS["week-03"][:1])
    page.goto(site_url)
    assert here(page) == ["week-02"]
    assert name(node(page, "week-02").locator("a.mdx-map__node")).endswith("Not started, you are here")
    expect(node(page, "week-01")).to_have_attribute("data-mdx-state", "done")
    expect(node(page, "week-03")).to_have_attribute("data-mdx-state", "part")
    # ticking the rest of Week 2 here moves it on at once
    page.evaluate("ids => ids.forEach(id => mdxProgress.set(id, true))", ITEMS["week-02"])
    assert here(page) == ["week-03"]
    # everything done: no week is current
    page.evaluate("ids => ids.forEach(id => mdxProgress.set(id, true))", [i for w in WEEKS for i in ITEMS[w]])
    assert here(page) == []


def test_each_node_is_named_by_its_week_hours_and_state(page, site_url):
    seed(page, site_url, ITEMS["week-01"][:3])
    page.goto(site_url)
    n = len(ITEMS["week-01"])
    links = page.locator("a.mdx-map__node")
    assert name(links.nth(0)) == f"Week 1: Mathematics & ML Basics, 15–20 h, 3 of {n} done, you are here"
    assert name(links.nth(1)) == "Week 2: Neural Networks Fundamentals, 20–25 h, Not started"
    assert name(links.last) == "Week 21+: Research & Innovation, 60+ h, Not started"
    guides = node(page, "week-07").get_by_role("list", name="Week 7 studies")
    expect(guides.get_by_role("link")).to_have_count(3)
    expect(page.get_by_role("list", name="The roadmap, phase by phase and week by week")).to_have_count(1)


def test_keyboard_order_follows_the_path_with_a_visible_focus_ring(page, site_url):
    page.goto(site_url)
    page.focus("#map .headerlink")  # the map's heading, just before it
    dom = page.locator(".mdx-map a").evaluate_all("as => as.map(a => a.href)")
    seen, rings = [], set()
    for _ in dom:
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.href"))
        rings.add(page.evaluate("getComputedStyle(document.activeElement).outlineStyle"))
    assert seen == dom  # every link of the map in turn: phase, its weeks (each with its guides), next phase ...
    weeks = page.evaluate(
        "hrefs => hrefs.map(h => [...document.querySelectorAll('a.mdx-map__node')].find(a => a.href == h))"
        ".filter(Boolean).map(a => a.closest('[data-mdx-node]').dataset.mdxNode)",
        seen,
    )
    assert weeks == WEEKS
    assert rings == {"solid"}


# -------------------------------------------------------------------------------- layout and requests


@pytest.mark.parametrize("width", (412, 1280))
def test_filling_in_progress_moves_nothing(browser, site_url, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    seed(page, site_url, ITEMS["week-01"] + ITEMS["week-02"][:5])
    page.add_init_script(
        "window.__shifts = 0; new PerformanceObserver(l => l.getEntries()"
        ".forEach(e => { window.__shifts += e.value; })).observe({type: 'layout-shift', buffered: true});"
    )
    page.goto(site_url, wait_until="networkidle")
    page.wait_for_timeout(300)
    expect(node(page, "week-02")).to_have_attribute("data-mdx-state", "part")
    assert page.evaluate("window.__shifts") < 0.001
    boxes = (
        "() => [...document.querySelectorAll('.mdx-map__week, .mdx-map__head')]"
        ".map(e => JSON.stringify(e.getBoundingClientRect()))"
    )
    filled = page.evaluate(boxes)
    # as the page was before the script drew the states, and with other states: the same boxes
    page.evaluate(
        """() => document.querySelectorAll('[data-mdx-node]').forEach(li => {
          li.removeAttribute('data-mdx-state'); li.querySelector('a').removeAttribute('aria-current');
          const s = li.querySelector('[data-mdx-state]'); s.lastChild.textContent = ''; s.hidden = true; })"""
    )
    assert page.evaluate(boxes) == filled
    page.evaluate("ids => ids.forEach(id => mdxProgress.set(id, true))", [i for w in WEEKS[:12] for i in ITEMS[w]])
    assert page.evaluate(boxes) == filled
    # a path: one column on a phone, the four weeks of a phase in a row on a desktop
    xs = page.locator(NODE).evaluate_all("ns => ns.map(n => Math.round(n.getBoundingClientRect().x))")
    ys = page.locator(NODE).evaluate_all("ns => ns.map(n => Math.round(n.getBoundingClientRect().y))")
    if width < 600:
        assert len(set(xs)) == 1 and ys == sorted(ys) and len(set(ys)) == len(WEEKS)
    else:
        assert len(set(ys[:4])) == 1 and xs[:4] == sorted(xs[:4]) and len(set(xs[:4])) == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ctx.close()


@pytest.mark.parametrize("width", (412, 1280))
def test_every_link_of_the_map_is_a_large_enough_target(browser, site_url, width):
    """WCAG 2.2's target size (24 px, or room around it), which Lighthouse's Accessibility score counts."""
    from importlib.resources import files

    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    page.goto(site_url, wait_until="networkidle")
    page.add_script_tag(path=str(files("axe_playwright_python") / "axe.min.js"))
    found = page.evaluate(
        "async () => (await axe.run('.mdx-map', {runOnly: ['target-size']})).violations"
        ".flatMap(v => v.nodes.map(n => n.target.join(' ')))"
    )
    ctx.close()
    assert not found, found


def test_the_map_asks_no_other_host(page, site_url):
    local = urlsplit(site_url).netloc
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in MAPS:
        page.goto(site_url + path, wait_until="networkidle")
    assert requests and all(urlsplit(u).netloc == local for u in requests if not u.startswith("data:")), requests
    assert any(u.endswith("map.js") for u in requests) and any(u.endswith("map.css") for u in requests)


def test_without_javascript_the_map_is_the_same_links_without_states(browser, site_url):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 412, "height": 900})
    page = ctx.new_page()
    page.goto(site_url)
    assert page.locator(NODE).count() == len(WEEKS)
    expect(page.locator("a.mdx-map__node").first).to_be_visible()
    expect(page.locator(".mdx-map [data-mdx-state]").first).to_be_hidden()
    assert page.locator(".mdx-map [aria-current], .mdx-map__week[data-mdx-state]").count() == 0
    # the state line takes no room when it can never be filled
    assert page.locator(".mdx-map__state").first.evaluate("e => getComputedStyle(e).display") == "none"
    ctx.close()


def test_the_map_prints(page, site_url):
    page.goto(site_url)
    page.emulate_media(media="print")
    expect(page.locator(".mdx-map")).to_be_visible()
    expect(page.locator("a.mdx-map__node").last).to_be_visible()
    assert page.locator(".mdx-map__week").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"


# ------------------------------------------------------------------------------------ numbers that agree


def test_the_home_page_and_the_dashboard_count_alike(page, site_url):
    """One way of counting items and one way of writing hours, as a new user meets them."""
    page.goto(site_url)
    article = page.locator("article")
    expect(article).to_contain_text("249 checklist items")
    expect(article).to_contain_text("249 checklist items, and 570+ h of study")
    expect(page.locator('[data-mdx-progress="all"]')).to_contain_text("0 of 249 done")
    expect(page.locator("#counting")).to_be_visible()
    page.goto(site_url + "progress/")
    report = page.locator(".mdx-dash__report")
    expect(report).to_contain_text("Overall: 0 of 249 items done")
    expect(report).to_contain_text("Hours: about 0 h done, 570+ h to go (of 570+ h).")
    # a figure is never broken under its bar: each "Done" cell is one line, at a desktop's width
    cells = report.locator('td[data-mdx-th="Done"]')
    expect(cells).to_have_count(len(WEEKS))
    beside = cells.evaluate_all(
        "cs => cs.map(c => { const r = document.createRange(); r.selectNodeContents(c.lastChild);"
        " const b = r.getBoundingClientRect(), p = c.querySelector('progress').getBoundingClientRect();"
        " return b.top < p.bottom && b.bottom > p.top; })"
    )
    assert all(beside), f"a Done cell's count is not beside its bar: {beside}"
