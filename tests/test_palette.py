"""The light/dark switch (overrides/partials/palette.html and partials/javascripts/palette.html): the system
theme on a first visit, from the first paint; the reader's choice kept across pages and reloads, by mouse
and by keyboard; broken storage costing nothing; and no restyle of the page after its content is parsed,
which is why the site sets the palette itself instead of letting Material's script do it."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = "roadmap/week-01/"

# Records every change of the palette attributes on <body>, and whether the page's content existed yet.
RECORD = """
window.__palette = { changes: [], atContent: null };
new MutationObserver(records => {
  for (const r of records) {
    if (r.type === 'attributes' && r.target === document.body) {
      window.__palette.changes.push([r.attributeName, !!document.querySelector('.md-container')]);
    }
    if (r.type === 'childList' && window.__palette.atContent === null && document.querySelector('.md-container')) {
      window.__palette.atContent = document.body.getAttribute('data-md-color-scheme');
    }
  }
}).observe(document, { subtree: true, childList: true, attributes: true,
  attributeFilter: ['data-md-color-scheme', 'data-md-color-primary', 'data-md-color-accent',
                    'data-md-color-switching'] });
"""

STATE = """() => ({
  scheme: document.body.getAttribute('data-md-color-scheme'),
  colorScheme: [...document.querySelectorAll('meta[name=color-scheme]')].map(m => m.content),
  themeColor: [...document.querySelectorAll('meta[name=theme-color]')].map(m => m.content),
  shown: [...document.querySelectorAll('[data-mdx-palette] label')].filter(l => !l.hidden).map(l => l.title),
  background: getComputedStyle(document.body).backgroundColor,
})"""


def open_page(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(RECORD)
    page.goto(site_url + PAGE, wait_until="networkidle")
    return context, page, errors


@pytest.mark.parametrize(("system", "scheme", "meta"), [("light", "default", "normal"), ("dark", "slate", "dark")])
def test_first_visit_follows_the_system_theme_from_the_first_paint(site_url, browser, system, scheme, meta):
    context, page, errors = open_page(browser, site_url, system)
    state = page.evaluate(STATE)
    record = page.evaluate("window.__palette")
    assert state["scheme"] == scheme
    assert record["atContent"] == scheme  # already so when the page's content was parsed: no flash
    assert state["colorScheme"] == [meta]
    assert len(state["themeColor"]) == 1 and state["themeColor"][0].startswith("#")
    assert len(state["shown"]) == 1  # one switch shown: the one to the other scheme
    other = "light" if system == "dark" else "dark"
    assert other in state["shown"][0].lower()
    # Material's palette script would set the palette again after load, each time restyling the page.
    assert not [c for c in record["changes"] if c[1]], record["changes"]
    assert errors == []
    context.close()


def test_the_choice_is_kept_across_reloads_and_pages_and_set_by_keyboard(site_url, browser):
    context, page, errors = open_page(browser, site_url, "light")
    before = page.evaluate(STATE)
    page.click("[data-mdx-palette] label:not([hidden])")
    after = page.evaluate(STATE)
    assert after["scheme"] == "slate" and after["colorScheme"] == ["dark"]
    assert after["background"] != before["background"]
    assert "light" in after["shown"][0].lower()
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
    page.reload(wait_until="networkidle")
    assert page.evaluate(STATE)["scheme"] == "slate"
    page.goto(site_url, wait_until="networkidle")  # another page
    assert page.evaluate(STATE)["scheme"] == "slate"
    # Keyboard: the switch is the checked radio (Tab reaches it); Enter moves to the next palette.
    page.focus("[data-mdx-palette] input:checked")
    page.keyboard.press("Enter")
    assert page.evaluate(STATE)["scheme"] == "default"
    assert page.evaluate("document.activeElement.matches('[data-mdx-palette] input:checked')")
    page.reload(wait_until="networkidle")
    assert page.evaluate(STATE)["scheme"] == "default"
    # Space switches too, as on any toggle (walkthrough m22)
    page.focus("[data-mdx-palette] input:checked")
    page.keyboard.press("Space")
    assert page.evaluate(STATE)["scheme"] == "slate"
    assert errors == []
    context.close()


def test_without_a_choice_the_page_follows_a_change_of_the_system_theme(site_url, browser):
    context, page, errors = open_page(browser, site_url, "light")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'", timeout=5_000)
    page.click("[data-mdx-palette] label:not([hidden])")  # a choice now: light
    assert page.evaluate(STATE)["scheme"] == "default"
    page.emulate_media(color_scheme="light")
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(200)
    assert page.evaluate(STATE)["scheme"] == "default"  # the choice stands
    assert errors == []
    context.close()


@pytest.mark.parametrize("stored", ["{broken", '{"index": 7}', '"slate"', "null"])
def test_broken_palette_storage_falls_back_to_the_system_theme(site_url, browser, stored):
    context, page, errors = open_page(browser, site_url, "dark")
    # Material's key for it: the site's scope, then ".__palette"
    page.evaluate("stored => localStorage.setItem(__md_scope.pathname + '.__palette', stored)", stored)
    page.reload(wait_until="networkidle")
    assert page.evaluate(STATE)["scheme"] == "slate"
    page.click("[data-mdx-palette] label:not([hidden])")  # the switch still works, and its choice is saved
    page.reload(wait_until="networkidle")
    assert page.evaluate(STATE)["scheme"] == "default"
    assert errors == []
    context.close()
