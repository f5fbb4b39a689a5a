#!/usr/bin/env python3
"""Per-guide figures for the written guides: words of prose and of code, python blocks run and not run.

    python3 scripts/guide_stats.py

Test times come from pytest itself: `python3 tasks.py test tests/test_guide_examples.py --durations=0`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from examples import parse_blocks, python_blocks  # noqa: E402
from macros.roadmap import load  # noqa: E402


def main() -> int:
    rm = load(ROOT / "data" / "roadmap.yml", ROOT / "docs")
    print("| guide | words (prose) | words (code) | python blocks run | not run (why) |")
    print("|---|---|---|---|---|")
    for guide in sorted(rm.guides.values(), key=lambda g: g.page):
        if not guide.published:
            continue
        path = ROOT / "docs" / guide.page
        blocks = parse_blocks(path, ROOT)
        code_words = sum(len(b.code.split()) for b in blocks)
        text = re.sub(r"^---\n.*?\n---\n", "", path.read_text(encoding="utf-8"), flags=re.S)
        prose_words = len(text.split()) - code_words
        py = python_blocks(blocks)
        skipped = [b for b in py if b.norun_reason is not None]
        why = "; ".join(b.norun_reason for b in skipped) or "-"
        print(f"| {guide.id} | {prose_words:,} | {code_words:,} | {len(py) - len(skipped)} | {len(skipped)}: {why} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
