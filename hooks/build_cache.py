"""MkDocs hook: remember the results of the build's expensive pure steps, so that a rebuild in `mkdocs serve`
redoes only what the saved file changed.

`mkdocs serve` rebuilds the whole site after every save, in the same process, and almost all of that work
gives the same result as the build before. This hook keeps, for the life of the process, the result of
each step below keyed on its whole input, and gives it back when the same input comes again:

* the conversion of a page's Markdown to HTML (mkdocs' `Page.render`, the larger part of a build): keyed on
  the page's Markdown after the macros have run, its place in the site, the list of the site's files
  and the Markdown settings; a remembered conversion also replays the warnings the first one logged, so
  that a strict build fails on a broken link whether or not the page came from the cache;
* Pygments highlighting of a code block (pymdownx.highlight, about a third of converting the guides'
  Markdown): keyed on the block's source, language and options and on the highlighter's settings;
* mkdocs-jupyter's test of whether a file is a notebook, which parses every `.md` page and every `.py`
  file with jupytext (hundreds of parses per build): a file outside the plugin's `include` patterns is
  answered at once (the plugin would say no after parsing it), and the answer for the others is keyed on
  the file's path, size and modification time and on the plugin's patterns;
* the compiled theme templates (Jinja's bytecode, checked against each template's source);
* the per-page passes of our own hooks (hooks/block_sizes.py, hooks/notebook_pages.py), through `memo`:
  keyed on the page's HTML.

Each of these is a pure function of its key, so a build that reuses a result writes the same bytes as a
build that computes it: tests/test_build_cache.py builds the site twice in one process, with a page
changed in between, and compares the second build with a clean build, file by file.

MkDocs executes its hooks anew each time it loads the configuration (before every rebuild in `serve`), so
the remembered results live in a module object in `sys.modules`, which survives those reloads.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import pickle
import sys
import types
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path, PurePath
from typing import Any

log = logging.getLogger("mkdocs.hooks.build_cache")

_STORE_NAME = "_roadmap_build_cache"
_store = sys.modules.get(_STORE_NAME)
if _store is None:
    _store = types.ModuleType(_STORE_NAME, "results remembered by hooks/build_cache.py across rebuilds")
    _store.caches = {}
    _store.stats = {}
    sys.modules[_STORE_NAME] = _store

# Enough for every code block and page of the site several times over; the oldest entries go first.
MAX_ENTRIES = {"highlight": 20_000, "notebook": 5_000, "page": 500, "templates": 500}
DEFAULT_MAX = 1_000


def _cache(name: str) -> OrderedDict:
    return _store.caches.setdefault(name, OrderedDict())


def memo(name: str, key: Hashable, compute: Callable[[], Any]) -> Any:
    """The result of compute() for key, computed once per process and reused while it stays in the cache."""
    if os.environ.get("ROADMAP_BUILD_CACHE") == "false":
        return compute()
    cache = _cache(name)
    stats = _store.stats.setdefault(name, [0, 0])  # hits, misses
    try:
        value = cache[key]
    except KeyError:
        stats[1] += 1
        value = cache[key] = compute()
        if len(cache) > MAX_ENTRIES.get(name, DEFAULT_MAX):
            cache.popitem(last=False)
        return value
    stats[0] += 1
    cache.move_to_end(key)
    return value


def stats() -> dict[str, tuple[int, int]]:
    """(hits, misses) per cache since the process started."""
    return {name: tuple(v) for name, v in _store.stats.items()}


# ------------------------------------------------------------------------------------------ highlighting
_HIGHLIGHT_SETTINGS = (
    "guess_lang",
    "pygments_style",
    "use_pygments",
    "noclasses",
    "linenums",
    "linenums_style",
    "linenums_special",
    "linenums_class",
    "language_prefix",
    "code_attr_on_pre",
    "auto_title",
    "line_spans",
    "line_anchors",
    "anchor_linenums",
    "pygments_lang_class",
    "stripnl",
    "default_lang",
    "auto_title_map",
    "extend_pygments_lang",
)  # every attribute Highlight.__init__ sets except `md`, the Markdown instance


def _patch_highlight() -> None:
    from pymdownx import highlight

    original = highlight.Highlight.highlight
    if getattr(original, "_roadmap_cached", False):
        return

    def cached_highlight(self, src, language, *args, **kwargs):
        if getattr(self, "auto_title", False):
            # An automatic title may be HTML, which highlight() stores in the page's own stash: a side
            # effect that a remembered result would skip.
            return original(self, src, language, *args, **kwargs)
        settings = repr([(name, getattr(self, name, None)) for name in _HIGHLIGHT_SETTINGS])
        key = (settings, src, language, repr(args), repr(sorted(kwargs.items())))
        return memo("highlight", key, lambda: original(self, src, language, *args, **kwargs))

    cached_highlight._roadmap_cached = True
    cached_highlight.__wrapped__ = original
    highlight.Highlight.highlight = cached_highlight


# ---------------------------------------------------------------------------------- notebook detection
def _patch_notebook_detection() -> None:
    try:
        from mkdocs_jupyter import plugin
    except ImportError:  # the plugin is not installed: nothing to speed up
        return

    original = plugin.Plugin.should_include
    if getattr(original, "_roadmap_cached", False):
        return

    def cached_should_include(self, file):
        path = file.abs_src_path
        if path is None:
            return original(self, file)
        # The plugin answers yes only for a file that matches one of its `include` patterns, but it first
        # parses every .md file to look for a notebook header: answering no to the others at once gives the
        # same answers without the parsing.
        if not any(PurePath(path).match(pattern) for pattern in self.config["include"]):
            return False
        try:
            st = os.stat(path)
        except OSError:
            return original(self, file)
        settings = repr(sorted((k, v) for k, v in self.config.items() if k in ("include", "ignore")))
        key = (settings, path, st.st_size, st.st_mtime_ns)
        return memo("notebook", key, lambda: original(self, file))

    cached_should_include._roadmap_cached = True
    cached_should_include.__wrapped__ = original
    plugin.Plugin.should_include = cached_should_include


# --------------------------------------------------------------------------------------- page rendering
class _Records(logging.Handler):
    """Collects the log records emitted while a page converts, to replay them when the result is reused."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


_last_keys: dict[str, tuple[object, str]] = {}  # per kind, the object a key was last made for, and the key


def _once_per(kind: str, obj: object, make: Callable[[], str]) -> str:
    """make(), computed once for each new obj (the Files of a build, its config)."""
    last = _last_keys.get(kind)
    if last is None or last[0] is not obj:
        last = _last_keys[kind] = (obj, make())
    return last[1]


def _files_key(files) -> str:
    return repr(sorted((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files))


def _stable(value):
    """value with functions and classes named instead of shown by address, which changes from run to run."""
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return value


def _markdown_key(config) -> str:
    settings = (config["markdown_extensions"], config["mdx_configs"], config["use_directory_urls"])
    return repr(_stable(settings)) + repr(config["validation"])


def _patch_page_render() -> None:
    from mkdocs.structure import pages

    original = pages.Page.render
    if getattr(original, "_roadmap_cached", False):
        return

    def cached_render(self, config, files):
        if self.markdown is None:
            return original(self, config, files)
        key = (
            self.markdown,
            self.file.src_uri,
            self.file.dest_uri,
            self.file.url,
            _once_per("files", files, lambda: _files_key(files)),
            _once_per("config", config, lambda: _markdown_key(config)),
        )

        converted = []  # non-empty when this call converted the page (nothing remembered, or the cache is off)

        def convert():
            converted.append(True)
            handler, root = _Records(), logging.getLogger()
            root.addHandler(handler)
            try:
                original(self, config, files)
            finally:
                root.removeHandler(handler)
            links = {f.src_uri: dict(a) for f, a in (self.links_to_anchors or {}).items()}
            return (
                self.content,
                copy.deepcopy(self.toc),
                self._title_from_render,
                frozenset(self.present_anchor_ids or ()),
                links if self.links_to_anchors is not None else None,
                handler.records,
            )

        remembered = memo("page", key, convert)
        if converted:
            return None  # the page already holds what was just converted, and its warnings were logged
        content, toc, title, anchors, links, records = remembered
        self.content = content
        self.toc = copy.deepcopy(toc)
        self._title_from_render = title
        self.present_anchor_ids = set(anchors)
        if links is not None:
            self.links_to_anchors = {files.get_file_from_path(src): dict(a) for src, a in links.items()}
        for name, level, message in records:
            logging.getLogger(name).log(level, message)
        return None

    cached_render._roadmap_cached = True
    cached_render.__wrapped__ = original
    pages.Page.render = cached_render


# ------------------------------------------------------------------------------------- theme templates
def _template_cache():
    import jinja2

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        """Jinja's compiled templates kept across rebuilds; Jinja checks each against its source's checksum."""

        def load_bytecode(self, bucket) -> None:
            code = _cache("templates").get(bucket.key)
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket) -> None:
            _cache("templates")[bucket.key] = bucket.bytecode_to_string()

    return MemoryBytecodeCache()


def _patch_all() -> None:
    if os.environ.get("ROADMAP_BUILD_CACHE") == "false":  # to compare with a build that computes everything
        return
    _patch_highlight()
    _patch_notebook_detection()
    _patch_page_render()


# ---------------------------------------------------------------------------- kept between serve runs
# `tasks.py serve` (ROADMAP_PREVIEW) also keeps the converted pages and highlighted blocks on disk, in
# .cache/ (ignored by git), so that the next `serve` starts from them. The file's name carries the versions
# of everything that shapes the HTML; a file that cannot be read is ignored, and rebuilt.
PERSISTED = ("page", "highlight")
CACHE_FORMAT = 2


def _disk_file(config) -> Path:
    from importlib.metadata import version

    names = ("mkdocs", "markdown", "pymdown-extensions", "pygments", "mkdocs-material")
    # CACHE_FORMAT changes when the shape of what is stored changes, so that an older file is not read
    tag = hashlib.sha256(repr([CACHE_FORMAT, sys.version] + [version(n) for n in names]).encode()).hexdigest()[:16]
    return Path(config["config_file_path"]).parent / ".cache" / "roadmap-build" / f"serve-{tag}.pickle"


def _preview() -> bool:
    return os.environ.get("ROADMAP_PREVIEW") == "true" and os.environ.get("ROADMAP_BUILD_CACHE") != "false"


def _load_from_disk(config) -> None:
    if getattr(_store, "loaded", False) or not _preview():
        return
    _store.loaded = True
    path = _disk_file(config)
    try:
        with path.open("rb") as f:
            saved = pickle.load(f)
    except FileNotFoundError:
        return
    except Exception as err:  # an old or broken file: start without it
        log.info("build cache %s not used (%s); it will be written anew", path, err)
        return
    for name in PERSISTED:
        _cache(name).update(saved.get(name, {}))


def _save_to_disk(config) -> None:
    if not _preview():
        return
    path = _disk_file(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump({name: _cache(name) for name in PERSISTED}, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)  # whole or not at all, even if serve is stopped while it writes
    _store.saved = True


def on_startup(**kwargs) -> None:
    _patch_all()


def on_config(config, **kwargs):
    # on_startup runs once per `mkdocs` command; patching again here (a no-op once done) also covers a
    # build started from Python, as the tests do.
    _patch_all()
    _load_from_disk(config)
    return config


def on_post_build(config, **kwargs) -> None:
    if not getattr(_store, "saved", False):  # after the first build; on_shutdown writes the rest
        _save_to_disk(config)


def on_shutdown(**kwargs) -> None:
    config = getattr(_store, "last_config", None)
    if config is not None:
        _save_to_disk(config)


def on_env(env, config, files, **kwargs):
    _store.last_config = config
    if os.environ.get("ROADMAP_BUILD_CACHE") != "false":
        env.bytecode_cache = _template_cache()
    return env
