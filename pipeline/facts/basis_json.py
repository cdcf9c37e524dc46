"""The JSON text of a fact's basis (the `basis` column of `money_facts`), written as
`json.dumps(basis, ensure_ascii=False)` writes it, with less work per row (issue 9: what facts cost).

One item of a basis (`encode_item`) always has the same keys and kinds of value, so it is written key by key,
each string by the encoder's own function (the C encoder walked a new dict per item and span); a document's
facts share many items, each written once, and a fact's basis is its three items' texts joined (`encode_list`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_ITEM_SEPARATOR = ", "  # `json.dumps`'s between a list's items (no indent)


def encode_list(items: list[str]) -> str:
    """The JSON text of a list whose items' texts are `items` (each an `encode_item` text), as `json.dumps`
    writes the list: a fact's basis is three items, and a document's facts share many of them (its
    subject, a column's year), each encoded once."""
    return "[" + _ITEM_SEPARATOR.join(items) + "]"


_STRING: Callable[[str], str] = json.encoder.encode_basestring  # a str as `json.dumps` writes it (ensure_ascii off)


def encode_item(field: str, rule: str, words: str | None = None, spans: list[dict[str, Any]] | None = None) -> str:
    """The JSON text `json.dumps` gives one item of a fact's basis, `{"field", "rule"}` and, when it has words,
    `"words"` and `"spans"` (each `{"page", "line", "char_start", "char_end", "text"}`: an int or None, three
    ints, a str), written key by key: most items of a document are made once each, and their shape is always this one
    (the C encoder walked a new dict per item and span, a fifth of a row's cost)."""
    head = f'{{"field": {_STRING(field)}, "rule": {_STRING(rule)}'
    if words is None:
        return head + "}"
    return f'{head}, "words": {_STRING(words)}, "spans": [{", ".join([_span(s) for s in spans or ()])}]}}'


def _span(s: dict[str, Any]) -> str:
    page = "null" if s["page"] is None else int.__repr__(s["page"])  # (how the encoder writes an int)
    return (
        f'{{"page": {page}, "line": {int.__repr__(s["line"])}, "char_start": {int.__repr__(s["char_start"])}, '
        f'"char_end": {int.__repr__(s["char_end"])}, "text": {_STRING(s["text"])}}}'
    )
