"""Facts: a row's basis is encoded (`pipeline.facts.basis_json`) to the same JSON text as
`json.dumps(basis, ensure_ascii=False)`, item by item and joined (issue 9: what facts cost)."""

from __future__ import annotations

import json

from pipeline.facts.basis_json import encode_item, encode_list


def test_a_basis_of_every_corpus_line_is_written_as_json_dumps(corpus_lines: dict[str, list[str]]) -> None:
    # `encode_item` writes an item key by key, `encode_list` joins a basis's items: the texts `json.dumps` gives
    # the item and the basis, whatever the line's characters
    checked = 0
    for name, lines in corpus_lines.items():
        for number, line in enumerate(lines, 1):
            texts: list[str] = []
            basis: list[dict[str, object]] = []
            spans = [
                {"page": None, "line": number, "char_start": 0, "char_end": len(line), "text": line},
                {"page": 2, "line": number, "char_start": 1, "char_end": 2, "text": line[1:2]},
            ]
            for field, rule, words, its in (
                ("measure", "measure.none", line[:40], spans),
                ("subject", f"subject.{name}", name, []),
                ("period", "period.none", None, None),
            ):
                item = {"field": field, "rule": rule}
                if words is not None:
                    item |= {"words": words, "spans": its}
                texts.append(encode_item(field, rule, words, its))
                assert texts[-1] == json.dumps(item, ensure_ascii=False)
                basis.append(item)
            assert encode_list(texts) == json.dumps(basis, ensure_ascii=False)
            checked += 1
    assert checked > 1000
    assert encode_list([]) == json.dumps([])
    odd = 'é\u2028"\\\n\x00\t💷'
    item = {
        "field": odd,
        "rule": odd,
        "words": odd,
        "spans": [{"page": 0, "line": -1, "char_start": 0, "char_end": 0, "text": odd}],
    }
    assert encode_item(odd, odd, odd, item["spans"]) == json.dumps(item, ensure_ascii=False)
