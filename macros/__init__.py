"""mkdocs-macros entry point: load the roadmap once, then register macros that call the pure renderers.

Keep this file thin. The data model and validation live in ``roadmap.py``, the rendering in
``render.py``; both are tested without MkDocs. Macros read only ``env.page`` and ``env.conf``, which
Zensical's macros support too.
"""

from __future__ import annotations

from pathlib import Path

from . import render
from .roadmap import Roadmap, RoadmapDataError, load

DATA_FILE = "data/roadmap.yml"


class MacroError(RuntimeError):
    """A page called a macro wrongly; the message names the page and what to fix."""


def load_roadmap(conf) -> Roadmap:
    root = Path(conf["config_file_path"]).resolve().parent
    try:
        return load(root / DATA_FILE, Path(conf["docs_dir"]))
    except RoadmapDataError as exc:
        # PluginError makes MkDocs stop with this message instead of a traceback.
        from mkdocs.exceptions import PluginError

        raise PluginError(str(exc)) from None


def load_test_suite(path: Path):
    """The learners' TEST_SUITE.py (docs/downloads/) as a module, without writing bytecode into docs/."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("roadmap_test_suite", path)
    module = importlib.util.module_from_spec(spec)
    dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = dont_write
    return module


def define_env(env) -> None:
    rm = load_roadmap(env.conf)
    env.variables["roadmap_totals"] = render.totals(rm)

    def page_path() -> str:
        return env.page.file.src_uri

    def meta(key: str) -> str:
        value = env.page.meta.get(key)
        if value is None:
            raise MacroError(f"{page_path()}: this macro needs '{key}:' in the page's front matter")
        return value

    def describe(text: str) -> None:
        """Give a generated page its meta description (search results, link previews)."""
        env.page.meta.setdefault("description", text)

    def site_base() -> str:
        """Relative path from the current page's URL to the site root."""
        depth = env.page.url.rstrip("/").count("/") + 1 if env.page.url.strip("/") else 0
        return "../" * depth

    @env.macro
    def week_page() -> str:
        """The whole week page for the week named in front matter (week: week-01)."""
        wid = meta("week")
        try:
            week = rm.week(wid)
        except KeyError:
            raise MacroError(f"{page_path()}: week '{wid}' is not in {DATA_FILE}") from None
        if week.page != page_path():
            raise MacroError(f"{page_path()}: week '{wid}' must live at docs/{week.page}")
        describe(render.week_description(rm, week))
        return render.week_page(rm, week, page_path()) + render.successors_script(rm) + render.plan_script(rm)

    @env.macro
    def phase_page() -> str:
        number = meta("phase")
        if not isinstance(number, int) or not 1 <= number <= len(rm.phases):
            raise MacroError(f"{page_path()}: phase must be a number from 1 to {len(rm.phases)}, found {number!r}")
        describe(render.phase_description(rm.phase(number)))
        return render.phase_page(rm, rm.phase(number), page_path()) + render.manifest_script(rm, site_base())

    def current_guide():
        gid = meta("guide")
        if gid not in rm.guides or rm.guides[gid].page != page_path():
            raise MacroError(f"{page_path()}: guide '{gid}' does not belong to this page")
        return rm.guides[gid]

    @env.macro
    def guide_page() -> str:
        """The full page of a guide that is not written yet: header, notice, planned outline."""
        guide = current_guide()
        if guide.published:
            raise MacroError(f"{page_path()}: a published guide calls guide_header(), not guide_page()")
        return render.planned_guide_page(rm, guide, page_path())

    @env.macro
    def guide_header() -> str:
        """Title, level, prerequisites and the weeks that study this guide, for a written guide."""
        guide = current_guide()
        if not guide.published:
            raise MacroError(f"{page_path()}: a planned guide calls guide_page(); remove 'status: planned' first")
        return render.guide_header(rm, guide, page_path())

    @env.macro
    def roadmap_map() -> str:
        """The roadmap as a path of week nodes. A page that also carries the progress manifest (the home page)
        lets the nodes take their item ids from it, instead of carrying them a second time."""
        return render.roadmap_map(rm, page_path(), item_ids="progress_manifest()" not in (env.markdown or ""))

    @env.macro
    def phase_summary_table() -> str:
        return render.phase_summary_table(rm, page_path())

    @env.macro
    def study_load_table() -> str:
        return render.study_load_table(rm)

    @env.macro
    def guides_index() -> str:
        return render.guides_index(rm, page_path())

    @env.macro
    def skills_checklist() -> str:
        return render.skills_checklist(rm, page_path())

    @env.macro
    def certificates() -> str:
        return render.certificates(rm, page_path()) + render.manifest_script(rm, site_base())

    @env.macro
    def progress_manifest() -> str:
        return render.manifest_script(rm, site_base())

    @env.macro
    def setup_installs() -> str:
        """The install command of each phase, from the table in the learners' TEST_SUITE.py (one source)."""
        return render.setup_installs(load_test_suite(Path(env.conf["docs_dir"]) / "downloads" / "TEST_SUITE.py"))

    @env.macro
    def link_week(week_id: str, anchor: str | None = None) -> str:
        """A Markdown link to a week page, checked against the data: {{ link_week('week-01') }}."""
        try:
            week = rm.week(week_id)
        except KeyError:
            raise MacroError(f"{page_path()}: link_week('{week_id}'): no such week in {DATA_FILE}") from None
        return f"[{render.md_text(render.week_title(week))}]({render.link(page_path(), week.page, anchor)})"

    @env.macro
    def link_guide(guide_id: str, anchor: str | None = None) -> str:
        """A Markdown link to a guide (or one of its sections), checked: {{ link_guide('CODE_TEMPLATES') }}."""
        guide = rm.guides.get(guide_id)
        if guide is None:
            raise MacroError(f"{page_path()}: link_guide('{guide_id}'): no such guide")
        if anchor and anchor not in guide.anchors:
            raise MacroError(f"{page_path()}: link_guide('{guide_id}', '{anchor}'): the guide has no such section")
        return f"[{render.md_text(guide.title)}]({render.link(page_path(), guide.page, anchor)})"
