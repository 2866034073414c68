"""Output columns that only repeat the query's own filters."""

from __future__ import annotations

from tablepilot.sql.echo import Pin, like_matches, pinned_outputs


def test_an_output_pinned_by_the_where_is_found() -> None:
    sql = """SELECT "Division" FROM "t" WHERE "Division" ILIKE '%Kolmonen%' AND "Movements" = 'Promoted'"""
    assert pinned_outputs(sql) == [Pin("t", "Division", "%Kolmonen%", True)]
    assert pinned_outputs("""SELECT "Name" FROM t WHERE "Name" = 'Own Goal' AND "NASL" = 0""") == [
        Pin("t", "Name", "Own Goal", False)
    ]


def test_outputs_the_where_does_not_pin_are_news() -> None:
    assert pinned_outputs("""SELECT "Season" FROM t WHERE "Division" ILIKE '%Kolmonen%'""") is None
    assert pinned_outputs("""SELECT "Division", "Season" FROM t WHERE "Division" = 'A'""") is None
    assert pinned_outputs("""SELECT COUNT(*) FROM t WHERE "Division" = 'A'""") is None
    assert pinned_outputs("""SELECT "Division" FROM t WHERE "Division" = 'A' OR "x" = 'b'""") is None
    assert pinned_outputs("""SELECT "Division" FROM t""") is None


def test_like_patterns_match_as_the_database_does() -> None:
    assert like_matches("%kolmonen%", "Kolmonen (Third Division)")
    assert like_matches("Week _", "week 5") and not like_matches("Week _", "Week 50")
    assert not like_matches("%a.b%", "axb")
