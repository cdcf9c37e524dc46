"""The dashboards' configuration fitted to a build: a chart that needs a table the build lacks is
left out with its layout cells, so the facts chart appears by itself once `facts` is built."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.reviews.dashboard import available

CONFIG = yaml.safe_load((Path(__file__).resolve().parents[1] / "db" / "dashboards.yaml").read_text(encoding="utf-8"))


def test_the_facts_chart_waits_for_the_facts_view():
    without = available(CONFIG, {"money", "mentions", "quotes", "body_mentions", "bodies", "documents"})
    board = without["nhs-figures"]
    assert "money-by-measure" not in board["charts"]
    assert all("money-by-measure" not in row for row in board["layout"]) and all(board["layout"])
    with_facts = available(CONFIG, {"facts", "money"})["nhs-figures"]
    assert "money-by-measure" in with_facts["charts"] and "requires" not in with_facts["charts"]["money-by-measure"]
    assert ["money-by-measure", "money-by-measure"] in with_facts["layout"]


def test_every_chart_in_the_layout_is_defined():
    for board in CONFIG.values():
        assert {c for row in board["layout"] for c in row} == set(board["charts"])
