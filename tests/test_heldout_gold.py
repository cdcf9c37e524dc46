"""The held-out gold (tests/gold/heldout) and scripts/evaluate_heldout.py, which builds and scores it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gold_support import evaluate_module, located, source

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "heldout"
BODIES = ROOT / "tests" / "gold" / "heldout-bodies"  # the body gold, scored by `make eval` too
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "eval" / "score.py"


def _records() -> list[dict]:
    return [json.loads(r) for f in sorted(GOLD.glob("*.jsonl")) for r in f.read_text(encoding="utf-8").splitlines()]


def test_every_record_locates_its_text_in_scope() -> None:
    scopes = json.loads((GOLD / "scope.json").read_text(encoding="utf-8"))
    records = _records()
    checked = 0
    for r in located(records):
        assert any(s["doc"] == r["doc"] and s["lines"][0] <= r["line"] <= s["lines"][1] for s in scopes), r
        checked += 1
    corpus = [r for r in records if (ROOT / "corpus" / r["doc"]).exists()]
    assert len(corpus) > 250 and checked >= len(corpus)  # the corpus part is always checked


def _mentions_db(path: Path, rows: list[dict]) -> None:
    con = sqlite3.connect(path)
    cols = ("doc_sha256", "doc", "line", "char_start", "char_end", "kind", "text", "line_text", "low", "high")
    cols += ("currency", "page_first", "page_last", "cites", "name", "type")
    con.execute(f"create table mentions ({', '.join(cols)})")
    con.executemany(
        f"insert into mentions values ({', '.join('?' * len(cols))})", [[r.get(c) for c in cols] for r in rows]
    )
    con.commit()
    con.close()


def test_own_scorer_agrees_with_the_shared_one(tmp_path: Path) -> None:
    if not SCORER.exists():
        pytest.skip(f"../shared is absent: {SCORER} is needed to compare with")
    ev = evaluate_module()
    scopes = [s for s in json.loads((GOLD / "scope.json").read_text(encoding="utf-8")) if source(s["doc"])]
    scopes += [s for s in json.loads((BODIES / "scope.json").read_text(encoding="utf-8")) if source(s["doc"])]
    bodies = [json.loads(r) for f in sorted(BODIES.glob("*.jsonl")) for r in f.read_text(encoding="utf-8").splitlines()]
    gold = [r for r in [*_records(), *bodies] if source(r["doc"])]
    texts = {doc: source(doc).read_text(encoding="utf-8").split("\n") for doc in {r["doc"] for r in gold}}
    preds = []
    for i, g in enumerate(gold):
        p = ev.flat(g)
        p["line_text"] = texts[g["doc"]][g["line"] - 1]
        if i % 7 == 0:
            continue  # a miss
        if i % 11 == 0:
            p["char_end"] -= 1  # overlapping, not exact
            p["text"] = p["text"][:-1]
        if i % 13 == 0 and p["kind"] in ("money", "percent"):
            p["high"] = (p["high"] or 0) + 1  # a wrong value
        if i % 13 == 0 and p["kind"] == "body":
            p["type"] = "other" if p["type"] != "other" else "trust"  # a wrong type
        preds.append(p)
    db = tmp_path / "pred.db"
    _mentions_db(db, preds)
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "scope.json").write_text(json.dumps(scopes), encoding="utf-8")
    (tmp_path / "gold" / "g.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    shared = subprocess.run(
        [sys.executable, str(SCORER), str(db), str(tmp_path / "gold")], capture_output=True, text=True, check=True
    ).stdout
    from contextlib import redirect_stdout
    from io import StringIO

    buf = StringIO()
    with redirect_stdout(buf):
        ev.score(db, scopes, gold, 0)
    kinds = ("money ", "percent ", "page_ref ", "body ", "quote ")
    assert [r for r in buf.getvalue().splitlines() if r.startswith(kinds)] == [
        r for r in shared.splitlines() if r.startswith(kinds)
    ]
