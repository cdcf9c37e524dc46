"""Compare two databases built by `python -m pipeline build`, table by table, row by row.

    python scripts/compare_builds.py before.db after.db

Every table and view is compared except `builds` (times, code version) and the full-text index's
shadow tables. Rows are compared as sets of tuples (ordered by every column), so a change in any
value, id or offset shows, with up to 5 example rows on each side. Exits 1 when they differ.
Used to check that a speed change leaves the output identical on corpus/ and ../shared/realdocs.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

SKIP = {"builds"}


def tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("select name from sqlite_master where type in ('table', 'view') order by name").fetchall()
    return [r[0] for r in rows if r[0] not in SKIP and not r[0].startswith(("lines_fts", "sqlite_"))]


def rows(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    cols = [r[1] for r in conn.execute(f'pragma table_info("{table}")')]
    order = ", ".join(f'"{c}"' for c in cols)
    return conn.execute(f'select * from "{table}" order by {order}').fetchall()


def compare(a: Path, b: Path) -> int:
    ca, cb = sqlite3.connect(a), sqlite3.connect(b)
    ta, tb = tables(ca), tables(cb)
    differ = 0
    if ta != tb:
        only_a, only_b = sorted(set(ta) - set(tb)), sorted(set(tb) - set(ta))
        print(f"tables differ: only in {a.name}: {only_a}, only in {b.name}: {only_b}")
        differ += 1
    for t in [t for t in ta if t in tb]:
        ra, rb = rows(ca, t), rows(cb, t)
        if ra == rb:
            print(f"  same  {t:28} {len(ra):8d} rows")
            continue
        differ += 1
        sa, sb = set(ra), set(rb)
        print(f"  DIFF  {t:28} {len(ra):8d} vs {len(rb)} rows; {len(sa - sb)} only before, {len(sb - sa)} only after")
        for label, extra in (("before", sa - sb), ("after", sb - sa)):
            for r in sorted(extra, key=repr)[:5]:
                print(f"        {label}: {r!r}"[:400])
    print("identical" if not differ else f"{differ} table(s) differ")
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(compare(Path(sys.argv[1]), Path(sys.argv[2])))
