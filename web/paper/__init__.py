"""Paper: the record's summaries as PDF files to print, for the patient and for a professional
in their workspace (routes.py); the sheets themselves (sheet.py, summaries.py)."""

from __future__ import annotations

from web.paper.routes import routes

__all__ = ["routes"]
