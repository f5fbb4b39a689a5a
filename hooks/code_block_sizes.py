"""MkDocs hook: give each highlighted code block its line count, so that the browser can skip rendering it
while it is far from the viewport and still reserve its real height.

A long guide holds tens of thousands of highlighted tokens in its code blocks (the mathematics guide:
about 19,500 of its 22,600 elements). site.css gives `pre > code` `content-visibility: auto`: the browser
then skips style, layout and paint of the blocks away from the viewport, which is most of the work of a
long page on a phone. A skipped block is laid out at its `contain-intrinsic-height`; this hook writes
`--mdx-lines` on the block, and the CSS turns it into the block's height (lines times the line height),
so the page is as long as it will be and the scrollbar and the links to headings stay where they belong.

This is an optimisation only: without the hook (or in a browser without content-visibility), code blocks
render as before.
"""

from __future__ import annotations

import re

# pymdownx.highlight's block: <pre ...><span></span><code>...</code></pre>, one "\n"-terminated line each.
CODE = re.compile(r"(<pre\b[^>]*><span></span><code)(>)(.*?)(</code></pre>)", re.S)


def with_line_counts(html: str) -> str:
    def add(m: re.Match) -> str:
        body = m.group(3)
        lines = body.count("\n") + (0 if body.endswith("\n") else 1)
        return f'{m.group(1)} style="--mdx-lines:{lines}"{m.group(2)}{body}{m.group(4)}'

    return CODE.sub(add, html)


def on_page_content(html, **kwargs):
    return with_line_counts(html)
