"""Financial facts: what each amount of money IS (whose money, which measure, which period).

`extract_facts(document, lines, money, bodies, rules, lookup) -> rows` (extract.py) is the one entry
point, over plain data; `load_rules` (rules.py) the one rules loader. `extract` adapts them to the
extractor registry (pipeline/extract/__init__.py): it runs after money and bodies in the
per-document stage, so facts are cached and incremental with every other extraction, and gives the
rows of table `money_facts` (and the `bodies` rows of bodies named only outside the text, such as a
table's publisher).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.facts.extract import extract_facts
from pipeline.facts.fact_rules import load_rules
from pipeline.facts.subject import Known, find_in, lookup
from pipeline.model import Document, Extraction
from pipeline.normalise import NormLine

__all__ = ["extract", "extract_facts", "load_rules"]
TABLE = "money_facts"


def extract(doc: Document, lines: Sequence[NormLine], ctx: object) -> Extraction:
    rules_dir = Path(ctx.rules)  # type: ignore[attr-defined]
    rules = load_rules(rules_dir)
    so_far: Extraction = ctx.options.get("so_far") or Extraction()  # type: ignore[attr-defined]
    money = [m for m in so_far.mentions if m.kind == "money"]
    bodies = [m for m in so_far.mentions if m.kind == "body"]
    used: dict[str, Known] = {}

    def find(name: str) -> Known | None:
        known = lookup(name, rules_dir)
        if known is not None:
            used[known.body_id] = known
        return known

    def named_in(text: str) -> Known | None:
        known = find_in(text, rules_dir)
        if known is not None:
            used[known.body_id] = known
        return known

    rows = extract_facts(doc, lines, money, bodies, rules, find, named_in)
    out = Extraction()
    if rows:
        out.records[TABLE] = rows
        subjects = {r["subject_id"] for r in rows}
        extra = [dict(k.record) for body_id, k in sorted(used.items()) if body_id in subjects]
        if extra:
            out.records["bodies"] = extra
    return out
