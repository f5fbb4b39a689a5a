"""MkDocs hook: Material's instant navigation, off on this site, on in a build that asks for it.

With instant navigation (`navigation.instant`), Material loads the next page with a fetch and swaps the
content in, instead of a full page load. On a long page it costs more than it saves: on every load,
Material's bundle rewrites each relative link and image address of the page (about 200 on a guide) to
make it absolute, which restyles them, and sets up its navigation handlers, all before the page can
answer input. Measured with Lighthouse (mobile profile, 3 runs each), turning it off took the Total
Blocking Time of the mathematics guide from 280-410 ms to 155-180 ms, and of a notebook page from 215-270
ms to 125-185 ms. So `mkdocs.yml` leaves the feature off.

The site's scripts still work with it on: each binds to the page on every `document$` emission, and the
theme overrides put a page's own scripts and styles where instant navigation finds them. A fork that
prefers instant navigation can add it to `mkdocs.yml`. The tests build the site once with it on
(ROADMAP_INSTANT_NAVIGATION=1, which this hook turns into the two features) and check that progress
tracking, search, formulas and the dashboard work across instant page changes.
"""

from __future__ import annotations

import os

FEATURES = ("navigation.instant", "navigation.instant.progress")


def on_config(config, **kwargs):
    if os.environ.get("ROADMAP_INSTANT_NAVIGATION") == "1":
        features = config.theme["features"]
        features.extend(f for f in FEATURES if f not in features)
    return config
