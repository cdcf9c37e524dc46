"""The command line: ``python -m pipeline`` or ``nhs-figures``.

Exit codes: 0 everything built; 1 the build finished but some documents
failed (see the problems table); 2 nothing was built (bad manifest, bad rule
file, bad arguments).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
import sqlite_utils

from pipeline.build import BuildReport, DocResult, build, default_jobs
from pipeline.executors import ENGINES, ExecutorError, make_executor
from pipeline.extract import Context, Options
from pipeline.ingest.pdf_rules import READERS
from pipeline.manifest import ManifestError
from pipeline.reviews.cli import reattach_after_build, reviews
from pipeline.rules import RuleError, rules_dir
from pipeline.workers import Terminated, sigterm_as_interrupt

DEFAULT_DB = Path("db/nhs.db")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nhs-figures")
def cli() -> None:
    """Extract money, percentages, page references, bodies and quotations from NHS
    documents into SQLite, with provenance to the exact source line."""


@cli.command(name="build")
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("corpus"),
    show_default=True,
    help="Folder of source documents (with manifest.yaml, or without: entries are inferred).",
)
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True)
@click.option(
    "--rules",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of rule files [default: the rules/ shipped with the package].",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and the summary.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Documents processed in parallel [default: the number of CPU cores].",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of cached per-document results [default: cache/ beside the database].",
)
@click.option("--no-cache", is_flag=True, help="Process every document afresh (and cache nothing).")
@click.option(
    "--spacy-model",
    metavar="NAME",
    default=None,
    help="Also run the `ner` of this installed spaCy pipeline (a package name or a path) for bodies; "
    "the rules win where they disagree. Nothing is downloaded.",
)
@click.option(
    "--executor",
    type=click.Choice(sorted(ENGINES)),
    default=None,
    help="Where documents are processed: local (this machine's cores, --jobs processes) or dask (the Dask "
    "cluster at --scheduler, or a local one of --jobs worker processes) [default: local; dask with --scheduler].",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="The Dask scheduler to build on (every worker must see the corpus and the cache at the same paths).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Give up a document still being read or extracted after this long (a `timeout` problem; "
    "0: no limit) [default: document_seconds in rules/limits.yaml, 600].",
)
@click.option(
    "--pdf-reader",
    type=click.Choice(READERS),
    default=None,
    help="Where PDF characters come from: pdfplumber (pdfminer, the reference) or pdfium (faster) "
    "[default: reader.name in rules/pdf_layout.yaml].",
)
def build_cmd(
    corpus: Path,
    db_path: Path,
    rules: Path | None,
    quiet: bool,
    jobs: int | None,
    cache_dir: Path | None,
    no_cache: bool,
    spacy_model: str | None,
    time_limit: float | None,
    executor: str | None,
    scheduler: str | None,
    pdf_reader: str | None,
) -> None:
    """Build the database DB from the documents in CORPUS.

    The new database replaces the old one only when it is complete. Documents
    that cannot be read are listed with the reason and recorded in the
    `problems` table; the others are built. Each document's results are cached,
    so a rebuild redoes only what changed.
    """
    if not db_path.parent.is_dir():
        click.echo(
            f"Error: --db {db_path}: the folder {db_path.parent} does not exist. Create it "
            f"(mkdir -p {db_path.parent}) or give a --db in an existing folder.",
            err=True,
        )
        sys.exit(2)
    options: Options = {"spacy_model": spacy_model} if spacy_model else {}
    if no_cache:
        options["cache"] = None
    elif cache_dir is not None:
        options["cache"] = str(cache_dir)
    if time_limit is not None:
        options["time_limit"] = time_limit
    if pdf_reader:
        options["ingest"] = {"pdf_reader": pdf_reader}
    ctx = Context(rules=rules_dir(rules), options=options)
    if spacy_model:
        from pipeline.extract.bodies.ner import NerModelError, load_ner

        try:
            load_ner(spacy_model)
        except NerModelError as exc:
            click.echo(f"Error: --spacy-model: {exc}", err=True)
            sys.exit(2)
    bar = _Bar() if not quiet and sys.stderr.isatty() else None
    try:
        with (
            sigterm_as_interrupt(),
            make_executor(
                executor or ("dask" if scheduler else "local"),
                jobs or default_jobs(),
                scheduler,
                announce=None if quiet else lambda line: click.echo(line, err=True),
            ) as runner,
        ):
            report = build(
                corpus,
                db_path,
                ctx,
                progress=bar.update if bar else (None if quiet else _progress),
                jobs=runner.jobs,
                on_start=bar.start if bar else None,
                executor=runner,
            )
    except (ManifestError, RuleError, ExecutorError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt as exc:
        if bar:
            bar.finish()
        how = "Terminated" if isinstance(exc, Terminated) else "Interrupted"
        click.echo(f"\n{how}: {db_path} is unchanged (the new database was not swapped in).", err=True)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    finally:
        if bar:
            bar.finish()
    _summary(report)
    reattach_after_build(db_path)
    sys.exit(0 if report.ok else 1)


class _Bar:
    """A progress bar on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label="Building", file=sys.stderr, show_pos=True)
        self.bar.__enter__()

    def update(self, result: DocResult) -> None:
        if self.bar:
            self.bar.label = f"Building {result.doc.path[:40]:40}"
            self.bar.update(1)

    def finish(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _progress(result: DocResult) -> None:
    n = len(result.extraction.mentions) if result.extraction else 0
    status = "failed" if any(p.severity == "error" for p in result.doc.problems) else f"{n} mentions"
    click.echo(f"  {result.doc.path}: {len(result.doc.lines)} lines, {status} ({result.seconds:.2f}s)", err=True)


def _summary(report: BuildReport) -> None:
    if report.manifest is None and report.documents:
        click.echo(
            "Note: no manifest.yaml in the corpus folder; every document's entry was inferred "
            "(title from the PDF or the file name, kind from the extension).",
            err=True,
        )
    for path in report.inferred:
        click.echo(f"Note: {path} has no manifest entry; title and kind were inferred from its name.", err=True)
    for p in report.problems:  # each message names the file (and the page or line) itself
        label = "Error" if p.severity == "error" else "Warning"
        click.echo(f"{label} [{p.reason}] {p.message}", err=True)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report.mentions.items())) or "no mentions"
    if report.unchanged:
        click.echo(
            f"Unchanged: {report.db_path} is up to date ({report.documents} documents, {len(report.failed)} failed: "
            f"{counts}); nothing changed since it was built ({report.seconds:.1f}s)",
            err=True,
        )
    else:
        click.echo(
            f"Built {report.db_path} from {report.documents} documents ({len(report.failed)} failed): "
            f"{counts} in {report.seconds:.1f}s ({report.parsed} PDFs parsed and {report.extracted} "
            f"documents extracted afresh, the rest from the cache; {report.jobs} job{'s' if report.jobs > 1 else ''})",
            err=True,
        )
    if report.discrepancies:
        click.echo(
            f"{report.discrepancies} group{'s' if report.discrepancies > 1 else ''} of facts "
            f"disagree{'' if report.discrepancies > 1 else 's'} (same body, measure and year, different amounts): "
            "see the table discrepancies, or `Where the documents disagree` under make serve.",
            err=True,
        )


@cli.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=DEFAULT_DB)
@click.option("--json", "as_json", is_flag=True, help="Print JSON rows instead of a table.")
def stats(db_path: Path, as_json: bool) -> None:
    """Counts of mentions per kind and document."""
    db = sqlite_utils.Database(db_path)
    if "mentions" not in db.view_names():
        click.echo(f"Error: {db_path} has no `mentions` view: is it a database built by this pipeline?", err=True)
        sys.exit(2)
    rows = list(
        db.query(
            "SELECT d.file AS document, m.kind, count(*) AS mentions FROM mentions m "
            "JOIN documents d ON d.id = m.document_id GROUP BY d.file, m.kind ORDER BY d.file, m.kind"
        )
    )
    if as_json:
        import json

        for r in rows:
            click.echo(json.dumps(r))
        return
    width = max([len(r["document"]) for r in rows] + [8])
    click.echo(f"{'document':{width}}  {'kind':9} {'mentions':>8}")
    for r in rows:
        click.echo(f"{r['document']:{width}}  {r['kind']:9} {r['mentions']:8}")
    failed = list(db.query("SELECT file, reason FROM problems WHERE severity = 'error'"))
    for r in failed:
        click.echo(f"failed: {r['file']} ({r['reason']})")


@cli.command(name="serve")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=DEFAULT_DB)
@click.option("-p", "--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
def serve(db_path: Path, port: int) -> None:
    """Browse and review DB in Datasette on 127.0.0.1:PORT (verdicts go to reviews.db beside it), with the
    review site shipped with the package (metadata, dashboards, plugin, templates), as `make serve`."""
    from pipeline.reviews.serve import serve_command

    cmd = serve_command(db_path, port)
    # Datasette takes this process's place, so a signal that stops `serve` stops the site (a child
    # would outlive a SIGTERM and keep the port)
    os.execv(cmd[0], cmd)


cli.add_command(reviews)


def main() -> None:
    cli(prog_name="nhs-figures")
