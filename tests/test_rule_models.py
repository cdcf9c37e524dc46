"""Rule files described by typed models: what the models refuse (naming file, entry and field), and
the rules that moved from Python into the files (speakers' `refers_back` and word limit, bodies'
`name_joiners`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import regex
import yaml

from pipeline.extract import page_refs, quotes, speakers
from pipeline.extract.bodies.body_rules import load_rules as body_rules
from pipeline.ingest.pdf_rules import load_layout
from pipeline.rules import RuleError
from tests.conftest import edit_yaml

RULES = Path(__file__).resolve().parents[1] / "rules"
LEAD = "Local health campaigners responding to the JHOSC findings told the paper: "


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def _error(load, directory: Path) -> str:  # type: ignore[no-untyped-def]
    load.cache_clear()
    try:
        with pytest.raises(RuleError) as err:
            load(directory)
    finally:
        load.cache_clear()
    return str(err.value)


def test_a_yaml_boolean_in_a_word_list_is_refused(rules: Path) -> None:
    """`on` unquoted is YAML's true: the speakers' joining words held `true` instead of `on` until the model
    refused it."""
    path = rules / "quotes.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count('for, the, at, "on"]') == 1
    path.write_text(text.replace('for, the, at, "on"]', "for, the, at, on]"), encoding="utf-8")
    message = _error(speakers.load_rules, rules)
    assert "entry speakers.joining_words[6]: the entry: Input should be a valid string, not True" in message
    assert "on" in speakers.load_rules(RULES).joining_words and "true" not in speakers.load_rules(RULES).joining_words


def test_the_speaker_rules_come_from_the_file(rules: Path) -> None:
    default = speakers.load_rules(RULES)
    assert speakers.speaker_before("The STP plan, which says: ", default) is None  # `which` refers back
    assert speakers.speaker_before(LEAD, default) == "Local health campaigners"
    edit_yaml(rules / "quotes.yaml", lambda d: d["speakers"].update(refers_back=["who"]))
    speakers.load_rules.cache_clear()
    assert speakers.speaker_before("The STP plan, which says: ", speakers.load_rules(rules)) == "The STP plan"
    edit_yaml(rules / "quotes.yaml", lambda d: d["speakers"].update(opening_subject_max_words=2))
    speakers.load_rules.cache_clear()
    changed = speakers.load_rules(rules)
    assert speakers.speaker_before(LEAD, changed) is None  # no boundary within two words


def test_quote_rules_name_the_entry_and_field(rules: Path) -> None:
    edit_yaml(rules / "quotes.yaml", lambda d: d["layout"].pop("max_lines"))
    assert "quotes.yaml, entry layout: field `max_lines`: Field required" in _error(quotes.load_rules, rules)
    shutil.copy(RULES / "quotes.yaml", rules / "quotes.yaml")
    edit_yaml(rules / "quotes.yaml", lambda d: d["speakers"].update(opening_subject_max_words=0))
    message = _error(quotes.load_rules, rules)
    assert "entry speakers: field `opening_subject_max_words`: Input should be greater than or equal to 1" in message


def test_an_unknown_key_of_a_layout_section_is_refused(rules: Path) -> None:
    edit_yaml(rules / "pdf_layout.yaml", lambda d: d["columns"].update(min_gutter=3))
    with pytest.raises(RuleError, match=r"pdf_layout\.yaml.*unknown key columns\.min_gutter \(expected one of max_col"):
        load_layout(rules)


def test_body_rule_files_name_the_entry(rules: Path) -> None:
    edit_yaml(rules / "bodies" / "gazetteer.yaml", lambda d: d["bodies"][0].pop("type"))
    message = _error(body_rules, rules)
    assert "entry bodies[0] (NHS England): the entry: a body that adds to no ODS code needs a `name`" in message
    shutil.copy(RULES / "bodies" / "gazetteer.yaml", rules / "bodies" / "gazetteer.yaml")
    edit_yaml(rules / "bodies" / "resolve.yaml", lambda d: d["committees"].update(default="club"))
    message = _error(body_rules, rules)
    assert "resolve.yaml, entry committees: field `default`" in message and "'club'" in message
    shutil.copy(RULES / "bodies" / "resolve.yaml", rules / "bodies" / "resolve.yaml")
    ods = rules / "bodies" / "nhs_ods.jsonl"
    lines = ods.read_text(encoding="utf-8").splitlines()
    ods.write_text("\n".join([lines[0], lines[1].replace('"type": "ccg"', '"type": "cgc"'), *lines[2:]]) + "\n")
    message = _error(body_rules, rules)
    assert "nhs_ods.jsonl, line 2, entry (top level): field `type`" in message and "'cgc'" in message


def test_name_joiners_are_the_rule_files() -> None:
    resolve = body_rules(RULES).resolve
    assert {"and", "&", "of", "for", "the", "-", ",", "'s"} <= resolve.name_joiners
    data = yaml.safe_load((RULES / "bodies" / "resolve.yaml").read_text(encoding="utf-8"))
    assert resolve.name_joiners == frozenset(data["name_joiners"])


def test_page_refs_cites_patterns_are_compiled_by_the_model(rules: Path) -> None:
    """`cites` is the model itself (its `Regex` fields compiled when loaded): a broken or empty pattern is refused,
    naming the entry and field, and the loaded rules hold compiled patterns the extractor uses."""
    cites = page_refs.load_rules(RULES).cites
    assert isinstance(cites.locator, regex.Pattern) and all(isinstance(p, regex.Pattern) for p in cites.not_documents)
    edit_yaml(rules / "page_refs.yaml", lambda d: d["cites"].update(locator="(unclosed"))
    assert "page_refs.yaml, entry cites: field `locator`: pattern does not compile (missing )" in _error(
        page_refs.load_rules, rules
    )
    edit_yaml(rules / "page_refs.yaml", lambda d: d["cites"].update(locator=""))
    message = _error(page_refs.load_rules, rules)
    assert "entry cites: field `locator`: expected a regular expression (a non-empty string)" in message
