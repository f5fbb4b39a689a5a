"""Find and run the code examples in the site's Markdown pages, as one learner would in one session.

Conventions (documented for writers in CONTRIBUTING.md):

- Every ```` ```python ```` block runs, in page order, in one namespace per page.
- A block that cannot run here (it downloads data or weights, or needs a GPU) sits inside a
  ``!!! norun "why it does not run here"`` admonition: the reader sees the reason, the tests count it.
- A ```` ```text title="Output" ```` block right after a python block is what that block prints;
  the run checks it, line by line (trailing spaces ignored).
- NumPy, OpenBLAS and PyTorch choose their vector kernels from what the processor offers, and each
  choice rounds differently in the last bits. So by default a number printed with a decimal point
  (``0.0432``, ``97.5%``, ``2.3e-09``) may differ by one unit in its last printed digit, which is what a
  rounding boundary does; integers (counts, shapes, sizes) and all other text are compared exactly.
- Numbers that come out of training or sampling can move by more. Their block says so, and by how much,
  in its title: ```` ```text title="Output (numbers may differ by up to 0.005 on another CPU)" ````;
  each number may then differ by that much.
- A number that is rounding noise (a gradient-check error of ``2.3e-09``) is not printed at all: the
  block asserts a bound and prints the bound.

Run from the command line (``python tests/examples.py PAGE.md ...``) it runs the pages in this process
and exits non-zero on the first failure; the tests use that to run the pages under other CPU kernels.
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


def _page_name(path: Path, root: Path | None) -> str:
    """The page's path relative to the repository (or as given, for a file outside it)."""
    if root and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return path.as_posix()


def _indent_width(s: str) -> int:
    return len(s.expandtabs(4))


def parse_blocks(path: Path, root: Path | None = None) -> list[Block]:
    """Every fenced block of a Markdown file, with the norun admonition (if any) that holds it."""
    page = _page_name(path, root)
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


def last_digit_unit(number: str) -> float:
    """One unit in the last printed digit of a number with a decimal point; 0 for an integer.

    ``0.0432`` -> 1e-4, ``2.3e-09`` -> 1e-10, ``97.5`` -> 0.1, ``1e-06`` -> 1e-06, ``42`` -> 0.
    """
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    if not exponent and not decimals:
        return 0.0
    return 10.0 ** (int(exponent or 0) - decimals)


def _same_line(want: str, got: str, tolerance: float = 0.0) -> bool:
    """Equal text, and numbers equal within the block's tolerance, or else within one unit of the last
    printed digit of the expected number (exact for integers)."""
    if want == got:
        return True
    w, g = NUMBER.split(want), NUMBER.split(got)  # text, number, text, number, ..., text
    if len(w) != len(g):
        return False
    for k, (a, b) in enumerate(zip(w, g, strict=True)):
        if k % 2 == 0:
            if a != b:
                return False
            continue
        allowed = tolerance or last_digit_unit(a)
        if abs(float(a) - float(b)) > allowed * (1 + 1e-9) + 1e-300:
            return False
    return True


def _normalise(text: str) -> list[str]:
    out = [ln.rstrip() for ln in text.splitlines()]
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out


def run_page(path: Path, root: Path, record: list[dict] | None = None) -> PageResult:
    """Run every python block of a page in order, in one namespace; raise ExampleError on the first failure.

    With ``record`` (a list), an output that differs from its Output block does not stop the run: each
    block's line, printed output and mismatch (or None) is appended to it, for scripts/cpu_matrix.py.
    """
    blocks = python_blocks(parse_blocks(path, root))
    result = PageResult(_page_name(path, root))
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
        printed = _exec_block(block, path, namespace)
        mismatch = _output_mismatch(block, printed)
        if record is not None:
            record.append({"line": block.line, "printed": printed, "mismatch": mismatch})
        elif mismatch:
            raise ExampleError(mismatch)
        result.executed += 1
    return result


def _exec_block(block: Block, path: Path, namespace: dict) -> str:
    """Run one block in the page's namespace; what it printed, or ExampleError naming the line."""
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
    return out.getvalue()


def _output_mismatch(block: Block, printed: str) -> str | None:
    """None if the block has no Output block or matches it; else a message with the differing lines."""
    if block.expected_output is None:
        return None
    got, want = _normalise(printed), _normalise(block.expected_output)
    pairs = list(itertools.zip_longest(want, got, fillvalue=""))
    diff = "\n".join(
        f"  line {k + 1}: expected {w!r}, got {g!r}"
        for k, (w, g) in enumerate(pairs)
        if not _same_line(w, g, block.tolerance)
    )
    if not diff:
        return None
    return (
        f"{block.page}: the output of the python block at line {block.line} "
        f"differs from the Output block under it:\n{diff}"
    )


def main(argv: list[str]) -> int:
    """Run the given pages and report the first failure; with --record FILE, run each page to its end
    (or its first exception) and write every block's output as JSON, for scripts/cpu_matrix.py."""
    import json

    root = Path(__file__).resolve().parent.parent
    record_to = None
    if argv[:1] == ["--record"]:
        record_to, argv = Path(argv[1]), argv[2:]
    pages: dict[str, dict] = {}
    for arg in argv:
        path = Path(arg).resolve()
        record: list[dict] | None = [] if record_to else None
        try:
            result = run_page(path, root, record)
        except ExampleError as exc:
            if record_to is None:
                print(exc)
                return 1
            pages[_page_name(path, root)] = {"blocks": record, "error": str(exc)}
            continue
        if record_to is not None:
            pages[result.page] = {"blocks": record, "error": None}
        print(f"{result.page}: {result.executed} blocks ran, {len(result.skipped)} marked norun")
    if record_to is not None:
        record_to.write_text(json.dumps(pages, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
