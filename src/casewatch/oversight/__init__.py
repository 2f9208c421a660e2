"""The oversight report: what casewatch watched, why, for how long, and who looked.

Built from the database and the audit log for a period (``build_report``),
rendered as one self-contained HTML page or JSON with the same content
(``render_html``, ``render_json``). Generating it is audited.
"""

from casewatch.oversight.render import render_html, render_json
from casewatch.oversight.report import build_report, generate_report

__all__ = ["build_report", "generate_report", "render_html", "render_json"]
