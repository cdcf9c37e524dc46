"""The blind held-out gold sets (facts: heldout-facts-blind2, -blind3, -blind3-payments; OCR: blind-ocr,
blind2-ocr, heldout-ocr): each record locates its text and is well formed, each set stays inside its
own scope, and no set's lines or pages are another gold's, so a set scored blind was never tuned on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ingested
from tests.gold_support import located, source
from tests.test_heldout_facts import MEASURES, period_ok

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
BLIND_FACTS = ("heldout-facts-blind2", "heldout-facts-blind3", "heldout-facts-blind3-payments")
OCR_SETS = ("heldout-ocr", "blind-ocr", "blind2-ocr")
FIELDS = ("doc_sha256", "doc", "line", "start", "end", "kind", "text", "currency", "low", "high")
FACT_FIELDS = ("subject", "measure", "period", "note")


def _records(path: Path) -> list[dict]:
    return [json.loads(r) for r in path.read_text(encoding="utf-8").splitlines() if r.strip()]


def _scope(name: str) -> list[dict]:
    return json.loads((GOLD / name / "scope.json").read_text(encoding="utf-8"))


def _in(scopes: list[dict], r: dict) -> bool:
    return any(s["doc_sha256"] == r["doc_sha256"] and s["lines"][0] <= r["line"] <= s["lines"][1] for s in scopes)


@pytest.mark.parametrize("name", BLIND_FACTS)
def test_blind_facts_are_well_formed_and_in_their_scope(name: str) -> None:
    facts = _records(GOLD / name / "facts.jsonl")
    scopes = _scope(name)
    assert len(facts) >= 70
    spans = set()
    for f in facts:
        assert all(k in f for k in FIELDS + FACT_FIELDS), f
        assert f["kind"] == "fact" and f["measure"] in MEASURES and period_ok(f["period"]), f
        assert f["subject"] is None or (f["subject"] == f["subject"].strip() and f["subject"]), f
        assert f["currency"] in ("GBP", "USD", "EUR") and f["low"] <= f["high"] and f["note"].strip(), f
        assert f["end"] - f["start"] == len(f["text"]) > 0, f
        key = (f["doc_sha256"], f.get("page"), f["line"], f["start"], f["end"])
        assert key not in spans, f"two facts for one amount: {f}"
        spans.add(key)
        assert _in(scopes, f), f"outside tests/gold/{name}/scope.json: {f}"


def test_the_blind3_ltht_cells_carry_their_value() -> None:
    """A cell under a `£000` header is its number in thousands, negative in brackets (as the build values them)."""
    cells = [f for f in _records(GOLD / "heldout-facts-blind3" / "facts.jsonl") if not f["text"].startswith("£")]
    assert len(cells) > 50
    for f in cells:
        number = float(re.sub(r"[^\d]", "", f["text"])) * 1000
        assert f["low"] == f["high"] == (-number if f["text"].startswith("\\(") else number), f


@pytest.mark.parametrize("name", ("heldout-facts-blind2", "heldout-facts-blind3"))
def test_blind_text_facts_locate_their_text(name: str, shared: Path) -> None:
    facts = _records(GOLD / name / "facts.jsonl")
    assert all(source(f["doc"]) for f in facts)
    assert len(list(located(facts))) == len(facts)


@pytest.mark.slow
def test_payments_facts_locate_their_text_in_the_pdf(shared: Path) -> None:
    """PDF lines are numbered per page: each fact's page and line, read by the pipeline, hold its text."""
    facts = _records(GOLD / "heldout-facts-blind3-payments" / "facts.jsonl")
    (doc_name,) = {f["doc"] for f in facts}
    doc = ingested(shared / "realdocs", doc_name)
    assert {f["doc_sha256"] for f in facts} == {doc.sha256}
    lines = {(ln.page, ln.number): ln.text for ln in doc.lines}
    for f in facts:
        assert lines[(f["page"], f["line"])][f["start"] : f["end"]] == f["text"], f
    # the whole document is in scope (the scorer keys lines, not pages), so every page's lines are
    assert _scope("heldout-facts-blind3-payments")[0]["lines"] == [1, max(n for _, n in lines)]


def _other_scopes(name: str) -> list[dict]:
    """The line scopes of every other gold: tests/gold/* and ../shared/gold/dev."""
    out = [s for d in sorted(GOLD.iterdir()) if d.name != name and (d / "scope.json").exists() for s in _scope(d.name)]
    dev = ROOT.parent / "shared" / "gold" / "dev" / "scope.json"
    if dev.exists():
        out += json.loads(dev.read_text(encoding="utf-8"))
    return [s for s in out if "lines" in s]


@pytest.mark.parametrize("name", ("heldout-facts-blind3", "heldout-facts-blind3-payments"))
def test_blind3_lines_are_no_other_golds(name: str) -> None:
    others = _other_scopes(name)
    if name == "heldout-facts-blind3":
        others = [s for s in others if s not in _scope("heldout-facts-blind3-payments")]
    for s in _scope(name):
        a, b = s["lines"]
        clash = [o for o in others if o["doc_sha256"] == s["doc_sha256"] and o["lines"][0] <= b and a <= o["lines"][1]]
        assert clash == [], (s, clash)


@pytest.mark.parametrize("name", BLIND_FACTS)
def test_blind_gold_scores_one_against_itself(name: str, shared: Path) -> None:
    """../shared/eval/score_facts.py reads the set and, given the gold as the prediction, agrees on all.

    The payments PDF numbers its lines from 1 on every page and the scorer pairs by line, not page,
    so there a perfect prediction pairs a few rows with another page's row and finds 0.967, not 1
    (every row has the same subject, measure and period, so agreement stays 1)."""
    gold = GOLD / name
    out = subprocess.run(
        [sys.executable, str(shared / "eval" / "score_facts.py"), str(gold / "facts.jsonl"), str(gold), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    report = json.loads(out)
    assert report["gold"] == report["predicted"] == len(_records(gold / "facts.jsonl"))
    assert report["found"] == (0.9672 if name.endswith("payments") else 1.0)
    assert report["agree"]["all"] == 1.0


def _printed_value(text: str) -> float:
    """The number printed in a figure's text: `£1,465` 1465, `53%` 53, `(0.8%)` -0.8."""
    number = float(re.sub(r"[^\d.]", "", text))
    return -number if text.startswith(("(", "-")) else number


@pytest.mark.parametrize("name", OCR_SETS)
def test_ocr_gold_is_well_formed_and_in_its_scope(name: str) -> None:
    figures = _records(GOLD / name / "figures.jsonl")
    pages = {(s["doc"], p) for s in _scope(name) for p in s["pages"]}
    assert figures and {(f["doc"], f["page"]) for f in figures} == pages  # every scoped page has figures
    for f in figures:
        assert f["kind"] in ("money", "percent") and f["low"] <= f["high"] and f["where"], f
        assert (f["kind"] == "money") == ("currency" in f), f
        single = re.fullmatch(r"\(?[£$€-]?[\d,.]+%?\)?", f["text"])
        if single:  # a single figure as printed (a range over two lines is checked by eye)
            assert f["low"] == f["high"] == _printed_value(f["text"]), f


def test_ocr_sets_share_no_page() -> None:
    seen: dict[tuple[str, int], str] = {}
    for name in OCR_SETS:
        for s in _scope(name):
            for p in s["pages"]:
                assert (s["doc"], p) not in seen, f"{s['doc']} p{p} is in {seen[(s['doc'], p)]} and {name}"
                seen[(s["doc"], p)] = name


def test_ocr_gold_documents_are_realdocs(shared: Path) -> None:
    """scripts/evaluate_ocr.py reads each scoped document from ../shared/realdocs."""
    for name in OCR_SETS:
        for s in _scope(name):
            assert (shared / "realdocs" / s["doc"]).exists(), (name, s["doc"])
