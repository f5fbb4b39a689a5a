"""Find and run the code examples in the site's Markdown pages, as one learner would in one session.

Conventions (documented for writers in CONTRIBUTING.md):

- Every ```` ```python ```` block runs, in page order, in one namespace per page.
- A block that cannot run here (it downloads data or weights, or needs a GPU) sits inside a
  ``!!! norun "why it does not run here"`` admonition: the reader sees the reason, the tests count it.
- A ```` ```text title="Output" ```` block right after a python block is what that block prints;
  the run checks it, line by line (trailing spaces ignored).
- Numbers that come out of training can differ in the last digit from one CPU to another (the order of
  floating-point sums depends on the processor's vector instructions). Their block says so, and by how
  much, in its title: ```` ```text title="Output (numbers may differ by up to 0.005 on another CPU)" ````;
  the run then lets each number differ by that much, and checks everything else exactly.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
ADMONITION = re.compile(r'^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?')
OUTPUT_INFO = re.compile(
    r'^text\s+.*title="Output(?: \(numbers may differ by up to (?P<tolerance>[0-9.]+) on another CPU\))?"'
)
NUMBER = re.compile(r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")


@dataclass
class Block:
    page: str
    line: int  # line of the opening fence, 1-based
    lang: str
    info: str
    code: str
    norun_reason: str | None = None  # set when inside a norun admonition
    expected_output: str | None = None  # from a following Output block
    tolerance: float = 0.0  # how far each number of the output may be from the Output block's


@dataclass
class PageResult:
    page: str
    executed: int = 0
    skipped: list[Block] = field(default_factory=list)


class ExampleError(AssertionError):
    """A block failed; the message names the page and the line."""


def _indent_width(s: str) -> int:
    return len(s.expandtabs(4))


def parse_blocks(path: Path, root: Path | None = None) -> list[Block]:
    """Every fenced block of a Markdown file, with the norun admonition (if any) that holds it."""
    page = path.relative_to(root).as_posix() if root else path.as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    admonitions: list[tuple[int, str, str | None]] = []  # (indent, kind, title) of open admonitions
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip():
            width = _indent_width(line) - _indent_width(line.lstrip())
            while admonitions and width <= admonitions[-1][0]:
                admonitions.pop()
        adm = ADMONITION.match(line)
        if adm:
            admonitions.append((_indent_width(adm.group("indent")), adm.group("kind"), adm.group("title")))
            i += 1
            continue
        m = FENCE_OPEN.match(line)
        if not m:
            i += 1
            continue
        indent, fence, info = m.group("indent"), m.group("fence"), m.group("info").strip()
        body, j = [], i + 1
        while j < len(lines):
            close = lines[j].strip()
            if close.startswith(fence[0] * len(fence)) and not close.strip(fence[0]):
                break
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        lang = info.split()[0].lstrip("{.").rstrip("}") if info else ""
        norun = next((t for (_, k, t) in reversed(admonitions) if k == "norun"), None)
        in_norun = any(k == "norun" for (_, k, _t) in admonitions)
        block = Block(page, i + 1, lang, info, "\n".join(body) + "\n", (norun or "") if in_norun else None)
        output = OUTPUT_INFO.match(info)
        if output and blocks and blocks[-1].lang == "python" and _only_blank_between(lines, blocks[-1], i):
            blocks[-1].expected_output = block.code
            blocks[-1].tolerance = float(output.group("tolerance") or 0)
        blocks.append(block)
        i = j + 1
    return blocks


def _only_blank_between(lines: list[str], prev: Block, start: int) -> bool:
    end_of_prev = prev.line + prev.code.count("\n")  # the closing fence of prev
    return all(not lines[k].strip() for k in range(end_of_prev + 1, start))


def python_blocks(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.lang == "python"]


def _same_line(want: str, got: str, tolerance: float) -> bool:
    """Equal, or (with a tolerance) equal but for numbers that differ by at most the tolerance."""
    if want == got or not tolerance:
        return want == got
    w, g = NUMBER.split(want), NUMBER.split(got)  # text, number, text, number, ..., text
    if len(w) != len(g):
        return False
    for k, (a, b) in enumerate(zip(w, g, strict=True)):
        if k % 2 == 0 and a != b:
            return False
        if k % 2 == 1 and abs(float(a) - float(b)) > tolerance + 1e-12:
            return False
    return True


def _normalise(text: str) -> list[str]:
    out = [ln.rstrip() for ln in text.splitlines()]
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out


def run_page(path: Path, root: Path) -> PageResult:
    """Run every python block of a page in order, in one namespace; raise ExampleError on the first failure."""
    blocks = python_blocks(parse_blocks(path, root))
    result = PageResult(path.relative_to(root).as_posix())
    namespace: dict = {"__name__": "__main__"}
    for block in blocks:
        if block.norun_reason is not None:
            if not block.norun_reason.strip():
                raise ExampleError(
                    f"{block.page}:{block.line}: a norun block must say why it does not run here: "
                    '!!! norun "needs a download of ..."'
                )
            result.skipped.append(block)
            continue
        # Pad with blank lines so that tracebacks show the line numbers of the Markdown file.
        source = "\n" * block.line + block.code
        try:
            # dont_inherit: the page must not run under this module's `from __future__` imports
            code = compile(source, str(path), "exec", dont_inherit=True)
        except SyntaxError as exc:
            raise ExampleError(
                f"{block.page}:{exc.lineno}: syntax error in the block at line {block.line}: {exc.msg}"
            ) from None
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(code, namespace)  # noqa: S102 - running the page's own examples is the point
        except Exception:
            tb = traceback.format_exc(limit=-4)
            raise ExampleError(
                f"{block.page}: the python block at line {block.line} failed:\n{tb}\n"
                f"--- it printed ---\n{out.getvalue()[-2000:]}"
            ) from None
        if block.expected_output is not None:
            got, want = _normalise(out.getvalue()), _normalise(block.expected_output)
            pairs = list(itertools.zip_longest(want, got, fillvalue=""))
            if not all(_same_line(w, g, block.tolerance) for w, g in pairs):
                diff = "\n".join(
                    f"  line {k + 1}: expected {w!r}, got {g!r}"
                    for k, (w, g) in enumerate(pairs)
                    if not _same_line(w, g, block.tolerance)
                )
                raise ExampleError(
                    f"{block.page}: the output of the python block at line {block.line} "
                    f"differs from the Output block under it:\n{diff}"
                )
        result.executed += 1
    return result
