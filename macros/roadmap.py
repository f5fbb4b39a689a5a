"""The roadmap's data model: load ``data/roadmap.yml`` and the guides' front matter, validate them, and
expose typed, read-only objects to the renderers.

Every problem found is reported with the file, the entry (``weeks[6].objectives[2].id``), the line where
the file has one, and what is wrong. All problems are collected before failing, so one build shows them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ITEM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ITEM_ID_MAX = 64
WEEK_ID = re.compile(r"^week-\d{2}(?:-\d{2})?$")
GUIDE_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
ANCHOR = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
LEVELS = ("beginner", "intermediate", "advanced", "expert")
# Material shows a page's `status` in the navigation; only planned guides carry one.
PLANNED = "planned"
PROJECT_KINDS = ("checkpoint", "capstone")
NOTEBOOK = re.compile(r"^notebooks/[a-z0-9]+(?:-[a-z0-9]+)*\.py$")
SCHEMA_VERSION = 1

# A heading with an explicit anchor: "## 1. Linear algebra {#linear-algebra}".
HEADING_ANCHOR = re.compile(r"^#{1,6}\s+(.*?)\s*\{[^}]*#([A-Za-z0-9_-]+)[^}]*\}\s*$")
# The section number a guide's heading starts with ("1.", "1.4"): labels elsewhere show the words only.
HEADING_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


# --------------------------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class RoadmapDataError(ValueError):
    """The roadmap data or a guide's front matter is invalid; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        n = len(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"the roadmap data has {n} problem{'s' if n != 1 else ''}:\n{lines}")


# ---------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Hours:
    """An estimate in hours; ``max`` is None for an open-ended estimate such as "60+ hours"."""

    min: int
    max: int | None

    def __add__(self, other: Hours) -> Hours:
        top = None if self.max is None or other.max is None else self.max + other.max
        return Hours(self.min + other.min, top)

    @property
    def open_ended(self) -> bool:
        return self.max is None

    @property
    def label(self) -> str:
        if self.max is None:
            return f"{self.min}+ h"
        if self.max == self.min:
            return f"{self.min} h"
        return f"{self.min}–{self.max} h"

    @staticmethod
    def total(values: Iterable[Hours]) -> Hours:
        out = Hours(0, 0)
        for v in values:
            out = out + v
        return out


@dataclass(frozen=True)
class Item:
    """One checklist item. ``id`` is permanent: progress is stored under it."""

    id: str
    text: str
    kind: str  # objective | practice | task | skill
    week: str | None  # the week id, or None for skills


@dataclass(frozen=True)
class Topic:
    text: str
    section: str | None


@dataclass(frozen=True)
class Material:
    guide: str
    label: str | None
    optional: bool
    choose_one: bool
    sections: tuple[str, ...]
    topics: tuple[Topic, ...]


@dataclass(frozen=True)
class Project:
    kind: str
    title: str
    tasks: tuple[Item, ...]
    notebook: str | None = None  # a worked version: its source path relative to docs/


@dataclass(frozen=True)
class Week:
    id: str
    start: int
    end: int | None
    phase: int
    title: str
    hours: Hours
    materials: tuple[Material, ...]
    objectives: tuple[Item, ...]
    practice_intro: str | None
    practice: tuple[Item, ...]
    project: Project

    @property
    def label(self) -> str:
        if self.end is None:
            return f"Week {self.start}+"
        if self.end != self.start:
            return f"Weeks {self.start}–{self.end}"
        return f"Week {self.start}"

    @property
    def page(self) -> str:
        """The page's source path, relative to docs/."""
        return f"roadmap/{self.id}.md"

    @property
    def items(self) -> tuple[Item, ...]:
        return self.objectives + self.practice + self.project.tasks


@dataclass(frozen=True)
class Phase:
    number: int
    title: str
    length: str
    summary: str
    weeks: tuple[Week, ...]

    @property
    def id(self) -> str:
        return f"phase-{self.number}"

    @property
    def page(self) -> str:
        return f"roadmap/{self.id}.md"

    @property
    def hours(self) -> Hours:
        return Hours.total(w.hours for w in self.weeks)

    @property
    def weeks_label(self) -> str:
        first, last = self.weeks[0], self.weeks[-1]
        if last.end is None:
            return f"Weeks {first.start}+"
        return f"Weeks {first.start}–{last.end}" if last.end != first.start else f"Week {first.start}"


@dataclass(frozen=True)
class SkillLevel:
    level: int
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Requirement:
    text: str
    kind: str  # weeks | items | projects
    refs: tuple[str, ...]  # week ids (weeks, projects) or item ids (items)
    count: int | None = None  # for projects: how many of those weeks' projects


@dataclass(frozen=True)
class Certificate:
    id: str
    level: str
    title: str
    weeks_label: str
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class OutlineEntry:
    id: str
    title: str
    covers: tuple[str, ...] = ()
    sections: tuple[OutlineEntry, ...] = ()


@dataclass(frozen=True)
class Guide:
    id: str
    title: str
    description: str
    level: str
    assumes: tuple[str, ...]
    status: str  # "planned" or "published"
    outline: tuple[OutlineEntry, ...]
    anchors: frozenset[str]
    page: str  # source path relative to docs/
    # A published guide's sections as (anchor, heading text without its number); a planned one's are its outline.
    headings: tuple[tuple[str, str], ...] = ()

    @property
    def published(self) -> bool:
        return self.status == "published"

    def section_title(self, anchor: str) -> str | None:
        """The title of a section: its heading's words (published) or its outline title (planned)."""
        for a, title in self.headings:
            if a == anchor:
                return title

        def walk(entries: tuple[OutlineEntry, ...]) -> str | None:
            for e in entries:
                found = e.title if e.id == anchor else walk(e.sections)
                if found:
                    return found
            return None

        return walk(self.outline)


@dataclass(frozen=True)
class Overview:
    title: str
    summary: str
    stated_duration: str
    prerequisites: tuple[str, ...]


@dataclass(frozen=True)
class Roadmap:
    overview: Overview
    phases: tuple[Phase, ...]
    weeks: tuple[Week, ...]
    skills: tuple[SkillLevel, ...]
    certificates: tuple[Certificate, ...]
    successors: dict[str, str | None]
    guides: dict[str, Guide]
    _weeks_by_id: dict[str, Week] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._weeks_by_id.update({w.id: w for w in self.weeks})

    def week(self, week_id: str) -> Week:
        return self._weeks_by_id[week_id]

    def phase(self, number: int) -> Phase:
        return self.phases[number - 1]

    @property
    def hours(self) -> Hours:
        return Hours.total(w.hours for w in self.weeks)

    @property
    def items(self) -> tuple[Item, ...]:
        """Every checklist item on the site, weeks first, then skills."""
        return tuple(i for w in self.weeks for i in w.items) + tuple(i for s in self.skills for i in s.items)

    def guide_usage(self, guide_id: str) -> list[tuple[Week, Material]]:
        """The weeks that assign a guide, with what they assign of it, in roadmap order."""
        return [(w, m) for w in self.weeks for m in w.materials if m.guide == guide_id]

    def neighbours(self, week: Week) -> tuple[Week | None, Week | None]:
        i = self.weeks.index(week)
        return (self.weeks[i - 1] if i else None, self.weeks[i + 1] if i + 1 < len(self.weeks) else None)


# ------------------------------------------------------------------------------------ YAML positions


# libyaml's safe loader when PyYAML was built with it (its wheels are): the same documents, read about ten
# times faster, which every build and every rebuild in `serve` pays for the roadmap and each guide's header.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line_index(node: yaml.Node | None, prefix: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map every path in a composed YAML document to its 1-based line number."""
    out = {} if out is None else out
    if node is None:
        return out
    out.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = prefix + (key.value,)
            out[path] = key.start_mark.line + 1
            _line_index(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _line_index(value, prefix + (i,), out)
    return out


def _path_str(path: tuple) -> str:
    s = ""
    for part in path:
        s += f"[{part}]" if isinstance(part, int) else (f".{part}" if s else str(part))
    return s


class _Checker:
    """Collects problems for one file, with line numbers where the file is YAML."""

    def __init__(self, file: str, lines: dict[tuple, int] | None = None, line_offset: int = 0):
        self.file = file
        self.lines = lines or {}
        self.offset = line_offset
        self.problems: list[Problem] = []

    def fail(self, path: tuple, message: str) -> None:
        line = None
        probe = path
        while probe and probe not in self.lines:
            probe = probe[:-1]
        if probe in self.lines:
            line = self.lines[probe] + self.offset
        self.problems.append(Problem(self.file, _path_str(path), message, line))

    # --- typed getters: each reports a problem and returns None when the value is unusable

    def mapping(self, value: Any, path: tuple, required: Iterable[str], optional: Iterable[str] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be a mapping (key: value pairs), found {_kind(value)}")
            return None
        required, allowed = list(required), set(required) | set(optional)
        for key in required:
            if key not in value:
                self.fail(path, f"missing required field '{key}'")
        for key in value:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.fail(path + (key,), f"unknown field '{key}' (allowed here: {hint})")
        return value

    def seq(self, value: Any, path: tuple, non_empty: bool = True) -> list:
        if not isinstance(value, list):
            self.fail(path, f"must be a list, found {_kind(value)}")
            return []
        if non_empty and not value:
            self.fail(path, "must not be empty")
        return value

    def text(self, value: Any, path: tuple) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be non-empty text, found {_kind(value)}")
            return None
        return value.strip()

    def integer(self, value: Any, path: tuple, minimum: int = 0, nullable: bool = False) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            what = "a whole number or null" if nullable else "a whole number"
            self.fail(path, f"must be {what}, found {_kind(value)}")
            return None
        if value < minimum:
            self.fail(path, f"must be at least {minimum}, found {value}")
            return None
        return value

    def flag(self, value: Any, path: tuple) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, found {_kind(value)}")
            return False
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


# ---------------------------------------------------------------------------------------------- guides


def _split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    if not text.startswith("---\n"):
        return "", text, 1
    end = text.find("\n---\n", 4)
    if end < 0:
        return "", text, 1
    head = text[4 : end + 1]
    return head, text[end + 5 :], head.count("\n") + 3


def heading_anchors(markdown: str) -> list[tuple[str, int, str]]:
    """Explicit heading anchors ``{#id}`` in a Markdown body, outside code fences, with their lines and the
    heading's text without its section number ("## 1. Linear algebra {#linear-algebra}": "Linear algebra")."""
    found, fence = [], None
    for n, line in enumerate(markdown.splitlines(), 1):
        m = FENCE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker) :].strip():
                fence = None
            continue
        if fence is None:
            a = HEADING_ANCHOR.match(line)
            if a:
                found.append((a.group(2), n, HEADING_NUMBER.sub("", a.group(1)) or a.group(2)))
    return found


def _outline(c: _Checker, raw: Any, path: tuple, seen: dict[str, tuple]) -> tuple[OutlineEntry, ...]:
    out = []
    for i, entry in enumerate(c.seq(raw, path)):
        p = path + (i,)
        e = c.mapping(entry, p, ["id", "title"], ["covers", "sections"])
        if e is None:
            continue
        anchor = e.get("id")
        if not isinstance(anchor, str) or not ANCHOR.match(anchor):
            c.fail(p + ("id",), f"'{anchor}' is not a valid section anchor: use lowercase words joined by hyphens")
            continue
        if anchor in seen:
            c.fail(p + ("id",), f"duplicate section anchor '{anchor}' (also at {_path_str(seen[anchor])})")
        seen[anchor] = p + ("id",)
        covers = tuple(
            t
            for j, x in enumerate(c.seq(e.get("covers", []), p + ("covers",), False))
            if (t := c.text(x, p + ("covers", j)))
        )
        subs = _outline(c, e["sections"], p + ("sections",), seen) if "sections" in e else ()
        out.append(OutlineEntry(anchor, c.text(e.get("title"), p + ("title",)) or anchor, covers, subs))
    return tuple(out)


def load_guide(path: Path, docs_dir: Path) -> tuple[Guide | None, list[Problem]]:
    rel = path.relative_to(docs_dir.parent).as_posix()
    head, body, body_line = _split_front_matter(path.read_text(encoding="utf-8"))
    if not head:
        return None, [Problem(rel, "", "a guide page must start with a front matter block between '---' lines", 1)]
    try:
        raw = yaml.load(head, Loader=_YAML_LOADER)
        lines = _line_index(yaml.compose(head, Loader=_YAML_LOADER))
    except yaml.YAMLError as exc:
        return None, [Problem(rel, "front matter", f"is not valid YAML: {exc}")]
    c = _Checker(rel, lines, line_offset=1)
    fm = c.mapping(raw, (), ["guide", "title", "description", "level", "assumes"], ["status", "outline"])
    if fm is None:
        return None, c.problems
    gid = fm.get("guide")
    expected = path.stem.upper().replace("-", "_")
    if not isinstance(gid, str) or not GUIDE_ID.match(gid):
        c.fail(("guide",), f"'{gid}' is not a guide id: use the roadmap's file name, e.g. MATHEMATICS_FOR_ML")
    elif gid != expected:
        c.fail(("guide",), f"'{gid}' does not match the file name: {path.name} must hold guide {expected}")
    title = c.text(fm.get("title"), ("title",))
    description = c.text(fm.get("description"), ("description",))
    level = fm.get("level")
    if level not in LEVELS:
        c.fail(("level",), f"'{level}' is not a level: use one of {', '.join(LEVELS)}")
    status = "published"
    if "status" in fm:
        if fm["status"] != PLANNED:
            c.fail(
                ("status",),
                f"{fm['status']!r} is not a guide status: a guide that is not written yet has "
                f"'status: {PLANNED}'; a written guide has no status",
            )
        status = PLANNED
    assumes = tuple(a for a in c.seq(fm.get("assumes", []), ("assumes",), non_empty=False) if isinstance(a, str))
    outline: tuple[OutlineEntry, ...] = ()
    anchors: set[str] = set()
    headings: list[tuple[str, str]] = []
    if status == PLANNED:
        if "outline" not in fm:
            c.fail((), "a planned guide needs an 'outline': the sections it will have, with their anchors")
        else:
            seen: dict[str, tuple] = {}
            outline = _outline(c, fm["outline"], ("outline",), seen)
            anchors = set(seen)
    else:
        if "outline" in fm:
            c.fail(("outline",), "a published guide takes its sections from its headings: remove the outline")
        seen_lines: dict[str, int] = {}
        for anchor, n, heading in heading_anchors(body):
            headings.append((anchor, heading))
            if anchor in seen_lines:
                c.problems.append(
                    Problem(
                        rel,
                        "",
                        f"duplicate heading anchor '#{anchor}' (also on line {seen_lines[anchor]})",
                        n + body_line - 1,
                    )
                )
            seen_lines[anchor] = n + body_line - 1
        anchors = set(seen_lines)
        if not anchors:
            c.fail(
                (),
                "a published guide needs numbered sections with explicit anchors, e.g. "
                "'## 1. Linear algebra {#linear-algebra}'",
            )
    if c.problems:
        return None, c.problems
    guide = Guide(
        gid,
        title,
        description,
        level,
        assumes,
        status,
        outline,
        frozenset(anchors),
        path.relative_to(docs_dir).as_posix(),
        tuple(headings),
    )
    return guide, []


def load_guides(docs_dir: Path) -> tuple[dict[str, Guide], list[Problem]]:
    guides, problems = {}, []
    for path in sorted((docs_dir / "guides").glob("*.md")):
        if path.name == "index.md":
            continue
        guide, found = load_guide(path, docs_dir)
        problems += found
        if guide:
            guides[guide.id] = guide
    for g in guides.values():
        for i, a in enumerate(g.assumes):
            if a not in guides:
                problems.append(Problem(f"docs/{g.page}", f"assumes[{i}]", f"unknown guide '{a}'"))
    return guides, problems


# --------------------------------------------------------------------------------------------- roadmap


def load(data_file: Path, docs_dir: Path) -> Roadmap:
    """Load and validate the roadmap and the guides; raise RoadmapDataError listing every problem."""
    guides, problems = load_guides(docs_dir)
    rel = _display_path(data_file)
    try:
        text = data_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RoadmapDataError([Problem(rel, "", f"cannot be read: {exc.strerror}")]) from None
    try:
        raw = yaml.load(text, Loader=_YAML_LOADER)
        lines = _line_index(yaml.compose(text, Loader=_YAML_LOADER))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise RoadmapDataError(
            problems + [Problem(rel, "", f"is not valid YAML: {getattr(exc, 'problem', exc)}", line)]
        ) from None
    c = _Checker(rel, lines)
    roadmap = _build(c, raw, guides)
    if roadmap is not None:
        _check_notebooks(c, roadmap, docs_dir)
    problems += c.problems
    if problems or roadmap is None:
        raise RoadmapDataError(problems)
    return roadmap


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _build(c: _Checker, raw: Any, guides: dict[str, Guide]) -> Roadmap | None:
    top = c.mapping(raw, (), ["schema_version", "overview", "phases", "weeks", "skills", "certificates", "successors"])
    if top is None:
        return None
    if "schema_version" in top and top["schema_version"] != SCHEMA_VERSION:
        c.fail(("schema_version",), f"must be {SCHEMA_VERSION}, found {top['schema_version']!r}")
    overview = _overview(c, top.get("overview"))
    phase_raw = _phases(c, top.get("phases"))
    item_places: dict[str, tuple] = {}
    week_ids: dict[str, int] = {}
    weeks = _weeks(c, top.get("weeks"), len(phase_raw), guides, item_places, week_ids)
    skills = _skills(c, top.get("skills"), item_places)
    # Checked against every declared week, so that one broken week does not cascade into more errors.
    certificates = _certificates(c, top.get("certificates"), set(week_ids), item_places)
    successors = _successors(c, top.get("successors"), item_places)
    if c.problems or overview is None:
        return None
    phases = tuple(
        Phase(n, p["title"], p["length"], p["summary"], tuple(w for w in weeks if w.phase == n))
        for n, p in enumerate(phase_raw, 1)
    )
    for phase in phases:
        if not phase.weeks:
            c.fail(("phases", phase.number - 1), f"phase {phase.number} has no weeks")
    if c.problems:
        return None
    return Roadmap(overview, phases, tuple(weeks), tuple(skills), tuple(certificates), successors, guides)


def _overview(c: _Checker, raw: Any) -> Overview | None:
    o = c.mapping(raw, ("overview",), ["title", "summary", "stated_duration", "prerequisites"])
    if o is None:
        return None
    p = ("overview",)
    prereq = [
        c.text(x, p + ("prerequisites", i)) for i, x in enumerate(c.seq(o.get("prerequisites"), p + ("prerequisites",)))
    ]
    return Overview(
        c.text(o.get("title"), p + ("title",)) or "",
        c.text(o.get("summary"), p + ("summary",)) or "",
        c.text(o.get("stated_duration"), p + ("stated_duration",)) or "",
        tuple(x for x in prereq if x),
    )


def _phases(c: _Checker, raw: Any) -> list[dict]:
    out = []
    for i, p in enumerate(c.seq(raw, ("phases",))):
        path = ("phases", i)
        ph = c.mapping(p, path, ["number", "title", "length", "summary"])
        if ph is None:
            out.append({"title": "", "length": "", "summary": ""})
            continue
        if ph.get("number") != i + 1:
            c.fail(
                path + ("number",),
                f"phases must be numbered 1, 2, 3... in order: expected {i + 1}, found {ph.get('number')!r}",
            )
        out.append({k: c.text(ph.get(k), path + (k,)) or "" for k in ("title", "length", "summary")})
    return out


def _item(c: _Checker, raw: Any, path: tuple, kind: str, week: str | None, places: dict[str, tuple]) -> Item | None:
    it = c.mapping(raw, path, ["id", "text"])
    if it is None:
        return None
    iid, text = it.get("id"), c.text(it.get("text"), path + ("text",))
    if not isinstance(iid, str) or not ITEM_ID.match(iid) or len(iid) > ITEM_ID_MAX:
        c.fail(
            path + ("id",),
            f"{iid!r} is not a valid id: use lowercase letters, digits and single hyphens, "
            f"at most {ITEM_ID_MAX} characters (e.g. w01-obj-gradients)",
        )
        return None
    if iid in places:
        c.fail(path + ("id",), f"duplicate id '{iid}' (already used at {_path_str(places[iid])}); ids must be unique")
        return None
    places[iid] = path + ("id",)
    return Item(iid, text or "", kind, week) if text else None


def _items(c, raw, path, kind, week, places, non_empty=True) -> tuple[Item, ...]:
    return tuple(
        x for i, r in enumerate(c.seq(raw, path, non_empty)) if (x := _item(c, r, path + (i,), kind, week, places))
    )


def _weeks(
    c: _Checker, raw: Any, n_phases: int, guides: dict[str, Guide], places: dict[str, tuple], seen_ids: dict[str, int]
) -> list[Week]:
    weeks: list[Week] = []
    expected_start, last_phase = 1, 1
    entries = c.seq(raw, ("weeks",))
    for i, w in enumerate(entries):
        path = ("weeks", i)
        wk = c.mapping(
            w,
            path,
            ["id", "start", "end", "phase", "title", "hours", "materials", "objectives", "project"],
            ["practice"],
        )
        if wk is None:
            continue
        start = c.integer(wk.get("start"), path + ("start",), minimum=1)
        end = c.integer(wk.get("end"), path + ("end",), minimum=1, nullable=True)
        if start is not None:
            if start != expected_start:
                c.fail(
                    path + ("start",),
                    f"weeks must follow on without gaps or overlaps: expected week {expected_start}, found {start}",
                )
            if end is not None and end < start:
                c.fail(path + ("end",), f"must not be before start ({start}), found {end}")
            if end is None and i != len(entries) - 1:
                c.fail(path + ("end",), "only the last week may be open-ended (end: null)")
            expected_start = (end if end is not None else start) + 1
        wid = wk.get("id")
        want = (
            None
            if start is None
            else (f"week-{start:02d}" + (f"-{end:02d}" if end is not None and end != start else ""))
        )
        if not isinstance(wid, str) or not WEEK_ID.match(wid):
            c.fail(path + ("id",), f"{wid!r} is not a week id: use week-NN, or week-NN-MM for a block of weeks")
            wid = None
        elif want and wid != want:
            c.fail(path + ("id",), f"'{wid}' does not match its weeks: expected '{want}'")
        elif wid in seen_ids:
            c.fail(path + ("id",), f"duplicate week id '{wid}' (also weeks[{seen_ids[wid]}])")
        if wid:
            seen_ids[wid] = i
        phase = c.integer(wk.get("phase"), path + ("phase",), minimum=1)
        if phase is not None:
            if phase > n_phases:
                c.fail(path + ("phase",), f"phase {phase} does not exist (there are {n_phases} phases)")
            elif phase < last_phase:
                c.fail(path + ("phase",), f"weeks must be in phase order: phase {phase} after phase {last_phase}")
            last_phase = max(last_phase, phase)
        title = c.text(wk.get("title"), path + ("title",))
        hours = _hours(c, wk.get("hours"), path + ("hours",))
        materials = _materials(c, wk.get("materials"), path + ("materials",), guides)
        objectives = _items(c, wk.get("objectives"), path + ("objectives",), "objective", wid, places)
        intro, practice = None, ()
        if "practice" in wk:
            pr = c.mapping(wk["practice"], path + ("practice",), ["intro", "items"])
            if pr is not None:
                intro = c.text(pr.get("intro"), path + ("practice", "intro"))
                practice = _items(c, pr.get("items"), path + ("practice", "items"), "practice", wid, places)
        project = _project(c, wk.get("project"), path + ("project",), wid, places)
        if None in (wid, start, phase, title, hours, project):
            continue
        weeks.append(Week(wid, start, end, phase, title, hours, materials, objectives, intro, practice, project))
    return weeks


def _hours(c: _Checker, raw: Any, path: tuple) -> Hours | None:
    h = c.mapping(raw, path, ["min", "max"])
    if h is None:
        return None
    lo = c.integer(h.get("min"), path + ("min",), minimum=1)
    hi = c.integer(h.get("max"), path + ("max",), minimum=1, nullable=True)
    if lo is not None and hi is not None and lo > hi:
        c.fail(path, f"min ({lo}) must not be greater than max ({hi})")
        return None
    return None if lo is None or ("max" in h and h["max"] is not None and hi is None) else Hours(lo, hi)


def _materials(c: _Checker, raw: Any, path: tuple, guides: dict[str, Guide]) -> tuple[Material, ...]:
    out = []
    for i, m in enumerate(c.seq(raw, path)):
        p = path + (i,)
        mt = c.mapping(m, p, ["guide"], ["label", "optional", "choose_one", "sections", "topics"])
        if mt is None:
            continue
        gid = mt.get("guide")
        guide = guides.get(gid) if isinstance(gid, str) else None
        if guide is None:
            known = "" if not guides else f" (known guides: {len(guides)}, e.g. {next(iter(sorted(guides)))})"
            c.fail(
                p + ("guide",), f"unknown guide {gid!r}: no docs/guides/{str(gid).lower().replace('_', '-')}.md{known}"
            )

        def anchor(value: Any, ap: tuple, guide: Guide | None = guide, gid: Any = gid) -> str | None:
            if not isinstance(value, str):
                c.fail(ap, f"must be a section anchor, found {_kind(value)}")
                return None
            if guide is not None and value not in guide.anchors:
                c.fail(ap, f"guide {gid} has no section '#{value}' (it has: {', '.join(sorted(guide.anchors))})")
            return value

        sections = tuple(
            s
            for j, x in enumerate(c.seq(mt.get("sections", []), p + ("sections",), False))
            if (s := anchor(x, p + ("sections", j)))
        )
        topics = []
        for j, t in enumerate(c.seq(mt.get("topics", []), p + ("topics",), False)):
            tp = c.mapping(t, p + ("topics", j), ["text"], ["section"])
            if tp is None:
                continue
            text = c.text(tp.get("text"), p + ("topics", j, "text"))
            sec = anchor(tp["section"], p + ("topics", j, "section")) if "section" in tp else None
            if text:
                topics.append(Topic(text, sec))
        label = c.text(mt["label"], p + ("label",)) if "label" in mt else None
        out.append(
            Material(
                str(gid),
                label,
                c.flag(mt.get("optional", False), p + ("optional",)),
                c.flag(mt.get("choose_one", False), p + ("choose_one",)),
                sections,
                tuple(topics),
            )
        )
    return tuple(out)


def _project(c: _Checker, raw: Any, path: tuple, week: str | None, places: dict[str, tuple]) -> Project | None:
    pj = c.mapping(raw, path, ["kind", "title", "tasks"], ["notebook"])
    if pj is None:
        return None
    kind = pj.get("kind")
    if kind not in PROJECT_KINDS:
        c.fail(path + ("kind",), f"{kind!r} is not a project kind: use one of {', '.join(PROJECT_KINDS)}")
    title = c.text(pj.get("title"), path + ("title",))
    tasks = _items(c, pj.get("tasks"), path + ("tasks",), "task", week, places)
    notebook = c.text(pj["notebook"], path + ("notebook",)) if "notebook" in pj else None
    if notebook and not NOTEBOOK.match(notebook):
        c.fail(
            path + ("notebook",), f"{notebook!r} is not a notebook source: use notebooks/<name>.py (relative to docs/)"
        )
    return Project(kind, title, tasks, notebook) if kind in PROJECT_KINDS and title else None


def _check_notebooks(c: _Checker, rm: Roadmap, docs_dir: Path) -> None:
    """A project's notebook must exist; run once the weeks are valid, so weeks[i] is rm.weeks[i]."""
    for i, week in enumerate(rm.weeks):
        nb = week.project.notebook
        if nb and not (docs_dir / nb).is_file():
            c.fail(("weeks", i, "project", "notebook"), f"no such notebook: docs/{nb} does not exist")


def _skills(c: _Checker, raw: Any, places: dict[str, tuple]) -> list[SkillLevel]:
    out = []
    for i, s in enumerate(c.seq(raw, ("skills",))):
        p = ("skills", i)
        sk = c.mapping(s, p, ["level", "title", "items"])
        if sk is None:
            continue
        if sk.get("level") != i + 1:
            c.fail(
                p + ("level",),
                f"skill levels must be numbered 1, 2, 3... in order: expected {i + 1}, found {sk.get('level')!r}",
            )
        title = c.text(sk.get("title"), p + ("title",))
        out.append(SkillLevel(i + 1, title or "", _items(c, sk.get("items"), p + ("items",), "skill", None, places)))
    return out


def _certificates(c: _Checker, raw: Any, week_ids: set[str], places: dict[str, tuple]) -> list[Certificate]:
    out, seen = [], set()
    for i, cert in enumerate(c.seq(raw, ("certificates",))):
        p = ("certificates", i)
        ct = c.mapping(cert, p, ["id", "level", "title", "weeks_label", "requirements"])
        if ct is None:
            continue
        cid = ct.get("id")
        if not isinstance(cid, str) or not ITEM_ID.match(cid):
            c.fail(p + ("id",), f"{cid!r} is not a valid id: use lowercase letters, digits and hyphens")
        elif cid in seen:
            c.fail(p + ("id",), f"duplicate certificate id '{cid}'")
        seen.add(cid)
        reqs = []
        for j, r in enumerate(c.seq(ct.get("requirements"), p + ("requirements",))):
            rp = p + ("requirements", j)
            rq = c.mapping(r, rp, ["text"], ["weeks", "items", "projects"])
            if rq is None:
                continue
            kinds = [k for k in ("weeks", "items", "projects") if k in rq]
            if len(kinds) != 1:
                c.fail(rp, "needs exactly one of 'weeks', 'items' or 'projects' to say when it is met")
                continue
            kind, text = kinds[0], c.text(rq.get("text"), rp + ("text",))
            count = None
            if kind == "projects":
                pr = c.mapping(rq["projects"], rp + ("projects",), ["count", "weeks"])
                if pr is None:
                    continue
                refs = c.seq(pr.get("weeks"), rp + ("projects", "weeks"))
                count = c.integer(pr.get("count"), rp + ("projects", "count"), minimum=1)
                if count is not None and count > len(refs):
                    c.fail(rp + ("projects", "count"), f"asks for {count} projects from only {len(refs)} weeks")
                ref_path, known, what = rp + ("projects", "weeks"), week_ids, "week"
            else:
                refs = c.seq(rq[kind], rp + (kind,))
                ref_path = rp + (kind,)
                known, what = (week_ids, "week") if kind == "weeks" else (set(places), "checklist item")
            for k, ref in enumerate(refs):
                if ref not in known:
                    c.fail(ref_path + (k,), f"unknown {what} {ref!r}")
            if text:
                reqs.append(Requirement(text, kind, tuple(str(x) for x in refs), count))
        out.append(
            Certificate(
                str(cid),
                c.text(ct.get("level"), p + ("level",)) or "",
                c.text(ct.get("title"), p + ("title",)) or "",
                c.text(ct.get("weeks_label"), p + ("weeks_label",)) or "",
                tuple(reqs),
            )
        )
    return out


def _successors(c: _Checker, raw: Any, places: dict[str, tuple]) -> dict[str, str | None]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        c.fail(("successors",), f"must be a mapping of old id to new id (or null), found {_kind(raw)}")
        return {}
    out: dict[str, str | None] = {}
    for old, new in raw.items():
        p = ("successors", old)
        if old in places:
            c.fail(p, f"'{old}' is still in use at {_path_str(places[old])}: only retired ids get a successor")
        elif new is not None and new not in places and new not in raw:
            c.fail(p, f"successor {new!r} is not a current checklist id")
        else:
            out[str(old)] = new
    for old in out:  # a chain of renames must end at a current id or null, never loop
        seen, cur = {old}, out[old]
        while cur in out:
            if cur in seen:
                c.fail(("successors", old), f"the successors of '{old}' form a loop")
                break
            seen.add(cur)
            cur = out[cur]
    return out


def resolve_successor(successors: dict[str, str | None], item_id: str) -> str | None:
    """Follow renames from a retired id to the current one (or None if the item was dropped)."""
    cur: str | None = item_id
    while cur in successors:
        cur = successors[cur]
    return cur
