"""Named bodies (kind `body`): a spaCy pipeline driven by the rule files of rules/bodies/.

See extractor.py for the flow. `extract` is the entry point registered in
pipeline/extract/__init__.py; spaCy is imported only when it first runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.extract import Context
    from pipeline.model import Document, Extraction
    from pipeline.normalise import NormLine


def extract(doc: Document, lines: Sequence[NormLine], ctx: Context) -> Extraction:
    from pipeline.extract.bodies.extractor import extract as run

    return run(doc, lines, ctx)
