"""Facts: a row's basis is encoded (`pipeline.facts.basis_json`) to the same JSON text as
`json.dumps(basis, ensure_ascii=False)`, item by item and joined (issue 9: what facts cost)."""

from __future__ import annotations

import json

from pipeline.facts.basis_json import encode_item, encode_list


def test_a_basis_of_every_corpus_line_is_encoded_as_json_dumps(corpus_lines: dict[str, list[str]]) -> None:
    checked = 0
    for name, lines in corpus_lines.items():
        for number, line in enumerate(lines, 1):
            spans = [
                {"page": None, "line": number, "char_start": 0, "char_end": len(line), "text": line},
                {"page": 2, "line": number, "char_start": 1, "char_end": 2, "text": line[1:2]},
            ]
            basis = [
                {"field": "subject", "rule": "subject.document", "words": name, "spans": []},
                {"field": "measure", "rule": "measure.none", "words": line[:40], "spans": spans},
                {"field": "period", "rule": "period.none"},
            ]
            items = [
                encode_item("subject", "subject.document", name, []),
                encode_item("measure", "measure.none", line[:40], spans),
                encode_item("period", "period.none"),
            ]
            assert encode_list(items) == json.dumps(basis, ensure_ascii=False)
            checked += 1
    assert checked > 1000
    assert encode_list([]) == json.dumps([])


def test_a_basis_item_of_every_corpus_line_is_written_as_json_dumps(corpus_lines: dict[str, list[str]]) -> None:
    # `encode_item` writes an item key by key: the text `json.dumps` gives, whatever the line's characters
    checked = 0
    for name, lines in corpus_lines.items():
        for number, line in enumerate(lines, 1):
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
                assert encode_item(field, rule, words, its) == json.dumps(item, ensure_ascii=False)
            checked += 1
    assert checked > 1000
    odd = 'é\u2028"\\\n\x00\t💷'
    item = {
        "field": odd,
        "rule": odd,
        "words": odd,
        "spans": [{"page": 0, "line": -1, "char_start": 0, "char_end": 0, "text": odd}],
    }
    assert encode_item(odd, odd, odd, item["spans"]) == json.dumps(item, ensure_ascii=False)
