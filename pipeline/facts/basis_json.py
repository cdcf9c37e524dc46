"""The JSON text of a fact's basis (the `basis` column of `money_facts`), encoded as
`json.dumps(basis, ensure_ascii=False)` encodes it, with less work per row (issue 9: what facts cost).

`json.JSONEncoder.encode` builds Python's C encoder anew on every call, with a record of the containers
it has entered (to refuse a circular reference). A basis is a new tree of dicts, lists, strings and
numbers, so the C encoder is built once, without that record: the text is the same.
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
    """The JSON text of a list whose items' texts are `items` (each an `encode_basis` text), as `encode_basis`
    writes the list: a fact's basis is three items, and a document's facts share many of them (its subject,
    a column's year), each encoded once."""
    return "[" + _ENCODER.item_separator.join(items) + "]"
