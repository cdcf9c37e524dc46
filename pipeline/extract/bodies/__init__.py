"""Named bodies (kind `body`): a spaCy pipeline driven by the rule files of rules/bodies/.

See extractor.py for the flow. `COMPONENT` is the component (pipeline/components.py); spaCy is
imported only when its rules are first loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.components import Component, Kind, Options
from pipeline.model import Values

if TYPE_CHECKING:
    from pipeline.extract.bodies.extractor import Env
    from pipeline.model import Document, Extraction
    from pipeline.normalise import NormLine


def load_rules(rules_dir: Path) -> Env:
    """The rules of rules/bodies/, with the spaCy pipeline and indexes built from them (once per process)."""
    from pipeline.extract.bodies.extractor import environment

    return environment(Path(rules_dir))


def extract(doc: Document, lines: Sequence[NormLine], env: Env, earlier: Extraction, options: Options) -> Extraction:
    from pipeline.extract.bodies.extractor import extract as run

    return run(doc, lines, env, earlier, options)


class BodyValues(Values, frozen=True, kw_only=True):
    """The columns of a `body_mentions` row besides its provenance."""

    body_id: str  # bodies.id
    name: str  # the body's canonical name
    type: str  # trust | ccg | stp | ...
    how: str  # gazetteer | pattern | abbreviation | ner: how the mention was linked to its body


COMPONENT: Component[Env] = Component(
    name="bodies",
    load_rules=load_rules,
    extract=extract,
    kinds={"body": Kind("body_mentions", BodyValues)},
    corpus_tables={"bodies": ("aliases",)},
    rule_files=("bodies",),
)
