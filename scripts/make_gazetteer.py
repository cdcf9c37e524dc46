#!/usr/bin/env python3
"""Make rules/bodies/nhs_ods.jsonl from NHS England's ODS lists in data/ods/.

    python scripts/make_gazetteer.py [--ods DIR] [--rules DIR] [--check]

Reads the trusts (etr.csv), CCGs (eccg.csv, closed ones included) and ICBs
(icb_names_codes_dec_2024.csv), proper-cases their upper-case names, and writes
one JSON object per organisation: ODS code, type, canonical name, official
name, open and close dates, and the name variants to match. How names are cased
and which variants are made is data: rules/bodies/variants.yaml.

`--check` writes nothing and exits 1 when the committed file is out of date.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract.bodies.casing import proper_case  # noqa: E402
from pipeline.extract.bodies.variants import variants  # noqa: E402
from pipeline.rules import RuleError, read_yaml  # noqa: E402

DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def read_rows(path: Path, spec: dict[str, Any]) -> list[tuple[str, str, str | None, str | None]]:
    """(code, upper-case name, opened, closed) for every row of one ODS file."""
    if not path.exists():
        raise SystemExit(f"{path}: not found. Copy the ODS CSV downloads into {path.parent} (see SOURCES.md there).")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        if spec.get("header"):
            rows = []
            for n, row in enumerate(csv.DictReader(fh), 2):
                code, name = row.get(spec["code_column"]), row.get(spec["name_column"])
                if not code or not name:
                    raise SystemExit(
                        f"{path}, line {n}: expected columns {spec['code_column']} and {spec['name_column']}"
                    )
                rows.append((code.strip(), name.strip().upper(), None, None))
            return rows
        out = []
        for n, row in enumerate(csv.reader(fh), 1):
            if len(row) < 2 or not row[0].strip():
                raise SystemExit(f"{path}, line {n}: expected an ODS row (code, name, ...), got {row[:3]}")
            opened, closed = _dates(row)
            out.append((row[0].strip(), row[1].strip(), opened, closed))
        return out


def _dates(row: list[str]) -> tuple[str | None, str | None]:
    """Open and close dates: columns 11 and 12, or (rows with shifted columns) the 8-digit cells after the name."""
    if len(row) > 11 and (DATE.match(row[10]) or not row[10]) and (DATE.match(row[11]) or not row[11]):
        cells = [row[10], row[11]]
    else:
        found = [c for c in row[4:14] if DATE.match(c)]
        cells = [*found, "", ""][:2]
    return _iso(cells[0]), _iso(cells[1])


def _iso(cell: str) -> str | None:
    m = DATE.match(cell or "")
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def canonical(official: str, type_: str, rules: list[dict[str, Any]]) -> str:
    name = official
    for rule in rules:
        if rule.get("type", type_) != type_:
            continue
        if rule.get("unless_match") and re.search(rule["unless_match"], name):
            continue
        prefix = rule["drop_prefix"]
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name


SECTIONS = ("proper_case", "sources", "canonical", "variants", "org_words")  # of variants.yaml, read here


def make(ods_dir: Path, rules_dir: Path) -> list[dict[str, Any]]:
    conf_path = rules_dir / "bodies" / "variants.yaml"
    conf = read_yaml(conf_path)
    missing = [k for k in SECTIONS if not isinstance(conf, dict) or k not in conf]
    if missing:
        raise RuleError(conf_path, f"missing section(s) {', '.join(missing)}")
    pc = conf["proper_case"]
    retype = [(re.compile(r["match"]), r) for r in conf.get("retype", [])]
    bodies: dict[str, dict[str, Any]] = {}
    for spec in conf["sources"]:
        for code, upper, opened, closed in read_rows(ods_dir / spec["file"], spec):
            type_, with_variants = spec["type"], True
            for pattern, rule in retype:
                if pattern.search(upper):
                    type_ = rule.get("type", type_)
                    with_variants = rule.get("variants", True)
                    break
            official = proper_case(upper, pc["upper"], pc["lower"], pc.get("special"))
            name = canonical(official, type_, conf["canonical"])
            aliases = [official, name, *(variants(official, type_, conf) if with_variants else [])]
            key = f"{type_}:{code}"
            if key in bodies:
                raise SystemExit(f"{ods_dir / spec['file']}: ODS code {code} appears twice")
            bodies[key] = {
                "ods_code": code,
                "type": type_,
                "name": name,
                "official_name": official,
                "opened": opened,
                "closed": closed,
                "aliases": list(dict.fromkeys(aliases)),
            }
    return [bodies[k] for k in sorted(bodies)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ods", type=Path, default=ROOT / "data" / "ods", help="folder of the ODS CSV files")
    ap.add_argument("--rules", type=Path, default=ROOT / "rules", help="rules folder (reads bodies/variants.yaml)")
    ap.add_argument("--check", action="store_true", help="only check that the committed file is up to date")
    args = ap.parse_args(argv)
    try:
        rows = make(args.ods, args.rules)
    except RuleError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    out = args.rules / "bodies" / "nhs_ods.jsonl"
    if args.check:
        same = out.exists() and out.read_text(encoding="utf-8") == text
        print(f"{out}: {'up to date' if same else 'out of date: run scripts/make_gazetteer.py'}")
        return 0 if same else 1
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {len(rows)} organisations", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
