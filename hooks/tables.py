"""MkDocs hook: tables come wrapped from the build, the way Material's script would wrap them on load.

When a page loads, Material's script puts every table without a class into two `<div>`s, a horizontal
scroll container (`md-typeset__scrollwrap`) and a frame (`md-typeset__table`). Moving the tables at that
moment makes the browser restyle and lay out much of a long page again before it can answer input: on
the mathematics guide, which has only 5 small tables, Material's setup once the page is parsed (its
DOMContentLoaded handlers) took 30 to 45% less time without it (two sets of 7 loads at 4x CPU
throttling, medians).

This hook writes the two `<div>`s into the page instead and gives the table the class `mdx-table`, so that
Material's script finds nothing to move. Material's stylesheet styles only tables without a class
(`table:not([class])`): on_post_build widens each of those selectors in the built copy of the stylesheet
to `table:is(:not([class]),.mdx-table)`, so a table looks exactly as before: tests/test_performance.py
checks in Chromium that every computed style of a table equals that of the same table without the class,
and that nothing moves a table on load. The build fails if Material's stylesheet stops using that
selector.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

CLASS = "mdx-table"
# Python-Markdown writes tables as a bare <table>; a table with attributes is left to Material.
TABLE = re.compile(r"<table>(.*?)</table>", re.S)
SELECTOR = "table:not([class])"
WIDENED = f"table:is(:not([class]),.{CLASS})"


def wrap(html: str) -> str:
    def one(m: re.Match) -> str:
        if "<table" in m.group(1):  # a table inside a table: not something Markdown writes; leave it
            return m.group(0)
        return (
            f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="{CLASS}">'
            f"{m.group(1)}</table></div></div>"
        )

    return TABLE.sub(one, html) if "<table>" in html else html


def widen(css: str) -> str:
    return css.replace(SELECTOR, WIDENED)


def on_page_content(html, **kwargs):
    return wrap(html)


def on_post_build(config, **kwargs):
    sheets = sorted((Path(config["site_dir"]) / "assets" / "stylesheets").glob("main.*.min.css"))
    if not sheets:
        raise PluginError("hooks/tables.py: Material's stylesheet (assets/stylesheets/main.*.min.css) is missing")
    for sheet in sheets:
        css = sheet.read_text(encoding="utf-8")
        if SELECTOR not in css and WIDENED not in css:
            raise PluginError(
                f"hooks/tables.py: {sheet.name} no longer styles tables with `{SELECTOR}`: "
                "Material has changed how it styles tables; update this hook"
            )
        sheet.write_text(widen(css), encoding="utf-8")
