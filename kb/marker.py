"""The mark every file this tool exports carries, so an ingest of a folder holding them skips them.

Markdown starts with an HTML comment, HTML pages carry a `generator` meta tag, Word files carry it in
their core properties (category). CSV exports and charts carry none: ingest does not read .csv or .png.
"""

from __future__ import annotations

EXPORT_MARKER = "dhr-kb export"
MARKDOWN_LINE = f"<!-- {EXPORT_MARKER}: written by the DHR learning knowledge base; not a review -->"
HTML_META = f'<meta name="generator" content="{EXPORT_MARKER}">'
EXPORT_REASON = "an export of this knowledge base"
