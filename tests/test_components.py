"""The component registry (pipeline/components.py): typed components in a fixed order, a component
registered from another folder (tests/components/staff) built into a database, rules checked without
running anything, and the extraction cache key derived from each component's modules and rule files."""

from __future__ import annotations

import shutil
from pathlib import Path

import msgspec
import pytest
import sqlite_utils

from pipeline import components
from pipeline.build import build, check_rules
from pipeline.cache import decode_entry, encode_entry
from pipeline.components import Component, Kind, RegistryError
from pipeline.extract import Context, extract_all, money
from pipeline.model import Document, Extraction, Line, Mention
from pipeline.rules import RULES_DIR, RuleError
from tests.components import staff
from tests.conftest import CORPUS
from tests.test_build import make_corpus

UNISON = CORPUS / "000_9697e79c8f4d460c.txt"
LCH = CORPUS / "lch-trust-board-public-papers-2025-09-04.md"


def lines_of(path: Path, first: int, last: int) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[first - 1 : last]


@pytest.fixture
def with_staff():
    components.register(staff.COMPONENT)
    yield staff.COMPONENT
    components.unregister("staff")


def test_the_built_in_components_run_in_order_and_declare_their_kinds_and_tables():
    assert [c.name for c in components.components()] == ["money", "percent", "citations", "bodies", "facts"]
    assert components.kind_tables() == {
        "money": "money",
        "percent": "percentages",
        "page_ref": "page_refs",
        "quote": "quote_segments",
        "body": "body_mentions",
    }
    assert components.corpus_tables() == {"cited_documents": (), "bodies": ("aliases",)}
    facts = components.components()[-1]
    assert facts.needs == ("money", "body") and facts.records == ("money_facts",)


def test_a_component_must_bring_a_new_name_and_kinds_and_what_it_needs_must_come_first():
    def nothing(doc, lines, rules, earlier, options):
        return Extraction()

    with pytest.raises(RegistryError, match="named 'money' is already"):
        components.register(Component("money", lambda d: None, nothing))
    with pytest.raises(RegistryError, match="kind 'percent' is already written"):
        components.register(Component("more", lambda d: None, nothing, kinds={"percent": Kind("x", staff.StaffValues)}))
    with pytest.raises(RegistryError, match="needs kind 'staff'"):
        components.register(Component("later", lambda d: None, nothing, needs=("staff",)))
    with pytest.raises(RegistryError, match="needs kind 'money'"):
        components.select(["facts", "bodies"])
    with pytest.raises(RegistryError, match="no component is named 'fact'"):
        components.select(["money", "body", "fact"])
    assert [c.name for c in components.components()] == ["money", "percent", "citations", "bodies", "facts"]


def test_a_component_registered_from_another_folder_is_built_with_provenance(tmp_path, with_staff):
    corpus = make_corpus(
        tmp_path / "c",
        {
            "unison.txt": "\n".join(lines_of(UNISON, 815, 819)).encode(),
            "lch.md": "\n".join(lines_of(LCH, 11567, 11578)).encode(),
        },
    )
    db_path = tmp_path / "x.db"
    report = build(corpus, db_path, Context(options={"cache": str(tmp_path / "cache")}))
    assert report.ok and report.mentions["staff"] == 5
    db = sqlite_utils.Database(db_path)
    rows = list(
        db.query(
            "SELECT d.file, s.line, s.text, s.count, s.role, l.text AS line_text, s.char_start, s.char_end "
            "FROM staff_counts s JOIN documents d ON d.id = s.document_id JOIN lines l ON l.id = s.line_id "
            "ORDER BY d.file, s.line, s.char_start"
        )
    )
    assert [(r["file"], r["text"], r["count"], r["role"]) for r in rows] == [
        ("lch.md", "39 doctors", 39, "doctor"),
        ("lch.md", "39 doctors", 39, "doctor"),
        ("lch.md", "39 doctors", 39, "doctor"),
        ("lch.md", "7 doctors", 7, "doctor"),
        ("unison.txt", "14,000 staff", 14000, "staff"),
    ]
    for r in rows:  # provenance: the stored line sliced at the stored offsets is the stored text
        assert r["line_text"][r["char_start"] : r["char_end"]] == r["text"]
    assert rows[-1]["line"] == 3  # line 817 of the UNISON report is line 3 of the excerpt
    in_view = db.execute("SELECT count(*), min(type) FROM mentions WHERE kind = 'staff'").fetchone()
    assert in_view == (5, "doctor")
    assert db.execute("SELECT count(*) FROM money").fetchone()[0] > 0  # the built-in components ran too
    # a rebuild takes the staff counts from the cache, decoded into StaffValues
    again = build(corpus, tmp_path / "y.db", Context(options={"cache": str(tmp_path / "cache")}))
    assert again.extracted == 0 and again.mentions["staff"] == 5
    assert not [p for p in again.problems if p.reason == "cache_damaged"]


def test_check_rules_loads_every_components_rules_and_runs_none(tmp_path):
    ran: list[str] = []

    def never(doc, lines, rules, earlier, options):
        ran.append(doc.path)
        raise AssertionError("check_rules ran an extractor")

    components.register(Component("never", lambda d: "loaded", never))
    try:
        check_rules(Context())
    finally:
        components.unregister("never")
    assert ran == []

    def broken(rules_dir: Path) -> None:
        raise RuleError(rules_dir / "broken.yaml", "a rule is wrong", 3)

    components.register(Component("broken", broken, never))
    try:
        with pytest.raises(RuleError, match=r"broken\.yaml, entry 3"):
            check_rules(Context())
    finally:
        components.unregister("broken")


def test_each_component_declares_every_rule_file_it_reads(tmp_path):
    """Each built-in component runs on real lines with a rules folder holding only the files it
    declares (and the normalisation's): a file it reads but does not declare would be missing, and a
    change to it would not change the cache key."""
    texts = [*lines_of(UNISON, 360, 372), *lines_of(UNISON, 901, 915)]  # a quotation; deficits of named trusts
    doc = Document("t.txt", "0" * 64, "text", {"date": "2018"}, [Line(i + 1, t) for i, t in enumerate(texts)])
    full = extract_all(doc, Context())
    assert {m.kind for m in full.mentions} >= {"money", "page_ref", "quote", "body"} and full.records["money_facts"]
    for c in components.components():
        own = tmp_path / c.name
        own.mkdir()
        for name in (*components.DRIVER_RULE_FILES, *c.rule_files):
            src = RULES_DIR / name
            if src.is_dir():
                shutil.copytree(src, own / name)
            else:
                shutil.copy(src, own / name)
        earlier = Extraction([m for m in full.mentions if m.kind in c.needs])
        found = components.run(c, doc, own, earlier=earlier)
        ours = [m for m in full.mentions if m.kind in c.kinds]
        assert found.mentions == ours, c.name
        assert set(found.records) <= {*c.records, *c.corpus_tables}, c.name
        for table in c.records:
            assert found.records[table] == full.records[table], (c.name, table)


def test_the_extraction_key_follows_each_components_code_and_rule_files_only(tmp_path):
    money_files = {p.name for p in components.module_files(components.components()[0].code_modules())}
    assert {"money.py", "amounts.py", "table_money.py", "table_cell_lines.py", "normalise.py"} <= money_files
    every = {p for c in components.components() for p in components.module_files(c.code_modules())}
    every |= set(components.module_files(components.DRIVER_MODULES))
    package = components.PACKAGE_DIR
    names = {p.relative_to(package).as_posix() for p in every if p.is_relative_to(package)}
    for outside in ("cli.py", "build.py", "load.py", "bench.py", "cache.py", "discrepancies.py", "uptodate.py"):
        assert outside not in names
    assert not [n for n in names if n.startswith("reviews/")]
    assert {"extract/bodies/extractor.py", "facts/subject.py", "extract/citations.py"} <= names

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    before = components.extraction_version(rules)
    for unrelated in ("discrepancies.yaml", "fact_review.yaml", "limits.yaml"):
        (rules / unrelated).write_text((rules / unrelated).read_text(encoding="utf-8") + "\n# edited\n")
    assert components.extraction_version(rules) == before
    (rules / "money.yaml").write_text((rules / "money.yaml").read_text(encoding="utf-8") + "\n# edited\n")
    assert components.extraction_version(rules) != before


def test_a_cached_extraction_is_decoded_into_each_kinds_record_with_types_checked():
    doc = Document("t.txt", "0" * 64, "text", {}, [Line(1, "NHS England paid £4.4m (4%) to Luton CCG.")])
    ex = extract_all(doc, Context())
    back = decode_entry(encode_entry(ex), Extraction)
    assert back == ex and isinstance(back.mentions[0].values, money.MoneyValues)
    m = back.mentions[0]
    wrong = Mention(m.kind, m.line_index, m.start, m.end, m.text, staff.StaffValues(count=1, role="x"))
    with pytest.raises(ValueError, match="not a Extraction"):
        decode_entry(encode_entry(Extraction([wrong])), Extraction)
    unknown = Mention("staff", 0, 0, 3, "NHS", staff.StaffValues(count=1, role="x"))
    with pytest.raises(ValueError, match="kind 'staff'"):
        decode_entry(encode_entry(Extraction([unknown])), Extraction)
    assert msgspec.msgpack.decode(msgspec.msgpack.encode(m.values), type=money.MoneyValues) == m.values
