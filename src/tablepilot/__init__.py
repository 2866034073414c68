"""tablepilot: ask spreadsheets and databases questions, get answers grounded in executed SQL."""

from tablepilot.answer import Answer, ResultTable
from tablepilot.errors import TablepilotError

__all__ = ["Answer", "ResultTable", "TablepilotError"]
__version__ = "0.1.0"
