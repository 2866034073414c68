"""The three scoring rules, case by case (FORMAT.md and the official WTQ evaluator's semantics)."""

from __future__ import annotations

import pytest

from tablepilot.evaluation.metrics import (
    canonical_cell,
    cell_set,
    denotation,
    execution,
    normalize,
    parse_date,
    to_value,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Málaga CF", "malaga cf"),
        ("Ｆｕｌｌ", "full"),  # NFKD folds full-width letters
        ("ﬁnal", "final"),
        ("foo[1]", "foo"),
        ("foo [note a]", "foo"),
        ("[note]", "[note]"),  # a bracket group at the very start stays
        ("[1]", ""),  # but a [digits] citation goes even there
        ("[a] foo", "[a] foo"),  # only trailing citations go
        ("foo*", "foo"),
        ("foo†‡#", "foo"),
        ("Paris (France)", "paris"),
        ("foo (a) (b)", "foo"),
        ("(France)", "(france)"),  # a parenthesis group needs a space before it and text before that
        ("foo(bar)", "foo(bar)"),
        ('"Hello"', "hello"),
        ("“Hello”", "hello"),
        ('"a" and "b"', '"a" and "b"'),
        ('"foo (bar)"[1]', "foo"),  # repeat until stable: citation, then quotes, then parentheses
        ("1995–96", "1995-96"),
        ("a—b−c", "a-b-c"),
        ("it’s `x", "it's 'x"),
        ("x´", "x"),  # NFKD runs first: ´ becomes a space plus a combining accent, then both go
        ("end.", "end"),
        ("a..", "a."),
        ("  A   B\tC\n", "a b c"),
        ("1,234", "1,234"),  # commas are not removed
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("text", "kind", "amount"),
    [
        ("2004", "number", 2004),
        ("2004.0", "number", 2004),
        (" 12 ", "number", 12),
        ("1e3", "number", 1000),
        ("-3.5", "number", -3.5),
        ("2.9999999", "number", 2),  # within 1e-6 of 3, but int() truncates: the evaluator's quirk
        ("-1.0000001", "number", -1),
        ("1_000", "string", None),  # Python 2 had no digit separators
        ("nan", "string", None),
        ("inf", "string", None),
        ("1,234", "string", None),
        ("1995-xx-xx", "number", 1995),  # a year-only date is a number
        ("1995-01-26", "date", None),
        ("abc", "string", None),
    ],
)
def test_typing(text: str, kind: str, amount: float | None) -> None:
    v = to_value(text)
    assert v.kind == kind
    if amount is not None:
        assert v.amount == amount
        assert type(v.amount) is type(amount)


@pytest.mark.parametrize(
    ("text", "ymd"),
    [
        ("1995-01-26", (1995, 1, 26)),
        ("xx-01-26", (-1, 1, 26)),
        ("xxxx-01-xx", (-1, 1, -1)),
        ("1995-XX-03", (1995, -1, 3)),
        ("xx-xx-xx", None),
        ("1995-13-01", None),
        ("1995-01-32", None),
        ("1995-01", None),
        ("1995/01/26", None),
        ("a-b-c", None),
    ],
)
def test_parse_date(text: str, ymd: tuple[int, int, int] | None) -> None:
    assert parse_date(text) == ymd


@pytest.mark.parametrize(
    ("pred", "gold", "canon", "ok"),
    [
        (["2004"], ["2004"], ["2004.0"], True),
        (["2004.0"], ["2004"], ["2004.0"], True),
        (["2004.0000001"], ["2004"], ["2004.0"], True),
        (["2005"], ["2004"], ["2004.0"], False),
        (["Malaga CF."], ["Málaga CF"], ["Málaga CF"], True),
        (["malaga cf (spain)"], ["Málaga CF"], ["Málaga CF"], True),
        (["1234"], ["1,234"], ["1234.0"], True),  # gold typed from canon: numbers match
        (["1,234"], ["1,234"], ["1234.0"], True),  # same normalized text
        (["1,234"], ["1234"], ["1234.0"], False),  # a predicted "1,234" is a string
        (["2.9999999"], ["3"], ["3.0"], False),  # truncated to 2
        (["2.9999999"], ["2"], ["2.0"], True),
        (["1995-01-26"], ["January 26, 1995"], ["1995-01-26"], True),
        (["January 26, 1995"], ["January 26, 1995"], ["1995-01-26"], True),
        (["1995-01-27"], ["January 26, 1995"], ["1995-01-26"], False),
        (["1995-01-26"], ["January 26"], ["xx-01-26"], False),  # xx must agree too
        (["xx-01-26"], ["January 26"], ["xx-01-26"], True),
        (["1995"], ["1995"], ["1995-xx-xx"], True),
        (["a", "a"], ["a"], None, True),  # duplicates collapse
        (["2", "2.0"], ["2"], ["2.0"], True),  # equal numbers collapse
        (["a", "b"], ["a"], None, False),
        (["a"], ["a", "b"], None, False),
        (["b", "a"], ["a", "b"], None, True),  # order does not matter
        (["foo[1]"], ["foo"], None, True),
        ([], ["a"], None, False),
        (["x"], ["x"], [""], True),  # an empty canon falls back to the answer itself
    ],
)
def test_denotation(pred: list[str], gold: list[str], canon: list[str] | None, ok: bool) -> None:
    assert denotation(pred, gold, canon) is ok


@pytest.mark.parametrize(
    ("pred", "gold", "ok"),
    [
        (["910,000.00"], ["910,000.00"], True),
        (["910, 000.00"], ["910,000.00"], True),  # whitespace anywhere is removed
        (["合\u3000计"], ["合计"], True),  # full-width space is whitespace to str.split
        (["910000"], ["910,000.00"], False),  # nothing else is normalized
        (["ABC"], ["abc"], False),
        (["a", "b", "a"], ["b", "a"], True),  # sets
        (["a"], ["a", "b"], False),
        (["", "x"], ["x", ""], True),  # an empty gold cell needs an empty predicted item
        (["x"], ["x", ""], False),
    ],
)
def test_cell_set(pred: list[str], gold: list[str], ok: bool) -> None:
    assert cell_set(pred, gold) is ok


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (3, 3.0),
        (True, 1.0),
        (2.5, 2.5),
        ("  12 ", 12.0),
        ("+1.5e3", 1500.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1,000", "1,000"),
        ("12abc", "12abc"),
        (" abc ", "abc"),
        ("", ""),
        ("0x10", "0x10"),
        ("nan", "nan"),
    ],
)
def test_canonical_cell(value: object, expected: object) -> None:
    assert canonical_cell(value) == expected


@pytest.mark.parametrize(
    ("pred", "gold", "ordered", "ok"),
    [
        ([[12]], [["12"]], False, True),
        ([["12.0"]], [[12]], False, True),
        ([[0.1 + 0.2]], [[0.3]], True, True),
        ([[1e-10]], [[0]], False, True),  # abs_tol 1e-9
        ([[1.00001]], [[1.0]], False, False),
        ([["abc"]], [["ABC"]], False, False),  # case-sensitive
        ([[None]], [[""]], False, False),
        ([[None]], [[None]], False, True),
        ([[1, "a"]], [["a", 1]], False, False),  # column order matters
        ([[1, "a", None]], [[1, "a"]], False, False),
        ([[2], [1]], [[1], [2]], False, True),
        ([[2], [1]], [[1], [2]], True, False),
        ([[1], [2], [2]], [[1], [1], [2]], False, False),  # multisets, not sets
        ([[1], [1]], [[1]], False, False),
        ([], [], False, True),
        ([], [[1]], False, False),
        # a perfect matching exists only when the identical rows are not paired with each other
        ([[1.0000008], [1.0000016]], [[1.0000008], [1.0]], False, True),
    ],
)
def test_execution(pred: list[list[object]], gold: list[list[object]], ordered: bool, ok: bool) -> None:
    assert execution(pred, gold, ordered) is ok


def test_execution_large_unordered_result_is_fast() -> None:
    gold = [[i, f"name {i}"] for i in range(20000)]
    pred: list[list[object]] = [[str(i), f" name {i} "] for i in reversed(range(20000))]
    assert execution(pred, gold, False)
    pred[0] = [0, "other"]
    assert not execution(pred, gold, False)
