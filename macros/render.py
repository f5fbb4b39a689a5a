"""Pure render functions: roadmap data in, Markdown (with small HTML islands) out.

Each function takes the page it renders for (its source path relative to docs/, e.g.
``roadmap/week-01.md``) so that links are relative ``.md`` links, which MkDocs checks in a strict build.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import html
import json
import math
import posixpath
import re

from .roadmap import Certificate, Guide, Hours, Item, Material, OutlineEntry, Phase, Roadmap, Week

LEVEL_NAMES = {"beginner": "Beginner", "intermediate": "Intermediate", "advanced": "Advanced", "expert": "Expert"}
STUDY_LOADS = (10, 15, 20, 30, 40)
_CODE_SPAN = re.compile(r"`([^`]+)`")


# --------------------------------------------------------------------------------------------- helpers


def link(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """A relative link from one source page to another (or to a section of it)."""
    target = "" if to_page == from_page else posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return f"{target}#{anchor}" if anchor else target


def inline_html(text: str) -> str:
    """Escape text for HTML, keeping `code spans` as <code>."""
    parts = _CODE_SPAN.split(text)
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


def md_text(text: str) -> str:
    """Make data text safe to drop into Markdown: no raw HTML, no accidental emphasis."""
    return html.escape(text, quote=False).replace("*", r"\*").replace("_", r"\_").replace("[", r"\[")


def hours_range(h: Hours, unit: str = "hours") -> str:
    if h.max is None:
        return f"{h.min}+ {unit}"
    return f"{h.min}–{h.max} {unit}" if h.max != h.min else f"{h.min} {unit}"


def fig(text: str) -> str:
    """A figure ("65–85 h", "Weeks 1–4") that a table cell never breaks in two (site.css: .mdx-fig)."""
    return f'<span class="mdx-fig">{text}</span>'


def week_title(week: Week) -> str:
    return f"{week.label}: {week.title}"


def phase_title(phase: Phase) -> str:
    return f"Phase {phase.number}: {phase.title}"


def item_anchor(item_id: str) -> str:
    return f"item-{item_id}"


# ------------------------------------------------------------------------------------------ checklists


def checklist(items: tuple[Item, ...] | list[Item], label: str) -> str:
    """Real, labelled checkboxes that carry their permanent id; the progress script binds to them."""
    rows = []
    for item in items:
        aid = item_anchor(item.id)
        rows.append(
            f'<li class="mdx-checklist__item" id="{aid}">'
            f'<input type="checkbox" class="mdx-checklist__box" id="{aid}-box" data-mdx-item="{item.id}">'
            f'<label for="{aid}-box">{inline_html(item.text)}</label></li>'
        )
    body = "\n".join(rows)
    return f'\n<ul class="mdx-checklist" data-mdx-checklist aria-label="{html.escape(label)}">\n{body}\n</ul>\n'


NOSCRIPT = (
    '\n<noscript><p class="mdx-note">Ticking these boxes saves your progress in this browser; '
    "that needs JavaScript, which is off. The lists read fine without it.</p></noscript>\n"
)


def progress_bar(scope: str, label: str) -> str:
    """A slot the progress script fills in; hidden until it does, so nothing false shows without it."""
    return (
        f'\n<div class="mdx-progress" data-mdx-progress="{html.escape(scope)}" '
        f'data-mdx-label="{html.escape(label)}" hidden></div>\n'
    )


# ----------------------------------------------------------------------------------------------- weeks


def _material(rm: Roadmap, m: Material, page: str) -> str:
    guide = rm.guides[m.guide]
    href = link(page, guide.page)
    line = f"- **[{md_text(guide.title)}]({href})**"
    notes = [m.label] if m.label else []
    if m.optional:
        notes.append("optional")
    if notes:
        line += f" ({md_text(', '.join(notes))})"
    if not guide.published:
        line += " · *not written yet: its page shows the planned outline*"
    out = [line]
    if m.sections:
        sec = ", ".join(f"[{md_text(_section_title(guide, s))}]({link(page, guide.page, s)})" for s in m.sections)
        out.append(f"    - Focus: {sec}")
    if m.choose_one:
        out.append("    - Choose one specialization:")
    indent = "        " if m.choose_one else "    "
    for t in m.topics:
        text = md_text(t.text)
        out.append(f"{indent}- [{text}]({link(page, guide.page, t.section)})" if t.section else f"{indent}- {text}")
    return "\n".join(out)


def _section_title(guide: Guide, anchor: str) -> str:
    """A section's label: the guide's own heading (or outline) text, never one made from its slug."""
    return guide.section_title(anchor) or anchor.replace("-", " ").capitalize()


def week_span(week: Week) -> str:
    """What a week page calls itself: "week", or "block" for a two-week or open-ended one (Weeks 19–20, Week 21+)."""
    return "week" if week.end == week.start else "block"


# The weeks whose project, done at full size, needs a GPU: the week pages say so, and the setup page's
# Hardware section (learn/setup.md, #hardware) has the table with sizes and where to get one.
GPU_PROJECTS = {
    "week-10": "fine-tuning Stable Diffusion needs a GPU with about 12 GB or more",
    "week-13": "fine-tuning an LLM with LoRA needs a GPU (about 16 GB for a 7B model with QLoRA)",
    "week-14": "training a YOLO model needs a GPU; a CPU takes hours per epoch",
    "week-17": "multi-GPU training with DDP / FSDP needs two or more GPUs",
}


def week_page(rm: Roadmap, week: Week, page: str) -> str:
    phase = rm.phase(week.phase)
    n_items = len(week.items)
    # The dashboard's planner, as a built URL: the plan line is filled in by week.js, outside Markdown's links.
    planner = "../" * (page.count("/") + 1) + "progress/#plan"
    out = [
        f"# {md_text(week_title(week))}",
        "",
        f"[{md_text(phase_title(phase))}]({link(page, phase.page)}) · "
        f"**Time commitment:** {hours_range(week.hours)} · {n_items} checklist items",
        progress_bar(week.id, f"{week.label} progress"),
        f'<p class="mdx-plan-line" data-mdx-plan="{week.id}" data-mdx-span="{week_span(week)}" '
        f'data-mdx-planner="{planner}" hidden></p>',
        "",
        "## Study materials {#study-materials}",
        "",
        "\n".join(_material(rm, m, page) for m in week.materials),
        "",
        "## Learning objectives {#objectives}",
        NOSCRIPT,
        checklist(week.objectives, f"{week.label} learning objectives"),
    ]
    if week.practice:
        out += [
            "## Hands-on practice {#practice}",
            "",
            md_text(week.practice_intro or ""),
            "",
            checklist(week.practice, f"{week.label} hands-on practice"),
        ]
    heading = "Capstone project" if week.project.kind == "capstone" else "Checkpoint project"
    out += [
        f"## {heading} {{#project}}",
        "",
        f"**Project:** {md_text(week.project.title)}",
        "",
        checklist(week.project.tasks, f"{week.label} project tasks"),
        *(
            [
                f"**Hardware:** the code on this site runs on a CPU, but at full size "
                f"{GPU_PROJECTS[week.id]}: see [Hardware]({link(page, 'learn/setup.md', 'hardware')}) "
                "for free and paid ways to get one.",
                "",
            ]
            if week.id in GPU_PROJECTS
            else []
        ),
        *(
            [
                f"**Notebook:** [a worked version of this project]({link(page, week.project.notebook)}), "
                "to run and compare after your own attempt.",
                "",
            ]
            if week.project.notebook
            else []
        ),
        f"**Time commitment:** {hours_range(week.hours)} for the {week_span(week)}.",
        "",
        f'<div class="mdx-journal" data-mdx-journal="{week.id}" '
        f'data-mdx-label="{html.escape(week.label)}" hidden></div>',
        "",
    ]
    out.append(week_neighbours(rm, week, page))
    return "\n".join(out)


def week_description(rm: Roadmap, week: Week) -> str:
    guides = ", ".join(rm.guides[m.guide].title for m in week.materials)
    return (
        f"{week.label} of the ML/AI learning roadmap: {week.title}. Study {guides}; "
        f'{len(week.items)} checklist items and the project "{week.project.title}", {hours_range(week.hours)}.'
    )


def phase_description(phase: Phase) -> str:
    return f"{phase_title(phase)} ({phase.weeks_label}, {hours_range(phase.hours)}): {phase.summary}"


def week_neighbours(rm: Roadmap, week: Week, page: str) -> str:
    prev, nxt = rm.neighbours(week)
    parts = []
    if prev:
        parts.append(f"[← {md_text(week_title(prev))}]({link(page, prev.page)})")
    if nxt:
        parts.append(f"[{md_text(week_title(nxt))} →]({link(page, nxt.page)})")
    if not parts:
        return ""
    return (
        '<nav class="mdx-pager" aria-label="Previous and next week" markdown>\n\n' + " · ".join(parts) + "\n\n</nav>\n"
    )


# ---------------------------------------------------------------------------------------------- phases


def _week_guides(rm: Roadmap, week: Week, page: str) -> str:
    return ", ".join(
        f"[{md_text(rm.guides[m.guide].title)}]({link(page, rm.guides[m.guide].page)})" for m in week.materials
    )


def phase_page(rm: Roadmap, phase: Phase, page: str) -> str:
    out = [
        f"# {md_text(phase_title(phase))}",
        "",
        f"{md_text(phase.summary)}",
        "",
        f"**{phase.weeks_label}** ({md_text(phase.length)}) · **{hours_range(phase.hours)}** in all · "
        f"{sum(len(w.items) for w in phase.weeks)} checklist items",
        progress_bar(phase.id, f"{phase_title(phase)} progress"),
        "| Week | Topic | Study materials | Time | Project |",
        "|---|---|---|---|---|",
    ]
    for w in phase.weeks:
        out.append(
            f"| [{w.label}]({link(page, w.page)}) | {md_text(w.title)} | {_week_guides(rm, w, page)} | "
            f"{fig(hours_range(w.hours, 'h'))} | {md_text(w.project.title)} |"
        )
    out.append(f"| **Total** | | | **{fig(hours_range(phase.hours, 'h'))}** | |")
    out.append("")
    out.append(_hours_note(phase.hours))
    i = rm.phases.index(phase)
    nav = []
    if i > 0:
        nav.append(f"[← {md_text(phase_title(rm.phases[i - 1]))}]({link(page, rm.phases[i - 1].page)})")
    if i + 1 < len(rm.phases):
        nav.append(f"[{md_text(phase_title(rm.phases[i + 1]))} →]({link(page, rm.phases[i + 1].page)})")
    if nav:
        out += [
            "",
            '<nav class="mdx-pager" aria-label="Previous and next phase" markdown>',
            "",
            " · ".join(nav),
            "",
            "</nav>",
        ]
    return "\n".join(out) + "\n"


def _hours_note(h: Hours) -> str:
    if not h.open_ended:
        return ""
    return (
        f"*Open-ended: {h.min} hours is the floor. The last block has no upper estimate, "
        "because research takes as long as it takes.*"
    )


# -------------------------------------------------------------------------------------------- overview


def checklist_count(rm: Roadmap) -> int:
    """The one count of checklist items: every week's learning objectives, practice items and project tasks.
    What the progress bars, the dashboard and the pages say; the skill self-assessment is counted apart."""
    return sum(len(w.items) for w in rm.weeks)


# ------------------------------------------------------------------------------------------------- map


def built_url(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """The link from one source page to another as the built site serves them (a folder per page), for raw
    HTML, whose links MkDocs does not rewrite: from ``index.md`` to ``roadmap/week-01.md``, ``roadmap/week-01/``."""

    def folder(src: str) -> str:
        stem = src[: -len(".md")]
        return "" if stem == "index" else stem.removesuffix("/index")

    rel = posixpath.relpath(folder(to_page) or ".", folder(from_page) or ".")
    href = "./" if rel == "." else rel + "/"
    return f"{href}#{anchor}" if anchor else href


def certificate_places(rm: Roadmap) -> dict[str, list[Certificate]]:
    """Where each certificate falls on the path: after the last week that its requirements name (for a
    requirement of items, the items' weeks), keyed by that week's id, in the data's order."""
    order = {w.id: n for n, w in enumerate(rm.weeks)}
    item_week = {i.id: i.week for i in rm.items}
    out: dict[str, list[Certificate]] = {}
    for c in rm.certificates:
        weeks = [ref if r.kind != "items" else item_week[ref] for r in c.requirements for ref in r.refs]
        out.setdefault(max(weeks, key=order.__getitem__), []).append(c)
    return out


def _map_week(rm: Roadmap, w: Week, page: str, certs: list[Certificate], item_ids: bool) -> str:
    """One week node: a link (label, title, hours and a slot for its state) and, under it, the guides it
    studies and the certificates that fall after it. map.js counts the state from the week's item ids: the
    page's manifest has them, or (``item_ids``, on a page without one) the node itself."""
    e = html.escape
    guides = "".join(
        f'<li><a href="{built_url(page, rm.guides[g].page)}">{e(rm.guides[g].title)}</a></li>'
        for g in dict.fromkeys(m.guide for m in w.materials)
    )
    out = [
        f'<li class="mdx-map__week" data-mdx-node="{w.id}"'
        + (f' data-mdx-items="{" ".join(i.id for i in w.items)}">' if item_ids else ">"),
        f'<a class="mdx-map__node" href="{built_url(page, w.page)}">'
        f'<span class="mdx-map__label">{e(w.label)}</span><span class="mdx-sr">: </span>'
        f'<span class="mdx-map__title">{e(w.title)}</span><span class="mdx-sr">, </span>'
        f'<span class="mdx-map__hours">{e(hours_range(w.hours, "h"))}</span>'
        '<span class="mdx-map__state" data-mdx-state hidden><span class="mdx-sr">, </span><span></span></span></a>',
        f'<ul class="mdx-map__guides" aria-label="{e(w.label)} studies">{guides}</ul>',
    ]
    for c in certs:
        href = built_url(page, "progress/certificates.md", f"cert-{c.id}")
        out.append(f'<a class="mdx-map__cert" href="{href}">Certificate: {e(c.title)} ({e(c.level)})</a>')
    out.append("</li>")
    return "\n".join(out)


def roadmap_map(rm: Roadmap, page: str, item_ids: bool = True) -> str:
    """The roadmap as a path: the phases in order, each week a node linking to its page, the guides it studies
    and the certificates where they fall. Ordinary lists and links, laid out by map.css; map.js marks each
    week's state from the learner's ticks (not started, its fraction, done) and the first week not done."""
    certs = certificate_places(rm)
    out = ['<ol class="mdx-map" data-mdx-map aria-label="The roadmap, phase by phase and week by week">']
    for p in rm.phases:
        out += [
            '<li class="mdx-map__phase">',
            f'<h3 class="mdx-map__head"><a href="{built_url(page, p.page)}">'
            f'<span class="mdx-map__num" aria-hidden="true">{p.number}</span>{html.escape(phase_title(p))}</a> '
            f'<span class="mdx-map__meta">{p.weeks_label} · {hours_range(p.hours, "h")}</span></h3>',
            '<ol class="mdx-map__weeks">',
            *(_map_week(rm, w, page, certs.get(w.id, []), item_ids) for w in p.weeks),
            "</ol>",
            "</li>",
        ]
    out.append("</ol>")
    return "\n" + "\n".join(out) + "\n"


def phase_summary_table(rm: Roadmap, page: str) -> str:
    out = [
        progress_bar("all", "Your progress, all phases"),
        "| Phase | Weeks | Time | Checklist items |",
        "|---|---|---|---|",
    ]
    for phase in rm.phases:
        out.append(
            f"| [{phase.number}. {md_text(phase.title)}]({link(page, phase.page)}) | {fig(phase.weeks_label)} | "
            f"{fig(hours_range(phase.hours, 'h'))} | {sum(len(w.items) for w in phase.weeks)} |"
        )
    out.append(
        f"| **All phases** | {fig(f'{len(rm.weeks)} week blocks')} | **{fig(hours_range(rm.hours, 'h'))}** | "
        f"{checklist_count(rm)} |"
    )
    return "\n".join(out) + "\n"


def study_load_table(rm: Roadmap, loads: tuple[int, ...] = STUDY_LOADS) -> str:
    """What the hour estimates mean in calendar weeks at a few weekly study loads."""
    bounded = [w for w in rm.weeks if not w.hours.open_ended]
    open_weeks = [w for w in rm.weeks if w.hours.open_ended]
    b = Hours.total(w.hours for w in bounded)
    open_min = sum(w.hours.min for w in open_weeks)
    last = bounded[-1] if bounded else None
    scope = f"Weeks 1–{last.end}" if last else "the bounded weeks"
    head = f"| Study load | {scope} ({hours_range(b, 'h')}) |"
    sep = "|---|---|"
    if open_weeks:
        head += f" then {', '.join(w.label for w in open_weeks)} (from {open_min} h) |"
        sep += "---|"
    out = [head, sep]
    for load in loads:
        lo, hi = math.ceil(b.min / load), math.ceil(b.max / load)
        months = fig(f"(about {_months(lo)}–{_months(hi)} months)")
        row = f"| {fig(f'{load} h/week')} | {fig(f'{lo}–{hi} weeks')} {months} |"
        if open_weeks:
            row += f" at least {fig(f'{math.ceil(open_min / load)} more weeks')} |"
        out.append(row)
    return "\n".join(out) + "\n"


def _months(weeks: int) -> str:
    return f"{weeks * 7 / 30.44:.0f}" if weeks >= 9 else f"{weeks * 7 / 30.44:.1f}"


def totals(rm: Roadmap) -> dict:
    """The computed figures, for prose that quotes them."""
    bounded = Hours.total(w.hours for w in rm.weeks if not w.hours.open_ended)
    return {
        "hours": rm.hours.label,
        "hours_min": rm.hours.min,
        "bounded_hours": bounded.label,
        "weeks": len(rm.weeks),
        "phases": len(rm.phases),
        "checklist_items": checklist_count(rm),
        "objectives": sum(len(w.objectives) for w in rm.weeks),
        "practice": sum(len(w.practice) for w in rm.weeks),
        "projects": len(rm.weeks),
        "tasks": sum(len(w.project.tasks) for w in rm.weeks),
        "skills": sum(len(s.items) for s in rm.skills),
        "guides": len(rm.guides),
        "guides_published": sum(g.published for g in rm.guides.values()),
        # the full-time pace at which the seed's "16-24 weeks" holds
        "pace_low": math.ceil(rm.hours.min / 24),
        "pace_high": math.ceil(rm.hours.min / 16),
    }


# ---------------------------------------------------------------------------------------------- guides


def guide_usage_line(rm: Roadmap, guide: Guide, page: str) -> str:
    """'Studied in Week 1 (Sections 1-3: ...), Week 17 (...)': each week links back, each section links in."""
    uses = rm.guide_usage(guide.id)
    if not uses:
        return "Not assigned by any week of the roadmap; read it when you need it."
    parts = []
    for week, m in uses:
        bits = []
        if m.label:
            bits.append(md_text(m.label))
        anchors = list(m.sections) + [t.section for t in m.topics if t.section]
        if anchors:
            bits.append(", ".join(f"[{md_text(_section_title(guide, a))}](#{a})" for a in anchors))
        detail = f" ({': '.join(bits)})" if bits else ""
        parts.append(f"[{md_text(week_title(week))}]({link(page, week.page)}){detail}")
    return "Studied in " + "; ".join(parts) + "."


# Said once per guide, where the reader first meets its outputs (tests/examples.py checks them this way).
OUTPUT_NOTE = (
    "The outputs under the code are what it printed when the site was tested. On your computer the last "
    "digit of a number may differ, because each processor rounds a little differently; results of "
    "training may differ by as much as an output's title says."
)


def guide_header(rm: Roadmap, guide: Guide, page: str) -> str:
    assumes = ", ".join(f"[{md_text(rm.guides[a].title)}]({link(page, rm.guides[a].page)})" for a in guide.assumes)
    meta = [
        f"**Level:** {LEVEL_NAMES[guide.level]}",
        f"**Read first:** {assumes}" if assumes else "**Read first:** nothing",
    ]
    return "\n".join(
        [
            f"# {md_text(guide.title)}",
            "",
            f'<p class="mdx-lead">{inline_html(guide.description)}</p>',
            "",
            '<div class="mdx-guide-meta" markdown>',
            "",
            " · ".join(meta),
            "",
            guide_usage_line(rm, guide, page),
            "",
            OUTPUT_NOTE,
            "",
            "</div>",
            "",
        ]
    )


def _outline_md(entries: tuple[OutlineEntry, ...], depth: int, prefix: str) -> list[str]:
    out = []
    for n, e in enumerate(entries, 1):
        number = f"{prefix}{n}"
        out.append(f"{'#' * depth} {number}. {md_text(e.title)} {{#{e.id}}}")
        out.append("")
        if e.covers:
            out.append("Planned to cover: " + "; ".join(md_text(c) for c in e.covers) + ".")
            out.append("")
        out += _outline_md(e.sections, depth + 1, f"{number}.")
    return out


def planned_guide_page(rm: Roadmap, guide: Guide, page: str) -> str:
    body = [
        guide_header(rm, guide, page),
        '!!! note "Not written yet"',
        "",
        "    This guide has not been written yet. Below is its planned outline: the sections the roadmap",
        "    links to, so that the links already land in the right place. Until it is written, the",
        "    further reading of the weeks that use it and the [resources]("
        + link(page, "learn/resources.md")
        + ") page are",
        "    the places to study from. Want to write it? See [contributing]("
        + link(page, "about/contributing.md")
        + ").",
        "",
        "## Planned outline {#planned-outline}",
        "",
    ]
    body += _outline_md(guide.outline, 3, "")
    return "\n".join(body) + "\n"


def guides_index(rm: Roadmap, page: str) -> str:
    out = ["| Guide | Level | Studied in | Status |", "|---|---|---|---|"]
    order = {g: i for i, g in enumerate(dict.fromkeys(m.guide for w in rm.weeks for m in w.materials))}
    for g in sorted(rm.guides.values(), key=lambda g: (order.get(g.id, 999), g.id)):
        weeks = ", ".join(
            f"[{w.label}]({link(page, w.page)})" for w in dict.fromkeys(w for w, _ in rm.guide_usage(g.id))
        )
        status = "Published" if g.published else "Planned: outline only"
        out.append(
            f"| [{md_text(g.title)}]({link(page, g.page)})<br>{md_text(g.description)} | "
            f"{LEVEL_NAMES[g.level]} | {weeks or '—'} | {status} |"
        )
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------- skills, certificates


def skills_checklist(rm: Roadmap, page: str) -> str:
    out = []
    for s in rm.skills:
        stars = "⭐" * s.level
        out += [
            f'## {md_text(s.title)} <span aria-hidden="true">{stars}</span> {{#skills-level-{s.level}}}',
            "",
            f"Level {s.level} of {len(rm.skills)}.",
            checklist(s.items, f"{s.title}, level {s.level} of {len(rm.skills)}"),
        ]
    return NOSCRIPT + "\n" + "\n".join(out)


def _requirement(rm: Roadmap, c: Certificate, page: str) -> list[str]:
    out = []
    for r in c.requirements:
        if r.kind == "weeks":
            what = ", ".join(f"[{rm.week(w).label}]({link(page, rm.week(w).page, 'objectives')})" for w in r.refs)
            how = f"every learning objective of {what}"
        elif r.kind == "projects":
            what = ", ".join(f"[{rm.week(w).label}]({link(page, rm.week(w).page, 'project')})" for w in r.refs)
            how = f"{r.count} of the projects of {what}, every task ticked"
        else:
            items = {i.id: i for i in rm.items}
            how = "; ".join(
                f"[{md_text(items[i].text)}]({link(page, rm.week(items[i].week).page, item_anchor(i))})" for i in r.refs
            )
        out.append(f'- <span data-mdx-requirement="{c.id}">**{md_text(r.text)}**</span>: {how}')
    return out


def certificates(rm: Roadmap, page: str) -> str:
    out = []
    for c in rm.certificates:
        out += [
            f"## {md_text(c.level)} ({md_text(c.weeks_label)}) {{#cert-{c.id}}}",
            "",
            f"**Certificate of Completion:** {md_text(c.title)}",
            "",
            "Requirements, and what counts as meeting each:",
            "",
        ]
        out += _requirement(rm, c, page)
        label = html.escape(f"Your status: {c.title}")
        out += [
            "",
            f'<div class="mdx-cert" data-mdx-cert="{c.id}" role="region" aria-label="{label}" hidden></div>',
            "",
        ]
    return "\n".join(out)


# -------------------------------------------------------------------------------------------- manifest


def manifest(rm: Roadmap, base: str) -> dict:
    """Everything the browser needs to compute progress, keyed by permanent ids.

    ``base`` is the relative path from the page carrying the manifest to the site root, so URLs
    resolve wherever the site is hosted (a fork on github.io lives under /<repo>/).
    Each item carries its share of its week's hours: the week's estimate split equally among its items.
    """

    def url(page_path: str, anchor: str | None = None) -> str:
        u = base + page_path[:-3] + "/"
        return f"{u}#{anchor}" if anchor else u

    weeks = []
    for w in rm.weeks:
        weeks.append(
            {
                "id": w.id,
                "label": w.label,
                "title": w.title,
                "phase": w.phase,
                "url": url(w.page),
                "hours": [w.hours.min, w.hours.max],
                "items": [i.id for i in w.items],
                "project": w.project.title,
                "tasks": [i.id for i in w.project.tasks],
                "study": _study(rm, w, url),
            }
        )
    items = [
        {
            "id": i.id,
            "text": i.text,
            "kind": i.kind,
            "week": i.week,
            "url": url(rm.week(i.week).page if i.week else "progress/skills.md", item_anchor(i.id)),
        }
        for i in rm.items
    ]
    return {
        "schema": 1,
        "weeks": weeks,
        "phases": [
            {"number": p.number, "title": p.title, "url": url(p.page), "weeks": [w.id for w in p.weeks]}
            for p in rm.phases
        ],
        "skills": [{"level": s.level, "title": s.title, "items": [i.id for i in s.items]} for s in rm.skills],
        "items": items,
        "certificates": [
            {
                "id": c.id,
                "title": c.title,
                "level": c.level,
                "requirements": [
                    {"text": r.text, "kind": r.kind, "refs": list(r.refs), "count": r.count} for r in c.requirements
                ],
            }
            for c in rm.certificates
        ],
        "successors": rm.successors,
    }


def _study(rm: Roadmap, w: Week, url) -> list[list[str]]:
    """Where a week's objectives are taught: [title, url] of each assigned guide section, its focus sections and
    the sections its topics link to (the guide itself only when the week names none of its sections)."""
    out = []
    for m in w.materials:
        g = rm.guides[m.guide]
        anchors = list(dict.fromkeys([*m.sections, *(t.section for t in m.topics if t.section)]))
        for s in anchors or (None,):
            out.append([f"{g.title}: {_section_title(g, s)}" if s else g.title, url(g.page, s)])
    return out


def plan_data(rm: Roadmap) -> list[list]:
    """What a week page needs to place itself in the learner's plan: [id, phase, low h, high h, item ids...]."""
    return [[w.id, w.phase, w.hours.min, w.hours.max, *(i.id for i in w.items)] for w in rm.weeks]


def manifest_script(rm: Roadmap, base: str) -> str:
    """The manifest as an attribute of a hidden element, read by the progress script.

    Not a <script type="application/json">: Material's instant navigation (when on) re-runs every script of the
    new page as JavaScript, dropping its type and id. An attribute is also kept out of the search index.
    """
    return _manifest_element(manifest(rm, base))


def successors_script(rm: Roadmap) -> str:
    """The small manifest of a week page: only the successor map, so renamed ids migrate there too."""
    return _manifest_element({"schema": 1, "successors": rm.successors})


def plan_script(rm: Roadmap) -> str:
    """A week page's plan data, in an element of its own (the successors manifest stays as it was)."""
    text = json.dumps(plan_data(rm), separators=(",", ":")).replace("&", "&amp;").replace("'", "&#39;")
    return f"\n<div id=\"mdx-plan-data\" hidden data-mdx-plan-data='{text}'></div>\n"


def _manifest_element(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
    return f"\n<div id=\"mdx-manifest\" hidden data-mdx-manifest='{text}'></div>\n"


def setup_installs(suite) -> str:
    """Each phase's weeks, what it adds, and the command that installs it (from TEST_SUITE.py's table)."""
    out = []
    for n in sorted(suite.PHASES):
        pkgs = suite.PHASES[n]
        if not pkgs:
            out.append(f"**Phase {n}** ({suite.PHASE_WEEKS[n]}) adds no library: it uses what you have.\n")
            continue
        uses = "; ".join(f"`{pip}` ({purpose})" for _, pip, _, purpose in pkgs)
        out.append(f"**Phase {n}** ({suite.PHASE_WEEKS[n]}) adds {uses}.\n")
        out.append(f"```bash\n{suite.pip_command(n, only_new=True)}\npython TEST_SUITE.py --phase {n}\n```\n")
    return "\n".join(out)
