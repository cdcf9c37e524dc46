"""The rule files of bodies: generated ODS names, proper casing, validation, and the abbreviation algorithm."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
import yaml

from pipeline.extract.bodies.abbreviations import best_long_form, find_definitions
from pipeline.extract.bodies.body_rules import load_rules
from pipeline.extract.bodies.casing import proper_case, slug
from pipeline.extract.bodies.nlp import build_nlp
from pipeline.rules import RuleError

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"


def _script():
    spec = importlib.util.spec_from_file_location("make_gazetteer", ROOT / "scripts" / "make_gazetteer.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_committed_ods_gazetteer_is_what_the_script_makes_from_the_project_copy() -> None:
    rows = _script().make(ROOT / "data" / "ods", RULES)
    committed = [json.loads(r) for r in (RULES / "bodies" / "nhs_ods.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows == committed


def test_ods_rows_have_canonical_names_codes_dates_and_variants() -> None:
    rows = {r["ods_code"]: r for r in _script().make(ROOT / "data" / "ods", RULES)}
    pah = rows["RQW"]
    assert pah["official_name"] == "The Princess Alexandra Hospital NHS Trust"
    assert pah["name"] == "Princess Alexandra Hospital NHS Trust"
    assert {"Princess Alexandra Hospital", "Princess Alexandra Hospital Trust"} <= set(pah["aliases"])
    luton = rows["06P"]  # a CCG abolished in 2021
    assert (luton["name"], luton["type"], luton["closed"]) == ("Luton CCG", "ccg", "2021-03-31")
    assert {"NHS Luton CCG", "Luton Clinical Commissioning Group"} <= set(luton["aliases"])
    assert "Luton" not in luton["aliases"]  # a town is not a body
    assert "East London" not in rows["RWK"]["aliases"]
    assert rows["QHG"]["type"] == "stp"  # an Integrated Care Board


def test_proper_case_keeps_acronyms_and_small_words() -> None:
    upper, lower = ["NHS", "CCG"], ["and", "of", "the", "on"]
    assert proper_case("THE PRINCESS ALEXANDRA HOSPITAL NHS TRUST", upper, lower) == (
        "The Princess Alexandra Hospital NHS Trust"
    )
    assert proper_case("UNIVERSITY HOSPITALS OF NORTH MIDLANDS NHS TRUST", upper, lower) == (
        "University Hospitals of North Midlands NHS Trust"
    )
    assert proper_case("NHS STOKE-ON-TRENT CCG", upper, lower) == "NHS Stoke-on-Trent CCG"
    assert proper_case("THE QUEEN ELIZABETH HOSPITAL, KING'S LYNN, NHS FOUNDATION TRUST", upper, lower).startswith(
        "The Queen Elizabeth Hospital, King's Lynn,"
    )


def test_slugs_are_stable_ids() -> None:
    assert slug("King's Fund") == "kings-fund"
    assert slug("Bedfordshire, Luton and Milton Keynes STP") == slug("Bedfordshire, Luton & Milton Keynes STP")


def test_gazetteer_merges_hand_entries_into_ods_rows() -> None:
    rules = load_rules(RULES)
    by_code = {b.ods_code: b for b in rules.bodies.values() if b.ods_code and b.source == "gazetteer"}
    assert "CUHFT" in by_code["RGT"].aliases
    assert by_code["06Q"].name == "Mid Essex CCG"  # a CCG code ODS now lists as a sub-ICB location


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def test_bad_gazetteer_type_names_the_file_and_entry(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "bodies" / "gazetteer.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("type: media", "type: newspaper", 1), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rules(rules)
    assert "gazetteer.yaml" in str(err.value) and "newspaper" in str(err.value)


def _with_entries(tmp_path: Path, entries: str) -> tuple[Path, int]:
    """A copy of the rules whose gazetteer.yaml ends with `entries` (YAML list items); the first one's index."""
    rules = _copy_rules(tmp_path)
    path = rules / "bodies" / "gazetteer.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + entries, encoding="utf-8")
    first = len(yaml.safe_load(text)["bodies"])
    return rules, first


@pytest.mark.parametrize(
    ("entries", "index", "name"),
    [
        # a new body with the name of an ODS body
        ("  - name: Darlington CCG\n    type: ccg\n    aliases: []\n", 0, "Darlington CCG"),
        # two new bodies of one name: the second
        ("  - {name: Rotherham Forum, type: other, aliases: []}\n" * 2, 1, "Rotherham Forum"),
        # an ODS body renamed to the name of another
        ("  - {ods: 00F, name: Darlington CCG, aliases: []}\n", 0, "Darlington CCG"),
        # an ODS body kept as a former name, under the name of another body
        ("  - {former_name_of: 00F, name: Darlington CCG, type: ccg, aliases: []}\n", 0, "Darlington CCG"),
    ],
)
def test_a_body_named_twice_is_refused_naming_the_entry(tmp_path: Path, entries: str, index: int, name: str) -> None:
    rules, first = _with_entries(tmp_path, entries)
    expected = rf"gazetteer\.yaml, entry bodies\[{first + index}\] \({name}\): .*a body named '{name}' is already known"
    with pytest.raises(RuleError, match=expected):
        load_rules(rules)


def test_a_renamed_ods_body_frees_its_name(tmp_path: Path) -> None:
    """00C (Darlington CCG) renamed: a later new body may take its ODS name; the renamed body keeps it as an alias."""
    entries = (
        "  - {ods: 00C, name: Darlington Health, aliases: []}\n  - {name: Darlington CCG, type: other, aliases: []}\n"
    )
    rules, _ = _with_entries(tmp_path, entries)
    bodies = load_rules(rules).bodies
    assert bodies["darlington-health"].ods_code == "00C" and "Darlington CCG" in bodies["darlington-health"].aliases
    assert bodies["darlington-ccg"].type == "other" and bodies["darlington-ccg"].ods_code is None


def test_bad_pattern_names_the_file(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "bodies" / "patterns.jsonl"
    path.write_text(
        path.read_text(encoding="utf-8") + '{"label": "trust", "id": "bad", "pattern": [{"NOT_AN_ATTR": 1}]}\n',
        encoding="utf-8",
    )
    lines = len(path.read_text(encoding="utf-8").splitlines())
    # refused when the rules are read (not first when spaCy's pipeline is built), naming the file's line
    expected = rf"patterns\.jsonl, line {lines}, entry \(top level\): field `pattern`: not a spaCy token pattern"
    with pytest.raises(RuleError, match=expected):
        load_rules(rules)
    load_rules.cache_clear()
    with pytest.raises(RuleError, match=r"NOT_AN_ATTR"):
        build_nlp(rules)


def test_unknown_pattern_family_is_refused(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "bodies" / "patterns.jsonl"
    path.write_text('{"label": "hospice", "id": "x", "pattern": [{"ORTH": "Hospice"}]}\n', encoding="utf-8")
    with pytest.raises(RuleError, match="hospice"):
        load_rules(rules)


def test_gazetteer_dates_are_checked_and_kept(tmp_path: Path) -> None:
    bodies = load_rules(RULES).bodies
    assert bodies["london-strategic-health-authority"].closed == "2013-03-31"
    assert not bodies["london-strategic-health-authority"].open_at("2016")
    rules = _copy_rules(tmp_path)
    path = rules / "bodies" / "gazetteer.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("closed: '2013-03-31'", "closed: 31 March 2013", 1), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rules(rules)
    assert "gazetteer.yaml" in str(err.value) and "31 March 2013" in str(err.value)
    assert "East of England Strategic Health Authority" in str(err.value)  # the entry


def test_bad_tokenizer_suffix_names_the_file(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "bodies" / "resolve.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("tokenizer_suffixes: ['", "tokenizer_suffixes: ['(?<=[a-z]\\.$', '", 1), encoding="utf-8"
    )
    with pytest.raises(RuleError, match=r"resolve\.yaml.*tokenizer_suffixes|tokenizer_suffixes.*resolve\.yaml"):
        load_rules(rules)


# ---------------------------------------------------------------- Schwartz and Hearst


def test_long_form_is_the_shortest_covering_the_short_form() -> None:
    assert best_long_form("HEE", "In 2014, Health Education England") == "Health Education England"
    assert best_long_form("BLMK", "in the Bedfordshire, Luton and Milton Keynes") == (
        "Bedfordshire, Luton and Milton Keynes"
    )
    assert best_long_form("XYZ", "Health Education England") is None


def test_definitions_found_on_real_lines_with_offsets() -> None:
    line = (ROOT / "corpus" / "003_4bd6cd02c4d551ad.txt").read_text(encoding="utf-8").split("\n")[133]
    defs = {d.short: d for d in find_definitions(line)}
    hee = defs["HEE"]
    assert line[hee.long_start : hee.long_end] == "Health Education England"
    assert line[hee.short_start : hee.short_end] == "HEE"
