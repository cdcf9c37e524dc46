"""Staff counts (kind `staff`, table `staff_counts`): `1,200 nurses`, `45 consultants`, `300 whole-time
equivalent staff`. A toy component kept outside the pipeline, registered by tests/test_components.py
with `pipeline.components.register`: one module (this), one rule file (staff.yaml), one schema file
(staff.sql)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import regex

from pipeline.components import Component, Kind, Options
from pipeline.model import Document, Extraction, Mention, Values
from pipeline.normalise import NormLine
from pipeline.rules import Pattern, RuleModel, load_model

HERE = Path(__file__).resolve().parent
RULE_FILE = HERE / "staff.yaml"  # a plugin's own rule file (a built-in one lives in rules/)


class StaffRules(RuleModel):
    """staff.yaml: the words naming a group of staff, and the pattern of a count before one."""

    roles: dict[str, list[str]]  # role -> the words naming it (`nurses`, `nursing staff`)
    count: Pattern  # the number, in group `n`


def load_rules(rules_dir: Path) -> StaffRules:
    return load_model(StaffRules, RULE_FILE)


class StaffValues(Values, frozen=True, kw_only=True):
    count: int
    role: str


def extract(
    doc: Document, lines: Sequence[NormLine], rules: StaffRules, earlier: Extraction, options: Options
) -> Extraction:
    words = {w: role for role, ws in rules.roles.items() for w in ws}
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = regex.compile(rf"{rules.count}\s+(?P<role>{alternatives})\b", regex.IGNORECASE)
    out = Extraction()
    for i, nl in enumerate(lines):
        for m in pattern.finditer(nl.text):
            rs, re_ = nl.to_raw(m.start(), m.end())
            values = StaffValues(count=int(m.group("n").replace(",", "")), role=words[m.group("role").lower()])
            out.mentions.append(Mention("staff", i, rs, re_, nl.raw[rs:re_], values))
    return out


COMPONENT: Component[StaffRules] = Component(
    name="staff",
    load_rules=load_rules,
    extract=extract,
    kinds={"staff": Kind("staff_counts", StaffValues)},
    rule_files=(str(RULE_FILE),),
    schema=(HERE / "staff.sql",),
)
