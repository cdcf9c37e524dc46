"""The held-out body gold (tests/gold/heldout-bodies): every record locates its text exactly, within its scope."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.extract.bodies.body_rules import TYPES

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "heldout-bodies"
SHARED = ROOT.parent / "shared"


def _source(name: str) -> Path:
    corpus = ROOT / "corpus" / name
    return corpus if corpus.exists() else SHARED / "realdocs" / name


def _records() -> list[dict]:
    out = []
    for f in sorted(GOLD.glob("*.jsonl")):
        out += [json.loads(r) for r in f.read_text(encoding="utf-8").splitlines() if r.strip()]
    return out


@pytest.mark.parametrize("doc", sorted({r["doc"] for r in _records()}))
def test_every_record_is_its_line_sliced_at_its_offsets(doc: str) -> None:
    path = _source(doc)
    if not path.exists():
        pytest.skip(f"../shared is absent: {doc} is one of its real documents")
    raw = path.read_bytes()
    lines = raw.decode("utf-8").split("\n")
    scopes = [s for s in json.loads((GOLD / "scope.json").read_text(encoding="utf-8")) if s["doc"] == doc]
    assert scopes and all(s["kinds"] == ["body"] for s in scopes)
    assert {s["doc_sha256"] for s in scopes} == {hashlib.sha256(raw).hexdigest()}
    for r in (r for r in _records() if r["doc"] == doc):
        assert r["doc_sha256"] == scopes[0]["doc_sha256"]
        assert lines[r["line"] - 1][r["start"] : r["end"]] == r["text"], r
        assert any(s["lines"][0] <= r["line"] <= s["lines"][1] for s in scopes), r
        assert r["kind"] == "body" and r["type"] in TYPES and r["name"].strip()
