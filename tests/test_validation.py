"""A broken data file fails with a message naming the file, the entry and what is wrong."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from macros.roadmap import RoadmapDataError, load

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "roadmap.yml"
DOCS = ROOT / "docs"
VALID = yaml.safe_load(DATA.read_text(encoding="utf-8"))


def load_mutated(tmp_path: Path, mutate) -> RoadmapDataError:
    data = copy.deepcopy(VALID)
    mutate(data)
    path = tmp_path / "roadmap.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RoadmapDataError) as err:
        load(path, DOCS)
    return err.value


def messages(err: RoadmapDataError) -> list[str]:
    return [str(p) for p in err.problems]


def week(data, n):
    return data["weeks"][n]


# Each case: (what breaks, how, the entry the message must name, words the message must contain)
CASES = [
    (
        "missing required field",
        lambda d: week(d, 6)["objectives"][2].pop("id"),
        "weeks[6].objectives[2]",
        "missing required field 'id'",
    ),
    (
        "badly formed id",
        lambda d: week(d, 6)["objectives"][2].update(id="W07 Objective"),
        "weeks[6].objectives[2].id",
        "is not a valid id",
    ),
    (
        "duplicate id",
        lambda d: week(d, 1)["practice"]["items"][0].update(id=week(d, 0)["objectives"][0]["id"]),
        "weeks[1].practice.items[0].id",
        "duplicate id 'w01-obj-understand-matrix-operations-eigenvalues' (already used at weeks[0].objectives[0].id)",
    ),
    (
        "min greater than max",
        lambda d: week(d, 3)["hours"].update(min=30, max=20),
        "weeks[3].hours",
        "min (30) must not be greater than max (20)",
    ),
    (
        "hours not a number",
        lambda d: week(d, 3)["hours"].update(max="twenty"),
        "weeks[3].hours.max",
        "must be a whole number or null, found text ('twenty')",
    ),
    (
        "gap in week numbering",
        lambda d: (week(d, 4).update(start=6, end=6, id="week-06"), week(d, 5).update(id="week-06b")),
        "weeks[4].start",
        "expected week 5, found 6",
    ),
    (
        "week id not matching its numbers",
        lambda d: week(d, 2).update(id="week-04"),
        "weeks[2].id",
        "'week-04' does not match its weeks: expected 'week-03'",
    ),
    (
        "open-ended week that is not last",
        lambda d: week(d, 0).update(end=None),
        "weeks[0].end",
        "only the last week may be open-ended",
    ),
    (
        "unknown guide",
        lambda d: week(d, 0)["materials"][0].update(guide="MATHS_FOR_ML"),
        "weeks[0].materials[0].guide",
        "unknown guide 'MATHS_FOR_ML'",
    ),
    (
        "unknown section anchor",
        lambda d: week(d, 0)["materials"][0]["topics"][1].update(section="calculus-2"),
        "weeks[0].materials[0].topics[1].section",
        "guide MATHEMATICS_FOR_ML has no section '#calculus-2'",
    ),
    (
        "unknown field (a typo)",
        lambda d: week(d, 0).update(objectivs=[]),
        "weeks[0].objectivs",
        "unknown field 'objectivs'",
    ),
    ("empty checklist", lambda d: week(d, 2).update(objectives=[]), "weeks[2].objectives", "must not be empty"),
    (
        "phase that does not exist",
        lambda d: week(d, 19).update(phase=6),
        "weeks[19].phase",
        "phase 6 does not exist (there are 5 phases)",
    ),
    (
        "weeks out of phase order",
        lambda d: week(d, 5).update(phase=1),
        "weeks[5].phase",
        "weeks must be in phase order",
    ),
    (
        "unknown project kind",
        lambda d: week(d, 0)["project"].update(kind="homework"),
        "weeks[0].project.kind",
        "'homework' is not a project kind",
    ),
    (
        "certificate naming an unknown week",
        lambda d: d["certificates"][0]["requirements"][0].update(weeks=["week-99"]),
        "certificates[0].requirements[0].weeks[0]",
        "unknown week 'week-99'",
    ),
    (
        "certificate asking for more projects than it lists",
        lambda d: d["certificates"][0]["requirements"][3]["projects"].update(count=5),
        "certificates[0].requirements[3].projects.count",
        "asks for 5 projects from only 4 weeks",
    ),
    (
        "requirement with two conditions",
        lambda d: d["certificates"][1]["requirements"][0].update(items=["w05-obj-understand-convolution-operations"]),
        "certificates[1].requirements[0]",
        "needs exactly one of 'weeks', 'items' or 'projects'",
    ),
    (
        "successor of an id still in use",
        lambda d: d.update(successors={"w01-obj-master-gradient-computation": None}),
        "successors.w01-obj-master-gradient-computation",
        "is still in use",
    ),
    (
        "successor pointing nowhere",
        lambda d: d.update(successors={"w01-old": "w01-never-existed"}),
        "successors.w01-old",
        "successor 'w01-never-existed' is not a current checklist id",
    ),
    (
        "successors in a loop",
        lambda d: d.update(successors={"a-old": "b-old", "b-old": "a-old"}),
        "successors.a-old",
        "form a loop",
    ),
    ("wrong schema version", lambda d: d.update(schema_version=2), "schema_version", "must be 1, found 2"),
    ("skill level out of order", lambda d: d["skills"][1].update(level=3), "skills[1].level", "expected 2, found 3"),
    (
        "phase with no weeks",
        lambda d: d["phases"].append({"number": 6, "title": "Extra", "length": "1 week", "summary": "x"}),
        "phases[5]",
        "phase 6 has no weeks",
    ),
    (
        "project notebook that does not exist",
        lambda d: week(d, 0)["project"].update(notebook="notebooks/week-01-nope.py"),
        "weeks[0].project.notebook",
        "no such notebook: docs/notebooks/week-01-nope.py does not exist",
    ),
    (
        "project notebook that is not a notebook source",
        lambda d: week(d, 1)["project"].update(notebook="roadmap/week-02.md"),
        "weeks[1].project.notebook",
        "'roadmap/week-02.md' is not a notebook source",
    ),
]


@pytest.mark.parametrize("what, mutate, entry, words", CASES, ids=[c[0] for c in CASES])
def test_broken_data_names_file_entry_and_problem(tmp_path, what, mutate, entry, words):
    err = load_mutated(tmp_path, mutate)
    found = [m for m in messages(err) if f": {entry}: " in m and words in m]
    assert found, f"expected a problem at {entry} saying {words!r}; got:\n" + "\n".join(messages(err))
    assert all(m.startswith(str(tmp_path / "roadmap.yml")) or "roadmap.yml" in m.split(":")[0] for m in found)


def test_messages_carry_the_line_number(tmp_path):
    text = DATA.read_text(encoding="utf-8")
    target = "{id: w02-obj-master-loss-functions-optimization,"
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if target in ln)
    path = tmp_path / "roadmap.yml"
    path.write_text(text.replace(target, "{id: W02_Bad,"), encoding="utf-8")
    with pytest.raises(RoadmapDataError) as err:
        load(path, DOCS)
    (problem,) = err.value.problems
    assert problem.line == line
    assert str(problem).startswith(f"{path}:{line}: weeks[1].objectives[3].id: 'W02_Bad' is not a valid id")


def test_every_problem_is_reported_at_once(tmp_path):
    def two_mistakes(d):
        week(d, 0)["hours"].update(min=50, max=10)
        week(d, 1)["objectives"][0].update(text="")

    assert len(load_mutated(tmp_path, two_mistakes).problems) == 2


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "roadmap.yml"
    path.write_text("schema_version: 1\nweeks: [\n  {id: week-01\n", encoding="utf-8")
    with pytest.raises(RoadmapDataError, match=r"roadmap.yml:\d+: is not valid YAML"):
        load(path, DOCS)


def test_missing_data_file_is_reported(tmp_path):
    with pytest.raises(RoadmapDataError, match="cannot be read"):
        load(tmp_path / "nope.yml", DOCS)


def copy_docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS / "guides", docs / "guides")
    shutil.copytree(DOCS / "notebooks", docs / "notebooks")  # the weeks' project notebooks must exist
    return docs


def test_guide_front_matter_errors_name_the_guide_file(tmp_path):
    docs = copy_docs(tmp_path)
    page = docs / "guides" / "career-roadmap.md"
    page.write_text(page.read_text(encoding="utf-8").replace("level: beginner", "level: wizard"), encoding="utf-8")
    with pytest.raises(RoadmapDataError) as err:
        load(DATA, docs)
    assert any("guides/career-roadmap.md" in m and "level: 'wizard' is not a level" in m for m in messages(err.value))


def test_guide_file_must_hold_its_own_guide(tmp_path):
    docs = copy_docs(tmp_path)
    page = docs / "guides" / "career-roadmap.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("guide: CAREER_ROADMAP", "guide: CAREER_PATHS"), encoding="utf-8"
    )
    with pytest.raises(RoadmapDataError, match="career-roadmap.md must hold guide CAREER_ROADMAP"):
        load(DATA, docs)


def test_published_guide_needs_anchored_sections(tmp_path):
    docs = copy_docs(tmp_path)
    page = docs / "guides" / "career-roadmap.md"
    page.write_text(
        "---\nguide: CAREER_ROADMAP\ntitle: Career\ndescription: Careers.\nlevel: beginner\n"
        "assumes: []\n---\n\n{{ guide_header() }}\n\n## 1. Paths\n\nText.\n",
        encoding="utf-8",
    )
    with pytest.raises(RoadmapDataError) as err:
        load(DATA, docs)
    text = "\n".join(messages(err.value))
    assert "needs numbered sections with explicit anchors" in text


def test_published_guide_anchors_come_from_its_headings(tmp_path):
    """A week pointing at a section the written guide dropped fails the load."""
    docs = copy_docs(tmp_path)
    page = docs / "guides" / "career-roadmap.md"
    page.write_text(
        "---\nguide: CAREER_ROADMAP\ntitle: Career\ndescription: Careers.\nlevel: beginner\n"
        "assumes: []\n---\n\n{{ guide_header() }}\n\n## 1. Paths {#career-paths}\n\n"
        "```python\n# {#not-an-anchor} inside code\n```\n",
        encoding="utf-8",
    )
    guides_ok = load(DATA, docs).guides["CAREER_ROADMAP"]
    assert guides_ok.published and guides_ok.anchors == {"career-paths"}
