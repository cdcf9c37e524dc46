#!/usr/bin/env python3
"""Make the `ods` part of rules/facts_sites.yaml: hospitals named in NHS trusts' ODS addresses.

    python scripts/make_sites.py [--ods DIR] [--rules DIR] [--check]

An NHS trust's ODS record (data/ods/etr.csv, a copy of ../shared/reference/ods/etr.csv) gives its
headquarters' address, which is often a hospital it runs ("WATFORD GENERAL HOSPITAL" for West
Hertfordshire Teaching Hospitals NHS Trust). Each address field naming a hospital or infirmary (not
the trust itself, not a street number) becomes a site of that trust, with the trust's open and close
dates, so a paper naming the site is read as the trust's money (pipeline/facts). The trust's name is
its canonical name in rules/bodies/nhs_ods.jsonl. The `manual` part of the file (sites no ODS address
names, with where each comes from) is kept as it is.

`--check` writes nothing and exits 1 when the committed file is out of date.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract.bodies.casing import proper_case  # noqa: E402
from pipeline.rules import read_yaml  # noqa: E402

SITE = re.compile(r"\b(?:HOSPITAL|INFIRMARY)\b")
HEADER = """\
# Hospital sites and the NHS trusts that run them (pipeline/facts: an amount spent at, or on, a
# hospital is its trust's money). Read and checked by pipeline/facts/sites.py.
#   site: the hospital's name; trust: the trust's name (looked up among known bodies); ods: the
#   trust's ODS code; opened, closed: the trust's dates (a site named in a paper of a given date is
#   the trust open then).
# `ods` is made by scripts/make_sites.py from the trusts' addresses in data/ods/etr.csv (do not edit
# it by hand); `manual` lists sites no ODS address names, each with its source.
"""


def _date(value: str) -> str | None:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if re.fullmatch(r"\d{8}", value) else None


def ods_sites(ods_dir: Path, rules_dir: Path) -> list[dict[str, object]]:
    names = {}
    for raw in (rules_dir / "bodies" / "nhs_ods.jsonl").read_text(encoding="utf-8").splitlines():
        if raw.strip():
            row = json.loads(raw)
            names[row["ods_code"]] = row["name"]
    pc = read_yaml(rules_dir / "bodies" / "variants.yaml")["proper_case"]
    out = []
    with (ods_dir / "etr.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            code, name = row[0].strip(), row[1].strip()
            if code not in names:
                continue
            for field in row[4:9]:
                field = field.strip()
                if not SITE.search(field) or "TRUST" in field or field[:1].isdigit() or field == name:
                    continue
                site = proper_case(field, pc["upper"], pc["lower"], pc.get("special"))
                out.append(
                    {
                        "site": site,
                        "trust": names[code],
                        "ods": code,
                        "opened": _date(row[10].strip()),
                        "closed": _date(row[11].strip()),
                    }
                )
    return sorted(out, key=lambda s: (str(s["site"]), str(s["ods"])))


def render(manual: list[dict[str, object]], ods: list[dict[str, object]]) -> str:
    body = yaml.safe_dump({"manual": manual, "ods": ods}, sort_keys=False, allow_unicode=True, width=120)
    return HEADER + body


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ods", type=Path, default=ROOT / "data" / "ods", help="folder of the ODS CSV files")
    ap.add_argument("--rules", type=Path, default=ROOT / "rules", help="rules folder")
    ap.add_argument("--check", action="store_true", help="exit 1 when rules/facts_sites.yaml is out of date")
    args = ap.parse_args(argv)
    path = args.rules / "facts_sites.yaml"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    manual = (read_yaml(path) or {}).get("manual", []) if old else []
    new = render(manual, ods_sites(args.ods, args.rules))
    if args.check:
        if new != old:
            sys.exit(f"{path} is out of date: run python scripts/make_sites.py")
        return
    path.write_text(new, encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
