"""The pages and the navigation follow the data: no week, phase or guide missing, none extra."""

from __future__ import annotations

import re

import yaml

from conftest import DOCS, ROOT


class _Loader(yaml.SafeLoader):
    """mkdocs.yml uses !!python/name and !ENV tags; their values do not matter here."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_Loader.add_constructor("!ENV", lambda loader, node: None)


def nav_files(nav) -> list[str]:
    out = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        out += nav_files(value) if isinstance(value, list) else [value]
    return out


NAV = nav_files(yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)["nav"])


def test_nav_lists_phases_and_weeks_in_roadmap_order(roadmap):
    expected = []
    for phase in roadmap.phases:
        expected += [phase.page] + [w.page for w in phase.weeks]
    assert [p for p in NAV if re.match(r"roadmap/(phase|week)-", p)] == expected


def test_nav_lists_every_guide_in_roadmap_order(roadmap):
    order = list(dict.fromkeys(m.guide for w in roadmap.weeks for m in w.materials))
    assert [p for p in NAV if p.startswith("guides/") and p != "guides/index.md"] == [
        roadmap.guides[g].page for g in order
    ]
    assert len(order) == len(roadmap.guides) == 25


def test_every_week_and_phase_page_exists_and_calls_its_macro(roadmap):
    pages = sorted(p.relative_to(DOCS).as_posix() for p in (DOCS / "roadmap").glob("*-*.md"))
    assert pages == sorted([w.page for w in roadmap.weeks] + [p.page for p in roadmap.phases])
    for w in roadmap.weeks:
        text = (DOCS / w.page).read_text(encoding="utf-8")
        assert f"week: {w.id}" in text and "{{ week_page() }}" in text


def test_guides_call_the_right_macro(roadmap):
    for g in roadmap.guides.values():
        body = (DOCS / g.page).read_text(encoding="utf-8").split("\n---\n", 1)[1]
        first = next(line for line in body.splitlines() if line.strip())
        assert first == ("{{ guide_header() }}" if g.published else "{{ guide_page() }}"), g.page


def test_every_markdown_page_is_in_the_nav():
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert pages - set(NAV) == set()
