"""`python -m tablepilot` is the `tablepilot` command."""

from tablepilot.cli import main

main()
