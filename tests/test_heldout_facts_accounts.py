"""The accounts tuning gold (tests/gold/heldout-facts-accounts, LTHT annual accounts 2024/25): each record
is well formed, locates its text, is valued as the build values a `£000` cell, stays in its scope, and
no line of it is another gold's (blind3's lines above all, which stay blind)."""

from __future__ import annotations

import re
from pathlib import Path

import tests.test_heldout_blind_gold as blind
from tests.gold_support import located, source

NAME = "heldout-facts-accounts"
GOLD = Path(__file__).resolve().parent / "gold" / NAME


def test_accounts_facts_are_well_formed_and_in_their_scope() -> None:
    blind.test_blind_facts_are_well_formed_and_in_their_scope(NAME)


def test_accounts_cells_carry_their_value() -> None:
    for f in blind._records(GOLD / "facts.jsonl"):
        number = float(re.sub(r"[^\d]", "", f["text"])) * 1000
        assert f["low"] == f["high"] == (-number if f["text"].startswith("\\(") else number), f


def test_accounts_facts_locate_their_text(shared: Path) -> None:
    facts = blind._records(GOLD / "facts.jsonl")
    assert all(source(f["doc"]) for f in facts)
    assert len(list(located(facts))) == len(facts)


def test_accounts_lines_are_no_other_golds() -> None:
    # fact golds (a mentions gold's scope names its kinds; the money cells of heldout-money-accounts may share lines)
    others = [o for o in blind._other_scopes(NAME) if "fact" in o.get("kinds", ["fact"])]
    for s in blind._scope(NAME):
        a, b = s["lines"]
        clash = [o for o in others if o["doc_sha256"] == s["doc_sha256"] and o["lines"][0] <= b and a <= o["lines"][1]]
        assert clash == [], (s, clash)
