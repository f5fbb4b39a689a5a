"""MkDocs hook: minify the site's own JavaScript and CSS in the built site.

The sources in docs/assets/ stay readable, commented plain JavaScript and CSS; what the site serves is the
same code minified by tdewolff/minify (whitespace, comments, local names), which roughly halves the bytes a
reader downloads. Vendored files (docs/assets/vendor/) are already minified and are left alone.

This is an optimisation only: a front end that does not run MkDocs hooks (Zensical) serves the sources as
they are, and every page works the same.
"""

from __future__ import annotations

import logging
from pathlib import Path

import minify

log = logging.getLogger("mkdocs.hooks.minify_assets")

# Our own assets, relative to the site folder. Not assets/vendor/ (KaTeX, Mermaid: minified upstream).
PATTERNS = {
    "assets/javascripts/*.js": "application/javascript",
    "assets/javascripts/progress/*.js": "application/javascript",
    "assets/stylesheets/*.css": "text/css",
}


def minify_site(site_dir: Path) -> list[tuple[str, int, int]]:
    """Minify our assets under site_dir in place; return (path, bytes before, bytes after) per file."""
    minify.config({"js-version": 2020})
    done = []
    for pattern, mediatype in PATTERNS.items():
        for path in sorted(site_dir.glob(pattern)):
            if ".min." in path.name:  # Material's own bundles, minified upstream
                continue
            text = path.read_text(encoding="utf-8")
            try:
                small = minify.string(mediatype, text)
            except Exception as err:  # a syntax error in our own file: fail the build, naming the file
                raise RuntimeError(f"{path.relative_to(site_dir)}: cannot be minified: {err}") from err
            path.write_text(small, encoding="utf-8")
            done.append((path.relative_to(site_dir).as_posix(), len(text.encode()), len(small.encode())))
    return done


def on_post_build(config, **kwargs) -> None:
    done = minify_site(Path(config["site_dir"]))
    before, after = sum(d[1] for d in done), sum(d[2] for d in done)
    log.debug("minified %d files: %d -> %d bytes", len(done), before, after)
