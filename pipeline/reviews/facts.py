"""Facts as items a reviewer judges: whose money an amount is, what it measures, which period.

A fact is one row of the `facts` view (one per money row, its id the money id). Its verdict is
keyed like a mention's (document SHA-256, kind `fact`, position, text) and carries the same
TextQuoteSelector, so it is attached again after a rebuild, re-anchored when the document
changed, or listed as orphaned (pipeline/reviews/anchor.py).

A `wrong` verdict on a fact names what is wrong and its correction, written
``subject: <body>; measure: <measure>; period: <period>`` (only the wrong fields; the others
were right). The measures and the period form are checked against rules/fact_review.yaml.
"""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from pipeline.reviews.items import Item, Segment, has_table, rows
from pipeline.rules import Regex, RuleModel, load_model, rules_dir

FACT = "fact"
FIELDS = ("subject", "measure", "period")
FACT_VALUES = ("subject_id", "subject", "measure", "period", "period_source", "low", "high", "currency")
RULE_FILE = "fact_review.yaml"


class ReviewRules(RuleModel):
    """rules/fact_review.yaml: what a reviewer may write in a correction of a fact."""

    measures: tuple[Annotated[str, Field(min_length=1)], ...] = Field(min_length=1)
    period: Regex  # the form of a period (matched whole)
    none_words: Annotated[frozenset[str], AfterValidator(lambda ws: frozenset(w.lower() for w in ws))]


@lru_cache(maxsize=4)
def load_rules(directory: Path | None = None) -> ReviewRules:
    return load_model(ReviewRules, rules_dir(directory) / RULE_FILE)


class CorrectionError(ValueError):
    """A correction of a fact that cannot be stored, with the reason in words."""


def correction(
    subject: str | None, measure: str | None, period: str | None, rules: ReviewRules | None = None
) -> str | None:
    """The `correct` text of a verdict on a fact, from the fields the reviewer filled in (None: none)."""
    rules = rules or load_rules()
    parts = []
    for name, value in zip(FIELDS, (subject, measure, period), strict=True):
        value = (value or "").strip()
        if not value:
            continue
        none = value.lower() in rules.none_words
        if name == "measure" and value not in rules.measures:
            raise CorrectionError(f"the measure must be one of {', '.join(rules.measures)}, not {value!r}")
        if name == "period" and not none and not rules.period.fullmatch(value):
            raise CorrectionError(
                f"the period {value!r} is not written as the facts write it: 2017/18, 2016/17-2020/21, 2015 (or none)"
            )
        parts.append(f"{name}: {'none' if none else value}")
    return "; ".join(parts) or None


def parse_correction(text: str | None) -> dict[str, str]:
    """``subject: X; measure: Y`` back to {'subject': 'X', 'measure': 'Y'}; other text is ignored."""
    out: dict[str, str] = {}
    for part in (text or "").split(";"):
        name, sep, value = part.partition(":")
        if sep and name.strip() in FIELDS and value.strip():
            out[name.strip()] = value.strip()
    return out


# --- reading facts --------------------------------------------------------------------------------


def get_fact(conn: sqlite3.Connection, fact_id: str) -> Item | None:
    if not has_table(conn, "facts"):
        return None
    found = rows(conn, "SELECT * FROM facts WHERE id = ?", (fact_id,))
    if not found:
        return None
    f = found[0]
    line = rows(
        conn,
        "SELECT id, x0, top, x1, bottom FROM lines WHERE document_id = ? AND page IS ? AND line = ?",
        (f["document_id"], f["page"], f["line"]),
    )
    if not line:
        return None
    box = rows(conn, "SELECT x0, top, x1, bottom FROM money WHERE id = ?", (f["money_id"],))
    bbox = None
    if box and all(box[0][k] is not None for k in ("x0", "top", "x1", "bottom")):
        bbox = (float(box[0]["x0"]), float(box[0]["top"]), float(box[0]["x1"]), float(box[0]["bottom"]))
    seg = Segment(line[0]["id"], f["page"], f["line"], f["char_start"], f["char_end"], f["text"], f["line_text"], bbox)
    values = {k: f[k] for k in FACT_VALUES if f.get(k) is not None}
    if f.get("basis"):
        values["basis"] = f["basis"]
    return Item(FACT, str(f["id"]), f["document_id"], f["doc"], f["doc_sha256"] or "", f["text"], (seg,), values)


def candidate_ids(conn: sqlite3.Connection, doc_ids: list[int], exact: str) -> list[str]:
    """Facts with text `exact` in these documents (for re-anchoring)."""
    if not doc_ids or not has_table(conn, "facts"):
        return []
    marks = ", ".join("?" for _ in doc_ids)
    sql = f"SELECT id FROM facts WHERE document_id IN ({marks}) AND text = ?"
    return [str(r[0]) for r in conn.execute(sql, (*doc_ids, exact))]


def describe(item: Item) -> list[tuple[str, str]]:
    """What was decided about the amount, in words, with why (the rule and the words that decided it)."""
    v = item.values
    out = []
    if v.get("low") is not None:  # the amount itself is judged on its own money audit page
        value = f"{v['low']:,.10g}"
        if v.get("high") is not None and v["high"] != v["low"]:
            value += f" to {v['high']:,.10g}"
        out.append(("Value", f"{value} {v.get('currency') or ''}".strip()))
    out += [
        ("Subject", str(v.get("subject") or "(no one body)")),
        ("Measure", str(v.get("measure") or "(none)")),
        (
            "Period",
            str(v.get("period") or "(none named)")
            + (f" (from {v['period_source']})" if v.get("period_source") else ""),
        ),
    ]
    out.extend((f"Why ({name})", why) for name, why in basis_lines(v.get("basis")))
    return out


def basis_lines(basis: Any) -> list[tuple[str, str]]:
    """The basis JSON in words: one line per field decided, `rule: "the deciding words"`.

    The facts write a list of ``{field, rule, words, spans}``; a mapping of field to such
    details is read the same way.
    """
    if isinstance(basis, str):
        try:
            basis = json.loads(basis)
        except json.JSONDecodeError:
            return [("basis", basis)]
    if isinstance(basis, dict):
        basis = [{"field": k, **(v if isinstance(v, dict) else {"rule": v})} for k, v in basis.items()]
    if not isinstance(basis, list):
        return []
    out = []
    for entry in basis:
        if not isinstance(entry, dict):
            continue
        words = entry.get("words")
        if isinstance(words, list):
            words = " … ".join(str(w) for w in words)
        text = str(entry.get("rule") or "")
        if words:
            text += f": “{words}”"
        out.append((str(entry.get("field") or "basis"), text))
    return out


def disagreements(conn: sqlite3.Connection, fact_id: str) -> list[dict[str, Any]]:
    """The other facts of every discrepancy this fact is in (rules/discrepancies.yaml), for its audit page."""
    if not has_table(conn, "discrepancy_facts") or not has_table(conn, "facts"):
        return []
    return rows(
        conn,
        "SELECT x.id AS discrepancy_id, x.subject, x.measure, x.period, x.aspect, x.amounts, mine.claim AS my_claim, "
        "df.claim, f.id AS fact_id, f.text, f.page, f.line, d.title AS document, d.file AS doc "
        "FROM discrepancy_facts mine JOIN discrepancies x ON x.id = mine.discrepancy_id "
        "JOIN discrepancy_facts df ON df.discrepancy_id = x.id AND df.fact_id != mine.fact_id "
        "JOIN facts f ON f.id = df.fact_id JOIN documents d ON d.id = f.document_id "
        "WHERE mine.fact_id = ? ORDER BY x.id, df.seq",
        (fact_id,),
    )
