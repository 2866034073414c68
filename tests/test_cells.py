"""Table tests for reading messy cells: each row is one cell text and what it must (not) become."""

from __future__ import annotations

import pytest

from tablepilot.cells import (
    PARSE_THRESHOLD,
    PartialDate,
    classify_column,
    is_null_marker,
    parse_date,
    parse_duration,
    parse_number,
    parse_range,
    parse_score,
    parse_tag,
    read_cell,
    read_number,
)

NUMBERS: list[tuple[str, float | None]] = [
    ("1,234", 1234.0),
    ("1234", 1234.0),
    ("  42 ", 42.0),
    ("0", 0.0),
    ("0.5", 0.5),
    (".5", 0.5),
    ("-5.80", -5.8),
    ("+5", 5.0),
    ("−3", -3.0),  # unicode minus
    ("–3", -3.0),  # en dash as sign
    ("1,119,612.90", 1119612.9),
    ("-59,559,343.23", -59559343.23),
    ("1.234,56", 1234.56),  # European grouping, unambiguous
    ("1.234.567", 1234567.0),
    ("2 000 000", 2000000.0),
    ("1,5", None),  # 1.5 or 15? ambiguous
    ("12 km", 12.0),
    ("15.5 m (51 ft)", 15.5),
    ("414 sq mi\n(1,072 km2)", 414.0),
    ("12 km²", 12.0),
    ("45%", 45.0),
    ("-59.35%", -59.35),
    ("33.8 %", 33.8),
    ("$36,052", 36052.0),
    ("$3.5 million", 3500000.0),
    ("3.5 million people", 3500000.0),
    ("US$3M", 3000000.0),
    ("€ 12", 12.0),
    ("12 €", 12.0),
    ("EUR 12", 12.0),
    ("-$5", -5.0),
    ("¥1,000", 1000.0),
    ("12[a]", 12.0),
    ("12 [1][2]", 12.0),
    ("5*", 5.0),
    ("3†", 3.0),
    ("(1,234.00)", -1234.0),
    ("（3）", -3.0),  # full-width parentheses: accounting negative
    ("１２３", 123.0),  # full-width digits
    ("１，２３４", 1234.0),
    ("1.5万", 15000.0),
    ("3亿", 300000000.0),
    ("1.5万元", 15000.0),
    ("2万亿", 2e12),
    ("100元", 100.0),
    ("1e5", 100000.0),
    ("28th", 28.0),
    ("1.", 1.0),
    ("5000+", 5000.0),
    ("N/A", None),
    ("—", None),
    ("-", None),
    ("", None),
    ("无", None),
    ("3–1", None),  # a score
    ("1998–2001", None),  # a range
    ("2:31.45", None),  # a time
    ("June 5, 1998", None),  # a date
    ("1998-06-05", None),
    ("Route 66 west", None),
    ("7 of 10", None),
    ("6'6", None),
    ("±15", None),
    ("T4", None),
    ("#6 US", None),
    ("1st Round", None),
    ("2 June", None),
    ("11–16 June", None),
    ("1.5 to 2", None),
    ("nan", None),
    ("inf", None),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_parse_number(text: str, expected: float | None) -> None:
    got = parse_number(text)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "unit", "lossy"),
    [
        ("12 km", "km", False),
        ("45%", "%", False),
        ("$36,052", "$", False),
        ("12[a]", None, True),
        ("15.5 m (51 ft)", "m", True),
        ("007", None, True),  # leading zeros belong to a code
        ("1,234", None, False),
        ("12345678901234567890", None, True),  # more digits than a float holds
    ],
)
def test_read_number_says_what_parsing_dropped(text: str, unit: str | None, lossy: bool) -> None:
    reading = read_number(text)
    assert reading is not None
    assert (reading.unit, reading.lossy) == (unit, lossy)


DATES: list[tuple[str, PartialDate | None]] = [
    ("June 5, 1998", PartialDate(1998, 6, 5)),
    ("June 5 1998", PartialDate(1998, 6, 5)),
    ("Jun. 5th, 1998", PartialDate(1998, 6, 5)),
    ("Sept. 30, 2001", PartialDate(2001, 9, 30)),
    ("5 June 1998", PartialDate(1998, 6, 5)),
    ("5th of June, 1998", PartialDate(1998, 6, 5)),
    ("Sunday, June 7, 1998", PartialDate(1998, 6, 7)),
    ("1998-06-05", PartialDate(1998, 6, 5)),
    ("1998-06-05 12:30:00", PartialDate(1998, 6, 5)),
    ("2023/1/5", PartialDate(2023, 1, 5)),
    ("2023.01.05", PartialDate(2023, 1, 5)),
    ("June 1998", PartialDate(1998, 6)),
    ("2023-01", PartialDate(2023, 1)),
    ("2023/1", PartialDate(2023, 1)),
    ("April 10", PartialDate(None, 4, 10)),
    ("10 April", PartialDate(None, 4, 10)),
    ("2023年1月5日", PartialDate(2023, 1, 5)),
    ("２０２３年１月５日", PartialDate(2023, 1, 5)),
    ("2023年1月", PartialDate(2023, 1)),
    ("2023年", PartialDate(2023)),
    ("1月5号", PartialDate(None, 1, 5)),
    ("25/12/2020", PartialDate(2020, 12, 25)),  # day first: 25 cannot be a month
    ("12/25/2020", PartialDate(2020, 12, 25)),
    ("05.06.1998", PartialDate(1998, 6, 5)),  # dotted: day first
    ("March 3, 1996[4]", PartialDate(1996, 3, 3)),
    ("17-Apr-75", PartialDate(1975, 4, 17)),  # two-digit years as strptime's %y: 69-99 → 19xx
    ("3-Jan-05", PartialDate(2005, 1, 3)),
    ("17-Foo-75", None),
    ("1-4-1915", None),  # 1 April or January 4: ambiguous
    ("1998", None),  # a number
    ("2001-02", None),  # a season
    ("February 30, 2001", None),
    ("2023-13-01", None),
    ("June", None),
    ("Junk 5, 1998", None),
    ("1998–2001", None),
    ("N/A", None),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_parse_date(text: str, expected: PartialDate | None) -> None:
    assert parse_date(text) == expected


def test_partial_date_is_full() -> None:
    assert PartialDate(1998, 6, 5).is_full
    assert not PartialDate(1998, 6).is_full
    assert not PartialDate(None, 6, 5).is_full


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1998–2001", (1998.0, 2001.0)),
        ("1998-2001", (1998.0, 2001.0)),
        ("10-20 km", (10.0, 20.0)),
        ("1,000–2,000", (1000.0, 2000.0)),
        ("1998–99", (1998.0, 1999.0)),
        ("1999–00", (1999.0, 2000.0)),
        ("2.5 ~ 3.5", (2.5, 3.5)),
        ("10至20", (10.0, 20.0)),
        ("5 to 7", (5.0, 7.0)),
        ("3–1", None),  # low above high: a score, not a range
        ("1998–present", None),
        ("1-4-1915", None),
        ("2023-01", None),
        ("1998", None),
        ("11–16 June", None),
    ],
)
def test_parse_range(text: str, expected: tuple[float, float] | None) -> None:
    assert parse_range(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3–1", (3, 1)),
        ("3-1", (3, 1)),
        ("0 - 0", (0, 0)),
        ("2:1", (2, 1)),
        ("W 41–34", (41, 34)),
        ("L 20–7", (20, 7)),
        ("2–2 (4–3 p)", (2, 2)),
        ("3–2 (OT)", (3, 2)),
        ("1–0 a.e.t.", (1, 0)),
        ("１－０", (1, 0)),
        ("1998–2001", None),
        ("6–3, 4–6, 0–6", None),  # a tennis match is several scores
        ("71-70-66=207", None),
        ("Won", None),
        ("10-20 km", None),
    ],
)
def test_parse_score(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_score(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2:31.45", 151.45),
        ("1:02:03", 3723.0),
        ("39:28.6", 2368.6),
        ("3:00", 180.0),
        ("+1:02.5", 62.5),
        ("1:02:03.5", 3723.5),
        ("2h 31m", 9060.0),
        ("4m 5s", 245.0),
        ("2:1", None),  # a score
        ("2:61", None),
        ("12 m", None),  # a length
        ("1998", None),
        ("1:29:47 A", None),
    ],
)
def test_parse_duration(text: str, expected: float | None) -> None:
    got = parse_duration(text)
    assert got == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("text", [None, "", "  ", "N/A", "n/a", "—", "-", "–", "TBD", "无", "…"])
def test_null_markers(text: str | None) -> None:
    assert is_null_marker(text)


@pytest.mark.parametrize("text", ["0", "No", "x1", "Bye"])
def test_not_null_markers(text: str) -> None:
    assert not is_null_marker(text)


# --- columns ----------------------------------------------------------------------------------------


def test_year_column_is_integer_number_not_date() -> None:
    kind = classify_column(["1998", "1999", "2001", None, ""])
    assert (kind.kind, kind.integer, kind.changed, kind.non_empty) == ("number", True, False, 3)


def test_attendance_with_separators_and_null_markers() -> None:
    kind = classify_column(["12,345", "9,001", "—", "N/A", "100"])
    assert (kind.kind, kind.integer, kind.changed, kind.parsed_share) == ("number", True, False, 1.0)


def test_shared_unit_is_reported_and_not_a_change() -> None:
    kind = classify_column(["45%", "12.5%", "-3%"])
    assert (kind.kind, kind.unit, kind.changed, kind.integer) == ("number", "%", False, False)


def test_mixed_units_and_footnotes_are_changes() -> None:
    assert classify_column(["12 km", "3 mi", "4 km"]).changed
    assert classify_column(["12[a]", "3", "4"]).changed
    mixed = classify_column(["12 km", "3 mi"])
    assert mixed.unit is None


def test_threshold_decides_number_or_text() -> None:
    four_of_five = ["1", "2", "3", "4", "five"]
    assert classify_column(four_of_five).kind == "number"
    assert classify_column(four_of_five).changed  # "five" would be lost
    assert classify_column(["1", "2", "3", "four", "five"]).kind == "text"
    assert classify_column(four_of_five, threshold=0.9).kind == "text"
    assert PARSE_THRESHOLD == 0.8


def test_date_columns_full_and_partial() -> None:
    full = classify_column(["June 5, 1998", "1998-07-01", "2023年1月5日"])
    assert (full.kind, full.full_dates) == ("date", True)
    timed = classify_column(["2019-03-01 08:00:00", "2019-04-01 08:00:00"])
    assert (timed.kind, timed.full_dates, timed.changed) == ("date", True, True)  # the time is not in a DATE
    partial = classify_column(["June 1998", "1999", "May 5, 2000"])  # a bare year counts in a date column
    assert (partial.kind, partial.full_dates) == ("date", False)


def test_score_column_vs_range_column() -> None:
    assert classify_column(["3–1", "0–0", "1–2"]).kind == "score"
    assert classify_column(["1998–2001", "2003", "2005–07"]).kind == "range"


def test_duration_column() -> None:
    kind = classify_column(["2:31.45", "2:29.01", "DNF"])
    assert kind.kind == "text"  # 2 of 3 is below the threshold
    kind = classify_column(["2:31.45", "2:29.01", "2:30.00", "2:33.10", "DNF"])
    assert (kind.kind, kind.changed) == ("duration", True)


def test_text_and_empty_columns() -> None:
    assert classify_column(["Diddy", "Route 66 west", "N/A"]).kind == "text"
    empty = classify_column([None, "", "—"])
    assert (empty.kind, empty.non_empty) == ("text", 0)


def test_read_cell_shapes() -> None:
    assert read_cell("number", "1,234") == (1234.0,)
    assert read_cell("date", "1999") == (PartialDate(1999),)
    assert read_cell("range", "2003") == (2003.0, 2003.0)
    assert read_cell("score", "3–1") == (3, 1)
    assert read_cell("score", "Bye") == (None, None)
    assert read_cell("duration", "1:00") == (60.0,)
    assert read_cell("text", "x") == ()


def test_zero_padded_codes_stay_text() -> None:
    assert classify_column(["007", "010", "123"]).kind == "text"
    assert classify_column(["7", "10", "123"]).kind == "number"


def test_names_with_a_number_in_brackets() -> None:
    assert parse_tag("Chris Kaman (14)") == 14
    assert parse_tag("Blake Griffin (13)[a]") == 13  # the footnote goes first
    assert parse_tag("(14)") is None and parse_tag("14") is None and parse_tag("Kaman") is None
    assert classify_column(["Chris Kaman (14)", "Randy Foye (8)", "Blake Griffin (13)"]).kind == "tagged"
    assert classify_column(["Chris Kaman", "Randy Foye (8)", "Blake Griffin"]).kind == "text"
