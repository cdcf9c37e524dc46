"""Financial facts: what each amount of money IS (whose money, which measure, which period).

`extract_facts(document, lines, money, bodies, rules, lookup) -> rows` (extract.py) is the one entry
point, over plain data; `load_rules` (rules.py) the one rules loader. `COMPONENT` adapts them to the
component registry (pipeline/components.py): it needs money and body, so it runs after them in the
per-document stage, so facts are cached and incremental with every other extraction, and gives the
rows of table `money_facts` (and the `bodies` rows of bodies named only outside the text, such as a
table's publisher).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import regex

from pipeline.components import Component, Options
from pipeline.facts.accounts import AccountsRules, load_accounts, load_marks
from pipeline.facts.extract import extract_facts
from pipeline.facts.fact_rules import Compiled, load_rules
from pipeline.facts.sites import Sites, load_sites
from pipeline.facts.subject import Known, as_written, find_in, lookup, new_body
from pipeline.model import Document, Extraction
from pipeline.normalise import NormLine

__all__ = ["COMPONENT", "extract", "extract_facts", "load_rules"]
TABLE = "money_facts"


@dataclass(frozen=True)
class FactsRules:
    """rules/facts.yaml, and the folder whose bodies' rules name the subjects (subject.py)."""

    rules: Compiled
    directory: Path
    sites: Sites
    accounts: AccountsRules | None = None  # rules/facts_accounts.yaml
    marks: regex.Pattern[str] | None = None  # bold around a cell (`marks` of rules/table_money.yaml)


def load_facts_rules(rules_dir: Path) -> FactsRules:
    return FactsRules(
        load_rules(rules_dir),
        Path(rules_dir),
        load_sites(Path(rules_dir)),
        load_accounts(Path(rules_dir)),
        load_marks(Path(rules_dir)),
    )


def extract(
    doc: Document, lines: Sequence[NormLine], setup: FactsRules, earlier: Extraction, options: Options
) -> Extraction:
    rules_dir, rules = setup.directory, setup.rules
    money = [m for m in earlier.mentions if m.kind == "money"]
    bodies = [m for m in earlier.mentions if m.kind == "body"]
    used: dict[str, Known] = {}

    def named(known: Known | None) -> Known | None:
        if known is not None:
            if rules.reporting_name is not None:
                known = as_written(known, rules.reporting_name, rules.written_drops)
            used[known.body_id] = known
        return known

    def find(name: str) -> Known | None:
        return named(lookup(name, rules_dir))

    def named_in(text: str) -> Known | None:
        return named(find_in(text, rules_dir))

    def written(name: str, words: str) -> Known | None:
        """The body named `name` (a mention's body) as the words `words` write it (`subject.as_written`)."""
        known = lookup(name, rules_dir)
        return None if known is None else named(replace(known, written=words))

    def founded(name: str, type_: str) -> Known:
        """A body the text names after a known one (`subject.named_after`: "Leeds Hospitals Charity")."""
        known = new_body(name, type_)
        used[known.body_id] = known
        return known

    date = str(doc.meta.get("date") or "") or None

    def site_of(name: str) -> Known | None:
        """The trust that ran the hospital `name` when the document was written (rules/facts_sites.yaml)."""
        trust = setup.sites.trust(name, date)
        return None if trust is None else find(trust)

    with _collector_paused():
        rows = extract_facts(
            doc, lines, money, bodies, rules, find, named_in, site_of, setup.accounts, written, founded, setup.marks
        )
    out = Extraction()
    if rows:
        out.records[TABLE] = rows
        subjects = {r["subject_id"] for r in rows}
        extra = [dict(k.record) for body_id, k in sorted(used.items()) if body_id in subjects]
        if extra:
            out.records["bodies"] = extra
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while one document's facts are made: they allocate many small
    objects and make no cycles, and in a process holding many documents' mentions (the bench, a worker
    given a long document) each collection walks all of them (a tenth to a fifth of the facts' time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


COMPONENT: Component[FactsRules] = Component(
    name="facts",
    load_rules=load_facts_rules,
    extract=extract,
    records=(TABLE,),
    corpus_tables={"bodies": ("aliases",)},
    needs=("money", "body"),
    rule_files=(
        "facts.yaml",
        "facts_sites.yaml",
        "facts_accounts.yaml",
        "table_money.yaml",
        "bodies",
        "normalise.yaml",
    ),
)
