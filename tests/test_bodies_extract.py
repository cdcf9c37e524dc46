"""Named bodies on real lines of the corpus: gazetteer, generic patterns, lists, abbreviations, towns."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline import components
from pipeline.extract import Context
from pipeline.extract.bodies import COMPONENT as BODIES
from pipeline.model import Document, Line

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
UNISON = "000_9697e79c8f4d460c.txt"  # the UNISON report on the six East of England STPs
NHS_PROVIDERS = "003_4bd6cd02c4d551ad.txt"
DEVON = "004_bd442f22357b032f.txt"
COMMONS = "commons-library-cbp10313-nhs-productivity-2025-07.md"


def corpus_lines(file: str, *numbers: int) -> list[str]:
    text = (CORPUS / file).read_text(encoding="utf-8").split("\n")
    return [text[n - 1] for n in numbers]


def bodies(lines: list[str], date: str | None = "2018", ctx: Context | None = None) -> list[dict]:
    """Every body mention of a document made of `lines`: text, name, type, how, body id, line index."""
    doc = Document("test.txt", "0" * 64, "text", {"date": date}, [Line(i + 1, t) for i, t in enumerate(lines)])
    ctx = ctx or Context()
    out = components.run(BODIES, doc, ctx.rules, options=ctx.options)
    for m in out.mentions:  # provenance: the raw line sliced at the offsets is the text
        assert doc.lines[m.line_index].text[m.start : m.end] == m.text
    return [{"text": m.text, "line": m.line_index, **m.values.row()} for m in out.mentions]


def named(found: list[dict]) -> dict[str, tuple[str, str]]:
    return {f["text"]: (f["name"], f["type"]) for f in found}


# ---------------------------------------------------------------- gazetteer and ODS names


def test_gazetteer_abbreviations_name_their_trusts() -> None:
    found = named(bodies(corpus_lines(UNISON, 145, 317)))
    assert found["L&D"] == ("Luton and Dunstable University Hospital NHS Foundation Trust", "trust")
    assert found["BHT"] == ("Bedford Hospital NHS Trust", "trust")
    assert found["CUHFT"] == ("Cambridge University Hospitals NHS Foundation Trust", "trust")
    assert found["NWAFT"] == ("North West Anglia NHS Foundation Trust", "trust")


def test_ods_variants_link_short_forms_to_official_names() -> None:
    # `Hertfordshire Partnership FT` and `Cambridgeshire Community Services` are made from ODS names
    found = named(bodies(corpus_lines(UNISON, 630, 171)))
    assert found["Hertfordshire Community Trust"] == ("Hertfordshire Community NHS Trust", "trust")
    assert found["Hertfordshire Partnership FT"][0] == "Hertfordshire Partnership University NHS Foundation Trust"
    assert found["Cambridgeshire Community Services"][0] == "Cambridgeshire Community Services NHS Trust"
    assert found["East London FT"][0] == "East London NHS Foundation Trust"


def test_capitalised_ending_stays_in_the_span_and_the_board_is_not_a_body() -> None:
    found = bodies(corpus_lines(UNISON, 664))
    texts = [f["text"] for f in found]
    assert "Princess Alexandra Hospital Trust" in texts
    assert not any("Board" in t for t in texts)
    assert named(found)["BCG"] == ("Boston Consulting Group", "company")


# ---------------------------------------------------------------- generic patterns


def test_generic_patterns_find_hospitals_not_in_the_gazetteer() -> None:
    found = {f["text"]: f for f in bodies(corpus_lines(UNISON, 718))}
    for text in ("Broomfield Hospital", "Braintree Community Hospital"):
        assert found[text]["how"] == "pattern"
        assert (found[text]["name"], found[text]["type"]) == (text, "trust")


def test_generic_patterns_find_an_stp_and_a_scrutiny_committee() -> None:
    found = named(bodies([*corpus_lines(DEVON, 92), *corpus_lines(UNISON, 877)]))
    assert found["Wider Devon STP"] == ("Wider Devon STP", "stp")
    assert found["Joint Health Overview and Scrutiny Committee"][1] == "local_gov"


def test_a_pattern_name_links_to_the_one_known_body_it_abbreviates() -> None:
    found = named(bodies(corpus_lines(UNISON, 131, 329)))
    assert found["Milton Keynes Foundation Trust"][0] == "Milton Keynes University Hospital NHS Foundation Trust"
    assert found["Peterborough Trust"][0] == "Peterborough and Stamford Hospitals NHS Foundation Trust"


# ---------------------------------------------------------------- lists sharing one ending


def test_list_of_four_ccgs_sharing_one_ending() -> None:
    found = [f for f in bodies(corpus_lines(UNISON, 752)) if f["type"] == "ccg"]
    assert [(f["text"], f["name"]) for f in found] == [
        ("Mid Essex", "Mid Essex CCG"),
        ("Basildon & Brentwood", "Basildon and Brentwood CCG"),
        ("Southend", "Southend CCG"),
        ("Thurrock CCGs", "Thurrock CCG"),
    ]


def test_two_item_lists_split_with_the_shared_ending_named() -> None:
    found = named(bodies(corpus_lines(UNISON, 171, 173)))
    assert found["Bedfordshire"] == ("Bedfordshire CCG", "ccg")
    assert found["Luton CCGs"] == ("Luton CCG", "ccg")
    assert found["Milton Keynes CCGs"] == ("Milton Keynes CCG", "ccg")


def test_council_list_with_own_qualifiers_and_a_direction_word_list() -> None:
    found = named(bodies(corpus_lines(UNISON, 313, 1089)))
    assert found["Peterborough City"] == ("Peterborough City Council", "local_gov")
    assert found["Cambridgeshire County Council"] == ("Cambridgeshire County Council", "local_gov")
    assert found["North"] == ("North Norfolk CCG", "ccg")
    assert found["South Norfolk CCGs"] == ("South Norfolk CCG", "ccg")


# ---------------------------------------------------------------- towns standing for trusts


def test_towns_standing_for_trusts_are_not_bodies() -> None:
    lines = corpus_lines(UNISON, 231, 259, 287, 1221)
    found = bodies(lines)
    texts = [f["text"] for f in found]
    for town in ("Bedford", "Luton", "Milton Keynes", "Ipswich", "Bedford & Luton", "Bedford and Milton Keynes"):
        assert town not in texts
    assert "Ipswich Hospital" in texts  # `Ipswich Hospital's Board`: the organisation's own words
    # "Bedford had 77, Luton 126 and Milton Keynes 76": only NHS England is named on that line
    assert {f["name"] for f in found if f["line"] == 2} == {"NHS England"}


def test_lowercase_generic_ending_stays_outside_the_span() -> None:
    found = named(bodies(corpus_lines(UNISON, 1035)))
    assert found["Norfolk & Norwich"][0] == "Norfolk and Norwich University Hospitals NHS Foundation Trust"
    assert found["Norfolk Community Health and Care"][0] == "Norfolk Community Health and Care NHS Trust"


# ---------------------------------------------------------------- abbreviations learnt from the text


def test_abbreviation_defined_in_the_text_becomes_an_alias() -> None:
    found = bodies(corpus_lines(UNISON, 422, 497, 499))
    hce = [f for f in found if f["text"] == "HCE"]
    cag = [f for f in found if f["text"] == "CAG"]
    assert len(hce) == 2 and all(f["name"] == "Health and Care Executive" for f in hce)
    assert cag and cag[0]["name"] == "Care Advisory Group" and cag[0]["how"] == "abbreviation"
    assert {f["type"] for f in hce + cag} == {"stp"}  # committees of the STP


def test_abbreviation_is_an_alias_only_in_the_document_that_defines_it() -> None:
    line = corpus_lines(UNISON, 499)[0]
    later_use = line[line.index("The HCE membership") :]
    assert not [f for f in bodies([later_use]) if f["text"] == "HCE"]


def test_footprint_abbreviation_in_name_is_one_span() -> None:
    found = bodies(corpus_lines(UNISON, 79, 81))
    first = found[0]
    assert first["text"] == "Bedfordshire, Luton and Milton Keynes (BLMK) STP"
    assert first["name"] == "Bedfordshire, Luton and Milton Keynes STP"
    assert [f["text"] for f in found if f["line"] == 1] == ["BLMK"]


def test_national_bodies_and_abbreviations_in_a_submission() -> None:
    found = bodies(corpus_lines(NHS_PROVIDERS, 102, 134))
    got = {(f["text"], f["name"], f["type"]) for f in found}
    assert ("NAO", "National Audit Office", "national") in got
    assert ("HEE", "Health Education England", "national") in got


def test_a_line_with_only_places_gives_nothing() -> None:
    # "... 206 bed days in Bedford, 477 in Luton and a massive 1156 in Milton Keynes ..."
    assert bodies(corpus_lines(UNISON, 285)) == []


# ---------------------------------------------------------------- causes found by the held-out evaluation
# (tests/gold/heldout-bodies: lines the extractor was not tuned on)

BODY_LINES = ROOT / "tests" / "data" / "body_lines.jsonl"
LCH = "lch-trust-board-public-papers-2025-09-04.md"
REFORM = "reform-getting-into-shape-workforce-integrated-care-2017.md"


def copied_line(doc: str, number: int) -> str:
    """A real line copied verbatim into tests/data/body_lines.jsonl."""
    for raw in BODY_LINES.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("//"):
            row = json.loads(raw)
            if (row["doc"], row["line"]) == (doc, number):
                return row["text"]
    raise KeyError((doc, number))


def realdoc_lines(shared: Path, doc: str, *numbers: int) -> list[str]:
    text = (shared / "realdocs" / doc).read_text(encoding="utf-8").split("\n")
    return [text[n - 1] for n in numbers]


def test_two_bodies_named_together_are_two_mentions() -> None:
    # "NHS England and NHS Improvement have had a tendency to invest ...": two bodies, not one joint name
    found = [f for f in bodies(corpus_lines(NHS_PROVIDERS, 62)) if f["line"] == 0]
    assert [(f["text"], f["name"]) for f in found][-2:] == [
        ("NHS England", "NHS England"),
        ("NHS Improvement", "NHS Improvement"),
    ]


def test_a_name_is_not_glued_to_a_full_stop_or_a_footnote_number() -> None:
    # "... private consultancy companies, like PwC." and "the Behavioural Insights Team69 who tracked ..."
    found = bodies([*corpus_lines("001_baeb06aa9c477327.txt", 46), copied_line(COMMONS, 1725)])
    assert ("PwC", 0) in {(f["text"], f["line"]) for f in found}
    assert ("Behavioural Insights Team", 1) in {(f["text"], f["line"]) for f in found}


def test_well_known_bodies_of_policy_documents() -> None:
    found = named(bodies([copied_line(COMMONS, n) for n in (1779, 1859, 1561)]))
    assert found["NESTA"] == ("Nesta", "think_tank")
    assert found["Royal Academy of Engineers"] == ("Royal Academy of Engineering", "union")
    assert found["OECD"][0] == "Organisation for Economic Co-operation and Development"
    assert named(bodies(corpus_lines(DEVON, 37)))["National Voices"] == ("National Voices", "think_tank")


def test_a_former_strategic_health_authority_by_the_document_date() -> None:
    # "Dame Ruth Carnall, former chief executive of NHS London": the SHA of 2006-2013, not NHS England's region
    line = corpus_lines(DEVON, 189)
    assert named(bodies(line, date="2016-11-14"))["NHS London"] == ("London Strategic Health Authority", "national")
    assert named(bodies(line, date="2024"))["NHS London"] == ("NHS England London", "national")


def test_a_long_stp_name_is_the_stp() -> None:
    # "Through the creation of the Hertfordshire and West Essex Sustainability and Transformation Plan, ..."
    found = named(bodies(corpus_lines(UNISON, 678)))
    long = "Hertfordshire and West Essex Sustainability and Transformation Plan"
    assert found[long] == ("Hertfordshire and West Essex STP", "stp")


def test_a_hospital_short_form_learnt_in_the_document() -> None:
    # "... the decrepit Watford General Hospital." then "... to replace Watford General ..."
    found = bodies(corpus_lines(UNISON, 573, 579))
    assert [(f["text"], f["name"], f["line"]) for f in found if "Watford" in f["text"]] == [
        ("Watford General Hospital", "Watford General Hospital", 0),
        ("Watford General", "Watford General Hospital", 1),
    ]
    assert not [f for f in bodies(corpus_lines(UNISON, 579)) if "Watford" in f["text"]]  # not without the full name


def test_generic_acronyms_defined_in_the_text_stay_generic(shared: Path) -> None:
    # "West Yorkshire Integrated Care Board \(ICB\)" defines ICB, but "the ICB" later is a generic acronym
    found = bodies(realdoc_lines(shared, LCH, 793, 2247))
    assert "ICB" not in {f["text"] for f in found}
    assert "West Yorkshire Integrated Care Board" in {f["text"] for f in found}


def test_a_body_named_in_a_document_title(shared: Path) -> None:
    # "**People and Culture Committee Terms of Reference ...**", "**Leeds Provider Partnership Review **";
    # but "Item 7i Winter Plan Board Assurance Cover Sheet" is a paper for the trust's board
    found = bodies(realdoc_lines(shared, LCH, 1083, 2243, 51))
    assert [(f["text"], f["line"]) for f in found] == [
        ("People and Culture Committee", 0),
        ("Leeds Provider Partnership", 1),
    ]


def test_a_known_trust_before_a_lowercase_description(shared: Path) -> None:
    # "... getting the CEO post at York and Scarborough acute trust ..."; a town would not do
    found = named(bodies(realdoc_lines(shared, LCH, 2261)))
    assert found["York and Scarborough"] == ("York and Scarborough Teaching Hospitals NHS Foundation Trust", "trust")
    assert not bodies(["The merger of Colchester and Ipswich hospital trusts, and the Luton acute trust."])


def test_committees_of_a_trusts_board_papers_are_the_trusts(shared: Path) -> None:
    lch = (shared / "realdocs" / LCH).read_text(encoding="utf-8").split("\n")
    found = [f for f in bodies(lch, date="2025-09-04") if f["line"] == 1090]  # line 1091
    assert [(f["text"], f["type"]) for f in found] == [("People and Culture Committee", "trust")]
    # a think tank's report names committees of many kinds: no document-wide type
    reform = bodies(realdoc_lines(shared, REFORM, *range(790, 830)))
    assert named(reform)["Migration Advisory Committee"][1] == "other"


def test_staff_networks_are_not_bodies(shared: Path) -> None:
    # "The Chair of the Race Equality Network had talked about ..." (an internal staff network, like a team)
    found = bodies(realdoc_lines(shared, LCH, 1103))
    assert [f["text"] for f in found] == ["People and Culture Committee"]


def test_an_organisation_of_with_its_leading_word(shared: Path) -> None:
    # "(National Institute of Economic and Social Research, 2017)": not `Institute of ...` alone
    found = bodies(realdoc_lines(shared, REFORM, 807))
    assert [f["text"] for f in found] == ["National Institute of Economic and Social Research"]


IPPR = "ippr-realising-the-neighbourhood-nhs-2020.md"


def test_hyphenated_names_are_the_names(shared: Path) -> None:
    # "... through the joint NHS-Confederation and NHS-Providers ‘community network’"
    found = named(bodies(realdoc_lines(shared, IPPR, 1025)))
    assert found["NHS-Confederation"] == ("NHS Confederation", "think_tank")
    assert found["NHS-Providers"] == ("NHS Providers", "think_tank")


def test_a_company_short_form_learnt_in_the_document(shared: Path) -> None:
    # "... Primary Health Properties plc and others suggestion ... (Primary Health Properties et al 2017)"
    found = [f for f in bodies(realdoc_lines(shared, IPPR, 2521)) if f["type"] == "company"]
    assert [f["text"] for f in found] == ["Primary Health Properties", "Primary Health Properties"]
    assert len({f["body_id"] for f in found}) == 1


LTHT = "ltht-annual-report-2024-25.md"


def test_a_name_broken_across_two_lines(shared: Path) -> None:
    # "... commissioned by NHS providers, Leeds City" / "Council, and the ICB is well underway ..."
    found = bodies(realdoc_lines(shared, LCH, 2245, 2247))
    council = [(f["text"], f["line"]) for f in found if f["name"] == "Leeds City Council"]
    assert council == [("Leeds City", 0), ("Council", 1)]
    # "... first diggers broke ground at Seacroft" / "Hospital, location for ...": a new name, with a head word
    found = bodies(realdoc_lines(shared, LTHT, 3665, 3667))
    assert [(f["text"], f["name"]) for f in found] == [
        ("Seacroft", "Seacroft Hospital"),
        ("Hospital", "Seacroft Hospital"),
    ]
    # a table: "Brodie Clark CBE" / "Trust Chair" is a person and the next cell
    assert not bodies(realdoc_lines(shared, LCH, 601, 603))
