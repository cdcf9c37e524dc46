"""The held-out fact gold (tests/gold/heldout-facts) and how `make eval` scores facts with it."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gold_support import evaluate_module, located, source

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "tests" / "gold" / "heldout-facts"
MENTIONS = ROOT / "tests" / "gold" / "heldout"
SHARED = ROOT.parent / "shared"
# the measures of ../shared/gold/GUIDELINES.md, section "fact" (test_measures_are_the_guidelines checks them)
MEASURES = ("deficit", "surplus", "control_total", "savings", "gap", "funding", "capital", "spend", "other")
MONEY_FIELDS = ("text", "low", "high", "currency")


def _facts() -> list[dict]:
    return [json.loads(r) for r in (FACTS / "facts.jsonl").read_text(encoding="utf-8").splitlines() if r.strip()]


def _scopes(gold: Path) -> list[dict]:
    return json.loads((gold / "scope.json").read_text(encoding="utf-8"))


def _money() -> list[dict]:
    rows = [json.loads(r) for f in sorted(MENTIONS.glob("*.jsonl")) for r in f.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["kind"] == "money"]


def _in(scopes: list[dict], r: dict) -> bool:
    return any(s["doc_sha256"] == r["doc_sha256"] and s["lines"][0] <= r["line"] <= s["lines"][1] for s in scopes)


def period_ok(p: str | None) -> bool:
    """A period as the guidelines write it: null, `2015`, `2017/18`, or a run `2016/17-2020/21`."""
    if p is None or re.fullmatch(r"(19|20)\d\d", p):
        return True
    years = [(int(a), int(b)) for a, b in re.findall(r"((?:19|20)\d\d)/(\d\d)", p)]
    if not re.fullmatch(r"(19|20)\d\d/\d\d(-(19|20)\d\d/\d\d)?", p):
        return False
    return all((a + 1) % 100 == b for a, b in years) and (len(years) == 1 or years[0][0] < years[1][0])


def test_period_ok_accepts_the_guideline_forms_only() -> None:
    assert all(period_ok(p) for p in (None, "2015", "2017/18", "2016/17-2020/21", "1999/00"))
    bad = ("2017-18", "2017/19", "2017–18", "FY18", "2020/21-2016/17", "17/18", "2017/18-", " 2017/18", "last year")
    assert not any(period_ok(p) for p in bad)


def test_every_fact_locates_its_text_and_is_well_formed() -> None:
    facts = _facts()
    checked = 0
    for _ in located(facts):
        checked += 1
    for f in facts:
        assert f["kind"] == "fact", f
        assert f["measure"] in MEASURES, f
        assert period_ok(f["period"]), f
        assert f["subject"] is None or (f["subject"] == f["subject"].strip() and f["subject"]), f
        assert f["currency"] in ("GBP", "USD", "EUR") and f["low"] <= f["high"], f
    corpus = [f for f in facts if (ROOT / "corpus" / f["doc"]).exists()]
    assert len(corpus) > 100 and checked >= len(corpus)  # the corpus part is always checked


def test_every_fact_matches_a_money_record_or_a_scope_of_its_own() -> None:
    """A fact is one money record of the mention gold, or lies in a fact scope the mention gold does not cover."""
    money = {(m["doc_sha256"], m["line"], m["start"], m["end"]): m for m in _money()}
    money_scopes = [s for s in _scopes(MENTIONS) if "money" in s["kinds"]]
    fact_scopes = _scopes(FACTS)
    seen = set()
    for f in _facts():
        key = (f["doc_sha256"], f["line"], f["start"], f["end"])
        assert key not in seen, f"two facts for one amount: {f}"
        seen.add(key)
        assert _in(fact_scopes, f), f"outside tests/gold/heldout-facts/scope.json: {f}"
        if key in money:
            assert all(f[k] == money[key][k] for k in MONEY_FIELDS), (f, money[key])
        else:
            assert not _in(money_scopes, f), f"in the mention gold's scope but not one of its money records: {f}"


def test_every_money_record_of_the_mention_gold_has_its_fact() -> None:
    """The scorer counts a predicted fact in scope with no gold as a false alarm, so scope means complete."""
    fact_scopes = _scopes(FACTS)
    facts = {(f["doc_sha256"], f["line"], f["start"], f["end"]) for f in _facts()}
    money = _money()
    assert len(money) >= 225 and all(_in(fact_scopes, m) for m in money)  # the mention gold's ranges are all in scope
    assert [m for m in money if (m["doc_sha256"], m["line"], m["start"], m["end"]) not in facts] == []


def test_measures_are_the_guidelines(shared: Path) -> None:
    text = (shared / "gold" / "GUIDELINES.md").read_text(encoding="utf-8")
    section = text[text.index("## fact") :]
    table = section[section.index("| measure |") : section.index("Hard cases")]
    assert tuple(re.findall(r"^\| `(\w+)` \|", table, flags=re.M)) == MEASURES


def test_gold_scores_one_against_itself(shared: Path) -> None:
    """../shared/eval/score_facts.py, given the gold file itself as the prediction, finds and agrees on all."""
    out = subprocess.run(
        [sys.executable, str(shared / "eval" / "score_facts.py"), str(FACTS / "facts.jsonl"), str(FACTS), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    report = json.loads(out)
    assert report["gold"] == report["predicted"] == len(_facts())
    assert report["found"] == 1.0
    assert report["agree"] == {"subject": 1.0, "measure": 1.0, "period": 1.0, "all": 1.0}
    assert report["facts"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def _mentions_only_db(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("create table mentions (doc_sha256, line, char_start, char_end, kind, text)")
    con.commit()
    con.close()


def test_eval_skips_facts_without_a_facts_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ev = evaluate_module()
    db = tmp_path / "no_facts.db"
    _mentions_only_db(db)
    ev.score_facts(db, {}, ["--misses", "0"])
    out = capsys.readouterr()
    assert out.out.strip() == f"facts: {db} has no `facts` view or table; fact scoring skipped"
    ev.score_facts(db, {}, ["--json"])  # stdout stays JSON: the reason goes to stderr
    out = capsys.readouterr()
    assert out.out == "" and "fact scoring skipped" in out.err


def test_eval_scores_a_facts_view(tmp_path: Path, capfd: pytest.CaptureFixture[str], shared: Path) -> None:
    """With a `facts` view (here the gold itself, less one amount), `make eval` scores it with score_facts.py."""
    ev = evaluate_module()
    where = ev.fact_docs({doc: path for doc in {f["doc"] for f in _facts()} if (path := source(doc))})
    gold = [f for f in _facts() if f["doc"] in where]
    db = tmp_path / "facts.db"
    con = sqlite3.connect(db)
    con.execute("create table fact_rows (doc_sha256, line, char_start, char_end, text, subject, measure, period)")
    rows = [
        [f[k] for k in ("doc_sha256", "line", "start", "end", "text", "subject", "measure", "period")] for f in gold
    ]
    con.executemany("insert into fact_rows values (?, ?, ?, ?, ?, ?, ?, ?)", rows[1:])  # the first is missed
    con.execute("create view facts as select * from fact_rows")
    con.commit()
    con.close()
    capfd.readouterr()
    ev.score_facts(db, where, ["--json"])
    report = json.loads(capfd.readouterr().out)
    assert report["gold"] == len(gold) and report["predicted"] == len(gold) - 1
    assert report["found"] == round((len(gold) - 1) / len(gold), 4)
    assert report["agree"]["all"] == 1.0
    assert [m["text"] for m in report["misses"]] == [gold[0]["text"]]
