"""The dashboards' configuration (db/dashboards.yaml) fitted to one build: charts that need a table
the build lacks (`requires: facts`) are left out, and so are their cells in the layout."""

from __future__ import annotations

from typing import Any


def available(config: dict[str, Any], tables: set[str]) -> dict[str, Any]:
    """Each dashboard with only the charts whose `requires` (a table or view name, or a list) is present."""
    out: dict[str, Any] = {}
    for slug, board in config.items():
        charts = {}
        for name, chart in (board.get("charts") or {}).items():
            needs = chart.get("requires") or []
            needs = [needs] if isinstance(needs, str) else list(needs)
            if all(n in tables for n in needs):
                charts[name] = {k: v for k, v in chart.items() if k != "requires"}
        layout = [[c for c in row if c in charts] for row in board.get("layout") or []]
        out[slug] = {**board, "charts": charts, "layout": [row for row in layout if row]}
    return out
