"""`tablepilot inspect FILE…`: show what the tidy step did to each table, before any question is asked."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tablepilot.errors import InputError, LoadError
from tablepilot.tidy import TidyReport, reports_for


def print_report(console: Console, report: TidyReport) -> None:
    """One table's report: where it is, its columns, every row left out and every change."""
    where = f"{Path(report.source).name}" + (f" · sheet {report.sheet}" if report.sheet else "")
    console.print(
        f"[bold]{escape(report.table)}[/]  [dim]{escape(where)} · {escape(report.region)}[/]", markup=True
    )
    if report.title:
        console.print(f"  title: {escape(report.title)}", markup=True)
    if report.unit:
        console.print(f"  unit: {escape(report.unit)}", markup=True)
    header = ", ".join(str(r) for r in report.header_rows) or "none"
    console.print(
        f"  header row(s): {header} → {len(report.columns)} columns: {escape(', '.join(report.columns))}",
        markup=True,
    )
    console.print(f"  data rows: {len(report.data_rows)}", markup=True)
    if report.set_aside:
        table = Table(
            "row", "set aside as", "content", show_header=True, header_style="bold", box=None, padding=(0, 2)
        )
        for n in report.set_aside:
            table.add_row(str(n.row), n.reason, escape(n.text[:120]))
        console.print(table)
    for line in report.changes:
        console.print(f"  • {escape(line)}", markup=True)
    if report.extra_tables:
        console.print(f"  extra tables: {escape(', '.join(report.extra_tables))}", markup=True)
    if not report.changed:
        console.print("  [green]clean: loaded as it is[/]", markup=True)
    console.print()


@click.command(name="inspect")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
def inspect_command(files: tuple[Path, ...], as_json: bool) -> None:
    """Show how FILES (Excel, CSV) are tidied: header, titles, totals, notes set aside, types read."""
    from tablepilot.cli_common import guarded, out

    @guarded
    def run() -> None:
        if not files:
            raise InputError(
                "no file given", hint="name one or more files, e.g. `tablepilot inspect report.xlsx`"
            )
        reports: list[TidyReport] = []
        for f in files:
            if not f.exists():
                raise LoadError(f"{f} does not exist", hint="check the path", path=str(f))
            found = reports_for(f)
            if not found and not as_json:
                out.print(
                    f"{escape(f.name)}: not a spreadsheet or delimited file; nothing to tidy", markup=True
                )
            reports.extend(found)
        if as_json:
            click.echo(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
            return
        for r in reports:
            print_report(out, r)

    run()
