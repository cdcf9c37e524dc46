"""Variant names of NHS organisations, by the rules of rules/bodies/variants.yaml.

Used by scripts/make_gazetteer.py for the ODS list, and by the gazetteer loader
for hand-curated NHS bodies (former names such as `Luton and Dunstable University
Hospital NHS Foundation Trust`), so both get the same variants.
"""

from __future__ import annotations

import re
from typing import Any


def variants(official: str, type_: str, conf: dict[str, Any]) -> list[str]:
    """Every variant name of one organisation, in a stable order."""
    org_words = {w.lower() for w in conf["org_words"]}
    out: list[str] = []
    for rule in conf["variants"]:
        if rule["type"] != type_ or not official.endswith(rule["suffix"]):
            continue
        stem = official[: -len(rule["suffix"])].strip().rstrip(",").strip()
        stem = re.sub(r"^(The|NHS) ", "", stem)
        stems = [stem]
        for word in rule.get("drop_words", []):
            for s in list(stems):
                dropped = re.sub(rf"\b{re.escape(word)}\b ?", "", s).strip()
                if dropped and dropped != s:
                    stems.append(dropped)
        for s in stems:
            out.extend(form.format(stem=s) for form in rule["forms"])
            words = {w.strip(",").lower() for w in s.split()}
            if rule.get("stem_alone") and words & org_words:
                out.append(s)
    return out
