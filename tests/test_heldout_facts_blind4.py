"""The fourth blind fact gold (tests/gold/heldout-facts-blind4, four PDFs of ../shared/realdocs, their
text layer): records well formed, every document wholly in scope and in no other gold's line ranges,
and scripts/score_facts_paged.py pairing a PDF's amounts by page where score_facts.py cannot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.test_heldout_facts import MEASURES, period_ok

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
BLIND4 = GOLD / "heldout-facts-blind4"
FIELDS = ("doc_sha256", "doc", "page", "line", "start", "end", "kind", "text", "currency", "low", "high")


def _records() -> list[dict]:
    return [json.loads(r) for r in (BLIND4 / "facts.jsonl").read_text(encoding="utf-8").splitlines() if r.strip()]


def _scope(gold: Path) -> list[dict]:
    return json.loads((gold / "scope.json").read_text(encoding="utf-8"))


def test_blind4_facts_are_well_formed_and_in_scope() -> None:
    facts = _records()
    assert 100 <= len(facts) <= 160
    scopes = {s["doc_sha256"]: s for s in _scope(BLIND4)}
    keys = set()
    for f in facts:
        assert all(k in f for k in (*FIELDS, "subject", "measure", "period", "note")), f
        assert f["kind"] == "fact" and f["measure"] in MEASURES and period_ok(f["period"]) and f["note"].strip(), f
        assert f["currency"] == "GBP" and 0 < f["low"] <= f["high"] and f["end"] - f["start"] == len(f["text"]) > 0, f
        s = scopes[f["doc_sha256"]]
        assert s["doc"] == f["doc"] and s["lines"][0] <= f["line"] <= s["lines"][1], f
        assert s["pages"][0] <= f["page"] <= s["pages"][1], f
        key = (f["doc_sha256"], f["page"], f["line"], f["start"])
        assert key not in keys, f
        keys.add(key)


def test_blind4_lines_are_no_other_golds() -> None:
    """No other gold (tests/gold/*, ../shared/gold/dev) has a line range in these documents."""
    others = [s for d in sorted(GOLD.iterdir()) if d != BLIND4 and (d / "scope.json").exists() for s in _scope(d)]
    dev = ROOT.parent / "shared" / "gold" / "dev" / "scope.json"
    if dev.exists():
        others += json.loads(dev.read_text(encoding="utf-8"))
    mine = {s["doc_sha256"] for s in _scope(BLIND4)} | {s["doc"] for s in _scope(BLIND4)}
    assert [s for s in others if "lines" in s and (s.get("doc_sha256") in mine or s["doc"] in mine)] == []


def _score(script: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(script), str(BLIND4 / "facts.jsonl"), str(BLIND4), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def test_paged_scoring_pairs_each_amount_with_its_own_page(shared: Path) -> None:
    """The gold as its own prediction: score_facts.py pairs amounts of different pages that share a line
    number and overlapping offsets (the report's line 9 on pages 34, 153 and 195), so even a perfect
    prediction disagrees; keyed by page, every amount pairs with itself."""
    plain = _score(shared / "eval" / "score_facts.py")
    assert plain["found"] == 1.0 and plain["agree"]["all"] < 0.95
    paged = _score(ROOT / "scripts" / "score_facts_paged.py")
    assert paged["gold"] == paged["predicted"] == len(_records())
    assert paged["found"] == 1.0 and paged["agree"]["all"] == 1.0 and paged["facts"]["f1"] == 1.0
