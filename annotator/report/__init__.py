"""A static HTML report of a review: a summary page with charts, and each reviewed article drawn with its decisions.

Nothing here uses Textual, spaCy or the network: pages are plain HTML with one
stylesheet and inline SVG charts, opened straight from the folder.
"""

from annotator.report.build import ReportSummary, write_report

__all__ = ["ReportSummary", "write_report"]
