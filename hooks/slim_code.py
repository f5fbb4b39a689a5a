"""MkDocs hook: highlighted code without the elements that change nothing on screen.

Pygments wraps every token of a code block in a `<span>`, also the two kinds that the site's styles draw
exactly like the plain text around them: plain names (`class="n"`, drawn in the code's own colour:
Material's `--md-code-hl-name-color` is `--md-code-fg-color`, and nbconvert gives notebook code that
colour too) and whitespace (`class="w"`, which has no colour to show). The mathematics guide has about
2,900 of them, a quarter of its elements before its formulas are rendered; each one costs the browser
style and layout work on every page load, and on a phone that is what makes a long guide slow to answer.

This hook keeps their text and drops the wrapper, on every page (guides and notebooks). Names keep their
colour because they never had one of their own; `tests/test_performance.py` checks in Chromium, in both
colour schemes, that a plain name is drawn in the same colour as the code around it, so a theme change
that gives names a colour of their own fails the tests instead of going unnoticed.
"""

from __future__ import annotations

import re

# Only Pygments writes these spans, and their content is escaped text: no markup inside.
PLAIN_TOKEN = re.compile(r'<span class="[nw]">([^<]*)</span>')


def slim(html: str) -> str:
    return PLAIN_TOKEN.sub(r"\1", html) if 'class="highlight' in html else html


def on_post_page(output, **kwargs):
    return slim(output)
