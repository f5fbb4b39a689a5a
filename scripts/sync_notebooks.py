#!/usr/bin/env python3
"""Write each notebook's .ipynb from its jupytext source, so that readers can download it and Colab can
open it from GitHub. The .py (percent format) is the source that is reviewed and edited; the .ipynb is
generated, without outputs, and committed next to it. tests/test_notebooks.py fails when one is stale.

    python scripts/sync_notebooks.py            rewrite docs/notebooks/*.ipynb from the .py files
    python scripts/sync_notebooks.py --check    only report stale or missing .ipynb files (exit 1)
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext

NOTEBOOKS = Path(__file__).resolve().parent.parent / "docs" / "notebooks"


def ipynb_text(source: Path) -> str:
    """The .ipynb for a percent-format source: stable cell ids and no jupytext metadata, so it is
    byte-for-byte reproducible and diffs only when the source changes."""
    nb = jupytext.read(source)
    nb.metadata.pop("jupytext", None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return jupytext.writes(nb, fmt="ipynb")


def stale(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The .ipynb files that are missing or differ from their source."""
    out = []
    for source in sorted(notebooks.glob("*.py")):
        target = source.with_suffix(".ipynb")
        if not target.exists() or target.read_text(encoding="utf-8") != ipynb_text(source):
            out.append(target)
    return out


def main(argv: list[str]) -> int:
    outdated = stale()
    if "--check" in argv:
        for target in outdated:
            print(f"stale: {target.relative_to(NOTEBOOKS.parent.parent)} (run python scripts/sync_notebooks.py)")
        return 1 if outdated else 0
    for target in outdated:
        target.write_text(ipynb_text(target.with_suffix(".py")), encoding="utf-8")
        print(f"wrote {target.relative_to(NOTEBOOKS.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
