"""What a learner meets in both colour schemes, on a phone and on a desktop: axe-core's WCAG 2.1 A/AA rules
(contrast, names, keyboard access to scrolling regions) on the page kinds of the site, and the layout faults a
rule engine does not see (the activity calendar's grid, visible form fields, the home page's navigation, the
dashboard's columns on a phone)."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = files("axe_playwright_python") / "axe.min.js"  # axe-core, vendored by that package; no download
KEY = "mdx-progress:/"
SCHEMES = ("light", "dark")
WIDTHS = (412, 1280)
PAGES = {
    "home": "",
    "week": "roadmap/week-01/",
    "guide": "guides/mathematics-for-ml/",
    "dashboard": "progress/",
    "certificates": "progress/certificates/",
    "notebook": "notebooks/week-01-linear-regression/",
}


@pytest.fixture(params=[(s, w) for s in SCHEMES for w in WIDTHS], ids=lambda p: f"{p[0]}-{p[1]}px")
def page(browser, request):
    scheme, width = request.param
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, locale="en-GB")
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    ctx.close()
    assert not errors, f"script errors on the page: {errors}"


def earn_foundations(page, site_url) -> None:
    """Tick everything of Weeks 1-4, so that a certificate (and its name field) shows, and the dashboard's
    calendar has days with activity."""
    page.goto(site_url + "progress/certificates/")
    ids = page.evaluate(
        """() => { const m = mdxProgress.manifest();
        return m.weeks.filter(w => ['week-01','week-02','week-03','week-04'].includes(w.id)).flatMap(w => w.items); }"""
    )
    assert ids, "the certificates page has no manifest"
    now = page.evaluate("Date.now()")
    state = {
        "format": "mdx-progress",
        "version": 3,
        "ticks": {i: now - (n % 30) * 86_400_000 for n, i in enumerate(ids)},
    }
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps(state)])


def axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
        const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ') + ': ' +
          (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200))}));
      }"""
    )


@pytest.mark.parametrize("kind", PAGES, ids=str)
def test_no_wcag_violations(page, site_url, kind):
    earn_foundations(page, site_url)
    page.goto(site_url + PAGES[kind])
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(100)  # the scrolling regions get their tab stops just after the page is shown
    found = axe(page)
    assert not found, "\n".join(f"{v['id']} ({len(v['nodes'])}): " + "; ".join(v["nodes"][:4]) for v in found)


# ----------------------------------------------------------------- what the rules engine does not see


def test_activity_calendar_is_a_grid_of_day_cells(page, site_url):
    earn_foundations(page, site_url)
    page.goto(site_url + "progress/")
    heat = page.locator("ol.mdx-heat")
    expect(heat.locator("li")).to_have_count(84)
    assert heat.evaluate("e => getComputedStyle(e).display") == "grid"
    boxes = heat.evaluate(
        "e => [...e.children].map(c => { const r = c.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    assert all(8 < w < 40 and 8 < h < 40 for w, h in boxes), f"day cells are not squares of a grid: {boxes[:3]}"
    assert heat.evaluate("e => e.getBoundingClientRect().height") < 400


def test_form_fields_have_a_visible_edge(page, site_url):
    """The certificate's name field and the planner's fields: an edge of at least 3:1 against the page
    (WCAG 1.4.11), not white on white."""
    earn_foundations(page, site_url)
    for url, selector in (
        ("progress/certificates/", "input[data-cert-name]"),
        ("progress/", '.mdx-plan-form input[type="number"]'),
        ("progress/", '.mdx-plan-form input[type="date"]'),
    ):
        page.goto(site_url + url)
        field = page.locator(selector).first
        expect(field).to_be_visible()
        ratio = field.evaluate(
            """e => {
            const s = getComputedStyle(e);
            const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const lin = x => { x /= 255; return x <= .03928 ? x / 12.92 : ((x + .055) / 1.055) ** 2.4; };
            const lum = c => { const v = rgb(c).map(lin);
              return .2126 * v[0] + .7152 * v[1] + .0722 * v[2]; };
            let bg = 'rgb(255,255,255)';
            for (let p = e.parentElement; p; p = p.parentElement) {
              const b = getComputedStyle(p).backgroundColor;
              if (!/rgba\\(.*,\\s*0\\)$/.test(b) && b !== 'transparent') { bg = b; break; }
            }
            if (parseFloat(s.borderTopWidth) < 1) return 0;
            const [a, b] = [lum(s.borderTopColor), lum(bg)].sort((x, y) => y - x);
            return (a + .05) / (b + .05);
          }"""
        )
        assert ratio >= 3, f"{url} {selector}: its edge has contrast {ratio:.2f} against the page"


def test_home_page_leads_to_every_part_of_the_site(page, site_url):
    page.goto(site_url)
    main = page.locator("article")
    for name, href in (
        ("Your progress", "progress/"),
        ("certificates", "progress/certificates/"),
        ("Study well", "learn/study-tips/"),
    ):
        link = main.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert link.get_attribute("href").rstrip("/").endswith(href.rstrip("/"))
    if page.viewport_size["width"] >= 1220:  # Material's own sidebar navigation on a desktop screen
        expect(page.locator(".md-sidebar--primary")).to_be_visible()
        expect(page.locator(".md-sidebar--primary").get_by_role("link", name="Progress").first).to_be_visible()


def test_dashboard_keeps_the_open_items_on_screen(page, site_url):
    """On a phone the week table's rows stack, so "Still open" is not scrolled out of sight."""
    page.goto(site_url + "progress/")
    cell = page.locator('.mdx-dash__report td[data-mdx-th="Still open"]').first
    expect(cell).to_be_visible()
    box = cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], box


def test_wide_code_can_be_scrolled_by_keyboard(page, site_url):
    """Every code block wider than the screen takes focus, before Material's lazy code features reach it."""
    page.goto(site_url + "guides/mathematics-for-ml/")
    page.wait_for_timeout(100)
    # lay out every block (most of a long page skips layout until scrolled to), then measure them all
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    untabbable = page.evaluate(
        """() => [...document.querySelectorAll('.md-typeset pre > code, .md-typeset__scrollwrap')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && e.tabIndex < 0).length"""
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.md-typeset pre > code')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).length"""
    )
    assert wide > 0, "no wide code block on the page: the test checks nothing"
    assert untabbable == 0
