"""The deterministic tidy step: messy sheets (titles, multi-row headers, totals, notes, several
tables, numbers as text) become tidy tables, each with a report of what was done (docs/tidy.md)."""

from tablepilot.tidy.files import TidyResult, reports_for, tidy_sheet
from tablepilot.tidy.report import RowNote, TidyReport
from tablepilot.tidy.table import TidyTable, tidy_grid

__all__ = ["RowNote", "TidyReport", "TidyResult", "TidyTable", "reports_for", "tidy_grid", "tidy_sheet"]
