"""The planner's pure logic (docs/assets/javascripts/progress/plan.js) and the store's version 3 sections, run in
Chromium through page.evaluate: local days, the plan, review due dates, streaks, .ics text; the clock and the
time zone are fixed per context so "today" is known."""

from __future__ import annotations

import json

import icalendar
import pytest

pytestmark = pytest.mark.browser

NOV_25_NOON = "2026-11-25T12:00:00+01:00"


def runner(browser, site_url, tz="Europe/Berlin", now=NOV_25_NOON):
    ctx = browser.new_context(timezone_id=tz)
    page = ctx.new_page()
    page.clock.set_fixed_time(now)
    page.goto(site_url + "progress/")  # the dashboard loads both plan.js and planner.js
    page.wait_for_function("window.mdxPlan && window.mdxPlanner")

    def run(body: str, arg=None):
        return page.evaluate(f"(arg) => {{ const L = Object.assign({{}}, mdxPlan, mdxPlanner); {body} }}", arg)

    return ctx, run


@pytest.fixture(scope="module")
def js(browser, site_url):
    ctx, run = runner(browser, site_url)
    yield run
    ctx.close()


def test_today_is_the_local_day(browser, site_url):
    # 23:30 UTC on 25 Nov is already 26 Nov in Berlin and still 25 Nov in New York
    for tz, want in [("Europe/Berlin", "2026-11-26"), ("America/New_York", "2026-11-25"), ("UTC", "2026-11-25")]:
        ctx, run = runner(browser, site_url, tz=tz, now="2026-11-25T23:30:00Z")
        assert run("return L.today();") == want, tz
        ctx.close()


@pytest.mark.parametrize(
    "start,n,want",
    [
        ("2026-03-28", 1, "2026-03-29"),  # the night clocks go forward in Europe
        ("2026-03-28", 2, "2026-03-30"),
        ("2026-10-24", 1, "2026-10-25"),  # and back
        ("2026-10-25", 1, "2026-10-26"),
        ("2026-01-31", 1, "2026-02-01"),
        ("2028-02-28", 1, "2028-02-29"),
        ("2026-12-31", 1, "2027-01-01"),
        ("2026-03-01", -1, "2026-02-28"),
        ("2026-03-29", 7, "2026-04-05"),
    ],
)
def test_add_days_is_calendar_arithmetic(js, start, n, want):
    assert js("return L.addDays(arg[0], arg[1]);", [start, n]) == want


@pytest.mark.parametrize(
    "start,want",
    [
        ("2026-01-31", "2026-02-28"),
        ("2028-01-31", "2028-02-29"),
        ("2026-03-31", "2026-04-30"),
        ("2026-12-15", "2027-01-15"),
        ("2026-08-31", "2026-09-30"),
        ("2026-02-28", "2026-03-28"),
    ],
)
def test_add_month_clamps_to_the_end_of_a_shorter_month(js, start, want):
    assert js("return L.addMonths(arg, 1);", start) == want


def test_day_of_a_time_across_the_dst_change(js):
    # 2026-03-29 01:30 UTC is 03:30 CEST; 2026-03-28 23:30 UTC is 00:30 CET on the 29th
    assert js(
        "return [L.dayOf(Date.UTC(2026, 2, 29, 1, 30)), L.dayOf(Date.UTC(2026, 2, 28, 23, 30)), "
        "L.dayOf(Date.UTC(2026, 2, 28, 22, 59))];"
    ) == ["2026-03-29", "2026-03-29", "2026-03-28"]


def test_review_due_dates_are_one_day_one_week_one_month(js):
    assert js("return [0, 1, 2].map(s => L.dueOn('2026-01-31', s));") == ["2026-02-01", "2026-02-07", "2026-02-28"]


def test_reviews_due_follow_the_stages_and_switches(js):
    out = js(
        """
        const t = Date.UTC(2026, 10, 20, 10);  // ticked on 20 Nov (local)
        const ticks = {a: t, b: t, c: 0};
        return [
          L.dueReviews(ticks, {}, '2026-11-20'),
          L.dueReviews(ticks, {}, '2026-11-21').map(r => [r.id, r.stage, r.due, r.overdue]),
          L.dueReviews(ticks, {done: {'a~0': 1}}, '2026-11-22').map(r => [r.id, r.stage, r.overdue]),
          L.dueReviews(ticks, {done: {'a~0': 1}}, '2026-11-27').map(r => [r.id, r.stage, r.due]),
          L.dueReviews(ticks, {off: {b: 1}}, '2026-11-21').map(r => r.id),
          L.dueReviews(ticks, {disabled: true}, '2026-11-21'),
          L.dueReviews(ticks, {done: {'a~0': 1, 'a~1': 1, 'a~2': 1}, off: {b: 1}}, '2027-05-01'),
          L.dueReviews(ticks, {done: {'a~0': 1, 'a~1': 1}}, '2026-12-20').map(r => [r.id, r.stage, r.due]),
        ];"""
    )
    assert out[0] == []
    assert out[1] == [["a", 0, "2026-11-21", False], ["b", 0, "2026-11-21", False]]
    assert out[2] == [["b", 0, True]]  # a's 1-week review is not due yet; b is overdue
    assert out[3] == [["a", 1, "2026-11-27"], ["b", 0, "2026-11-21"]] or sorted(out[3]) == sorted(
        [["a", 1, "2026-11-27"], ["b", 0, "2026-11-21"]]
    )
    assert out[4] == ["a"] and out[5] == [] and out[6] == []
    assert ["a", 2, "2026-12-20"] in out[7]


def test_streaks_count_consecutive_local_days(js):
    out = js(
        """
        const days = {'2026-11-10': 1, '2026-11-11': 2, '2026-11-12': 1, '2026-11-20': 1,
                      '2026-11-24': 1, '2026-11-25': 3};
        return [L.streaks(days, '2026-11-25'), L.streaks(days, '2026-11-26'), L.streaks(days, '2026-11-27'),
                L.streaks({}, '2026-11-25')];"""
    )
    assert out == [
        {"current": 2, "longest": 3},
        {"current": 2, "longest": 3},  # yesterday's streak is still alive today
        {"current": 0, "longest": 3},
        {"current": 0, "longest": 0},
    ]


def test_streak_across_the_dst_change_is_unbroken(js):
    out = js(
        """
        const times = [Date.UTC(2026, 2, 27, 20), Date.UTC(2026, 2, 28, 22, 30), Date.UTC(2026, 2, 29, 21, 30),
                       Date.UTC(2026, 9, 24, 21, 30), Date.UTC(2026, 9, 25, 22, 30)];
        const days = L.activity(times);
        return [Object.keys(days).sort(), L.streaks(days, '2026-03-30'), L.streaks(days, '2026-10-26')];"""
    )
    assert out[0] == ["2026-03-27", "2026-03-28", "2026-03-29", "2026-10-24", "2026-10-25"]
    assert out[1] == {"current": 3, "longest": 3} and out[2] == {"current": 2, "longest": 3}


def test_plan_dates_from_open_hours_low_and_high(js):
    out = js(
        """
        const weeks = [
          {id: 'w1', phase: 1, hours: [10, 20], items: ['a', 'b']},
          {id: 'w2', phase: 1, hours: [10, 10], items: ['c']},
          {id: 'w3', phase: 2, hours: [60, null], items: ['d']},
        ];
        const has = id => id == 'a';
        return [L.plan(weeks, has, 10, '2026-03-02'), L.plan(weeks, () => true, 10, '2026-03-02'),
                L.plan(weeks, id => id != 'd', 20, '2026-03-27')];"""
    )
    p = out[0]
    assert p["weeks"] == {
        "w1": ["2026-03-06", "2026-03-09"],  # 5-10 h open at 10 h/week: 3.5 -> 4 days, 7 days
        "w2": ["2026-03-13", "2026-03-16"],  # 15-20 h: 10.5 -> 11, 14 days
        "w3": ["2026-04-24", None],  # 75+ h: 52.5 -> 53 days; open-ended, so no late date
    }
    assert p["phases"] == {"1": ["2026-03-13", "2026-03-16"], "2": ["2026-04-24", None]}
    assert p["end"] == p["weeks"]["w3"] and p["open"] == [75, None]
    assert out[1]["end"] is None and out[1]["weeks"] == {}
    assert out[2]["weeks"] == {"w3": ["2026-04-17", None]}  # 21 days across the DST change


def test_plan_line_reads_like_a_sentence(js):
    assert (
        js("return L.line({hours: 10, start: '2026-03-02'}, 'Phase 2', ['2026-03-03', '2026-03-17']);")
        == "At 10 h/week from 2 Mar 2026: Phase 2 done between 3 Mar 2026 and 17 Mar 2026."
    )
    # an open-ended range has no end date; the default hours say they are the default (walkthrough m6, m7)
    assert (
        js("return L.line({hours: 10, dflt: true, start: '2026-03-02'}, 'this block', ['2026-03-03', null]);")
        == "At 10 h/week (default) from 2 Mar 2026: this block is open-ended (no fixed end); "
        "its minimum hours done by 3 Mar 2026."
    )


def test_ics_is_valid_escaped_folded_with_crlf(js):
    title = "Week 3 done: Deep Learning; CNNs, RNNs \\ and a newline\nhere, ünïcödé " + "long " * 20
    text = js(
        "return L.ics([{uid: 'week-03-2026-03-09@example.org', day: '2026-03-09', title: arg, text: 'a;b'}, "
        "{uid: 'roadmap@example.org', day: '2026-12-31', title: 'Done'}], Date.UTC(2026, 10, 25, 11));",
        title,
    )
    raw = text.encode()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    flat = text.replace("\r\n ", "")
    assert "SUMMARY:Week 3 done: Deep Learning\\; CNNs\\, RNNs \\\\ and a newline\\nhere\\," in flat
    cal = icalendar.Calendar.from_ical(text)
    events = list(cal.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == [title, "Done"]
    assert str(events[0]["DESCRIPTION"]) == "a;b"
    assert events[0]["DTSTART"].dt.isoformat() == "2026-03-09" and events[0]["DTEND"].dt.isoformat() == "2026-03-10"
    assert events[1]["DTSTART"].dt.isoformat() == "2026-12-31" and events[1]["DTEND"].dt.isoformat() == "2027-01-01"
    assert events[0]["DTSTAMP"].dt.isoformat() == "2026-11-25T11:00:00+00:00"
    assert str(events[1]["UID"]) == "roadmap@example.org"
    assert cal["VERSION"] == "2.0" and "PRODID" in cal


def test_folding_never_splits_a_multibyte_character(js):
    out = js("return L.fold('SUMMARY:' + 'é'.repeat(80));")
    lines = out.split("\r\n")
    assert all(len(x.encode()) <= 75 for x in lines) and "".join(x.lstrip(" ") for x in lines).count("é") == 80


# -------------------------------------------------------------------------------------- store version 3

STORE = (
    "const s = {d: Object.assign({}, arg || {}), getItem(k) { return k in this.d ? this.d[k] : null; }, "
    "setItem(k, v) { this.d[k] = String(v); }, removeItem(k) { delete this.d[k]; }}; "
    "const p = mdxProgress.create(s, 'k');"
)


def test_version_2_is_migrated_to_3_without_losing_ticks(js):
    old = json.dumps({"format": "mdx-progress", "version": 2, "ticks": {"w01-a": 5, "w02-b": 6}})
    data = js(STORE + "return JSON.parse(s.d.k);", {"k": old})
    assert data["version"] == 3 and data["ticks"] == {"w01-a": 5, "w02-b": 6}


def test_sections_are_kept_exported_and_validated(js):
    out = js(
        STORE
        + """
        p.set('w01-a', true);
        const ok = [p.put('plan', {hours: 12, start: '2026-03-02'}), p.put('journal', {'week-01': '<b>hi</b>'}),
                    p.put('reviews', {done: {'w01-a~0': 1}, off: {}, disabled: false}), p.put('name', 'Ada'),
                    p.put('plan', {hours: -3}), p.put('journal', {'week-01': 'x'.repeat(2001)})];
        const exp = JSON.parse(p.exportText());
        const q = mdxProgress.create(s, 'k');
        return [ok, exp, q.get('journal'), q.get('plan'), q.get('name')];"""
    )
    assert out[0] == [True, True, True, True, False, False]
    assert out[1]["version"] == 3 and "w01-a" in out[1]["ticks"] and out[1]["journal"] == {"week-01": "<b>hi</b>"}
    assert out[2] == {"week-01": "<b>hi</b>"} and out[3] == {"hours": 12, "start": "2026-03-02"} and out[4] == "Ada"


def test_old_export_imports_and_keeps_the_sections_here(js):
    out = js(
        STORE
        + """
        p.put('journal', {'week-01': 'mine'});
        p.apply(mdxProgress.parse(JSON.stringify({version: 2, ticks: {'w01-a': 7}})), 'replace');
        const a = [p.ticks(), p.get('journal')];
        const inc = {version: 3, ticks: {}, journal: {'week-01': 'theirs', 'week-02': 'new'}};
        p.apply(mdxProgress.parse(JSON.stringify(inc)), 'merge');
        const b = p.get('journal');
        p.undo();
        return [a, b, p.get('journal')];"""
    )
    assert out[0] == [{"w01-a": 7}, {"week-01": "mine"}]
    assert out[1] == {"week-01": "mine", "week-02": "new"} and out[2] == {"week-01": "mine"}


def test_bad_sections_in_an_import_are_skipped_not_kept(js):
    out = js(
        "const r = mdxProgress.parse(JSON.stringify({version: 3, ticks: {'w01-a': 1}, plan: {hours: 'ten'}, "
        "journal: {'week-01': 5, '<x>': 'y'}, reviews: {done: {'w01-a~9': 1}}, name: 7})); return [r.skipped, r.extra];"
    )
    assert out[0] == 5 and out[1]["journal"] == {} and out[1]["plan"] == {}
