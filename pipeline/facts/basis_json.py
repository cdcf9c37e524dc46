"""The JSON text of a fact's basis (the `basis` column of `money_facts`), encoded as
`json.dumps(basis, ensure_ascii=False)` encodes it, with less work per row (issue 9: what facts cost).

`json.JSONEncoder.encode` builds Python's C encoder anew on every call, with a record of the containers
it has entered (to refuse a circular reference). A basis is a new tree of dicts, lists, strings and
numbers, so the C encoder is built once, without that record: the text is the same. One item of a basis
(`encode_item`) always has the same keys and kinds of value, so it is written key by key, each string by the
encoder's own function.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _encoder() -> Callable[[Any], str]:
    """What `_ENCODER.encode` runs for a list or dict: the C encoder (built with the same arguments as
    `JSONEncoder.iterencode` gives it) and its pieces joined; `_ENCODER.encode` where there is none."""
    make: Any = getattr(importlib.import_module("json.encoder"), "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode
    e = _ENCODER
    chunks = make(
        None,
        e.default,
        json.encoder.encode_basestring,
        e.indent,
        e.key_separator,
        e.item_separator,
        e.sort_keys,
        e.skipkeys,
        e.allow_nan,
    )

    def encode(basis: Any) -> str:
        if not isinstance(basis, (list, dict)):
            return _ENCODER.encode(basis)
        return "".join(chunks(basis, 0))

    return encode


encode_basis: Callable[[Any], str] = _encoder()


def encode_list(items: list[str]) -> str:
    """The JSON text of a list whose items' texts are `items` (each an `encode_item` or `encode_basis` text), as
    `encode_basis` writes the list: a fact's basis is three items, and a document's facts share many of them (its
    subject, a column's year), each encoded once."""
    return "[" + _ENCODER.item_separator.join(items) + "]"


_STRING: Callable[[str], str] = json.encoder.encode_basestring  # a str as `_ENCODER` writes it (ensure_ascii off)


def encode_item(field: str, rule: str, words: str | None = None, spans: list[dict[str, Any]] | None = None) -> str:
    """`encode_basis` of one item of a fact's basis, `{"field", "rule"}` and, when it has words, `"words"` and
    `"spans"` (each `{"page", "line", "char_start", "char_end", "text"}`: an int or None, three ints, a str),
    written key by key: most items of a document are made once each, and their shape is always this one
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
