"""Load and check the rule files of rules/bodies/: known bodies, generic patterns, resolver settings.

Every loader raises `RuleError` naming the file and the entry when something is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.extract.bodies.casing import slug
from pipeline.extract.bodies.variants import variants
from pipeline.rules import RuleError, read_jsonl, read_yaml, require

TYPES = (
    "national",
    "ccg",
    "trust",
    "stp",
    "local_gov",
    "parliament",
    "union",
    "think_tank",
    "company",
    "media",
    "other",
)


@dataclass
class KnownBody:
    """A body of the gazetteer or of ODS."""

    id: str
    name: str
    type: str
    aliases: list[str]
    source: str  # gazetteer | ods
    ods_code: str | None = None
    official_name: str | None = None
    opened: str | None = None
    closed: str | None = None
    exact: frozenset[str] = frozenset()  # aliases that match only with this exact case
    common_word: frozenset[str] = frozenset()

    def open_at(self, date: str | None) -> bool:
        """Open at `date` (YYYY, YYYY-MM or YYYY-MM-DD; unknown dates count as open)."""
        if not date:
            return True
        n = len(date)
        return (self.opened is None or self.opened[:n] <= date) and (self.closed is None or self.closed[:n] >= date)

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": sorted(set(self.aliases)),
            "ods_code": self.ods_code,
            "official_name": self.official_name,
            "opened": self.opened,
            "closed": self.closed,
            "source": self.source,
        }


@dataclass(frozen=True)
class Family:
    name: str
    type: str
    generic: frozenset[str]
    lowercase_head: bool
    closed_head: bool


@dataclass(frozen=True)
class ShortFormRule:
    """A name ending in one of `heads` is also written without it, when the word before is in `last`
    (any word when `last` is None)."""

    heads: frozenset[str]
    last: frozenset[str] | None


@dataclass(frozen=True)
class WordRule:
    words: frozenset[str]
    type: str


@dataclass(frozen=True)
class ResolveRules:
    stop_words: frozenset[str]
    hyphen_words: frozenset[str]
    name_joiners: frozenset[str]
    possessive_breaks: frozenset[str]
    families: dict[str, Family]
    committee_min_words: int
    org_types: tuple[WordRule, ...]
    council_types: tuple[WordRule, ...]
    owner_endings: frozenset[str]
    committee_by_name: tuple[WordRule, ...]
    committee_by_context: tuple[WordRule, ...]
    committee_context_lines: int
    committee_default: str
    plural_heads: dict[str, str]
    qualifiers: frozenset[str]
    separators: frozenset[str]
    list_breaks: frozenset[str]
    count_words: frozenset[str]
    direction_words: frozenset[str]
    lowercase_place_words: frozenset[str]
    link_ignore: frozenset[str]
    synonyms: dict[str, tuple[str, ...]]
    place_suffixes: tuple[str, ...]
    link_families: dict[str, frozenset[str]]
    sf_max_chars: int
    long_form_heads: frozenset[str]
    long_form_types: dict[str, str]
    not_abbreviations: frozenset[str]
    ner_labels: frozenset[str]
    ner_type: str
    tokenizer_suffixes: tuple[str, ...] = ()
    document_words: frozenset[str] = frozenset()
    document_heads: frozenset[str] = frozenset()
    long_forms: tuple[tuple[tuple[str, ...], str], ...] = ()
    known_only_patterns: frozenset[str] = frozenset()
    open_ended_patterns: frozenset[str] = frozenset()
    known_only_min_words: int = 1
    short_forms: tuple[ShortFormRule, ...] = ()
    line_break_words: frozenset[str] = frozenset()
    line_break_new_heads: frozenset[str] = frozenset()
    committee_fallback_share: float = 0.0  # 0: no document-wide fallback
    committee_fallback_count: int = 0
    committee_document_context: tuple[WordRule, ...] = ()


@dataclass(frozen=True)
class BodyRules:
    directory: Path
    bodies: dict[str, KnownBody]
    patterns: tuple[dict[str, Any], ...]
    resolve: ResolveRules


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> BodyRules:
    base = directory / "bodies"
    resolve = _load_resolve(base / "resolve.yaml")
    bodies = _load_ods(base / "nhs_ods.jsonl")
    _merge_gazetteer(base / "gazetteer.yaml", bodies, read_yaml(base / "variants.yaml"))
    patterns = _load_patterns(base / "patterns.jsonl", resolve)
    return BodyRules(directory, bodies, patterns, resolve)


def _load_ods(path: Path) -> dict[str, KnownBody]:
    out: dict[str, KnownBody] = {}
    for n, row in enumerate(read_jsonl(path), 1):
        require(path, f"line {n}", row, ("ods_code", "type", "name", "aliases"))
        _check_type(path, f"line {n}", row["type"])
        body = KnownBody(
            id=slug(row["name"]),
            name=row["name"],
            type=row["type"],
            aliases=list(row["aliases"]),
            source="ods",
            ods_code=row["ods_code"],
            official_name=row.get("official_name"),
            opened=row.get("opened"),
            closed=row.get("closed"),
        )
        if body.id in out:  # two organisations of one name (over time): keep both, told apart by code
            body.id = f"{body.id}-{body.ods_code.lower()}"
        out[body.id] = body
    return out


def _merge_gazetteer(path: Path, bodies: dict[str, KnownBody], variant_rules: dict[str, Any]) -> None:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("bodies"), list):
        raise RuleError(path, "expected a mapping with a list `bodies`")
    by_code: dict[str, KnownBody] = {}
    for b in bodies.values():
        if b.ods_code:
            by_code.setdefault(b.ods_code, b)
    for i, row in enumerate(data["bodies"], 1):
        where = f"{i} ({row.get('name') or row.get('ods')})" if isinstance(row, dict) else i
        require(path, where, row, ("aliases",))
        if not isinstance(row["aliases"], list) or not all(isinstance(a, str) and a.strip() for a in row["aliases"]):
            raise RuleError(path, "`aliases` must be a list of names", where)
        exact = frozenset(row.get("exact") or ())
        nss = frozenset(row.get("common_word") or ())
        if row.get("ods") and not row.get("former_name_of"):
            code = str(row["ods"])
            if code not in by_code:
                raise RuleError(
                    path, f"ODS code {code} is not in nhs_ods.jsonl (run scripts/make_gazetteer.py?)", where
                )
            body = by_code[code]
            if row.get("name") and row["name"] != body.name:
                body.aliases.extend([body.name, row["name"]])
                body.name = row["name"]
                del bodies[body.id]
                body.id = slug(row["name"])
                if body.id in bodies:
                    raise RuleError(path, f"a body named {row['name']!r} is already known", where)
                bodies[body.id] = body
            if row.get("type"):
                _check_type(path, where, row["type"])
                body.type = row["type"]
            body.aliases.extend(row["aliases"])
            body.exact = body.exact | exact
            body.common_word = body.common_word | nss
            body.source = "gazetteer"
            continue
        require(path, where, row, ("name", "type"))
        _check_type(path, where, row["type"])
        former = row.get("former_name_of")
        if former and str(former) not in by_code:
            raise RuleError(path, f"ODS code {former} is not in nhs_ods.jsonl", where)
        body = KnownBody(
            id=slug(row["name"]),
            name=row["name"],
            type=row["type"],
            aliases=[row["name"], *row["aliases"], *exact, *nss, *variants(row["name"], row["type"], variant_rules)],
            source="gazetteer",
            ods_code=str(former) if former else None,
            official_name=row.get("official_name"),
            opened=_date(path, where, row.get("opened")),
            closed=_date(path, where, row.get("closed")),
            exact=exact,
            common_word=nss,
        )
        if body.id in bodies:
            raise RuleError(path, f"a body named {row['name']!r} is already known (from ODS or above)", where)
        bodies[body.id] = body


def _date(path: Path, where: int | str, value: Any) -> str | None:
    """`opened`/`closed` of a gazetteer body: YYYY, YYYY-MM or YYYY-MM-DD (quoted in YAML), or absent."""
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise RuleError(path, f"a date is written 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (quoted), not {value!r}", where)
    return value


def _check_type(path: Path, where: int | str, type_: Any) -> None:
    if type_ not in TYPES:
        raise RuleError(path, f"unknown type {type_!r} (expected one of {', '.join(TYPES)})", where)


def _load_patterns(path: Path, resolve: ResolveRules) -> tuple[dict[str, Any], ...]:
    rows = read_jsonl(path)
    for n, row in enumerate(rows, 1):
        require(path, f"pattern {n}", row, ("label", "id", "pattern"))
        if row["label"] not in resolve.families:
            raise RuleError(path, f"label {row['label']!r} is not a family of resolve.yaml", f"pattern {row['id']}")
        if not isinstance(row["pattern"], list) or not row["pattern"]:
            raise RuleError(path, "`pattern` must be a non-empty list of token patterns", f"pattern {row['id']}")
    return tuple(rows)


def _words(path: Path, where: str, value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(path, "expected a list of words", where)
    return frozenset(value)


def _word_rules(path: Path, where: str, value: Any) -> tuple[WordRule, ...]:
    if not isinstance(value, list):
        raise RuleError(path, "expected a list of {words, type}", where)
    out = []
    for i, r in enumerate(value, 1):
        require(path, f"{where} {i}", r, ("words", "type"))
        _check_type(path, f"{where} {i}", r["type"])
        out.append(WordRule(_words(path, f"{where} {i}", r["words"]), r["type"]))
    return tuple(out)


def _load_resolve(path: Path) -> ResolveRules:
    d = read_yaml(path)
    require(
        path,
        "top level",
        d,
        (
            "stop_words",
            "name_joiners",
            "families",
            "committees",
            "lists",
            "linking",
            "abbreviations",
            "owner_endings",
            "org_types",
        ),
    )
    families = {}
    everywhere = _words(path, "generic_everywhere", d.get("generic_everywhere", []))
    for name, f in d["families"].items():
        require(path, f"families.{name}", f, ("type", "generic"))
        if f["type"] != "committee":
            _check_type(path, f"families.{name}", f["type"])
        families[name] = Family(
            name,
            f["type"],
            _words(path, f"families.{name}", f["generic"]) | everywhere,
            bool(f.get("lowercase_head")),
            bool(f.get("closed_head")),
        )
    c, li, lk, ab = d["committees"], d["lists"], d["linking"], d["abbreviations"]
    require(path, "committees", c, ("by_name", "by_context", "default"))
    require(path, "lists", li, ("plural_heads", "qualifiers", "separators"))
    require(path, "linking", lk, ("ignore", "synonyms", "place_suffixes", "families"))
    require(path, "abbreviations", ab, ("max_short_form_chars", "long_form_heads", "not_abbreviations"))
    _check_type(path, "committees.default", c["default"])
    ner = d.get("ner") or {"labels": ["ORG"], "type": "other"}
    ko, dw, lb = d.get("known_only") or {}, d.get("document_words") or {}, d.get("line_breaks") or {}
    fb = c.get("document_fallback") or {}
    for where, value in (("known_only", ko), ("document_words", dw), ("document_fallback", fb), ("line_breaks", lb)):
        if not isinstance(value, dict):
            raise RuleError(path, "expected a mapping", where)
    _check_type(path, "ner.type", ner.get("type"))
    return ResolveRules(
        stop_words=_words(path, "stop_words", d["stop_words"]),
        hyphen_words=_words(path, "hyphen_words", d.get("hyphen_words", [])),
        name_joiners=_words(path, "name_joiners", d["name_joiners"]),
        possessive_breaks=_words(path, "possessive_breaks", d.get("possessive_breaks", [])),
        families=families,
        committee_min_words=int(d.get("committee_min_words", 1)),
        org_types=_word_rules(path, "org_types", d["org_types"]),
        council_types=_word_rules(path, "council_types", d.get("council_types", [])),
        owner_endings=_words(path, "owner_endings", d["owner_endings"]),
        committee_by_name=_word_rules(path, "committees.by_name", c["by_name"]),
        committee_by_context=_word_rules(path, "committees.by_context", c["by_context"]),
        committee_context_lines=int(c.get("context_lines", 0)),
        committee_default=c["default"],
        plural_heads={str(k): str(v) for k, v in li["plural_heads"].items()},
        qualifiers=_words(path, "lists.qualifiers", li["qualifiers"]),
        separators=_words(path, "lists.separators", li["separators"]),
        list_breaks=_words(path, "lists.breaks", li.get("breaks", [])),
        count_words=_words(path, "lists.count_words", li.get("count_words", [])),
        direction_words=_words(path, "lists.direction_words", li.get("direction_words", [])),
        lowercase_place_words=_words(path, "lists.lowercase_place_words", li.get("lowercase_place_words", [])),
        link_ignore=_words(path, "linking.ignore", lk["ignore"]),
        synonyms={str(k).lower(): tuple(str(v).lower().split()) for k, v in lk["synonyms"].items()},
        place_suffixes=tuple(lk["place_suffixes"]),
        link_families={k: frozenset(v) for k, v in lk["families"].items()},
        sf_max_chars=int(ab["max_short_form_chars"]),
        long_form_heads=_words(path, "abbreviations.long_form_heads", ab["long_form_heads"]),
        long_form_types={str(k): str(v) for k, v in (ab.get("long_form_types") or {}).items()},
        not_abbreviations=_words(path, "abbreviations.not_abbreviations", ab["not_abbreviations"]),
        ner_labels=_words(path, "ner.labels", ner.get("labels", [])),
        ner_type=ner["type"],
        tokenizer_suffixes=_regexes(path, "tokenizer_suffixes", d.get("tokenizer_suffixes", [])),
        document_words=_words(path, "document_words.words", dw.get("words", [])),
        document_heads=_words(path, "document_words.heads", dw.get("heads", [])),
        long_forms=_long_forms(path, lk.get("long_forms") or {}),
        known_only_patterns=_words(path, "known_only.patterns", ko.get("patterns", [])),
        open_ended_patterns=_words(path, "open_ended_patterns", d.get("open_ended_patterns", [])),
        known_only_min_words=int(ko.get("min_name_words", 1)),
        short_forms=_short_forms(path, d.get("short_forms") or []),
        line_break_words=_words(path, "line_breaks.next_words", lb.get("next_words", [])),
        line_break_new_heads=_words(path, "line_breaks.new_name_heads", lb.get("new_name_heads", [])),
        committee_fallback_share=float(fb.get("min_share", 0.0)),
        committee_fallback_count=int(fb.get("min_count", 0)),
        committee_document_context=_word_rules(path, "committees.document_context", c.get("document_context", [])),
    )


def _short_forms(path: Path, value: Any) -> tuple[ShortFormRule, ...]:
    if not isinstance(value, list):
        raise RuleError(path, "expected a list of {drop_heads, last_words}", "short_forms")
    out = []
    for i, r in enumerate(value, 1):
        require(path, f"short_forms {i}", r, ("drop_heads",))
        last = r.get("last_words")
        out.append(
            ShortFormRule(
                _words(path, f"short_forms {i}", r["drop_heads"]),
                None if last is None else _words(path, f"short_forms {i}", last),
            )
        )
    return tuple(out)


def _long_forms(path: Path, value: Any) -> tuple[tuple[tuple[str, ...], str], ...]:
    """`linking.long_forms`: {long ending: short ending}, e.g. `Sustainability and Transformation Plan: STP`."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise RuleError(path, "expected a mapping of a long name ending to its short form", "linking.long_forms")
    return tuple((tuple(k.split()), v) for k, v in value.items())


def _regexes(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(path, "expected a list of regular expressions", where)
    for v in value:
        try:
            re.compile(v)
        except re.error as exc:
            raise RuleError(path, f"{v!r} is not a valid regular expression ({exc})", where) from None
    return tuple(value)
