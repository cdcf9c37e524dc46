"""Score facts against a gold set of PDF amounts whose lines are numbered per page.

    score_facts_paged.py DB_OR_JSONL GOLD_DIR [score_facts.py options: --json, --misses N]

../shared/eval/score_facts.py pairs a prediction with a gold fact on the same document and line
number and reads a gold scope as line ranges. A PDF numbers its lines from 1 on every page, so in a
long report line 9 of page 34 and line 9 of page 195 are one key to it: amounts of different pages
whose spans overlap get paired with each other (tests/gold/heldout-facts-blind4: 15 such pairs, and a
perfect prediction scores 0.887 on all three fields). This script gives every row with a page the
line number `page * 100000 + line`, in the predictions, in the gold and in a scope entry that has
`pages` (`[first page, last page]`, read with `lines` as the first line of the first page to the
last line of the last page), writes them to a temporary folder and runs score_facts.py on them.
Rows without a page (text documents) keep their line.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score_facts.py"
STRIDE = 100000
FIELDS = ("doc_sha256", "page", "line", "char_start", "char_end", "text", "subject", "measure", "period")


def paged_line(page: int | None, line: int) -> int:
    return line if page is None else page * STRIDE + line


def predictions(path: Path) -> list[dict]:
    """The facts of a database (its `facts` view) or of a JSON Lines file, lines numbered through pages."""
    if path.suffix == ".jsonl":
        rows = [json.loads(r) for r in path.read_text(encoding="utf-8").splitlines() if r.strip()]
    else:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        rows = [dict(r) for r in con.execute(f"select {','.join(FIELDS)} from facts")]
    for r in rows:
        r["line"] = paged_line(r.get("page"), r["line"])
    return rows


def paged_gold(gold: Path, out: Path) -> None:
    """GOLD_DIR's facts.jsonl and scope.json with page-keyed lines, written to OUT."""
    facts = [json.loads(r) for r in (gold / "facts.jsonl").read_text(encoding="utf-8").splitlines() if r.strip()]
    for f in facts:
        f["line"] = paged_line(f.get("page"), f["line"])
    scope = json.loads((gold / "scope.json").read_text(encoding="utf-8"))
    for s in scope:
        if "pages" in s:
            (p0, p1), (l0, l1) = s["pages"], s["lines"]
            s["lines"] = [paged_line(p0, l0), paged_line(p1, l1)]
    out.mkdir(parents=True, exist_ok=True)
    (out / "facts.jsonl").write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in facts), encoding="utf-8")
    (out / "scope.json").write_text(json.dumps(scope) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        sys.exit(__doc__)
    pred_path, gold = Path(argv[0]), Path(argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        paged_gold(gold, Path(tmp) / "gold")
        pred = Path(tmp) / "pred.jsonl"
        rows = predictions(pred_path)
        pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        done = subprocess.run([sys.executable, str(SCORER), str(pred), str(Path(tmp) / "gold"), *argv[2:]])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
