"""What keeps pages light on a phone (issue #7), checked for what it must not break: the search index loads on
first use of search and search still works; formulas render as the reader comes near them, and all of them
for find in page and printing; code blocks get their copy button as they come into view and keep their
colours without the spans they no longer need; long pages render lazily without text spilling anywhere;
notebook pages carry none of mkdocs-jupyter's unused scripts and CSS; code colours meet 4.5:1 contrast;
instant navigation is off on the site and on in the build that checks the pages across instant page changes;
tables come wrapped from the build, styled as the theme styles them."""

from __future__ import annotations

import importlib.util
import json
import re
import urllib.request

import pytest

from conftest import ROOT

MATH_GUIDE = "guides/mathematics-for-ml/"
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True}


def load_hook(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "hooks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def notebook_pages(built_site):
    pages = sorted((built_site / "notebooks").glob("*/index.html"))
    assert len(pages) >= 4
    return pages


def first_notebook(built_site) -> str:
    """The first notebook page's path from the site's root, as in a URL: "notebooks/<name>/"."""
    return notebook_pages(built_site)[0].parent.relative_to(built_site).as_posix() + "/"


# ------------------------------------------------------------------------------------------- search
@pytest.mark.browser
@pytest.mark.slow
def test_a_page_load_does_not_fetch_the_search_index(site_url, browser):
    page = browser.new_page(**PHONE)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in ("", "roadmap/week-01/", MATH_GUIDE):
        page.goto(site_url + path, wait_until="networkidle")
        page.wait_for_timeout(300)
    page.close()
    assert any(u.endswith("/roadmap/week-01/") for u in requests)
    assert not [u for u in requests if "search_index" in u]


def _search_index_requests(requests):
    return [u for u in requests if u.endswith("search/search_index.json")]


@pytest.mark.browser
@pytest.mark.slow
def test_search_by_keyboard_loads_the_index_once_and_finds_results(instant_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(instant_url + "roadmap/week-01/", wait_until="networkidle")
    page.evaluate("window.__samePage = true")
    assert not _search_index_requests(requests)
    page.keyboard.press("/")  # Material's search shortcut
    field = page.locator("input.md-search__input")
    assert field.evaluate("e => e === document.activeElement")
    assert field.get_attribute("aria-label")
    page.keyboard.type("gradient descent")
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    assert page.locator(".md-search-result__item").count() > 0
    assert "matching document" in page.locator(".md-search-result__meta").inner_text()
    assert len(_search_index_requests(requests)) == 1
    # Results are reachable with the arrow keys, and Enter follows the focused one (instant navigation).
    page.keyboard.press("ArrowDown")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*[?]h="), timeout=10_000)
    assert page.evaluate("window.__samePage") is True, "the navigation was not instant"
    assert len(_search_index_requests(requests)) == 1  # loaded once, kept across pages
    page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_search_on_a_phone_opens_from_the_toggle_and_finds_results(site_url, browser):
    page = browser.new_page(**PHONE)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_url, wait_until="networkidle")
    page.click("label.md-header__button[for=__search]")
    page.keyboard.type("transformer")
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    assert page.locator(".md-search-result__item").count() > 0
    assert len(_search_index_requests(requests)) == 1
    page.close()


# --------------------------------------------------------------------------------------------- math
RENDERED = "[...document.querySelectorAll('.arithmatex')].filter(e => e.querySelector('.katex')).length"
FORMULAS = "document.querySelectorAll('.arithmatex').length"
ERRORS = "document.querySelectorAll('.katex-error').length"
# Formulas not rendered yet, shown (not in a closed <details>), and between `from` and `to` screen heights
# below the top of the screen.
WAITING = """([from, to]) => [...document.querySelectorAll('.arithmatex')].filter(e => {
  const r = e.getBoundingClientRect();
  return !e.querySelector('.katex') && e.checkVisibility()
    && r.bottom >= from * innerHeight && r.top <= to * innerHeight;
}).length"""


@pytest.mark.browser
@pytest.mark.slow
def test_formulas_render_as_the_reader_scrolls_and_only_then(site_url, browser):
    page = browser.new_page(**PHONE)
    page.goto(site_url + MATH_GUIDE, wait_until="networkidle")
    page.wait_for_timeout(500)
    # The guide's first screen has no formula: nothing renders and KaTeX does not run until the reader
    # scrolls, but the browser has fetched it in the background (a prefetch).
    total = page.evaluate(FORMULAS)
    assert total > 600
    assert page.evaluate(f"[{RENDERED}, typeof window.katex]") == [0, "undefined"]
    assert page.locator('link[rel="prefetch"][href$="katex.min.js"]').count() == 1
    assert page.evaluate(WAITING, [0, 3]) > 0
    # The first scroll: the formulas ahead render too. This checks the next screen and a half: the browser
    # skips laying out the blocks further away, so it cannot yet tell how near their formulas are.
    page.evaluate("window.scrollBy(0, 1)")
    page.wait_for_function(f"({WAITING})([0, 2.5]) === 0", timeout=30_000)
    assert page.evaluate(RENDERED) < total / 4, "formulas far below the viewport were rendered"
    # The last formula is TeX until the reader comes near it; scrolling through the guide renders them all
    # (with the exercises' answers opened: a formula in a closed <details> is never near the viewport).
    last = page.locator(".arithmatex").last
    assert last.evaluate("e => !e.querySelector('.katex')")
    page.evaluate("document.querySelectorAll('article details').forEach(d => { d.open = true; })")
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 823, 700):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(40)
    page.wait_for_function(f"{RENDERED} === {FORMULAS}", timeout=60_000)
    assert page.evaluate(ERRORS) == 0
    page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_formulas_on_the_first_screen_render_without_input_and_the_next_ones_on_the_first_scroll(site_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 2400})  # the first formulas fit on this screen
    page.goto(site_url + MATH_GUIDE, wait_until="networkidle")
    page.wait_for_function(f"({WAITING})([0, 1]) === 0 && {RENDERED} > 0", timeout=30_000)
    page.wait_for_timeout(500)
    assert page.evaluate(WAITING, [0, 1]) == 0
    assert page.evaluate(WAITING, [1, 3]) > 0, "formulas below the screen rendered before the reader scrolled"
    page.keyboard.press("ArrowDown")  # any first input counts: a key, a tap, a scroll
    page.wait_for_function(f"({WAITING})([0, 1.5]) === 0", timeout=30_000)
    assert page.evaluate(ERRORS) == 0
    page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_find_in_page_renders_every_formula_and_printing_does_at_once(site_url, browser):
    for start in ("find", "print"):
        page = browser.new_page(**PHONE)
        page.goto(site_url + MATH_GUIDE, wait_until="networkidle")
        total = page.evaluate(FORMULAS)
        assert page.evaluate(f"[{RENDERED}, typeof window.katex]") == [0, "undefined"]
        if start == "find":
            page.keyboard.press("Control+f")
            page.wait_for_function(f"{RENDERED} === {FORMULAS}", timeout=60_000)
        else:  # beforeprint renders them all at once, before the browser lays out the printed page, even
            # though KaTeX has not run yet: it is fetched synchronously then
            assert page.evaluate(f"window.dispatchEvent(new Event('beforeprint')), {RENDERED}") == total
        assert page.evaluate(ERRORS) == 0
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_formulas_render_after_instant_navigation(instant_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(instant_url + "roadmap/week-01/", wait_until="networkidle")
    page.evaluate("window.__samePage = true")
    page.locator(f"article a[href*='{MATH_GUIDE}']").first.click()
    page.wait_for_url(re.compile(".*mathematics-for-ml.*"))
    # The guide's first screen has no formula; the reader's first scroll renders those coming into view.
    page.wait_for_function(f"{FORMULAS} > 600", timeout=60_000)
    page.mouse.wheel(0, 900)
    page.wait_for_function(f"{RENDERED} > 0", timeout=60_000)
    assert page.evaluate("document.querySelectorAll('link[href$=\"katex.min.css\"]').length") == 1
    page.keyboard.press("Control+f")
    page.wait_for_function(f"{RENDERED} === {FORMULAS}", timeout=60_000)
    assert page.evaluate(ERRORS) == 0
    assert page.evaluate("window.__samePage") is True, "the navigation was not instant"
    page.close()


# ------------------------------------------------------------------------------- instant navigation
def page_features(html: str) -> list[str]:
    found = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no Material configuration in the page"
    return json.loads(found.group(1))["features"]


def test_instant_navigation_is_off_on_the_site_and_on_in_the_build_that_asks_for_it(built_site, instant_url):
    """Off on the site: on a long page it costs more than it saves (hooks/instant_navigation.py). The tests
    that check pages across instant page changes use a build that has it on; this checks that it does, and
    that only that build repeats content.css in the content block, which such a page change swaps in."""
    site = (built_site / MATH_GUIDE / "index.html").read_text(encoding="utf-8")
    assert not {"navigation.instant", "navigation.instant.progress"} & set(page_features(site))
    assert site.count("assets/stylesheets/content.css") == 1
    with urllib.request.urlopen(instant_url + MATH_GUIDE) as r:
        instant = r.read().decode("utf-8")
    assert {"navigation.instant", "navigation.instant.progress"} <= set(page_features(instant))
    assert instant.count("assets/stylesheets/content.css") == 2
    head, body = instant.split("</head>", 1)
    assert "assets/stylesheets/content.css" in head and "assets/stylesheets/content.css" in body


# ------------------------------------------------------------------------------------------- tables
def test_tables_come_wrapped_from_the_build_and_the_theme_styles_them(built_site):
    hook = load_hook("tables")
    table = "<table>\n<thead>\n<tr><th>a</th></tr>\n</thead>\n<tbody><tr><td>1</td></tr></tbody>\n</table>"
    assert hook.wrap(f"<p>x</p>{table}") == (
        '<p>x</p><div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="mdx-table">'
        + table.removeprefix("<table>")
        + "</div></div>"
    )
    kept = '<table class="dataframe"><tr><td>1</td></tr></table>'  # a class of its own: Material leaves it
    assert hook.wrap(kept) == kept
    assert hook.widen(".md-typeset table:not([class]) td{a}") == ".md-typeset table:is(:not([class]),.mdx-table) td{a}"
    sheet = next((built_site / "assets/stylesheets").glob("main.*.min.css")).read_text(encoding="utf-8")
    assert "table:not([class])" not in sheet and sheet.count(hook.WIDENED) >= 10
    pages = [p.read_text(encoding="utf-8") for p in built_site.rglob("*.html")]
    assert sum(p.count('<table class="mdx-table">') for p in pages) > 50
    assert not any("<table>" in p for p in pages), "a table left for Material's script to move on load"


@pytest.mark.browser
@pytest.mark.slow
def test_tables_look_as_the_theme_draws_them_and_nothing_moves_them_on_load(site_url, browser):
    page = browser.new_page(**PHONE)
    page.add_init_script(
        """window.__tablesMoved = 0;
        new MutationObserver(records => records.forEach(r => r.removedNodes.forEach(n => {
          if (n.nodeName === 'TABLE') window.__tablesMoved++;
        }))).observe(document, { childList: true, subtree: true });"""
    )
    page.goto(site_url + MATH_GUIDE, wait_until="networkidle")
    assert page.evaluate("window.__tablesMoved") == 0
    tables = page.locator("article table")
    assert tables.count() >= 5
    assert page.evaluate(
        """() => [...document.querySelectorAll('article table')].every(t => t.classList.contains('mdx-table')
          && t.parentElement.matches('.md-typeset__table')
          && t.parentElement.parentElement.matches('.md-typeset__scrollwrap')
          && !t.parentElement.parentElement.closest('.md-typeset__table'))"""
    )
    # Every computed style of a table, a header cell and a body cell equals that of the same table without
    # the class, which the theme's own selector styles.
    differences = page.evaluate(
        """() => {
          const ours = document.querySelector('article table.mdx-table');
          const plain = document.createElement('table');
          plain.innerHTML = ours.innerHTML;
          ours.closest('.md-typeset__scrollwrap').after(plain);
          const diff = (a, b) => {
            const x = getComputedStyle(a), y = getComputedStyle(b);
            return [...x].filter(p => x.getPropertyValue(p) !== y.getPropertyValue(p));
          };
          return [ours, ours.querySelector('th'), ours.querySelector('td')].map((el, i) =>
            diff(el, [plain, plain.querySelector('th'), plain.querySelector('td')][i]));
        }"""
    )
    assert differences == [[], [], []]
    page.close()


# --------------------------------------------------------------------------------------------- code
@pytest.mark.browser
@pytest.mark.slow
def test_code_blocks_get_their_copy_button_as_they_come_into_view(site_url, browser):
    page = browser.new_page(**PHONE)
    page.goto(site_url + MATH_GUIDE, wait_until="networkidle")
    blocks = page.locator("article div.highlight:not(details div.highlight)")  # not in a closed answer
    assert blocks.count() > 20
    last = blocks.last
    assert last.locator("button.md-code__button[data-md-type=copy]").count() == 0  # far below: not set up yet
    last.scroll_into_view_if_needed()
    last.locator("button.md-code__button[data-md-type=copy]").wait_for(timeout=10_000)
    assert last.locator("button.md-code__button[data-md-type=copy]").get_attribute("title")
    page.close()


def test_plain_names_and_whitespace_lose_their_spans_and_nothing_else():
    hook = load_hook("slim_code")
    code = (
        '<div class="highlight"><pre><span></span><code><span class="n">x</span><span class="w"> </span>'
        '<span class="o">=</span><span class="w"> </span><span class="nb">len</span><span class="p">(</span>'
        '<span class="n">a_b</span><span class="p">)</span>\n</code></pre></div>'
    )
    assert hook.slim(code) == (
        '<div class="highlight"><pre><span></span><code>x <span class="o">=</span> <span class="nb">len</span>'
        '<span class="p">(</span>a_b<span class="p">)</span>\n</code></pre></div>'
    )
    prose = '<p><span class="n">kept</span> outside code</p>'
    assert hook.slim(prose) == prose


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_plain_name_looks_like_the_code_around_it(built_site, site_url, browser, scheme):
    """What slim_code.py relies on: the theme draws a name token in the code's own colour."""
    notebook = first_notebook(built_site)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    seen = {}
    for path, code in ((MATH_GUIDE, ".highlight pre > code"), (notebook, ".highlight-ipynb pre")):
        page.goto(site_url + path, wait_until="networkidle")
        assert page.evaluate(f"document.querySelectorAll('{code} span.n').length") == 0  # none left
        seen[path] = page.evaluate(
            f"""() => {{
              const code = document.querySelector('{code}');
              const name = document.createElement('span');
              name.className = 'n';
              name.textContent = 'x';
              code.prepend(name);
              return [getComputedStyle(name).color, getComputedStyle(code).color];
            }}"""
        )
    page.close()
    for path, (name, code) in seen.items():
        assert name == code, (scheme, path, name, code)


@pytest.mark.browser
@pytest.mark.slow
def test_diagrams_load_mermaid_only_near_the_viewport(site_url, browser):
    page = browser.new_page(**PHONE)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_url + MATH_GUIDE, wait_until="networkidle")
    assert page.locator(".mdx-mermaid").count() > 0
    assert not [u for u in requests if "mermaid" in u]
    page.locator(".mdx-mermaid").first.scroll_into_view_if_needed()
    page.wait_for_selector(".mdx-mermaid svg", timeout=30_000)
    page.close()


# -------------------------------------------------------------------------------------- long pages
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [360, 412, 1280])
def test_long_page_text_never_spills_out_of_its_placeholder_onto_the_footer(site_url, browser, width):
    """Blocks far from the viewport are not rendered; their placeholders must leave them room enough."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(site_url + MATH_GUIDE, wait_until="networkidle")
    skipped = page.evaluate("document.querySelectorAll('article > [style*=\"--mdx-h\"]').length")
    overlap = page.evaluate(
        """() => {
          const footer = document.querySelector('.md-footer').getBoundingClientRect().top;
          return [...document.querySelectorAll('article > [style*="--mdx-h"] *')]
            .map(e => e.getBoundingClientRect().bottom - footer).filter(d => d > 0).length;
        }"""
    )
    page.close()
    assert skipped > 100
    assert overlap == 0


def test_block_heights_only_on_long_pages_and_line_counts_on_code():
    hook = load_hook("block_sizes")
    short = "<p>One.</p><ul><li>a</li></ul>"
    assert hook.with_block_heights(short) == short
    long = "".join(f"<p>{'word ' * 30}</p>" for _ in range(50)) + '<details class="note"><summary>s</summary></details>'
    out = hook.with_block_heights(long)
    assert out.count('<p style="--mdx-h:') == 50
    assert '<p style="--mdx-h:6.4em">' in out  # 149 characters: 4 lines of 40, 1.6em each
    assert '<details style="--mdx-h:3.0em" class="note">' in out  # closed: its summary only
    code = '<div class="highlight"><pre><span></span><code>a = 1\nb = 2\n</code></pre></div>'
    assert '<code style="--mdx-lines:2">' in hook.with_line_counts(code)


# ------------------------------------------------------------------------------------------ notebooks
def test_notebook_pages_carry_no_mathjax_no_cdn_and_only_the_css_they_use(built_site):
    for path in notebook_pages(built_site):
        html = path.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*>.*?</script>", html, re.S)
        assert not [s for s in scripts if re.search(r"mathjax|cdnjs|cdn\.jsdelivr|unpkg", s, re.I)], path
        assert '<script src="">' not in html, path
        css = "".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.S))
        assert len(css) < 40_000, f"{path}: {len(css)} characters of inline CSS"
        # what renders the notebook is still there
        for needed in ("jp-Cell", "jp-InputArea", "highlight-ipynb", ".jupyter-wrapper .jp-InputPrompt"):
            assert needed in html, (path, needed)


def test_notebook_css_pruning_keeps_what_the_page_uses():
    hook = load_hook("notebook_pages")
    css = (
        ".w{--used:red;--unused:blue;--chain:var(--used)}"
        ".w :is(.a, .b):hover{color:var(--chain)}"
        ".w .missing{color:green}"
        ".w .a:not(.never){margin:0}"
        "@media print{.w .a{display:none}.w .missing{display:none}}"
    )
    out = hook.prune_css([css], '<div class="w"><p class="a">x</p></div>')
    assert ".w :is(.a, .b):hover{color:var(--chain)}" in out
    assert "--used:red" in out and "--chain:var(--used)" in out and "--unused" not in out
    assert ".missing" not in out
    assert ".w .a:not(.never){margin:0}" in out
    assert "@media print{.w .a{display:none}}" in out


@pytest.mark.browser
@pytest.mark.slow
def test_notebook_page_renders_cells_outputs_and_highlighting(built_site, site_url, browser):
    path = first_notebook(built_site)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url + path, wait_until="networkidle")
    state = page.evaluate(
        """() => ({
          cells: document.querySelectorAll('.jp-Cell').length,
          prompt: getComputedStyle(document.querySelector('.jp-InputPrompt')).fontFamily,
          hiddenCopies: [...document.querySelectorAll('.clipboard-copy-txt')]
            .every(e => getComputedStyle(e).display === 'none'),
          keyword: getComputedStyle(document.querySelector('.highlight-ipynb .k, .highlight-ipynb .kn')).color,
          text: getComputedStyle(document.querySelector('.highlight-ipynb')).color,
        })"""
    )
    page.close()
    assert state["cells"] > 5
    assert "mono" in state["prompt"].lower()
    assert state["hiddenCopies"]
    assert state["keyword"] != state["text"]  # highlighted


@pytest.mark.browser
@pytest.mark.slow
def test_notebook_cells_render_lazily_and_all_show_when_scrolled_to(built_site, site_url, browser):
    path = first_notebook(built_site)
    page = browser.new_page(**PHONE)
    page.goto(site_url + path, wait_until="networkidle")
    cells = page.locator(".jupyter-wrapper .jp-Cell")
    assert cells.count() > 5
    assert cells.last.evaluate("e => getComputedStyle(e).contentVisibility") == "auto"
    assert cells.last.evaluate("e => e.getBoundingClientRect().top") > 3 * 823  # far below: skipped
    # Scrolled to, every cell shows its content at its real height, and the last one reaches the footer.
    for i in range(cells.count()):
        cell = cells.nth(i)
        cell.scroll_into_view_if_needed()
        handle = cell.element_handle()
        page.wait_for_function("e => e.scrollHeight > 0 && e.innerText.trim().length > 0", arg=handle, timeout=5_000)
    gap = page.evaluate(
        "document.querySelector('.md-footer').getBoundingClientRect().top -"
        " document.querySelector('.jupyter-wrapper').getBoundingClientRect().bottom"
    )
    assert 0 <= gap < 200
    page.close()


# ----------------------------------------------------------------------------------------- contrast
def _contrast(fg: tuple[float, ...], bg: tuple[float, ...]) -> float:
    def lum(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


COLOURS_JS = """(selectors) => {
  const rgba = s => s.match(/[\\d.]+/g).map(Number);
  const over = (fg, bg) => {
    const a = fg.length > 3 ? fg[3] : 1;
    return [0, 1, 2].map(i => fg[i] * a + bg[i] * (1 - a));
  };
  const out = {};
  for (const sel of selectors) {
    const el = document.querySelector(sel);
    if (!el) continue;
    let bgEl = el, bg = [0, 0, 0, 0];
    while (bgEl && (bg = rgba(getComputedStyle(bgEl).backgroundColor)).length > 3 && bg[3] === 0) {
      bgEl = bgEl.parentElement;
    }
    const back = bg.slice(0, 3);
    out[sel] = [over(rgba(getComputedStyle(el).color), back), back];
  }
  return out;
}"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_code_colours_meet_4_5_to_1(built_site, site_url, browser, scheme):
    notebook = first_notebook(built_site)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    checked = {}
    for path, selectors in (
        (MATH_GUIDE, [".highlight .c1", ".highlight .ow", ".highlight .o", ".highlight .p", ".highlight .mi"]),
        (notebook, [".highlight-ipynb .c1", ".highlight-ipynb .mf", ".highlight-ipynb .mi", ".highlight-ipynb .o"]),
    ):
        page.goto(site_url + path, wait_until="networkidle")
        page.evaluate("document.querySelectorAll('pre > code').forEach(c => c.scrollIntoView())")
        for sel, (fg, bg) in page.evaluate(COLOURS_JS, selectors).items():
            checked[f"{path} {sel}"] = round(_contrast(fg, bg), 2)
    page.close()
    assert len(checked) >= 6, checked
    low = {k: v for k, v in checked.items() if v < 4.5}
    assert not low, low
