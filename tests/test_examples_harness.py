"""The harness that runs the guides' code: it finds blocks, honours norun, checks outputs, names lines."""

from __future__ import annotations

import textwrap

import pytest

from examples import ExampleError, last_digit_unit, parse_blocks, python_blocks, run_page


def page(tmp_path, text):
    p = tmp_path / "guide.md"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_blocks_share_one_namespace_in_page_order(tmp_path):
    p = page(
        tmp_path,
        """\
        ```python
        x = 2
        ```

        Some prose.

        ```python
        assert x * 21 == 42
        ```
        """,
    )
    assert run_page(p, tmp_path).executed == 2


def test_a_failing_block_names_the_page_and_the_line(tmp_path):
    p = page(
        tmp_path,
        """\
        Intro.

        ```python
        y = 1
        assert y == 2, "y is wrong"
        ```
        """,
    )
    with pytest.raises(ExampleError) as err:
        run_page(p, tmp_path)
    assert "guide.md: the python block at line 3 failed" in str(err.value)
    assert "line 5" in str(err.value)  # the traceback points into the Markdown file
    assert "y is wrong" in str(err.value)


def test_norun_blocks_are_skipped_and_counted_with_their_reason(tmp_path):
    p = page(
        tmp_path,
        """\
        !!! norun "Downloads MNIST (11 MB)"

            ```python
            raise SystemExit("must not run")
            ```

        ```python
        ok = True
        ```
        """,
    )
    result = run_page(p, tmp_path)
    assert result.executed == 1
    assert [b.norun_reason for b in result.skipped] == ["Downloads MNIST (11 MB)"]


def test_a_norun_block_without_a_reason_is_an_error(tmp_path):
    p = page(
        tmp_path,
        """\
        !!! norun ""

            ```python
            pass
            ```
        """,
    )
    with pytest.raises(ExampleError, match="must say why"):
        run_page(p, tmp_path)


def test_a_block_after_a_norun_admonition_runs(tmp_path):
    p = page(
        tmp_path,
        """\
        !!! norun "needs a GPU"

            ```python
            import nothing_here
            ```

        Back to normal text.

        ```python
        z = 3
        ```
        """,
    )
    assert run_page(p, tmp_path).executed == 1


def test_output_block_is_checked(tmp_path):
    good = page(
        tmp_path,
        """\
        ```python
        print("loss", 0.25)
        ```

        ```text title="Output"
        loss 0.25
        ```
        """,
    )
    assert run_page(good, tmp_path).executed == 1
    bad = page(
        tmp_path,
        """\
        ```python
        print("loss", 0.5)
        ```

        ```text title="Output"
        loss 0.25
        ```
        """,
    )
    with pytest.raises(ExampleError, match=r"expected 'loss 0.25', got 'loss 0.5'"):
        run_page(bad, tmp_path)


def test_an_output_block_may_let_numbers_differ_by_what_its_title_says(tmp_path):
    def run(printed: str) -> None:
        p = page(
            tmp_path,
            f"""\
            ```python
            print({printed!r})
            ```

            ```text title="Output (numbers may differ by up to 0.01 on another CPU)"
            acc 0.849 lr 2.7e-04
            ```
            """,
        )
        (block,) = python_blocks(parse_blocks(p))
        assert block.tolerance == 0.01
        run_page(p, tmp_path)

    run("acc 0.849 lr 2.7e-04")
    run("acc 0.852 lr 2.7e-04")  # within 0.01
    with pytest.raises(ExampleError, match=r"expected 'acc 0.849 lr 2.7e-04', got 'acc 0.871 lr 2.7e-04'"):
        run("acc 0.871 lr 2.7e-04")  # further than 0.01
    with pytest.raises(ExampleError, match="got 'loss 0.849 lr 2.7e-04'"):
        run("loss 0.849 lr 2.7e-04")  # the words still have to match exactly
    with pytest.raises(ExampleError, match="got 'acc 0.849'"):
        run("acc 0.849")  # and the count of numbers


def test_by_default_a_decimal_may_differ_by_one_unit_in_its_last_digit_and_integers_are_exact(tmp_path):
    """What a rounding boundary does on another CPU's kernels, and no more."""

    def run(printed: str) -> None:
        p = page(
            tmp_path,
            f"""\
            ```python
            print({printed!r})
            ```

            ```text title="Output"
            step 400 loss 0.0432 acc 97.5% err 2.3e-09 n=12
            ```
            """,
        )
        run_page(p, tmp_path)

    run("step 400 loss 0.0432 acc 97.5% err 2.3e-09 n=12")
    run("step 400 loss 0.0433 acc 97.4% err 2.4e-09 n=12")  # one unit in each last digit
    run("step 400 loss 0.0431 acc 97.6% err 2.2e-09 n=12")
    with pytest.raises(ExampleError, match="got 'step 400 loss 0.0434"):
        run("step 400 loss 0.0434 acc 97.5% err 2.3e-09 n=12")  # two units
    with pytest.raises(ExampleError, match="err 2.1e-09"):
        run("step 400 loss 0.0432 acc 97.5% err 2.1e-09 n=12")  # noise is not a result: assert a bound
    with pytest.raises(ExampleError, match="got 'step 401"):
        run("step 401 loss 0.0432 acc 97.5% err 2.3e-09 n=12")  # integers are exact
    with pytest.raises(ExampleError, match="n=13"):
        run("step 400 loss 0.0432 acc 97.5% err 2.3e-09 n=13")


@pytest.mark.parametrize(
    ("number", "unit"),
    [
        ("42", 0.0),
        ("-7", 0.0),
        ("0.0432", 1e-4),
        ("97.5", 0.1),
        ("2.3e-09", 1e-10),
        ("1e-06", 1e-6),
        ("3.403e+38", 1e35),
        ("-0.000", 1e-3),
    ],
)
def test_last_digit_unit(number, unit):
    assert last_digit_unit(number) == pytest.approx(unit, rel=1e-12)


def test_record_mode_runs_past_a_differing_output_and_keeps_every_block(tmp_path):
    p = page(
        tmp_path,
        """\
        ```python
        print("a 1")
        ```

        ```text title="Output"
        a 2
        ```

        ```python
        print("b")
        ```
        """,
    )
    record: list[dict] = []
    run_page(p, tmp_path, record)
    assert [(r["line"], r["printed"]) for r in record] == [(1, "a 1\n"), (9, "b\n")]
    assert "expected 'a 2', got 'a 1'" in record[0]["mismatch"] and record[1]["mismatch"] is None


def test_output_block_belongs_only_to_the_block_right_above(tmp_path):
    p = page(
        tmp_path,
        """\
        ```python
        print("a")
        ```

        Prose in between.

        ```text title="Output"
        b
        ```
        """,
    )
    (block,) = python_blocks(parse_blocks(p))
    assert block.expected_output is None


def test_other_languages_and_indented_fences_are_parsed(tmp_path):
    p = page(
        tmp_path,
        """\
        ```bash
        pip install numpy
        ```

        === "NumPy"

            ```python
            import math
            assert math.isclose(math.pi, 3.14159, rel_tol=1e-5)
            ```
        """,
    )
    blocks = parse_blocks(p)
    assert [b.lang for b in blocks] == ["bash", "python"]
    assert run_page(p, tmp_path).executed == 1


def test_blocks_do_not_inherit_the_harness_future_imports(tmp_path):
    """Under `from __future__ import annotations`, pydantic and dataclass examples behave differently."""
    p = page(
        tmp_path,
        """\
        ```python
        def f(x: int) -> int:
            return x

        assert f.__annotations__["x"] is int
        ```
        """,
    )
    assert run_page(p, tmp_path).executed == 1
