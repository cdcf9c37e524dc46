"""The extractors, and how one document is run through them.

Each extractor is a plain function ``extract(doc, lines, ctx) -> Extraction``
over one document: `lines` are the document's lines normalised for matching
(one `NormLine` per `doc.lines` entry), and every mention it returns carries
raw-line offsets (``NormLine.to_raw``).

To add a kind of mention: write the module, add it to `EXTRACTORS` and
`KIND_TABLES`, and give it a schema file in ``db/schema/`` that creates its
table and a ``mentions_<kind>`` view with the columns of `MENTION_COLUMNS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.model import Document, Extraction
from pipeline.normalise import NormLine, load_rewrites, normalise
from pipeline.rules import rules_dir


@dataclass(frozen=True)
class Context:
    """What every extractor may use besides the document: where the rules are, and options."""

    rules: Path = field(default_factory=rules_dir)
    options: dict[str, Any] = field(default_factory=dict)


Extractor = Callable[[Document, Sequence[NormLine], Context], Extraction]

# kind -> "module:function", run in this order (later extractors may read earlier results
# through `Extraction`, passed in ctx.options["so_far"]).
EXTRACTORS: dict[str, str] = {
    "money": "pipeline.extract.money:extract",
    "percent": "pipeline.extract.percent:extract",
    "page_ref": "pipeline.extract.citations:extract_page_refs",
    "quote": "pipeline.extract.citations:extract_quotes",
    "body": "pipeline.extract.bodies:extract",
    "fact": "pipeline.facts:extract",  # records only (money_facts): what each amount of money is
}

# kind -> table holding one row per mention of that kind
KIND_TABLES: dict[str, str] = {
    "money": "money",
    "percent": "percentages",
    "page_ref": "page_refs",
    "quote": "quote_segments",
    "body": "body_mentions",
}

# tables of records shared by the whole corpus rather than one document (no document_id):
# table -> its JSON-list columns, united when two documents give a row with the same id
CORPUS_TABLES: dict[str, tuple[str, ...]] = {
    "bodies": ("aliases",),
    "cited_documents": (),
}

# the columns every mentions_<kind> view gives, in this order (see db/schema/)
MENTION_COLUMNS = (
    "id",
    "kind",
    "document_id",
    "doc_sha256",
    "doc",
    "page",
    "line",
    "char_start",
    "char_end",
    "text",
    "line_text",
    "low",
    "high",
    "currency",
    "page_first",
    "page_last",
    "cites",
    "name",
    "type",
)


def load_extractor(spec: str) -> Extractor:
    module, _, func = spec.partition(":")
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


def normalise_lines(doc: Document, rules: Path | None = None) -> list[NormLine]:
    rewrites = load_rewrites(rules)
    return [normalise(line.text, rewrites) for line in doc.lines]


def extract_all(doc: Document, ctx: Context, kinds: Sequence[str] | None = None) -> Extraction:
    """Run every extractor (or those of `kinds`) over one document."""
    lines = normalise_lines(doc, ctx.rules)
    result = Extraction()
    for kind, spec in EXTRACTORS.items():
        if kinds is not None and kind not in kinds:
            continue
        run_ctx = Context(ctx.rules, {**ctx.options, "so_far": result})
        result.extend(load_extractor(spec)(doc, lines, run_ctx))
    return result
