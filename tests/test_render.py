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


def plain(md: str) -> str:
    """Markdown without its HTML tags (the spans that keep a figure on one line)."""
    return re.sub(r"<[^>]+>", "", md)


def test_study_load_table_computes_calendar_weeks(roadmap):
    table = plain(render.study_load_table(roadmap, loads=(10, 40)))
    # Weeks 1-20 are 510-610 h; Week 21+ is at least 60 h.
    assert "| Study load | Weeks 1–20 (510–610 h) | then Week 21+ (from 60 h) |" in table
    assert "| 10 h/week | 51–61 weeks" in table and "at least 6 more weeks |" in table
    assert "| 40 h/week | 13–16 weeks" in table


def test_totals_are_computed(roadmap):
    t = render.totals(roadmap)
    assert t["hours"] == "570+ h" and t["bounded_hours"] == "510–610 h"
    assert t["weeks"] == 20 and t["phases"] == 5 and t["guides"] == 25
    # one way of counting: a checklist item is a week's objective, practice item or project task (what every
    # progress bar and the dashboard count); the skill self-assessment is counted apart
    assert t["checklist_items"] == 249 == t["objectives"] + t["practice"] + t["tasks"]
    assert len(roadmap.items) == t["checklist_items"] + t["skills"] and t["skills"] == 20
    # the seed's "16-24 weeks full-time" over 570 h means 24-36 h a week
    assert (t["pace_low"], t["pace_high"]) == (24, 36)


def test_tables_never_break_a_figure(roadmap):
    """A range such as "65–85 h" or "51–61 weeks" is kept on one line (walkthrough: "0 of 12" under its bar)."""
    summary = render.phase_summary_table(roadmap, "index.md")
    assert '| <span class="mdx-fig">Weeks 1–4</span> | <span class="mdx-fig">65–85 h</span> | 47 |' in summary
    assert '**<span class="mdx-fig">570+ h</span>** | 249 |' in summary
    load = render.study_load_table(roadmap, loads=(10,))
    assert '<span class="mdx-fig">51–61 weeks</span> <span class="mdx-fig">(about 12–14 months)</span>' in load
    phase = render.phase_page(roadmap, roadmap.phase(5), "roadmap/phase-5.md")
    assert '**<span class="mdx-fig">155+ h</span>**' in phase


# ------------------------------------------------------------------------------------------------- map


def map_nodes(md: str) -> list[str]:
    return re.findall(r'data-mdx-node="([^"]+)"', md)


def test_map_has_every_phase_and_week_in_order_with_title_hours_and_link(roadmap):
    md = render.roadmap_map(roadmap, "index.md")
    assert map_nodes(md) == [w.id for w in roadmap.weeks]
    assert md.count('class="mdx-map__phase"') == len(roadmap.phases) == 5
    assert md.index("Phase 1: Foundations") < md.index('data-mdx-node="week-01"') < md.index("Phase 2: Core ML/DL")
    assert (
        '<a class="mdx-map__node" href="roadmap/week-01/"><span class="mdx-map__label">Week 1</span>'
        '<span class="mdx-sr">: </span><span class="mdx-map__title">Mathematics &amp; ML Basics</span>'
        '<span class="mdx-sr">, </span><span class="mdx-map__hours">15–20 h</span>'
        '<span class="mdx-map__state" data-mdx-state hidden><span class="mdx-sr">, </span><span></span></span></a>'
    ) in md
    assert '<span class="mdx-map__hours">60+ h</span>' in md  # Week 21+, open-ended, written as everywhere
    assert '<span class="mdx-map__meta">Weeks 1–4 · 65–85 h</span>' in md
    assert '<span class="mdx-map__meta">Weeks 17+ · 155+ h</span>' in md


def test_map_nodes_list_the_guides_each_week_studies(roadmap):
    md = render.roadmap_map(roadmap, "index.md")
    for w in roadmap.weeks:
        node = md.split(f'data-mdx-node="{w.id}"', 1)[1].split("</li>\n", 1)[0]
        guides = re.search(r'<ul class="mdx-map__guides"[^>]*>(.*?)</ul>', node, re.S).group(1)
        want = list(dict.fromkeys(roadmap.guides[m.guide].title for m in w.materials))
        assert re.findall(r'<a href="guides/[\w-]+/">([^<]+)</a>', html.unescape(guides)) == want, w.id


def test_certificates_fall_after_the_last_week_they_need(roadmap):
    places = render.certificate_places(roadmap)
    assert {w: [c.id for c in cs] for w, cs in places.items()} == {
        "week-04": ["foundations"],
        "week-12": ["practitioner"],
        "week-19-20": ["specialist"],
        "week-21": ["researcher"],
    }
    md = render.roadmap_map(roadmap, "index.md")
    week4 = md.split('data-mdx-node="week-04"', 1)[1].split('data-mdx-node="week-05"', 1)[0]
    assert (
        '<a class="mdx-map__cert" href="progress/certificates/#cert-foundations">'
        "Certificate: ML/AI Foundations (Beginner)</a>"
    ) in week4
    assert md.count('class="mdx-map__cert"') == len(roadmap.certificates)


def test_map_links_are_built_urls_relative_to_the_page(roadmap):
    """Raw HTML is not rewritten by MkDocs: the map writes the served addresses itself."""
    assert render.built_url("index.md", "roadmap/week-01.md") == "roadmap/week-01/"
    assert render.built_url("roadmap/index.md", "roadmap/week-01.md") == "week-01/"
    assert render.built_url("roadmap/index.md", "guides/code-templates.md") == "../guides/code-templates/"
    assert (
        render.built_url("roadmap/index.md", "progress/certificates.md", "cert-x") == "../progress/certificates/#cert-x"
    )
    assert render.built_url("roadmap/week-01.md", "index.md") == "../../"
    assert render.built_url("index.md", "index.md") == "./"
    md = render.roadmap_map(roadmap, "roadmap/index.md")
    assert 'href="week-01/"' in md and 'href="phase-1/"' in md and 'href="../guides/mathematics-for-ml/"' in md


def test_map_nodes_carry_their_item_ids_unless_the_page_has_the_manifest(roadmap):
    md = render.roadmap_map(roadmap, "roadmap/index.md")
    ids = re.findall(r'data-mdx-items="([^"]+)"', md)
    assert [i.split() for i in ids] == [[i.id for i in w.items] for w in roadmap.weeks]
    assert "data-mdx-items" not in render.roadmap_map(roadmap, "index.md", item_ids=False)


def test_a_week_added_to_the_data_appears_on_the_map(roadmap):
    """No other edit: the map is generated from the data."""
    import dataclasses

    last = roadmap.weeks[-1]
    extra = dataclasses.replace(last, id="week-22", start=22, end=22, title="A <new> week")
    phase5 = dataclasses.replace(roadmap.phases[-1], weeks=(*roadmap.phases[-1].weeks, extra))
    bigger = dataclasses.replace(
        roadmap, weeks=(*roadmap.weeks, extra), phases=(*roadmap.phases[:-1], phase5), _weeks_by_id={}
    )
    md = render.roadmap_map(bigger, "index.md")
    assert map_nodes(md)[-1] == "week-22" and len(map_nodes(md)) == len(roadmap.weeks) + 1
    assert "A &lt;new&gt; week" in md and 'href="roadmap/week-22/"' in md


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
