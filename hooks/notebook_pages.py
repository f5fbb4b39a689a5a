"""MkDocs hook: trim what mkdocs-jupyter's page template puts in each notebook page and the page never uses.

mkdocs-jupyter (0.26) inlines nbconvert's JupyterLab stylesheet (about 590 KB: every JupyterLab widget,
dialog and toolbar, and hundreds of colour variables) into every notebook page, plus a MathJax loader with
an empty src, its configuration (the site renders math with its own KaTeX: render.js), and a module that
would import Mermaid from cdnjs.cloudflare.com if a notebook had a Mermaid cell. A phone spends most of
such a page's load parsing that stylesheet.

This hook, on notebook pages only:

* keeps, of the inlined stylesheets, the rules whose selectors can match an element of the page (every
  class and id a selector names occurs in the page), and the custom properties those rules use;
* removes the empty MathJax loader and its configuration;
* removes the Mermaid module when the page has no Mermaid cell (the site has no notebook with one; such a
  cell would need the site's own Mermaid instead of a CDN's).

What stays renders the notebook as before: cells, prompts, outputs, code highlighting, copy buttons.
"""

from __future__ import annotations

import functools
import logging
import os
import re

import tinycss2

try:
    from build_cache import memo  # hooks/build_cache.py: the same page gives the same result, once
except ImportError:  # this file loaded on its own (the tests)

    def memo(name, key, compute):
        return compute()


log = logging.getLogger("mkdocs.hooks.notebook_pages")

STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
MATHJAX = re.compile(
    r"(?:<!-- Load mathjax -->\s*)?<script src=\"\">\s*</script>\s*"
    r"(?:<!-- MathJax configuration -->\s*)?<script type=\"text/x-mathjax-config\">.*?</script>",
    re.S,
)
MERMAID_MODULE = re.compile(r"<script type=\"module\">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>", re.S)
NOTEBOOK_CSS = (".jupyter-wrapper", ".jp-", "highlight-ipynb")  # what marks nbconvert's <style> blocks
CLASS_ATTR = re.compile(r"\bclass=\"([^\"]*)\"")
ID_ATTR = re.compile(r"\bid=\"([^\"]*)\"")
SEL_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
SEL_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
# Arguments of :not(), :is() and the like: what they name need not be in the page for the rule to apply.
PSEUDO_ARGS = re.compile(r":[\w-]+\([^()]*\)")


def is_notebook_page(html: str) -> bool:
    return 'class="jupyter-wrapper"' in html


def split_selectors(text: str) -> list[str]:
    """A selector list's selectors: split at the commas outside parentheses (not in `:is(a, b)`)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


class _Pruner:
    """Keeps the CSS rules that can apply to one page, and the custom properties they use."""

    def __init__(self, classes: set[str], ids: set[str]):
        self.classes, self.ids = classes, ids

    def selector_applies(self, selector: str) -> bool:
        while PSEUDO_ARGS.search(selector):
            selector = PSEUDO_ARGS.sub("", selector)
        return all(c in self.classes or c.startswith("md-") for c in SEL_CLASS.findall(selector)) and all(
            i in self.ids for i in SEL_ID.findall(selector)
        )

    def rules(self, nodes) -> list[tuple[str, object]]:
        """(prelude, declarations-or-nested) for the rules that apply, at-rules kept with what applies in them."""
        out = []
        for node in nodes:
            if node.type == "qualified-rule":
                selectors = split_selectors(tinycss2.serialize(node.prelude))
                kept = [s for s in selectors if s and self.selector_applies(s)]
                if kept:
                    out.append((",".join(kept), tinycss2.parse_blocks_contents(node.content)))
            elif node.type == "at-rule":
                name = node.lower_at_keyword
                if name in ("media", "supports", "layer", "container") and node.content is not None:
                    inner = self.rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))
                    if inner:
                        out.append((f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}", inner))
                elif name in ("keyframes", "-webkit-keyframes", "font-face"):
                    out.append((None, tinycss2.serialize([node])))
                # @charset, @import, @page, @namespace: nothing a notebook page needs
        return out

    @staticmethod
    def uses(rules) -> set[str]:
        """Custom properties used by the declarations in rules, custom property definitions excluded."""
        found = set()
        for prelude, body in rules:
            if prelude is None:
                found |= set(VAR_USE.findall(body))
            elif prelude.startswith("@"):
                found |= _Pruner.uses(body)
            else:
                for decl in body:
                    if decl.type == "declaration" and not decl.name.startswith("--"):
                        found |= set(VAR_USE.findall(tinycss2.serialize(decl.value)))
        return found

    @staticmethod
    def definitions(rules) -> dict[str, set[str]]:
        """Every custom property defined in rules, with the custom properties its values use."""
        defs: dict[str, set[str]] = {}
        for prelude, body in rules:
            if prelude is None:
                continue
            if prelude.startswith("@"):
                for k, v in _Pruner.definitions(body).items():
                    defs.setdefault(k, set()).update(v)
                continue
            for decl in body:
                if decl.type == "declaration" and decl.name.startswith("--"):
                    defs.setdefault(decl.name, set()).update(VAR_USE.findall(tinycss2.serialize(decl.value)))
        return defs

    @staticmethod
    def serialize(rules, needed: set[str]) -> str:
        parts = []
        for prelude, body in rules:
            if prelude is None:
                parts.append(body)
            elif prelude.startswith("@"):
                inner = _Pruner.serialize(body, needed)
                if inner:
                    parts.append(f"{prelude}{{{inner}}}")
            else:
                decls = [
                    f"{d.name}:{tinycss2.serialize(d.value).strip()}{' !important' if d.important else ''}"
                    for d in body
                    if d.type == "declaration" and (not d.name.startswith("--") or d.name in needed)
                ]
                if decls:
                    parts.append(f"{prelude}{{{';'.join(decls)}}}")
        return "".join(parts)


@functools.lru_cache(maxsize=8)
def _parse(css: str) -> list:
    """Every notebook page inlines the same stylesheets: parse each once per build."""
    return tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)


def prune_css(css_blocks: list[str], html: str) -> str:
    """The rules of css_blocks that can apply to html, as one stylesheet, with only the variables they use."""
    classes = {c for attr in CLASS_ATTR.findall(html) for c in attr.split()}
    ids = set(ID_ATTR.findall(html))
    pruner = _Pruner(classes, ids)
    rules = []
    for css in css_blocks:
        rules += pruner.rules(_parse(css))
    # The variables that the kept declarations use, and the variables those use, and so on.
    defs = _Pruner.definitions(rules)
    needed, todo = set(), list(_Pruner.uses(rules) | set(VAR_USE.findall(html)))
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(defs.get(name, ()))
    return _Pruner.serialize(rules, needed)


def trim_notebook_page(html: str, prune: bool = True) -> str:
    """The page without MathJax's and Mermaid's loaders and, if prune, with only the CSS rules it can use."""
    if not is_notebook_page(html):
        return html
    html = MATHJAX.sub("", html).replace("<!-- End of mathjax configuration -->", "")
    if not re.search(r"\bclass=\"[^\"]*\bjp-Mermaid\b", html):
        html = MERMAID_MODULE.sub("", html).replace("<!-- End of mermaid configuration -->", "")
    blocks = [m for m in STYLE.finditer(html) if any(k in m.group(1) for k in NOTEBOOK_CSS)]
    if not blocks or not prune:
        return html
    body = html
    for m in reversed(blocks):  # the page's own elements, without the stylesheets' text
        body = body[: m.start()] + body[m.end() :]
    css = prune_css([m.group(1) for m in blocks], body)
    first = blocks[0]
    out = body[: first.start()] + f'<style type="text/css">{css}</style>' + body[first.start() :]
    log.debug("notebook page: %d -> %d bytes", len(html), len(out))
    return out


# jupytext gives each cell of a .py notebook a random id on every read, and nbconvert writes it into the page:
# every build would publish different bytes for an unchanged notebook.
CELL_ID = re.compile(r"\bcell-id=([0-9a-f]+)")


def stable_cell_ids(html: str) -> str:
    """The page with its notebook's random cell ids numbered in order instead (`cell-id=n1`, `cell-id=n2` ...:
    not hexadecimal, so never the same as an id jupytext made; a cell's own id, such as `cell-1`, is kept)."""
    numbers: dict[str, int] = {}
    return CELL_ID.sub(lambda m: f"cell-id=n{numbers.setdefault(m.group(1), len(numbers) + 1)}", html)


def on_post_page(output, page, config, **kwargs):
    if not is_notebook_page(output):
        return output
    output = stable_cell_ids(output)
    if os.environ.get("ROADMAP_PREVIEW") == "true":
        # `tasks.py serve`: the page looks the same with the whole stylesheet, which only weighs more
        return trim_notebook_page(output, prune=False)
    return memo("notebook_pages", output, lambda: trim_notebook_page(output))
