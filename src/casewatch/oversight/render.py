"""Render the oversight report: one self-contained HTML page (inline CSS and SVG) or JSON."""

from __future__ import annotations

from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, select_autoescape

BAR_WIDTH = 420


def bars(items: list[tuple[str, int]], width: int = BAR_WIDTH) -> dict[str, Any]:
    """Geometry for a horizontal bar chart drawn as inline SVG by the template."""
    top = max((value for _, value in items), default=0) or 1
    rows = [
        {"label": label, "value": value, "y": i * 22, "w": round(width * value / top, 1)}
        for i, (label, value) in enumerate(items)
    ]
    return {"rows": rows, "height": max(22 * len(rows), 22), "width": width}


def _charts(report: dict[str, Any]) -> dict[str, Any]:
    alerts = report["alerts"]
    return {
        "alert_outcomes": bars(
            [("raised", alerts["raised"]), ("dismissed", alerts["dismissed"]),
             ("confirmed", alerts["confirmed"])]
        ),
        "alerts_per_day": bars([(d["day"], d["count"]) for d in alerts["raised_per_day"]]),
        "watches": bars(
            [(f"case {c['case_id']}", c["active_watches"]) for c in report["watches_by_case"]]
        ),
        "searches": bars([(s["user"], s["searches"]) for s in report["searches"]]),
        "denied": bars(list(report["denied"]["by_user"].items())),
    }


def render_html(report: dict[str, Any]) -> str:
    """The report as one HTML page with no external resources."""
    env = Environment(
        loader=PackageLoader("casewatch.oversight", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html").render(r=report, charts=_charts(report))


def render_json(report: dict[str, Any]) -> bytes:
    """The report as pretty JSON (the same content as the HTML page)."""
    return orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
