"""The progress store's pure logic (docs/assets/javascripts/progress/store.js), run in Chromium.

Each test drives a fresh store over a fake Storage through page.evaluate, so no page state leaks
between tests and node is not needed."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

FAKE = """
window.fakeStorage = function (init, mode) {
  var d = Object.assign({}, init || {});
  return {
    data: d,
    getItem: function (k) { if (mode == "dead") throw new Error("denied"); return k in d ? d[k] : null; },
    setItem: function (k, v) { if (mode) throw new DOMException("full", "QuotaExceededError"); d[k] = String(v); },
    removeItem: function (k) { delete d[k]; }
  };
};
window.mk = function (init, mode) { var s = fakeStorage(init, mode); return [s, mdxProgress.create(s, "k")]; };
"""


@pytest.fixture(scope="module")
def js(browser, site_url):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(site_url + "about/")
    page.evaluate(FAKE)

    def run(body: str, arg=None):
        return page.evaluate(f"(arg) => {{ {body} }}", arg)

    yield run
    ctx.close()


def test_tick_records_when_it_happened(js):
    out = js(
        "var [s, p] = mk(); var t = Date.now(); p.set('w01-a', true); "
        "return [p.has('w01-a'), JSON.parse(s.data.k).ticks['w01-a'] >= t, p.last() >= t];"
    )
    assert out == [True, True, True]


def test_unticking_removes_the_id_from_storage(js):
    assert (
        js("var [s, p] = mk(); p.set('w01-a', true); p.set('w01-a', false); return JSON.parse(s.data.k).ticks;") == {}
    )


def test_state_is_written_versioned_with_a_format_marker(js):
    data = js("var [s, p] = mk(); p.set('w01-a', true); return JSON.parse(s.data.k);")
    assert data["format"] == "mdx-progress" and data["version"] == 3 and list(data["ticks"]) == ["w01-a"]


def test_version_1_data_is_migrated_forward_and_rewritten(js):
    old = json.dumps({"version": 1, "done": ["w01-a", "w02-b"]})
    data = js("var [s, p] = mk({k: arg}); return [p.has('w01-a'), p.has('w02-b'), JSON.parse(s.data.k)];", old)
    assert data[:2] == [True, True]
    assert data[2]["version"] == 3 and data[2]["ticks"] == {"w01-a": 0, "w02-b": 0}


@pytest.mark.parametrize("raw", ["{not json", '["a list"]', '{"some": "other app"}', '{"version": 99, "ticks": {}}'])
def test_corrupt_or_foreign_data_is_set_aside_not_lost(js, raw):
    out = js(
        "var [s, p] = mk({k: arg}); var aside = Object.keys(s.data).filter(k => k.startsWith('k:set-aside:'));"
        "return [aside.length, s.data[aside[0]], 'k' in s.data, Object.keys(p.ticks()).length, p.notices.length];",
        raw,
    )
    assert out == [1, raw, False, 0, 1]


def test_storage_that_throws_keeps_ticks_in_memory_with_one_notice(js):
    out = js(
        "var [s, p] = mk({}, 'full'); p.set('w01-a', true); p.set('w01-b', true);"
        "return [p.live, p.has('w01-a'), p.has('w01-b'), p.notices.length];"
    )
    assert out == [False, True, True, 1]


def test_storage_that_cannot_even_be_read_still_works(js):
    assert js("var [s, p] = mk({}, 'dead'); p.set('w01-a', true); return [p.live, p.has('w01-a')];") == [False, True]


def test_two_sites_on_one_origin_use_different_keys(js):
    a, b = js(
        "return ['https://me.github.io/roadmap/', 'https://me.github.io/fork/'].map(u => "
        "mdxProgress.keyFor(u + 'assets/javascripts/progress/store.js'));"
    )
    assert a == "mdx-progress:/roadmap/" and b == "mdx-progress:/fork/"


def test_successor_ids_carry_their_ticks_through_chains(js):
    out = js(
        "var [s, p] = mk(); p.set('old-a', true); p.set('gone', true); p.set('new-b', true);"
        "var n = p.migrate({'old-a': 'mid-a', 'mid-a': 'new-a', 'gone': null});"
        "return [n, Object.keys(p.ticks()).sort(), Object.keys(JSON.parse(s.data.k).ticks).sort()];"
    )
    assert out == [1, ["gone", "new-a", "new-b"], ["gone", "new-a", "new-b"]]


def test_unknown_ids_survive_a_reload(js):
    raw = json.dumps({"format": "mdx-progress", "version": 2, "ticks": {"w99-from-the-future": 5}})
    assert js(
        "var [s, p] = mk({k: arg}); p.set('w01-a', true); p.reload(); return Object.keys(p.ticks()).sort();", raw
    ) == ["w01-a", "w99-from-the-future"]


@pytest.mark.parametrize(
    "text,code",
    [
        ("hello", "json"),
        ("[1, 2]", "shape"),
        ('{"version": 2, "ticks": ["w01-a"]}', "shape"),
        ('{"version": 4, "ticks": {}}', "version"),
        ('{"version": 2, "ticks": {}, "pad": "' + "x" * 600_000 + '"}', "large"),
    ],
)
def test_parse_refuses_what_is_not_a_progress_export(js, text, code):
    assert (
        js("try { mdxProgress.parse(arg); return 'accepted'; } catch (e) { return e.code + ':' + !!e.message; }", text)
        == code + ":true"
    )


def test_parse_keeps_only_id_shaped_keys_and_numeric_times(js):
    text = json.dumps(
        {
            "version": 2,
            "ticks": {
                "w01-a": 1,
                "<img src=x onerror=alert(1)>": 2,
                "__proto__": 3,
                "w01-b": "<script>",
                "w01-c": -1,
                "w01-d": 4,
            },
        }
    )
    out = js(
        "var r = mdxProgress.parse(arg); return [Object.keys(r.ticks).sort(), r.skipped, ({}).polluted === undefined];",
        text,
    )
    assert out == [["w01-a", "w01-d"], 4, True]


def test_merge_adds_new_ticks_and_keeps_existing_times(js):
    out = js(
        "var [s, p] = mk(); p.set('w01-a', true); var t = p.ticks()['w01-a'];"
        "var inc = mdxProgress.parse(JSON.stringify({version: 2, ticks: {'w01-a': 1, 'w01-b': 2}}));"
        "var diff = p.diff(inc, 'merge'); p.apply(inc, 'merge');"
        "return [diff.added, diff.kept, p.ticks()['w01-a'] === t, p.ticks()['w01-b']];"
    )
    assert out == [["w01-b"], ["w01-a"], True, 2]


def test_replace_backs_up_first_and_undo_restores(js):
    out = js(
        "var [s, p] = mk(); p.set('w01-a', true);"
        "var inc = mdxProgress.parse(JSON.stringify({version: 2, ticks: {'w01-b': 2}}));"
        "var diff = p.diff(inc, 'replace'); p.apply(inc, 'replace');"
        "var after = Object.keys(p.ticks()), backup = Object.keys(JSON.parse(s.data['k:backup']).ticks);"
        "p.undo(); return [diff.removed, after, backup, Object.keys(p.ticks()), p.canUndo()];"
    )
    assert out == [["w01-a"], ["w01-b"], ["w01-a"], ["w01-a"], False]


def test_reset_of_one_week_leaves_the_others_and_can_be_undone(js):
    out = js(
        "var [s, p] = mk(); ['w01-a', 'w01-b', 'w02-a'].forEach(i => p.set(i, true));"
        "p.reset(['w01-a', 'w01-b']); var after = Object.keys(p.ticks()); p.undo();"
        "return [after, Object.keys(p.ticks()).sort()];"
    )
    assert out == [["w02-a"], ["w01-a", "w01-b", "w02-a"]]


def test_share_hash_round_trips_ids_and_times(js):
    out = js(
        "var [s, p] = mk(); p.set('w01-a', true); p.set('w02-b', true); var h = p.shareHash();"
        "return [h.startsWith('#progress='),"
        " JSON.stringify(mdxProgress.parseHash(h).ticks) === JSON.stringify(p.ticks())];"
    )
    assert out == [True, True]


def test_export_text_parses_back_to_the_same_ticks(js):
    assert js(
        "var [s, p] = mk(); p.set('w01-a', true); p.set('skill-x', true);"
        "return JSON.stringify(mdxProgress.parse(p.exportText()).ticks) === JSON.stringify(p.ticks());"
    )


def test_listeners_hear_local_changes_and_reloads(js):
    assert js("var [s, p] = mk(), n = 0; p.on(() => n++); p.set('w01-a', true); p.reload(); return n;") == 2
