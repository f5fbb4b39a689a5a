#!/usr/bin/env python3
"""Check the external links of a built site (needs the internet; run by a weekly, non-blocking workflow).

    python3 scripts/check_external_links.py site

Prints each broken link with the pages that use it; exits 1 if any link is broken.
"""

from __future__ import annotations

import concurrent.futures
import re
import sys
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

HREF = re.compile(r'<a [^>]*href="(https?://[^"#]+)[^"]*"')
SKIP = ("http://127.0.0.1", "http://localhost")


def check(url: str) -> str | None:
    req = urllib.request.Request(url, headers={"User-Agent": "ml-roadmap-link-check/1.0"})
    for method in ("HEAD", "GET"):  # some servers refuse HEAD
        req.method = method
        try:
            with urllib.request.urlopen(req, timeout=20):
                return None
        except urllib.error.HTTPError as exc:
            if method == "GET" or exc.code not in (403, 405, 501):
                return f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            if method == "GET":
                return str(getattr(exc, "reason", exc))
    return None


def main(site: Path) -> int:
    used = defaultdict(set)
    for page in site.rglob("*.html"):
        for url in HREF.findall(page.read_text(encoding="utf-8")):
            if not url.startswith(SKIP):
                used[url].add(page.relative_to(site).as_posix())
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(used, pool.map(check, used), strict=True))
    broken = {u: r for u, r in results.items() if r}
    for url, reason in sorted(broken.items()):
        print(f"{url}: {reason}\n  used on: {', '.join(sorted(used[url])[:5])}")
    print(f"{len(used)} external links, {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "site")))
