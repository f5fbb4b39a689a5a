"""The study planner, reviews, journal, activity and certificates in a real Chromium with a fixed clock and a
fixed time zone (Europe/Berlin, which changes to summer time on 29 March 2026)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

KEY = "mdx-progress:/"
WEEK1, DASH, CERTS = "roadmap/week-01/", "progress/", "progress/certificates/"
BERLIN = ZoneInfo("Europe/Berlin")
FIRST = "w01-obj-understand-matrix-operations-eigenvalues"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def ms(*args) -> int:
    return int(at(*args).timestamp() * 1000)


@pytest.fixture
def page(browser):
    ctx = browser.new_context(timezone_id="Europe/Berlin", locale="en-GB", accept_downloads=True)
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.clock.set_fixed_time(at(2026, 3, 2, 9))
    yield p
    ctx.close()
    assert not errors, f"script errors on the page: {errors}"


def seed(page, site_url, state: dict) -> None:
    page.goto(site_url + "about/")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps({"format": "mdx-progress", **state})])


def stored(page) -> dict:
    return page.evaluate(f"JSON.parse(localStorage.getItem('{KEY}') || 'null')")


def week_items(page, site_url, url=WEEK1) -> list[str]:
    page.goto(site_url + url)
    return page.evaluate("[...document.querySelectorAll('input[data-mdx-item]')].map(b => b.dataset.mdxItem)")


# -------------------------------------------------------------------------------------------------- plan


def test_plan_moves_when_items_are_ticked(page, site_url):
    page.goto(site_url + DASH)
    page.get_by_label("Hours per week").fill("10")
    page.get_by_label("Start date").fill("2026-03-02")
    page.get_by_label("Start date").dispatch_event("change")
    assert stored(page)["plan"] == {"hours": 10, "start": "2026-03-02"}
    total = page.locator(".mdx-plan-total")
    # Week 21+ is open-ended (60+ h), so the whole roadmap has no end date, only the day its minimum is done
    expect(total).to_contain_text("At 10 h/week from 2 Mar 2026: the whole roadmap is open-ended (no fixed end)")
    before = total.inner_text()
    expect(page.locator("#mdx-plan")).to_contain_text("Phase 1 (")

    page.goto(site_url + WEEK1)
    line = page.locator("[data-mdx-plan]")
    expect(line).to_have_text("At 10 h/week from 2 Mar 2026: this week done between 13 Mar 2026 and 16 Mar 2026.")
    boxes = page.locator("input[data-mdx-item]")
    for n in range(boxes.count() - 1):
        boxes.nth(n).check()
    expect(line).to_have_text("At 10 h/week from 2 Mar 2026: this week done between 3 Mar 2026 and 4 Mar 2026.")
    boxes.last.check()
    expect(line).to_have_text("This week is done: every item is ticked.")

    page.goto(site_url + DASH)
    expect(total).not_to_have_text(before)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download the plan (.ics calendar)").click()
    cal = icalendar.Calendar.from_ical(Path(dl.value.path()).read_bytes())
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert not any(s.startswith("Week 1 done") for s in summaries)
    assert summaries[0].startswith("Week 2 done") and summaries[-1] == "ML/AI roadmap minimum done (open-ended)"
    assert all(e["DTSTART"].dt >= at(2026, 3, 2).date() for e in cal.walk("VEVENT"))


def test_the_default_hours_say_so_and_link_to_the_planner(page, site_url):
    """Walkthrough m6: the 10 h/week the page assumed was not said to be a default, nor where to change it."""
    page.goto(site_url + WEEK1)
    line = page.locator("[data-mdx-plan]")
    expect(line).to_have_text(
        "At 10 h/week (default; set yours) from 2 Mar 2026: this week done between 13 Mar 2026 and 16 Mar 2026."
    )
    line.get_by_role("link", name="set yours").click()
    assert page.url == site_url + DASH + "#plan"
    page.get_by_label("Hours per week").fill("12")
    page.get_by_label("Hours per week").dispatch_event("change")
    page.goto(site_url + WEEK1)
    expect(line).to_contain_text("At 12 h/week from 2 Mar 2026: this week done between")
    expect(line.get_by_role("link")).to_have_count(0)


def test_a_two_week_block_and_the_open_ended_week_say_what_they_are(page, site_url):
    """Walkthrough m7: Weeks 19-20 said "this week", and Week 21+ (60+ h) had a fixed end date."""
    page.goto(site_url + "roadmap/week-19-20/")
    expect(page.locator("[data-mdx-plan]")).to_contain_text(": this block done between")
    expect(page.locator("article")).to_contain_text("40–50 hours for the block.")
    page.goto(site_url + "roadmap/week-21/")
    line = page.locator("[data-mdx-plan]")
    expect(line).to_contain_text(": this block is open-ended (no fixed end); its minimum hours done by ")
    assert " and " not in line.inner_text()
    page.goto(site_url + DASH)
    expect(page.locator(".mdx-plan-total")).to_contain_text(
        "the whole roadmap is open-ended (no fixed end); its minimum hours done by"
    )
    expect(page.locator(".mdx-plan-total")).to_contain_text("+ h still open)")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download the plan (.ics calendar)").click()
    cal = icalendar.Calendar.from_ical(Path(dl.value.path()).read_bytes())
    events = {str(e["SUMMARY"]).split(":")[0]: e for e in cal.walk("VEVENT")}
    assert "Week 21+ minimum done (open-ended)" in events and "Week 21+ done" not in events
    assert "Phase 5 minimum done (open-ended)" in events and "ML/AI roadmap minimum done (open-ended)" in events
    assert "Weeks 19–20 done" in events
    for name in ("Week 21+ minimum done (open-ended)", "ML/AI roadmap minimum done (open-ended)"):
        text = str(events[name]["DESCRIPTION"])
        assert "open-ended (no fixed end); its minimum hours done by" in text and " and " not in text.split(".")[0]


def test_calendar_uids_stay_the_same_across_downloads(page, site_url):
    """Walkthrough m10: UIDs held the date, so a re-download after re-planning duplicated every event."""

    def download() -> dict[str, str]:
        page.goto(site_url + DASH)
        with page.expect_download() as dl:
            page.get_by_role("button", name="Download the plan (.ics calendar)").click()
        cal = icalendar.Calendar.from_ical(Path(dl.value.path()).read_bytes())
        return {str(e["UID"]): e["DTSTART"].dt.isoformat() for e in cal.walk("VEVENT")}

    first = download()
    host = site_url.split("/")[2]
    assert f"week-01@{host}" in first and f"phase-1@{host}" in first and f"roadmap@{host}" in first
    page.get_by_label("Hours per week").fill("20")
    page.get_by_label("Hours per week").dispatch_event("change")
    second = download()
    assert set(second) == set(first)  # the same events, so a calendar app updates them
    assert second[f"week-02@{host}"] != first[f"week-02@{host}"]  # ... to their new dates


def test_a_past_start_date_plans_from_today(page, site_url):
    seed(page, site_url, {"version": 3, "ticks": {}, "plan": {"hours": 20, "start": "2025-01-01"}})
    page.goto(site_url + WEEK1)
    expect(page.locator("[data-mdx-plan]")).to_contain_text("At 20 h/week from 2 Mar 2026: this week done between")


# ----------------------------------------------------------------------------------------------- reviews


def reviews(page):
    return page.locator("#mdx-reviews")


def test_reviews_fall_due_on_the_right_days_and_clear_when_done(page, site_url):
    seed(page, site_url, {"version": 3, "ticks": {FIRST: ms(2026, 1, 31, 23, 30)}})
    page.clock.set_fixed_time(at(2026, 1, 31, 23, 45))
    page.goto(site_url + DASH)
    expect(reviews(page)).to_contain_text("No reviews due today.")

    page.clock.set_fixed_time(at(2026, 2, 1, 0, 5))  # just past local midnight: the 1-day review is due
    page.goto(site_url + DASH)
    item = reviews(page).locator("li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("1 day review, due 1 Feb 2026")
    assert item.get_by_role("link").first.get_attribute("href").endswith(f"#item-{FIRST}")
    expect(item).to_contain_text("Study again: Mathematics for Machine Learning")
    item.get_by_role("button", name="Review done").click()
    expect(reviews(page)).to_contain_text("No reviews due today.")
    assert list(stored(page)["reviews"]["done"]) == [f"{FIRST}~0"]

    page.clock.set_fixed_time(at(2026, 2, 6, 12))
    page.goto(site_url + DASH)
    expect(reviews(page)).to_contain_text("No reviews due today.")
    page.clock.set_fixed_time(at(2026, 2, 9, 12))
    page.goto(site_url + DASH)
    expect(reviews(page).locator("li")).to_contain_text("1 week review, overdue since 7 Feb 2026")
    reviews(page).get_by_role("button", name="Review done").click()

    page.clock.set_fixed_time(at(2026, 2, 28, 8))  # Jan 31 + 1 month = Feb 28
    page.goto(site_url + DASH)
    expect(reviews(page).locator("li")).to_contain_text("1 month review, due 28 Feb 2026")
    reviews(page).get_by_role("button", name="No more reviews of this item").click()
    expect(reviews(page)).to_contain_text("No reviews due today.")
    assert stored(page)["reviews"]["off"] == {FIRST: 1}
    assert FIRST in stored(page)["ticks"]


def test_reviews_can_be_switched_off_entirely(page, site_url):
    seed(page, site_url, {"version": 3, "ticks": {FIRST: ms(2026, 3, 1, 10)}})
    page.goto(site_url + DASH)
    expect(reviews(page).locator("li")).to_have_count(1)
    reviews(page).get_by_label("Remind me to review").uncheck()
    expect(reviews(page)).to_contain_text("Reviews are off.")
    assert stored(page)["reviews"]["disabled"] is True
    page.reload()
    expect(reviews(page)).to_contain_text("Reviews are off.")


# ----------------------------------------------------------------------------------------------- journal


def test_journal_round_trip_through_export_and_import(page, site_url):
    note = '<img src=x onerror="window.pwned=1"> Eigenvalues finally clicked; "PCA" next.\nSecond line.'
    page.goto(site_url + WEEK1)
    page.get_by_label("Your journal for Week 1").fill(note)
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".mdx-journal__msg")).to_have_text("Note saved in this browser.")
    page.locator("input[data-mdx-item]").first.check()

    page.goto(site_url + DASH)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export to a file").click()
    exported = Path(dl.value.path()).read_text()
    assert json.loads(exported)["journal"] == {"week-01": note}
    page.evaluate("localStorage.clear()")
    page.reload()
    page.set_input_files(
        "[data-mdx-import]", files=[{"name": "p.json", "mimeType": "application/json", "buffer": exported.encode()}]
    )
    page.locator(".mdx-dash__panel").get_by_role("button", name="Replace").click()

    page.goto(site_url + WEEK1)
    expect(page.get_by_label("Your journal for Week 1")).to_have_value(note)
    assert page.evaluate("window.pwned") is None and page.locator(".mdx-journal img").count() == 0


def test_import_preview_names_every_change_before_replace_or_merge(page, site_url):
    """Replace used to delete week notes and overwrite the plan while its preview spoke only of ticks."""
    seed(
        page,
        site_url,
        {
            "version": 3,
            "ticks": {FIRST: ms(2026, 3, 1, 12)},
            "plan": {"hours": 25},
            "journal": {"week-02": "my week 2 note"},
            "name": "Ada",
        },
    )
    incoming = {
        "format": "mdx-progress",
        "version": 3,
        "ticks": {FIRST: ms(2026, 2, 1, 12)},
        "plan": {"hours": 15, "start": "2027-01-04"},
        "journal": {"week-01": "their week 1 note"},
        "name": "Bob",
    }
    page.goto(site_url + DASH)
    page.set_input_files(
        "[data-mdx-import]",
        files=[{"name": "p.json", "mimeType": "application/json", "buffer": json.dumps(incoming).encode()}],
    )
    panel = page.locator(".mdx-dash__panel")
    expect(panel).to_contain_text(
        "Replace keeps only these ticks and removes 0 ticks of yours; it also deletes "
        "1 week note of yours that the file does not have, adds 1 week note, changes your "
        "plan from 25 h/week to 15 h/week from 2027-01-04, "
        'changes the name on your certificates to "Bob".'
    )
    expect(panel).to_contain_text(
        "Merge adds 0 ticks to yours, adds 1 week note (yours are kept), and changes nothing else."
    )
    panel.get_by_role("button", name="Merge").click()
    state = stored(page)
    assert state["journal"] == {"week-01": "their week 1 note", "week-02": "my week 2 note"}
    assert state["plan"] == {"hours": 25} and state["name"] == "Ada"


def test_a_journal_note_is_saved_as_it_is_typed(page, site_url):
    """Walkthrough m15: a note typed without pressing "Save note" was lost on leaving the page."""
    page.goto(site_url + WEEK1)
    box = page.get_by_label("Your journal for Week 1")
    box.fill("typed, never saved by hand")
    expect(page.locator(".mdx-journal__msg")).to_have_text("Note saved in this browser.")
    assert stored(page)["journal"] == {"week-01": "typed, never saved by hand"}
    box.fill("changed just before leaving")
    page.goto(site_url + DASH)  # leaving at once, before the pause after the last key
    page.goto(site_url + WEEK1)
    expect(page.get_by_label("Your journal for Week 1")).to_have_value("changed just before leaving")


def test_overlong_journal_note_is_refused_politely_not_truncated(page, site_url):
    page.goto(site_url + WEEK1)
    box = page.get_by_label("Your journal for Week 1")
    box.fill("short note")
    page.get_by_role("button", name="Save note").click()
    box.fill("x" * 2050)
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".mdx-journal__msg")).to_contain_text("Not saved: your note has 2050 characters")
    expect(page.locator(".mdx-journal__msg")).to_contain_text("Shorten it by 50")
    expect(box).to_have_value("x" * 2050)
    assert stored(page)["journal"] == {"week-01": "short note"}


# ---------------------------------------------------------------------------------------------- activity


def test_streaks_across_the_dst_change(page, site_url):
    # 23:30 local on 27, 28 (CET) and 29 March (CEST: the night the clocks went forward), 10:00 on the 30th
    t = {
        "w01-a": ms(2026, 3, 27, 23, 30),
        "w01-b": ms(2026, 3, 28, 23, 30),
        "w01-c": ms(2026, 3, 29, 23, 30),
        "w01-d": ms(2026, 3, 30, 10),
        "w01-e": ms(2026, 3, 20, 10),
    }
    seed(page, site_url, {"version": 3, "ticks": t, "reviews": {"done": {"w01-a~0": ms(2026, 3, 31, 0, 10)}}})
    page.clock.set_fixed_time(at(2026, 4, 1, 8))
    page.goto(site_url + DASH)
    act = page.locator("#mdx-activity")
    expect(act.locator(".mdx-streaks")).to_have_text("Current streak: 5 days. Longest streak: 5 days.")
    day = act.locator('.mdx-heat li[aria-label="29 Mar 2026: 1 activity"]')
    expect(day).to_have_count(1)
    expect(day).to_have_text("1")  # the count is text, not only a colour
    expect(act.locator('.mdx-heat li[aria-label="21 Mar 2026: none"]')).to_have_count(1)
    expect(act.locator(".mdx-heat li")).to_have_count(84)
    expect(act.locator("details li")).to_have_count(6)

    page.clock.set_fixed_time(at(2026, 4, 3, 8))  # a day missed: the current streak is over, the longest stays
    page.goto(site_url + DASH)
    expect(act.locator(".mdx-streaks")).to_have_text("Current streak: 0 days. Longest streak: 5 days.")


# ------------------------------------------------------------------------------------------ certificates


def requirements(page, site_url) -> list[str]:
    """Every id the Foundations certificate needs, from the manifest: objectives of weeks 1-3, the project
    tasks of 3 weeks."""
    page.goto(site_url + CERTS)
    return page.evaluate(
        """() => {
        const m = mdxProgress.manifest(), items = Object.fromEntries(m.items.map(i => [i.id, i]));
        const weeks = Object.fromEntries(m.weeks.map(w => [w.id, w]));
        const ids = [];
        for (const w of ['week-01', 'week-02', 'week-03'])
          ids.push(...weeks[w].items.filter(id => items[id].kind == 'objective'));
        for (const w of ['week-01', 'week-02', 'week-03']) ids.push(...weeks[w].tasks);
        return ids;
      }"""
    )


def cert(page):
    return page.locator('[data-mdx-cert="foundations"]')


def test_certificate_unlocks_at_exactly_its_requirements(page, site_url):
    ids = requirements(page, site_url)
    seed(page, site_url, {"version": 3, "ticks": {i: ms(2026, 2, 1 + n % 20, 12) for n, i in enumerate(ids[:-1])}})
    page.goto(site_url + CERTS)
    expect(cert(page)).to_contain_text("Your status: not yet earned")
    expect(cert(page)).to_contain_text("Mathematics for ML: ✓ done")
    expect(cert(page)).to_contain_text("3 Checkpoint Projects: ✗ missing 2 of 3 projects done")
    assert cert(page).get_by_role("link", name="Week 3:").get_attribute("href").endswith("roadmap/week-03/#project")
    expect(cert(page).locator(".mdx-certificate")).to_have_count(0)
    expect(page.locator('[data-mdx-cert="practitioner"]')).to_contain_text("not yet earned")

    page.goto(site_url + "roadmap/week-03/")
    page.locator(f'input[data-mdx-item="{ids[-1]}"]').check()
    page.goto(site_url + CERTS)
    expect(cert(page)).to_contain_text("Your status: earned ✓")
    c = cert(page).locator(".mdx-certificate")
    expect(c).to_contain_text("Certificate of Completion")
    expect(c).to_contain_text("Self-attested")
    expect(c).to_contain_text("completed the requirements on 2 Mar 2026")
    expect(c.locator("li")).to_have_count(3)

    page.goto(site_url + "roadmap/week-01/")
    page.locator(f'input[data-mdx-item="{ids[0]}"]').uncheck()
    page.goto(site_url + CERTS)
    expect(cert(page)).to_contain_text("Your status: not yet earned")


def test_certificate_print_layout(page, site_url, tmp_path):
    ids = requirements(page, site_url)
    seed(page, site_url, {"version": 3, "ticks": {i: ms(2026, 2, 20, 12) for i in ids}})
    page.goto(site_url + CERTS)
    name = cert(page).get_by_label("Name on the certificate")
    name.fill("Ada <b>Lovelace</b>")
    expect(cert(page).locator(".mdx-certificate__name")).to_have_text("Ada <b>Lovelace</b>")
    assert stored(page)["name"] == "Ada <b>Lovelace</b>"
    page.evaluate("window.print = () => { window.printed = true; }")
    cert(page).get_by_role("button", name="Print or save as PDF").click()
    assert page.evaluate("window.printed") is True

    page.emulate_media(media="print")
    c = cert(page).locator(".mdx-certificate")
    expect(c).to_be_visible()
    expect(page.locator("article h1")).to_be_hidden()
    expect(page.locator('[data-mdx-cert="practitioner"]')).to_be_hidden()
    expect(cert(page).get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(page.locator(".md-header")).to_be_hidden()
    box = c.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    shot = c.screenshot(path=str(tmp_path / "certificate.png"))
    assert len(shot) > 1000
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000

    page.emulate_media(media="screen")
    page.reload()
    expect(cert(page).get_by_label("Name on the certificate")).to_have_value("Ada <b>Lovelace</b>")
