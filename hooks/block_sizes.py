"""MkDocs hook: write on each long block of a page roughly how tall it will be, so that the browser can skip
rendering the blocks away from the viewport and still reserve their place.

A long guide is heavy to lay out on a phone: the mathematics guide has about 8,300 elements before its
~690 formulas are rendered (6,100 of them in highlighted code) and about 35,000 once all are. site.css
gives the code blocks and the top-level text blocks (paragraphs, lists, admonitions, display formulas)
`content-visibility: auto`: the browser lays out and paints only those near the viewport, and rendering
the formulas further down (render.js) costs little until the reader gets there. A skipped block is laid
out at its `contain-intrinsic-height`; this hook gives each block the height to use there:

* a code block, `--mdx-lines`: its exact line count (the CSS multiplies it by the line height);
* a text block, `--mdx-h`: an estimate in em from its text length, generous on purpose (as if the column
  were a small phone's, 40 characters wide): a block that turns out shorter only leaves room below it
  until it is rendered, while a block longer than its placeholder would spill over what follows (over
  the footer, for the last ones, where an accessibility checker then reads dark-on-dark text).

Only long pages (the guides) get these: a short page is cheap to render whole. Once a block has been
rendered, the browser keeps its real height (`auto`). This is an optimisation only:
without the hook, or in a browser without content-visibility, every block renders as before.
"""

from __future__ import annotations

import math
import os
import re
from html.parser import HTMLParser

try:
    from build_cache import memo  # hooks/build_cache.py: the same page gives the same result, once
except ImportError:  # this file loaded on its own (the tests)

    def memo(name, key, compute):
        return compute()


# pymdownx.highlight's block: <pre ...><span></span><code>...</code></pre>, one "\n"-terminated line each.
CODE = re.compile(r"(<pre\b[^>]*><span></span><code)(>)(.*?)(</code></pre>)", re.S)

LONG_PAGE_BLOCKS = 40  # guides have 79 to 212 top-level blocks; home, week and progress pages under 20
CHARS_PER_LINE = 40  # a 360 px phone fits about 45 characters of body text; fewer is the generous side
LINE_EM = 1.6  # Material's body line height
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def with_line_counts(html: str) -> str:
    def add(m: re.Match) -> str:
        body = m.group(3)
        lines = body.count("\n") + (0 if body.endswith("\n") else 1)
        return f'{m.group(1)} style="--mdx-lines:{lines}"{m.group(2)}{body}{m.group(4)}'

    return CODE.sub(add, html)


class _Blocks(HTMLParser):
    """The top-level elements of a fragment: where each starts, and what it holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.blocks: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.blocks.append(
                {"tag": tag, "attrs": dict(attrs), "pos": self.getpos(), "chars": 0, "items": 0, "rows": 0}
            )
        elif self.blocks:
            block = self.blocks[-1]
            block["items"] += tag in ("li", "p", "dt", "dd", "br", "summary")
            block["rows"] += tag == "tr"
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data):
        if self.depth > 0 and self.blocks:
            self.blocks[-1]["chars"] += len(" ".join(data.split()))


def estimate_em(block: dict) -> float | None:
    """A generous height for a top-level block, in em of its font, or None for blocks left alone."""
    tag, cls = block["tag"], block["attrs"].get("class") or ""
    lines = math.ceil(block["chars"] / CHARS_PER_LINE) + block["items"]
    if tag == "p" or tag in ("ul", "ol"):
        return max(1, lines) * LINE_EM
    if tag == "details":  # closed: its summary only
        return (lines * LINE_EM if "open" in block["attrs"] else 0) + 3
    if tag == "div" and "admonition" in cls.split():
        return lines * LINE_EM + 3
    if tag == "div" and "arithmatex" in cls.split():  # the TeX source is longer than what it renders to
        return 3 + 2 * block["chars"] // 80
    return None


def with_block_heights(html: str) -> str:
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    if sum(estimate_em(b) is not None for b in parser.blocks) < LONG_PAGE_BLOCKS:
        return html  # a short page: rendering all of it is cheap, leave it as it is
    starts = [0]
    for line in html.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    inserts = []
    for block in parser.blocks:
        height = estimate_em(block)
        if height is None:
            continue
        line, col = block["pos"]
        at = starts[line - 1] + col + 1 + len(block["tag"])  # just after "<tag"
        if html[at - len(block["tag"]) - 1 : at].lower() != "<" + block["tag"] or "style" in block["attrs"]:
            continue
        inserts.append((at, f' style="--mdx-h:{height:.1f}em"'))
    for at, text in reversed(inserts):
        html = html[:at] + text + html[at:]
    return html


def sized_page(html: str) -> str:
    sized = with_block_heights(html)
    return with_line_counts(sized) if sized is not html else html


def on_page_content(html, **kwargs):
    if os.environ.get("ROADMAP_PREVIEW") == "true":
        return html  # `tasks.py serve`: the page looks the same without the heights, only renders slower
    return memo("block_sizes", html, lambda: sized_page(html))
