"""``python -m pipeline reviews ...``: share, merge and inspect reviewers' verdicts.

    reviews export -o db/reviews.jsonl     every verdict, oldest first (JSONL or CSV)
    reviews import a.jsonl b.csv           add the verdicts not already present, then re-attach
    reviews list [--all]                   the verdicts in force (or every verdict)
    reviews orphans                        verdicts whose item is not in the current build
    reviews anchor                         re-attach every verdict to the current build
    reviews add-reviewer NAME              a sign-in for `make serve` (db/reviewers.yaml)

Import is idempotent: a verdict is identified by its uid (a hash of its content),
so importing the same file twice, or two reviewers' files that overlap, adds
each verdict once. A file with a bad row is refused whole, with the line and
the reason.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from pipeline.reviews import anchor, items, store
from pipeline.reviews.store import ROW_FIELDS, Verdict

DEFAULT_REVIEWS = Path("db/reviews.db")
DEFAULT_DB = Path("db/nhs.db")
INT_FIELDS = ("page", "line", "char_start", "char_end")
REQUIRED: tuple[str, ...] = ("item_kind", "item_id", "doc", "doc_sha256", "line", "char_start", "char_end", "exact")
REQUIRED += ("verdict", "reviewer", "created")

reviews_option = click.option(
    "--reviews",
    "reviews_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_REVIEWS,
    show_default=True,
    help="The reviews database (kept outside the rebuilt nhs.db).",
)
db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="The built database the verdicts are attached to.",
)
format_option = click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table")


@click.group(name="reviews")
def reviews() -> None:
    """Reviewers' verdicts: export, import, list, orphans (kept in db/reviews.db, outside the build)."""


# --- export / import ------------------------------------------------------------------------


@reviews.command(name="export")
@reviews_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write [default: stdout]."
)
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None, help="[default: from -o, else jsonl]"
)
def export_cmd(reviews_path: Path, output: Path | None, fmt: str | None) -> None:
    """Write every verdict, oldest first, to a JSONL or CSV file to commit or share."""
    _require(reviews_path)
    fmt = fmt or ("csv" if output and output.suffix.lower() == ".csv" else "jsonl")
    conn = store.connect(reviews_path)
    rows = store.export_rows(conn)
    conn.close()
    text = to_csv(rows) if fmt == "csv" else to_jsonl(rows)
    if output is None:
        sys.stdout.write(text)
    else:
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
        click.echo(f"Exported {len(rows)} verdicts to {output}", err=True)


def to_jsonl(rows: Iterable[dict[str, Any]]) -> str:
    out = []
    for r in rows:
        r = dict(r)
        r["recorded_values"] = json.loads(r["recorded_values"]) if r.get("recorded_values") else {}
        out.append(json.dumps(r, ensure_ascii=False, sort_keys=False))
    return "".join(line + "\n" for line in out)


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(ROW_FIELDS), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: "" if r.get(k) is None else r[k] for k in ROW_FIELDS})
    return buf.getvalue()


class BadVerdictFile(ValueError):
    pass


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, raw record) for each verdict in a JSONL or CSV file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        for n, rec in enumerate(csv.DictReader(io.StringIO(text)), 2):
            yield n, {k: (None if v == "" else v) for k, v in rec.items() if k is not None}
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadVerdictFile(f"{path}, line {n}: not JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(rec, dict):
            raise BadVerdictFile(f"{path}, line {n}: expected a JSON object, one verdict per line")
        yield n, rec


def checked_row(path: Path, n: int, rec: dict[str, Any]) -> dict[str, Any]:
    """A verdict row from a file, with types fixed, validated and its uid and key checked."""
    where = f"{path}, line {n}"
    missing = [f for f in REQUIRED if rec.get(f) in (None, "")]
    if missing:
        raise BadVerdictFile(f"{where}: missing {', '.join(missing)}")
    row: dict[str, Any] = {k: rec.get(k) for k in ROW_FIELDS}
    for k in INT_FIELDS:
        if row[k] is not None:
            try:
                row[k] = int(row[k])
            except (TypeError, ValueError) as exc:
                raise BadVerdictFile(f"{where}: {k} should be a whole number, not {row[k]!r}") from exc
    values = row.get("recorded_values")
    if isinstance(values, str):
        try:
            values = json.loads(values) if values else {}
        except json.JSONDecodeError as exc:
            raise BadVerdictFile(f"{where}: recorded_values is not JSON") from exc
    row["recorded_values"] = values or {}
    for k in ("prefix", "suffix"):
        row[k] = row[k] or ""
    key = items.target_key(
        row["doc_sha256"], row["item_kind"], row["page"], row["line"], row["char_start"], row["char_end"], row["exact"]
    )
    if row.get("target_key") and row["target_key"] != key:
        raise BadVerdictFile(f"{where}: target_key {row['target_key']} does not match the position and text given")
    row["target_key"] = key
    verdict = Verdict(
        store.target_from_row({**row, "recorded_values": json.dumps(row["recorded_values"])}),
        str(row["verdict"]),
        str(row["reviewer"]),
        str(row["created"]),
        row.get("correct"),
        row.get("note"),
    )
    problems = store.validate(verdict)
    if problems:
        raise BadVerdictFile(f"{where}: {'; '.join(problems)}")
    if row.get("uid") and row["uid"] != verdict.uid:
        raise BadVerdictFile(f"{where}: uid {row['uid']} does not match the verdict's content (was the row edited?)")
    return verdict.row()


@reviews.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@reviews_option
@db_option
def import_cmd(files: tuple[Path, ...], reviews_path: Path, db_path: Path) -> None:
    """Add the verdicts of FILES (JSONL or CSV exports) not already present, then re-attach them.

    Every file is checked first; if any row is bad nothing is imported.
    """
    batches: list[tuple[Path, list[dict[str, Any]]]] = []
    try:
        for path in files:
            batches.append((path, [checked_row(path, n, rec) for n, rec in read_rows(path)]))
    except (BadVerdictFile, UnicodeDecodeError) as exc:
        click.echo(f"Error: {exc}. Nothing was imported.", err=True)
        sys.exit(2)
    conn = store.connect(reviews_path)
    for path, rows in batches:
        added, present = store.add_rows(conn, rows)
        click.echo(f"{path}: {len(rows)} verdicts, {added} added, {present} already present", err=True)
    conn.close()
    _reanchor(db_path, reviews_path)


# --- reading ---------------------------------------------------------------------------------


@reviews.command(name="list")
@reviews_option
@db_option
@click.option("--all", "show_all", is_flag=True, help="Every verdict (history), not only those in force.")
@format_option
def list_cmd(reviews_path: Path, db_path: Path, show_all: bool, fmt: str) -> None:
    """The verdicts in force on items of the current build (newest last)."""
    _require(reviews_path)
    conn = store.connect(reviews_path)
    sql = "SELECT * FROM verdict_history ORDER BY created, uid" if show_all else None
    rows = [dict(r) for r in conn.execute(sql)] if sql else store.current(conn)
    conn.close()
    _print(rows, fmt, ("created", "reviewer", "verdict", "item_kind", "doc", "line", "exact", "correct", "anchor"))


@reviews.command(name="orphans")
@reviews_option
@format_option
def orphans_cmd(reviews_path: Path, fmt: str) -> None:
    """Verdicts whose item is not in the current build: kept, listed here for a person to look at."""
    _require(reviews_path)
    conn = store.connect(reviews_path)
    rows = store.orphans(conn)
    conn.close()
    _print(rows, fmt, ("created", "reviewer", "verdict", "item_kind", "doc", "line", "exact", "prefix", "suffix"))
    if fmt == "table":
        click.echo(f"{len(rows)} orphaned verdicts", err=True)


@reviews.command(name="anchor")
@reviews_option
@db_option
def anchor_cmd(reviews_path: Path, db_path: Path) -> None:
    """Attach every verdict to the current build again (done after every build and at `make serve`)."""
    _require(reviews_path)
    if not db_path.is_file():
        click.echo(f"Error: {db_path} does not exist: build it first (make).", err=True)
        sys.exit(2)
    _reanchor(db_path, reviews_path)


def reattach_after_build(db_path: Path, reviews_path: Path | None = None) -> None:
    """Called by `build`: re-attach verdicts if there are any (quietly does nothing otherwise)."""
    reviews_path = reviews_path or db_path.with_name("reviews.db")
    if reviews_path.is_file():
        _reanchor(db_path, reviews_path)


def _reanchor(db_path: Path, reviews_path: Path) -> None:
    if not db_path.is_file():
        click.echo(f"Note: {db_path} is not built yet; verdicts will be attached after the next build.", err=True)
        return
    report = anchor.reanchor_files(db_path, reviews_path)
    click.echo(
        f"Reviewed items: {report.targets}; {report.same} attached as recorded, {report.reanchored} re-anchored, "
        f"{len(report.orphaned)} orphaned" + (" (python -m pipeline reviews orphans)" if report.orphaned else ""),
        err=True,
    )


# --- accounts --------------------------------------------------------------------------------


@reviews.command(name="add-reviewer")
@click.argument("name")
@click.option(
    "--file",
    "accounts",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("db/reviewers.yaml"),
    show_default=True,
    help="Accounts file read by `make serve` (keep it out of git).",
)
@click.option("--display-name", default=None, help="Name shown beside the reviewer's verdicts.")
@click.password_option(help="The reviewer's password (asked for when not given).")
def add_reviewer(name: str, accounts: Path, display_name: str | None, password: str) -> None:
    """Add (or reset) the sign-in NAME for recording verdicts in the browser."""
    import yaml
    from datasette_auth_passwords.utils import hash_password

    if not name.replace("-", "").replace("_", "").isalnum():
        click.echo("Error: a reviewer name is letters, digits, - and _ only.", err=True)
        sys.exit(2)
    weak = password_problem(name, password)
    if weak:
        click.echo(f"Error: {weak}; the account was not added.", err=True)
        sys.exit(2)
    data: dict[str, Any] = {}
    if accounts.is_file():
        data = yaml.safe_load(accounts.read_text(encoding="utf-8")) or {}
    data.setdefault("reviewers", {})[name] = {"name": display_name or name, "password_hash": hash_password(password)}
    header = "# Reviewer sign-ins for `make serve` (password hashes). Not for git.\n"
    accounts.parent.mkdir(parents=True, exist_ok=True)
    accounts.write_text(header + yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    accounts.chmod(0o600)
    click.echo(f"Reviewer {name} can now sign in at /-/login (restart make serve if it is running).", err=True)


MIN_PASSWORD = 10


def password_problem(name: str, password: str) -> str | None:
    """Why `password` may not be a reviewer's password, or None when it may."""
    if not password.strip():
        return "the password is empty"
    if len(password) < MIN_PASSWORD:
        return f"the password is {len(password)} characters long; give at least {MIN_PASSWORD}"
    if password.strip().lower() == name.lower():
        return "the password is the reviewer's name"
    return None


# --- helpers ---------------------------------------------------------------------------------


def _require(reviews_path: Path) -> None:
    if not reviews_path.is_file():
        click.echo(f"Error: {reviews_path} does not exist: no verdict has been recorded or imported yet.", err=True)
        sys.exit(2)


def _print(rows: list[dict[str, Any]], fmt: str, columns: tuple[str, ...]) -> None:
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
        return
    widths = {c: min(40, max([len(c), *(len(_cell(r.get(c))) for r in rows)])) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        click.echo("  ".join(_cell(r.get(c))[: widths[c]].ljust(widths[c]) for c in columns))


def _cell(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())
