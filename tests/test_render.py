"""The pure renderers, without MkDocs: data in, Markdown out."""

from __future__ import annotations

import html
import json
import re

import pytest

from macros import render
from macros.roadmap import Hours, Item


def test_hours_add_up_and_stay_open_ended():
    assert (Hours(15, 20) + Hours(20, 25)).label == "35–45 h"
    assert (Hours(40, 50) + Hours(60, None)).label == "100+ h"
    assert Hours.total([]).label == "0 h"


def test_phase_totals_are_the_sums_of_their_weeks(roadmap):
    expected = {1: "65–85 h", 2: "100–120 h", 3: "115–135 h", 4: "135–155 h", 5: "155+ h"}
    assert {p.number: p.hours.label for p in roadmap.phases} == expected
    assert roadmap.hours.label == "570+ h"


@pytest.mark.parametrize(
    "src, dst, anchor, want",
    [
        ("roadmap/week-01.md", "guides/mathematics-for-ml.md", "calculus", "../guides/mathematics-for-ml.md#calculus"),
        ("roadmap/week-01.md", "roadmap/week-02.md", None, "week-02.md"),
        ("index.md", "roadmap/phase-1.md", None, "roadmap/phase-1.md"),
        ("guides/x.md", "guides/x.md", "top", "#top"),
    ],
)
def test_links_are_relative_md_links(src, dst, anchor, want):
    assert render.link(src, dst, anchor) == want


def test_checklist_items_are_labelled_checkboxes_with_their_id():
    html = render.checklist((Item("w01-obj-a", "Use `nn.Module`", "objective", "week-01"),), "Week 1 objectives")
    assert 'aria-label="Week 1 objectives"' in html
    assert (
        '<input type="checkbox" class="mdx-checklist__box" id="item-w01-obj-a-box" data-mdx-item="w01-obj-a">' in html
    )
    assert '<label for="item-w01-obj-a-box">Use <code>nn.Module</code></label>' in html


def test_item_text_is_escaped_never_markup():
    html = render.checklist((Item("x-1", '<img src=x onerror="alert(1)">', "task", "week-01"),), "t")
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert render.md_text("a_b *c* [d]") == r"a\_b \*c\* \[d]"


def test_week_page_has_every_part_and_deep_links(roadmap):
    week = roadmap.week("week-01")
    md = render.week_page(roadmap, week, week.page)
    assert md.startswith("# Week 1: Mathematics &amp; ML Basics")
    for anchor in ("{#study-materials}", "{#objectives}", "{#practice}", "{#project}"):
        assert anchor in md
    assert "(../guides/mathematics-for-ml.md#linear-algebra)" in md
    assert "(Sections 1-3)" in md
    assert "**Time commitment:** 15–20 hours" in md
    assert md.count('data-mdx-item="') == len(week.items) == 11
    assert "[Week 2: Neural Networks Fundamentals →](week-02.md)" in md
    assert "←" not in md  # no previous week before week 1


def test_capstone_and_open_ended_week(roadmap):
    week = roadmap.week("week-21")
    md = render.week_page(roadmap, week, week.page)
    assert "# Week 21+: Research &amp; Innovation" in md
    assert "## Capstone project {#project}" in md and "60+ hours" in md
    assert "→" not in md  # the last week has no next


def test_week_without_practice_has_no_practice_section(roadmap):
    week = roadmap.week("week-19-20")
    md = render.week_page(roadmap, week, week.page)
    assert week.label == "Weeks 19–20"
    assert "40–50 hours for the block." in md and 'data-mdx-span="block"' in md  # walkthrough m7
    assert 'data-mdx-planner="../../progress/#plan"' in md
    assert "{#practice}" not in md
    assert "Choose one specialization:" in md and "#healthcare" in md


def test_guide_back_links_name_weeks_and_sections(roadmap):
    guide = roadmap.guides["MODEL_OPTIMIZATION"]
    line = render.guide_usage_line(roadmap, guide, guide.page)
    assert line.startswith("Studied in [Week 4: Model Optimization &amp; Debugging](../roadmap/week-04.md)")
    assert "[Week 17: Distributed Training &amp; Scaling](../roadmap/week-17.md) ([" in line
    assert "(#training-efficiency)" in line
    math = roadmap.guides["MATHEMATICS_FOR_ML"]
    assert "(Sections 1-3: [" in render.guide_usage_line(roadmap, math, math.page)


def test_section_labels_are_the_guides_own_heading_text_not_slugs(roadmap):
    """Walkthrough m1: "Focus: Cnn" and "Probability statistics" were made from the anchors."""
    week = roadmap.week("week-05")
    md = render.week_page(roadmap, week, week.page)
    assert "Focus: [Convolutional neural networks](../guides/advanced-architectures.md#cnn)" in md
    assert "Focus: Cnn" not in md
    math = roadmap.guides["MATHEMATICS_FOR_ML"]
    line = render.guide_usage_line(roadmap, math, math.page)
    assert "[Probability and statistics](#probability-statistics)" in line and "Probability statistics" not in line
    arch = roadmap.guides["ADVANCED_ARCHITECTURES"]
    line = render.guide_usage_line(roadmap, arch, arch.page)
    for label in (
        "[Graph neural networks](#gnn)",
        "[Graph convolutions](#gcn)",
        "[CNN fundamentals](#cnn-fundamentals)",
    ):
        assert label in line
    templates = roadmap.guides["CODE_TEMPLATES"]
    assert "[PyTorch fundamentals](#pytorch-fundamentals)" in render.guide_usage_line(
        roadmap, templates, templates.page
    )
    # a planned guide still uses its outline's titles
    planned = next(g for g in roadmap.guides.values() if not g.published)
    first = planned.outline[0]
    assert planned.section_title(first.id) == first.title


def test_planned_guide_is_marked_and_keeps_its_anchors(roadmap):
    guide = next(g for g in roadmap.guides.values() if not g.published)
    md = render.planned_guide_page(roadmap, guide, guide.page)
    assert '!!! note "Not written yet"' in md
    for anchor in guide.anchors:
        assert f"{{#{anchor}}}" in md


def test_study_load_table_computes_calendar_weeks(roadmap):
    table = render.study_load_table(roadmap, loads=(10, 40))
    # Weeks 1-20 are 510-610 h; Week 21+ is at least 60 h.
    assert "| Study load | Weeks 1–20 (510–610 h) | then Week 21+ (from 60 h) |" in table
    assert "| 10 h/week | 51–61 weeks" in table and "at least 6 more weeks |" in table
    assert "| 40 h/week | 13–16 weeks" in table


def test_totals_are_computed(roadmap):
    t = render.totals(roadmap)
    assert t["hours"] == "570+ h" and t["bounded_hours"] == "510–610 h"
    assert t["weeks"] == 20 and t["phases"] == 5 and t["guides"] == 25
    assert t["checklist_items"] == len(roadmap.items) == t["objectives"] + t["practice"] + t["tasks"] + t["skills"]
    # the seed's "16-24 weeks full-time" over 570 h means 24-36 h a week
    assert (t["pace_low"], t["pace_high"]) == (24, 36)


def test_at_a_glance_lists_every_week_and_phase_total(roadmap):
    table = render.roadmap_at_a_glance(roadmap, "index.md")
    assert len(re.findall(r"\]\(roadmap/week-", table)) == 20
    assert table.count("total*** |") == 5
    assert "**570+ h** |" in table


def test_certificates_render_requirements_with_links(roadmap):
    md = render.certificates(roadmap, "progress/certificates.md")
    assert md.count("**Certificate of Completion:**") == 4
    assert "(Weeks 1–4)" in md and "Weeks 1-4" not in md  # one dash for ranges, as elsewhere (walkthrough m20)
    assert "3 of the projects of [Week 1](../roadmap/week-01.md#project)" in md
    assert "(../roadmap/week-21.md#item-w21-prac-implement-paper-scratch)" in md


def test_manifest_lists_every_item_once_with_urls(roadmap):
    data = render.manifest(roadmap, "../")
    ids = [i["id"] for i in data["items"]]
    assert len(ids) == len(set(ids)) == len(roadmap.items)
    first = data["items"][0]
    assert first["url"] == "../roadmap/week-01/#item-" + first["id"]
    assert data["weeks"][-1]["hours"] == [60, None]


def test_study_again_links_go_to_the_weeks_sections_not_the_guides_top(roadmap):
    """Walkthrough m13: a review's "Study again" link led to the top of a 2,000-line guide."""
    week1 = next(w for w in render.manifest(roadmap, "../")["weeks"] if w["id"] == "week-01")
    assert week1["study"][:3] == [
        ["Mathematics for Machine Learning: Linear algebra", "../guides/mathematics-for-ml/#linear-algebra"],
        ["Mathematics for Machine Learning: Calculus for ML", "../guides/mathematics-for-ml/#calculus"],
        [
            "Mathematics for Machine Learning: Probability and statistics",
            "../guides/mathematics-for-ml/#probability-statistics",
        ],
    ]


def test_manifest_script_cannot_close_its_element_early(roadmap, monkeypatch):
    script = render.manifest_script(roadmap, "")
    payload = script.split("data-mdx-manifest='", 1)[1].rsplit("'></div>", 1)[0]
    assert "<" not in payload and "'" not in payload
    assert json.loads(html.unescape(payload))["schema"] == 1


def test_a_guide_header_tells_the_reader_once_that_printed_digits_may_differ(roadmap):
    guide = roadmap.guides["MATHEMATICS_FOR_ML"]
    header = render.guide_header(roadmap, guide, guide.page)
    assert header.count(render.OUTPUT_NOTE) == 1
    assert "last digit" in render.OUTPUT_NOTE


def test_weeks_whose_project_needs_a_gpu_say_so_and_link_the_hardware_section(roadmap):
    for week in roadmap.weeks:
        text = render.week_page(roadmap, week, week.page)
        if week.id in render.GPU_PROJECTS:
            assert "**Hardware:**" in text and "../learn/setup.md#hardware" in text, week.id
        else:
            assert "**Hardware:**" not in text, week.id
    assert set(render.GPU_PROJECTS) == {"week-10", "week-13", "week-14", "week-17"}
