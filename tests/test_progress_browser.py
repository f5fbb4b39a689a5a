"""Progress tracking in a real Chromium: ticking, reloading, instant navigation, tabs, storage faults,
export/import/reset/undo/share on the dashboard, accessibility, and the page without JavaScript."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

KEY = "mdx-progress:/"
WEEK1, WEEK2, DASH = "roadmap/week-01/", "roadmap/week-02/", "progress/"
BOXES = "input[data-mdx-item]"
FIRST = "w01-obj-understand-matrix-operations-eigenvalues"
SECOND = "w01-obj-master-gradient-computation"


def stored(page) -> dict:
    return page.evaluate(f"JSON.parse(localStorage.getItem('{KEY}') || 'null')")


def ticks(page) -> dict:
    return (stored(page) or {}).get("ticks", {})


def seed(page, site_url, value) -> None:
    """Put raw text under the site's key before the page under test loads."""
    page.goto(site_url + "about/")
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)", [KEY, value if isinstance(value, str) else json.dumps(value)]
    )


def v2(*ids, t=1_700_000_000_000) -> dict:
    return {"format": "mdx-progress", "version": 2, "ticks": {i: t + n for n, i in enumerate(ids)}}


def import_text(page, text: str | bytes, name="progress.json") -> None:
    data = text.encode() if isinstance(text, str) else text
    page.set_input_files("[data-mdx-import]", files=[{"name": name, "mimeType": "application/json", "buffer": data}])


def panel(page):
    return page.locator(".mdx-dash__panel")


def message(page):
    return page.locator(".mdx-dash__msg")


# ------------------------------------------------------------------------------------ ticking a page


def test_ticked_item_is_still_ticked_after_reload(page, site_url):
    page.goto(site_url + WEEK1)
    page.locator(BOXES).first.check()
    page.reload()
    expect(page.locator(BOXES).first).to_be_checked()
    expect(page.locator(BOXES).nth(1)).not_to_be_checked()
    assert list(ticks(page)) == [FIRST]


def test_week_bar_shows_its_count_in_text_not_only_colour(page, site_url):
    page.goto(site_url + WEEK1)
    bar = page.locator('[data-mdx-progress="week-01"]')
    expect(bar).to_contain_text("Week 1 progress: 0 of 11 done (0%)")
    page.locator(BOXES).nth(0).check()
    page.locator(BOXES).nth(1).check()
    expect(bar).to_contain_text("2 of 11 done (18%)")
    assert bar.locator("progress").get_attribute("aria-label") == "Week 1 progress"


def test_phase_and_home_bars_add_up_ticks_from_week_pages(page, site_url):
    page.goto(site_url + WEEK1)
    page.locator(BOXES).first.check()
    page.goto(site_url + WEEK2)
    page.locator(BOXES).first.check()
    page.goto(site_url + "roadmap/phase-1/")
    expect(page.locator('[data-mdx-progress="phase-1"]')).to_contain_text("2 of 47 done")
    page.goto(site_url)
    expect(page.locator('[data-mdx-progress="all"]')).to_contain_text("2 of 249 done")


def test_two_tabs_stay_in_sync(context, site_url):
    a, b = context.new_page(), context.new_page()
    a.goto(site_url + WEEK1)
    b.goto(site_url + WEEK1)
    a.locator(BOXES).first.check()
    expect(b.locator(BOXES).first).to_be_checked()
    expect(b.locator('[data-mdx-progress="week-01"]')).to_contain_text("1 of 11")
    b.locator(BOXES).first.uncheck()
    expect(a.locator(BOXES).first).not_to_be_checked()


def test_return_from_back_forward_cache_shows_ticks_made_meanwhile(page, site_url):
    page.goto(site_url + WEEK1)
    # another tab wrote while this page was frozen in the bfcache (no storage event reaches it)
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps(v2(SECOND))])
    expect(page.locator(BOXES).nth(1)).not_to_be_checked()
    page.evaluate("dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    expect(page.locator(BOXES).nth(1)).to_be_checked()


def test_keyboard_alone_ticks_items_with_a_visible_focus_ring(page, site_url):
    page.goto(site_url + WEEK1)
    page.focus("#objectives .headerlink")
    page.keyboard.press("Tab")
    box = page.locator(BOXES).first
    expect(box).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert sorted(ticks(page)) == sorted([FIRST, SECOND])


def test_material_shortcut_keys_do_not_tick_anything(page, site_url):
    page.goto(site_url + WEEK1)
    page.locator(BOXES).first.focus()
    for key in ["f", "s", "/", "p", "n", ",", "."]:
        page.keyboard.press(key)
        page.keyboard.press("Escape")
    assert ticks(page) == {}
    for name in ("store.js", "bind.js", "dashboard.js"):
        assert "keydown" not in (Path(__file__).parent.parent / "docs/assets/javascripts/progress" / name).read_text()


def test_every_checkbox_has_an_accessible_name(page, site_url):
    page.goto(site_url + WEEK1)
    names = page.evaluate(
        "[...document.querySelectorAll('input[data-mdx-item]')].map(b => b.labels[0].textContent.trim())"
    )
    assert len(names) == 11 and all(names)
    for name in names[:3]:
        expect(page.get_by_role("checkbox", name=name, exact=True)).to_have_count(1)


def test_changes_are_announced_politely(page, site_url):
    page.goto(site_url + WEEK1)
    page.locator(BOXES).first.check()
    live = page.locator("#mdx-live")
    assert live.get_attribute("aria-live") == "polite"
    expect(live).to_have_text("Done: Understand matrix operations and eigenvalues. Week 1 progress: 1 of 11 done (9%)")


def test_page_without_javascript_still_shows_checklists_and_says_why(browser, site_url):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        p = ctx.new_page()
        p.goto(site_url + WEEK1)
        expect(p.locator(BOXES)).to_have_count(11)
        expect(p.locator(BOXES).first).to_be_visible()
        # Playwright's switch leaves the HTML parser's scripting flag on, so <noscript> is not rendered
        # here; a browser with JavaScript really off shows it. Check that it is there and says why.
        assert "that needs JavaScript" in p.locator("noscript").first.text_content()
        expect(p.locator('[data-mdx-progress="week-01"]')).to_be_hidden()
        p.goto(site_url + DASH)
        says = p.locator("#mdx-dashboard noscript").text_content()
        assert "The dashboard needs JavaScript, which is off" in says
        for block in ("mdx-plan", "mdx-reviews", "mdx-activity"):
            assert "JavaScript, which is off" in p.locator(f"#{block} noscript").text_content()
    finally:
        ctx.close()


# ------------------------------------------------------------------------------------- storage faults


def test_corrupt_storage_is_set_aside_with_a_notice_and_the_page_works(page, site_url):
    seed(page, site_url, "{this is not json")
    page.goto(site_url + WEEK1)
    expect(page.locator(".mdx-notice")).to_contain_text("could not be read")
    aside = page.evaluate(f"Object.keys(localStorage).filter(k => k.startsWith('{KEY}:set-aside:'))")
    assert len(aside) == 1 and page.evaluate(f"localStorage.getItem('{aside[0]}')") == "{this is not json"
    page.locator(BOXES).first.check()
    assert list(ticks(page)) == [FIRST]


def test_storage_that_throws_works_for_the_session_and_says_so_once(context, site_url):
    context.add_init_script(
        "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };"
    )
    page = context.new_page()
    page.goto(site_url + WEEK1)
    page.locator(BOXES).nth(0).check()
    page.locator(BOXES).nth(1).check()
    expect(page.locator(".mdx-notice")).to_have_count(1)
    expect(page.locator(".mdx-notice")).to_contain_text("ticks last until you close")
    expect(page.locator('[data-mdx-progress="week-01"]')).to_contain_text("2 of 11")


def test_disabled_storage_still_lets_the_learner_tick(context, site_url):
    context.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('denied', 'SecurityError'); }});"
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(e))
    page.goto(site_url + WEEK1)
    expect(page.locator(".mdx-notice")).to_have_count(1)
    page.locator(BOXES).first.check()
    expect(page.locator('[data-mdx-progress="week-01"]')).to_contain_text("1 of 11")
    # Material's own inline script trips over the missing storage too; ours must not
    assert not [e for e in errors if "progress/" in (e.stack or "")]


def test_older_schema_version_in_storage_is_migrated(page, site_url):
    seed(page, site_url, {"version": 1, "done": [FIRST]})
    page.goto(site_url + WEEK1)
    expect(page.locator(BOXES).first).to_be_checked()
    assert stored(page)["version"] == 3 and list(ticks(page)) == [FIRST]


def test_renamed_item_keeps_its_progress(page, site_url):
    seed(page, site_url, v2("w01-obj-an-old-name"))

    def with_successor(route):
        resp = route.fetch()
        body = resp.text()
        old = 'data-mdx-manifest=\'{"schema":1,"successors":{}}\''
        assert old in body
        route.fulfill(
            response=resp, body=body.replace(old, old.replace("{}", json.dumps({"w01-obj-an-old-name": SECOND})))
        )

    page.route("**/" + WEEK1, with_successor)
    page.goto(site_url + WEEK1)
    expect(page.locator(BOXES).nth(1)).to_be_checked()
    assert list(ticks(page)) == [SECOND]


# ------------------------------------------------------------------------------------------ dashboard


def test_dashboard_links_the_exact_open_items_and_recent_ticks(page, site_url):
    page.goto(site_url + WEEK1)
    ids = page.evaluate("[...document.querySelectorAll('input[data-mdx-item]')].map(b => b.dataset.mdxItem)")
    seed(page, site_url, v2(*ids[:-1], "w99-from-a-newer-roadmap"))
    page.goto(site_url + DASH)
    row = page.locator("tr", has=page.get_by_role("link", name="Week 1: Mathematics & ML Basics"))
    expect(row).to_contain_text("10 of 11")
    toggle = row.locator("button.mdx-open")
    expect(toggle).to_have_text("1 open")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(row.locator("ul")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert row.locator("li a").get_attribute("href").endswith(f"roadmap/week-01/#item-{ids[-1]}")
    toggle.press("Enter")  # a real button: the keyboard closes it too
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(row.locator("ul")).to_be_hidden()
    expect(page.locator(".mdx-dash__overall")).to_contain_text("10 of 249 items done")
    expect(page.locator(".mdx-dash__report")).to_contain_text("Last activity: Nov 14, 2023")
    expect(page.locator(".mdx-dash__report")).to_contain_text("1 tick for items this version does not list")
    recent = page.locator("#recent + ol li a")
    expect(recent).to_have_count(10)
    assert recent.first.get_attribute("href").endswith(f"#item-{ids[-2]}")  # newest first


def test_export_reset_import_round_trip_equals_the_start(page, site_url):
    page.goto(site_url + WEEK1)
    for n in range(3):
        page.locator(BOXES).nth(n).check()
    page.goto(site_url + DASH)
    start = ticks(page)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export to a file").click()
    exported = Path(dl.value.path()).read_text()
    page.get_by_role("button", name="Reset all ticks…").click()
    panel(page).get_by_role("button", name="Reset all ticks").click()
    assert ticks(page) == {}
    import_text(page, exported)
    expect(panel(page)).to_contain_text("This holds 3 ticks: 3 new here")
    panel(page).get_by_role("button", name="Replace").click()
    assert ticks(page) == start


@pytest.mark.parametrize(
    "text,why",
    [
        ("this is not json {", "is not JSON"),
        ('{"format": "mdx-progress", "version": 2, "ticks": ["a", "list"]}', "not a progress export"),
        ('{"format": "mdx-progress", "version": 7, "ticks": {}}', "newer version"),
        ('{"version": 2, "ticks": {}, "padding": "' + "x" * 600_000 + '"}', "too large"),
    ],
    ids=["not-json", "wrong-shape", "unknown-version", "too-large"],
)
def test_bad_import_is_refused_with_a_message_and_changes_nothing(page, site_url, text, why):
    seed(page, site_url, v2(FIRST))
    page.goto(site_url + DASH)
    before = stored(page)
    import_text(page, text)
    expect(message(page)).to_contain_text(why)
    expect(message(page)).to_contain_text("Nothing was changed.")
    expect(panel(page)).to_be_hidden()
    assert stored(page) == before


def test_dashboard_messages_fit_what_happened(page, site_url):
    """Walkthrough m14: "Reset 0 ticks of Week 6?", a refusal left next to the next valid preview, 20 px buttons."""
    seed(page, site_url, v2(FIRST))
    page.goto(site_url + DASH)
    page.get_by_label("Week to reset").select_option("week-06")
    page.get_by_role("button", name="Reset this week…").click()
    expect(message(page)).to_have_text("Week 6 has no ticks: nothing to reset.")
    expect(panel(page)).to_be_hidden()
    import_text(page, "this is not json {")
    expect(message(page)).to_contain_text("is not JSON")
    import_text(page, json.dumps(v2(SECOND)))
    expect(panel(page)).to_contain_text("This holds 1 tick")
    expect(message(page)).to_have_text("")
    box = page.locator(".mdx-open").first.bounding_box()
    assert box and box["height"] >= 24


def test_import_with_script_payloads_changes_nothing_but_progress(page, site_url):
    page.goto(site_url + DASH)
    evil = {
        "format": "mdx-progress",
        "version": 2,
        "note": "<script>window.__pwned = 1</script>",
        "ticks": {
            FIRST: 1_700_000_000_000,
            '<img src=x onerror="window.__pwned = 1">': 1,
            'w01"><script>window.__pwned = 1</script>': 2,
            SECOND: '<img src=x onerror="window.__pwned = 1">',
        },
    }
    import_text(page, json.dumps(evil))
    expect(panel(page)).to_contain_text("3 invalid entries will be ignored")
    panel(page).get_by_role("button", name="Merge").click()
    page.wait_for_timeout(100)
    assert list(ticks(page)) == [FIRST]
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#mdx-dashboard img, #mdx-dashboard script").count() == 0


def test_import_of_unknown_ids_keeps_and_counts_them(page, site_url):
    page.goto(site_url + DASH)
    import_text(page, json.dumps(v2(FIRST, "w42-obj-from-another-version")))
    expect(panel(page)).to_contain_text("1 for items this version of the roadmap does not list (kept)")
    panel(page).get_by_role("button", name="Merge").click()
    assert sorted(ticks(page)) == sorted([FIRST, "w42-obj-from-another-version"])
    expect(page.locator(".mdx-dash__report")).to_contain_text("1 tick for items this version does not list")


def test_import_replace_keeps_a_backup_that_undo_restores(page, site_url):
    seed(page, site_url, v2(FIRST))
    page.goto(site_url + DASH)
    before = ticks(page)
    import_text(page, json.dumps(v2(SECOND)))
    expect(panel(page)).to_contain_text("removes 1 tick of yours")
    panel(page).get_by_role("button", name="Replace").click()
    assert list(ticks(page)) == [SECOND]
    assert page.evaluate(f"JSON.parse(localStorage.getItem('{KEY}:backup')).ticks") == before
    page.get_by_role("button", name="Undo").click()
    assert ticks(page) == before


def test_cancelled_import_changes_nothing(page, site_url):
    seed(page, site_url, v2(FIRST))
    page.goto(site_url + DASH)
    import_text(page, json.dumps(v2(SECOND)))
    panel(page).get_by_role("button", name="Cancel").click()
    assert list(ticks(page)) == [FIRST]


def test_reset_all_ticks_and_undo(page, site_url):
    seed(page, site_url, v2(FIRST, SECOND))
    page.goto(site_url + DASH)
    before = ticks(page)
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_disabled()
    page.get_by_role("button", name="Reset all ticks…").click()
    expect(panel(page)).to_contain_text("Reset all 2 ticks? Your plan, week notes, reviews and certificate name stay.")
    panel(page).get_by_role("button", name="Reset all ticks").click()
    assert ticks(page) == {}
    expect(page.locator(".mdx-dash__overall")).to_contain_text("0 of 249")
    undo.click()
    assert ticks(page) == before
    expect(page.locator(".mdx-dash__overall")).to_contain_text("2 of 249")


def test_delete_all_my_data_removes_every_key_of_this_site_and_says_undo_cannot(page, site_url):
    """Walkthrough m12: on a shared computer a learner must be able to wipe everything, not only the ticks."""
    state = {**v2(FIRST, SECOND), "version": 3, "plan": {"hours": 20}, "journal": {"week-01": "my note"}}
    state.update(name="Ada", reviews={"done": {f"{FIRST}~0": 1_700_000_000_000}, "off": {}, "disabled": False})
    seed(page, site_url, state)
    page.evaluate(
        """k => { localStorage.setItem(k + ':backup', '{}'); localStorage.setItem(k + ':set-aside:1', 'x');
                  localStorage.setItem('/.__palette', '{"index":1}');
                  localStorage.setItem('mdx-progress:/fork/', 'another site on this origin'); }""",
        KEY,
    )
    page.goto(site_url + DASH)
    page.get_by_role("button", name="Delete all my data on this device…").click()
    expect(panel(page)).to_contain_text(
        "That is your 2 ticks, your study plan, 1 week note, your review history, the name on your certificates, "
        "the backup that Undo uses, and your light or dark choice."
    )
    expect(panel(page)).to_contain_text("Undo cannot bring any of it back.")
    panel(page).get_by_role("button", name="Cancel").click()
    assert stored(page)["journal"] == {"week-01": "my note"}
    page.get_by_role("button", name="Delete all my data on this device…").click()
    panel(page).get_by_role("button", name="Delete all my data").click()
    expect(page.locator(".mdx-dash__msg")).to_have_text("All your data of this site is deleted from this browser.")
    left = page.evaluate("Object.keys(localStorage)")
    assert left == ["mdx-progress:/fork/"], left
    expect(page.locator(".mdx-dash__overall")).to_contain_text("0 of 249")
    expect(page.get_by_role("button", name="Undo")).to_be_disabled()
    page.goto(site_url + WEEK1)
    expect(page.get_by_label("Your journal for Week 1")).to_have_value("")


def test_reset_of_one_week_leaves_the_other_weeks(page, site_url):
    page.goto(site_url + WEEK2)
    week2 = page.locator(BOXES).first.get_attribute("data-mdx-item")
    seed(page, site_url, v2(FIRST, week2))
    page.goto(site_url + DASH)
    page.get_by_label("Week to reset").select_option("week-01")
    page.get_by_role("button", name="Reset this week…").click()
    panel(page).get_by_role("button", name="Reset Week 1").click()
    assert list(ticks(page)) == [week2]


def test_share_link_round_trip(browser, page, site_url):
    seed(page, site_url, v2(FIRST, SECOND))
    page.goto(site_url + DASH)
    page.get_by_role("button", name="Share link…").click()
    link = page.get_by_label("Share link", exact=True).input_value()
    assert "#progress=" in link and FIRST in link
    other = browser.new_context()
    try:
        p = other.new_page()
        p.goto(link)
        expect(panel(p)).to_contain_text("This holds 2 ticks: 2 new here")
        assert "#" not in p.url  # the fragment is not left in the address bar or history
        panel(p).get_by_role("button", name="Merge").click()
        assert ticks(p) == ticks(page)
    finally:
        other.close()


def test_dashboard_controls_have_accessible_names(page, site_url):
    page.goto(site_url + DASH)
    for name in [
        "Export to a file",
        "Import a file…",
        "Share link…",
        "Undo",
        "Reset all ticks…",
        "Reset this week…",
        "Delete all my data on this device…",
    ]:
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    expect(page.get_by_role("progressbar", name="Overall progress")).to_have_count(1)
    expect(page.get_by_label("Progress file to import")).to_have_count(1)


# ------------------------------------------------------------------------------- instant navigation


def instant_ready(page):
    page.wait_for_load_state("networkidle")  # the sitemap is fetched: instant navigation is armed
    page.evaluate("window.__samePage = true")


def test_instant_navigation_to_another_week_and_back_binds_once(page, instant_url):
    page.goto(instant_url + WEEK1)
    instant_ready(page)
    page.locator(BOXES).first.check()
    page.locator(".mdx-pager a", has_text="Week 2").click()
    page.wait_for_url(lambda u: WEEK2 in u)
    expect(page.locator('[data-mdx-progress="week-02"]')).to_contain_text("0 of 12")
    page.evaluate(f"""() => {{ window.__writes = 0; const set = Storage.prototype.setItem;
        Storage.prototype.setItem = function (k, v) {{
            if (k === '{KEY}') window.__writes++;
            return set.call(this, k, v); }}; }}""")
    page.locator(BOXES).first.check()
    expect(page.locator('[data-mdx-progress="week-02"]')).to_contain_text("1 of 12")
    assert page.evaluate("window.__writes") == 1
    page.go_back()
    page.wait_for_url(lambda u: WEEK1 in u)
    expect(page.locator(BOXES).first).to_be_checked()
    expect(page.locator('[data-mdx-progress="week-01"]')).to_contain_text("1 of 11")
    assert page.evaluate("window.__samePage") is True, "the navigation was not instant"
    assert len(ticks(page)) == 2


def test_dashboard_works_when_reached_by_instant_navigation(page, instant_url):
    page.goto(instant_url + WEEK1)
    instant_ready(page)
    page.locator(BOXES).first.check()
    page.locator("a.md-nav__link[href$='/progress/']").first.click()
    page.wait_for_url(lambda u: DASH in u)
    expect(page.locator(".mdx-dash__overall")).to_contain_text("1 of 249 items done")
    assert page.evaluate("window.__samePage") is True, "the navigation was not instant"
    page.locator(".mdx-dash__report h3 a", has_text="Phase 1").click()
    page.wait_for_url(lambda u: "roadmap/phase-1/" in u)
    expect(page.locator('[data-mdx-progress="phase-1"]')).to_contain_text("1 of 47")


# The page's cumulative layout shift so far (Lighthouse's CLS, without shifts caused by input).
LAYOUT_SHIFT = """() => new Promise(done => {
  let sum = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(sum), 300);
})"""


def test_dashboard_draws_without_shifting_what_the_reader_sees(browser, site_url):
    """Drawing the dashboard must not push visible content around (Lighthouse's CLS, on a phone's screen)."""
    ctx = browser.new_context(viewport={"width": 412, "height": 823})
    try:
        p = ctx.new_page()
        p.goto(site_url + DASH)
        expect(p.locator("#mdx-activity[data-mdx-ready]")).to_have_count(1)
        shift = p.evaluate(LAYOUT_SHIFT)
        assert shift < 0.02, f"layout shift {shift:.3f} while the dashboard was drawn"
        expect(p.locator(".mdx-dash__tools")).to_be_visible()
        expect(p.locator(".mdx-plan-form")).to_be_visible()
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [412, 1280])
def test_week_page_fills_its_progress_bar_and_plan_line_without_shifting(browser, site_url, width):
    """The progress bar and the plan line hold their place until the scripts fill them (no layout shift)."""
    ctx = browser.new_context(viewport={"width": width, "height": 823})
    try:
        p = ctx.new_page()
        p.goto(site_url + WEEK1)
        expect(p.locator(".mdx-plan-line")).to_be_visible()
        expect(p.locator('[data-mdx-progress="week-01"]')).to_contain_text("0 of 11 done")
        shift = p.evaluate(LAYOUT_SHIFT)
        assert shift < 0.01, f"layout shift {shift:.3f} while the week page was filled in"
    finally:
        ctx.close()
