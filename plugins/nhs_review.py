"""Datasette plugin: the audit page, verdicts from the browser, and reviews.db beside nhs.db.

Loaded by ``make serve`` (``--plugins-dir plugins``). The work is done in
pipeline/reviews/; this file only connects it to Datasette:

- at start-up, opens (creating) reviews.db beside the served nhs.db, re-attaches
  every verdict to the current build, and serves reviews.db as database `reviews`;
- attaches reviews.db read-only as schema ``reviews`` on every nhs.db connection,
  so canned queries join verdicts to mentions;
- routes: ``/-/audit/<kind>/<id>`` (the audit page), ``.../page.png`` (PDF page
  region, boxed), ``/-/review/record`` (POST a verdict), ``/-/review/next``;
- permission ``nhs-review-record``: any signed-in actor (limit it with an
  ``allow`` block under ``plugins: nhs-review: record_allow`` in metadata);
- reviewer accounts for datasette-auth-passwords from ``reviewers.yaml`` beside
  nhs.db (see ``python -m pipeline reviews add-reviewer``);
- pipeline/reviews/guard.py: error pages that format no local variables, over-long URLs
  answered at once (414), failed sign-ins limited (429).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import os
import sqlite3
import sys
from collections.abc import MutableMapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from datasette import hookimpl
from datasette.database import Database
from datasette.utils import actor_matches_allow
from datasette.utils.asgi import Forbidden, NotFound, Response
from markupsafe import Markup, escape

from pipeline import readable
from pipeline.components import kind_tables
from pipeline.reviews import anchor, audit, dashboard, guard, items, pagecrop, store
from pipeline.reviews.store import ReviewError

from pipeline.reviews import facts  # isort: skip (kept apart: facts are issue 9's reviewable kind)

PLUGIN = "nhs-review"
PERMISSION = "nhs-review-record"
NHS = "nhs"
REVIEWS = "reviews"
TABLE_KINDS = {table: kind for kind, table in kind_tables().items()}


# --- where things are ---------------------------------------------------------------------------


def nhs_database(datasette: Any) -> Database:
    db = datasette.databases.get(NHS)
    if db is None:
        raise NotFound(f"no database named {NHS!r}: serve db/nhs.db (make serve)")
    return db


def nhs_path(datasette: Any) -> Path:
    return Path(nhs_database(datasette).path)


def reviews_path(datasette: Any) -> Path:
    env = os.environ.get("NHS_REVIEWS_DB")
    return Path(env) if env else nhs_path(datasette).with_name("reviews.db")


def reviewers_path(datasette: Any) -> Path:
    env = os.environ.get("NHS_REVIEWERS_FILE")
    return Path(env) if env else nhs_path(datasette).with_name("reviewers.yaml")


def corpus_path(datasette: Any) -> Path:
    configured = (datasette.plugin_config(PLUGIN) or {}).get("corpus")
    if configured:
        return Path(configured)
    with sqlite3.connect(f"file:{nhs_path(datasette)}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT corpus FROM builds ORDER BY id DESC LIMIT 1").fetchone()
    return Path(row[0]) if row else Path("corpus")


# --- the reviews database -----------------------------------------------------------------------
# reviews.db is created when the server starts serving (the ASGI lifespan start-up, which a one-off
# `datasette ... --get` never sends) or when the first verdict is recorded. Until then each nhs.db
# connection attaches an empty reviews schema held in memory, so the canned queries still run and
# `--get` writes no file.

EMPTY_REVIEWS = "file:nhs-review-empty?mode=memory&cache=shared"
_empty: list[sqlite3.Connection] = []  # keeps the in-memory schema alive
_waiting: list[sqlite3.Connection] = []  # nhs.db connections attached to the empty schema
_prepared: set[Path] = set()


def empty_reviews() -> str:
    if not _empty:
        keeper = sqlite3.connect(EMPTY_REVIEWS, uri=True, check_same_thread=False, isolation_level=None)
        store.apply_schema(keeper)
        _empty.append(keeper)
    return EMPTY_REVIEWS


def attach_reviews(conn: sqlite3.Connection, path: Path) -> None:
    if path.is_file():
        conn.execute("ATTACH DATABASE ? AS reviews", (f"file:{path}?mode=ro",))
    else:
        conn.execute("ATTACH DATABASE ? AS reviews", (empty_reviews(),))
        _waiting.append(conn)


def ensure_reviews(datasette: Any) -> Path:
    """Create reviews.db if need be, attach it to every nhs.db connection, serve it as `reviews`."""
    path = reviews_path(datasette)
    if path not in _prepared or not path.is_file():
        store.connect(path).close()
        _prepared.add(path)
    while _waiting:
        conn = _waiting.pop()
        try:
            conn.execute("DETACH DATABASE reviews")
            conn.execute("ATTACH DATABASE ? AS reviews", (f"file:{path}?mode=ro",))
        except sqlite3.Error:  # a closed connection: nothing to do
            continue
    if REVIEWS not in datasette.databases:
        datasette.add_database(Database(datasette, path=str(path), is_mutable=True), name=REVIEWS)
    return path


async def start_serving(datasette: Any) -> None:
    """When the server starts: reviews.db ready and every verdict re-attached to the current build."""
    if NHS not in datasette.databases:
        return
    path = await asyncio.to_thread(ensure_reviews, datasette)
    report = await asyncio.to_thread(anchor.reanchor_files, nhs_path(datasette), path)
    print(
        f"nhs-review: {report.targets} reviewed items: {report.same} unchanged, {report.reanchored} re-anchored, "
        f"{len(report.orphaned)} orphaned (python -m pipeline reviews orphans); verdicts in {path}",
        file=sys.stderr,
        flush=True,
    )


# --- hooks --------------------------------------------------------------------------------------

guard.quiet_error_pages()


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """guard.Guard around the site, and start_serving on the server's lifespan start-up (uvicorn
    sends it; `--get` does not)."""

    def wrap(app: Any) -> Any:
        async def inner(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "lifespan":
                token = _request_metadata.set({})  # get_metadata's answer, made once per request
                try:
                    await app(scope, receive, send)
                finally:
                    _request_metadata.reset(token)
                return

            async def receive_and_start() -> MutableMapping[str, Any]:
                message: MutableMapping[str, Any] = await receive()
                if message.get("type") == "lifespan.startup":
                    await start_serving(datasette)
                return message

            await app(scope, receive_and_start, send)

        return guard.Guard(inner)

    return wrap


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    if database == NHS:
        attach_reviews(conn, reviews_path(datasette))


@hookimpl
def permission_allowed(datasette: Any, actor: dict[str, Any] | None, action: str) -> bool | None:
    if action != PERMISSION:
        return None
    if not actor or not actor.get("id"):
        return False
    allow = (datasette.plugin_config(PLUGIN) or {}).get("record_allow")
    return True if allow is None else bool(actor_matches_allow(actor, allow))


_accounts: dict[str, Any] = {"key": None, "metadata": {}}

# Datasette calls get_metadata for every metadata look-up, and datasette-render-markdown looks its
# configuration up for every text cell a page shows: about 7,000 times for a canned query of 1,000
# rows. Each answer was made afresh (the dashboards deep-copied, two files stat-ed): 3-10 CPU
# seconds a page, on the event loop, so every other request (a 414 included) waited, and SQL
# threads starved of the GIL hit the 1 s SQL time limit (400). Now one answer is made per request
# (asgi_wrapper sets this holder for each): datasette-dashboards' in-place changes stay within it.
_request_metadata: ContextVar[dict[str, Any] | None] = ContextVar("nhs_review_metadata", default=None)


@hookimpl
def get_metadata(datasette: Any) -> dict[str, Any]:
    """Reviewer accounts for datasette-auth-passwords, and the dashboards for datasette-dashboards
    (made once per request; afresh outside one)."""
    held = _request_metadata.get()
    if held is not None and "plugins" in held:
        return {"plugins": held["plugins"]} if held["plugins"] else {}
    plugins = {**accounts(datasette), **dashboards(datasette)} if NHS in datasette.databases else {}
    if held is not None:
        held["plugins"] = plugins
    return {"plugins": plugins} if plugins else {}


def accounts(datasette: Any) -> dict[str, Any]:
    """Reviewer accounts (password hashes) from reviewers.yaml, as datasette-auth-passwords config."""
    path = reviewers_path(datasette)
    try:
        key = (path, path.stat().st_mtime_ns)
    except OSError:
        return {}
    if _accounts["key"] != key:
        _accounts["metadata"] = accounts_metadata(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, path)
        _accounts["key"] = key
    return _accounts["metadata"]["plugins"]  # type: ignore[no-any-return]


DASHBOARDS = Path(__file__).resolve().parents[1] / "db" / "dashboards.yaml"
_dashboards: dict[str, Any] = {"key": None, "config": {}}


def dashboards(datasette: Any) -> dict[str, Any]:
    """db/dashboards.yaml without the charts whose `requires` table nhs.db lacks; a fresh copy each
    time, since datasette-dashboards fills a chart's query with the request's filters in place."""
    try:
        key = (DASHBOARDS.stat().st_mtime_ns, nhs_path(datasette).stat().st_mtime_ns)
    except OSError:
        return {}
    if _dashboards["key"] != key:
        config = yaml.safe_load(DASHBOARDS.read_text(encoding="utf-8")) or {}
        with sqlite3.connect(f"file:{nhs_path(datasette)}?mode=ro", uri=True) as conn:
            present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        _dashboards["config"] = {"datasette-dashboards": dashboard.available(config, present)}
        _dashboards["key"] = key
    copied: dict[str, Any] = copy.deepcopy(_dashboards["config"])
    return copied


def sources_cell(value: str) -> Markup:
    """A canned query's `sources` column: one source a line, `label<TAB>/-/audit/...`, each a link."""
    links = []
    for entry in value.split("\n"):
        label, _, url = entry.rpartition("\t")
        if url.startswith("/-/audit/"):
            links.append(f'<a class="audit-link" href="{escape(url)}">{escape(label or url)}</a>')
        elif entry.strip():
            links.append(str(escape(entry)))
    return Markup("<br>".join(links))


def accounts_metadata(data: dict[str, Any], path: Path) -> dict[str, Any]:
    config: dict[str, Any] = {"actors": {}}
    for name, entry in (data.get("reviewers") or {}).items():
        if not isinstance(entry, dict) or not entry.get("password_hash"):
            raise ValueError(
                f"{path}: reviewer {name!r} has no password_hash (python -m pipeline reviews add-reviewer)"
            )
        config[f"{name}_password_hash"] = entry["password_hash"]
        config["actors"][name] = {"id": str(name), "name": str(entry.get("name") or name)}
    return {"plugins": {"datasette-auth-passwords": config}}


def _cell(row: Any, column: str) -> Any:
    try:
        return row[column]
    except (KeyError, IndexError):
        return None


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str) -> Markup | None:
    if database != NHS:
        return None
    if column == "sources" and isinstance(value, str) and "/-/audit/" in value:  # facts' canned queries
        return sources_cell(value)

    if column == "audit" and isinstance(value, str) and value.startswith("/-/audit/"):
        return Markup(f'<a class="audit-link" href="{escape(value)}">audit&nbsp;›</a>')
    if column in ("low", "high") and isinstance(value, int | float) and _cell(row, "currency"):
        # the amount as people write it beside the number (JSON and CSV keep the number)
        written = _cell(row, "text") or _cell(row, "as_written") or _cell(row, "figure") or ""
        shown = readable.bound(str(_cell(row, "currency")), value, str(written))
        return Markup(f'<span class="amount">{escape(shown)}</span> <small class="number">{value}</small>')
    if column != "id" or value is None:
        return None
    if table == "facts":  # a fact's id is its money id: its audit page judges subject, measure, period
        return Markup(f'<a href="{escape(audit.audit_url(facts.FACT, str(value)))}">{escape(value)}</a>')
    kind = None
    if table == "mentions":
        try:
            kind = row["kind"]
        except (KeyError, IndexError):  # the kind column is hidden (?_nocol=kind)
            return None
    elif table == "quotes":
        kind = items.QUOTE
    elif table in TABLE_KINDS and table != "quote_segments":
        kind = TABLE_KINDS[table]
    if kind is None:
        return None
    url = audit.audit_url(kind, str(value))
    return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    if NHS not in datasette.databases:
        return []
    return [
        {"href": datasette.urls.path("/nhs/quotations_awaiting_review"), "label": "Quotations awaiting review"},
        {"href": datasette.urls.path("/nhs/awaiting_review"), "label": "Figures awaiting review"},
        {"href": datasette.urls.path("/nhs/where_documents_disagree"), "label": "Where the documents disagree"},
        {"href": datasette.urls.path("/nhs/body_finances_by_year"), "label": "A body's finances by year"},
        {"href": datasette.urls.path("/nhs/verdicts"), "label": "Verdicts"},
        {"href": datasette.urls.path("/-/dashboards/nhs-figures"), "label": "Dashboard: figures and review progress"},
        {"href": datasette.urls.path("/nhs/problems"), "label": "Problems: inputs not read, or read with loss"},
    ]


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/audit/(?P<kind>[a-z_]+)/(?P<item_id>[^/]+)/page\.png$", page_picture),
        (r"^/-/audit/(?P<kind>[a-z_]+)/(?P<item_id>[^/]+)/source\.pdf$", source_pdf),
        (r"^/-/audit/(?P<kind>[a-z_]+)/(?P<item_id>[^/]+)$", audit_page),
        (r"^/-/review/record$", record_verdict),
        (r"^/-/review/next$", next_awaiting),
    ]


# --- routes -------------------------------------------------------------------------------------


async def _load(datasette: Any, kind: str, item_id: str) -> items.Item:
    def fn(conn: sqlite3.Connection) -> items.Item | None:
        k, i = audit.resolve(conn, kind, item_id)
        return items.get_item(conn, k, i)

    item = await nhs_database(datasette).execute_fn(fn)
    if item is None:
        followed = await nhs_database(datasette).execute_fn(lambda conn: audit.follow(conn, kind, item_id))
        if followed.kind is not None and followed.item_id is not None:
            item = await nhs_database(datasette).execute_fn(
                lambda conn: items.get_item(conn, followed.kind, followed.item_id)
            )
        if item is None:
            raise NotFound(audit.not_found_message(kind, item_id, followed.why))
    return item  # type: ignore[no-any-return]


async def audit_page(datasette: Any, request: Any) -> Response:
    kind, item_id = request.url_vars["kind"], request.url_vars["item_id"]
    item = await _load(datasette, kind, item_id)
    if (item.kind, item.id) != (kind, item_id):
        return Response.redirect(datasette.urls.path(audit.audit_url(item.kind, item.id)))
    data = await nhs_database(datasette).execute_fn(lambda conn: audit.page_data(conn, item))
    history = await asyncio.to_thread(_history, reviews_path(datasette), item)
    can_record = await datasette.permission_allowed(request.actor, PERMISSION, default=False)
    context = {
        **data,
        "history": history,
        "current": history[0] if history else None,
        "can_record": can_record,
        "next_url": datasette.urls.path("/-/review/next?" + urlencode({"kind": item.kind, "after": item.id})),
        "queue_url": datasette.urls.path(audit.queue_path(item.kind)),
        "picture_url": datasette.urls.path(audit.audit_url(item.kind, item.id) + "/page.png"),
        "pdf_url": datasette.urls.path(audit.audit_url(item.kind, item.id) + f"/source.pdf#page={item.first.page}"),
        **await _picture_styles(datasette, data),
        "verdicts": store.VERDICTS,
        "fact_measures": facts.load_rules().measures if item.kind == facts.FACT else (),
        "disagreements": (
            await nhs_database(datasette).execute_fn(lambda conn: facts.disagreements(conn, item.id))
            if item.kind == facts.FACT
            else []
        ),
        "form": {},
        "error": None,
    }
    return Response.html(await datasette.render_template("audit.html", context, request=request))


async def _picture_styles(datasette: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Where the item's boxes sit on the page picture, and the close-up centred on them."""
    none: dict[str, Any] = {"box_styles": [], "closeup_style": ""}
    if not data["has_picture"]:
        return none
    pdf, password = audit.pdf_source(corpus_path(datasette), data["document"])
    try:
        width, height = await asyncio.to_thread(pagecrop.page_size, pdf, int(data["page"]), password)
    except Exception:  # the PDF is not there or cannot be opened: the picture route says why
        return none
    return {
        "box_styles": audit.box_styles(data["boxes"], width, height),
        "closeup_style": audit.closeup_style(data["boxes"], width, height),
    }


def _history(path: Path, item: items.Item) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    conn = store.connect(path)
    try:
        return store.item_history(conn, item.kind, item.id)
    finally:
        conn.close()


async def record_verdict(datasette: Any, request: Any) -> Response:
    if request.method != "POST":
        return Response.text("POST a verdict here from the audit page.", status=405)
    if not await datasette.permission_allowed(request.actor, PERMISSION, default=False):
        raise Forbidden("Sign in as a reviewer to record a verdict (anonymous visitors can read, not write).")
    form = await request.post_vars()
    kind, item_id = form.get("kind", ""), form.get("id", "")
    item = await _load(datasette, kind, item_id)
    db = nhs_database(datasette)
    target = await db.execute_fn(lambda conn: items.target(conn, item))
    build = await db.execute_fn(anchor.build_stamp)
    try:
        correct = form.get("correct")
        if item.kind == facts.FACT:  # a fact's correction: the fields that are wrong, checked
            correct = facts.correction(form.get("subject"), form.get("measure"), form.get("period")) or correct
        verdict = store.make_verdict(
            target, form.get("verdict", ""), str(request.actor["id"]), correct, form.get("note")
        )
    except (ReviewError, facts.CorrectionError) as exc:
        datasette.add_message(request, f"Not recorded: {exc}.", datasette.ERROR)
        return Response.redirect(datasette.urls.path(audit.audit_url(item.kind, item.id)))
    here = store.Anchor(
        target.target_key, item.kind, item.id, "same", item.document_id, item.first.page, item.first.line
    )
    path = await asyncio.to_thread(ensure_reviews, datasette)
    await asyncio.to_thread(_record, path, verdict, here, build)
    datasette.add_message(
        request, f"Recorded “{verdict.verdict}” for this {audit.KIND_LABELS.get(item.kind, item.kind).lower()}."
    )
    return Response.redirect(datasette.urls.path(audit.audit_url(item.kind, item.id)))


def _record(path: Path, verdict: store.Verdict, here: store.Anchor, build: str | None) -> None:
    conn = store.connect(path)
    try:
        store.record(conn, verdict, here, build)
    finally:
        conn.close()


async def next_awaiting(datasette: Any, request: Any) -> Response:
    kind = request.args.get("kind") or items.QUOTE
    after_id = request.args.get("after")
    after = await _load(datasette, kind, after_id) if after_id else None
    found = await nhs_database(datasette).execute_fn(lambda conn: audit.next_item(conn, kind, after))
    if found is None:
        datasette.add_message(request, f"Nothing of kind {kind} is awaiting review.")
        return Response.redirect(datasette.urls.path("/nhs/verdicts"))
    return Response.redirect(datasette.urls.path(audit.audit_url(*found)))


async def page_picture(datasette: Any, request: Any) -> Response:
    item = await _load(datasette, request.url_vars["kind"], request.url_vars["item_id"])
    document = await nhs_database(datasette).execute_fn(lambda conn: items.documents(conn, item.document_id))
    boxes = [s.bbox for s in item.segments if s.bbox is not None and s.page == item.first.page]
    if document.get("media_type") != "pdf" or item.first.page is None or not boxes:
        raise NotFound("This item has no position on a PDF page: see its source line instead.")
    pdf, password = audit.pdf_source(corpus_path(datasette), document)
    if not pdf.is_file():
        raise NotFound(f"{pdf} is not there: the page picture needs the corpus the database was built from.")
    header = await nhs_database(datasette).execute_fn(lambda conn: audit.table_header(conn, item))
    header_boxes = [header["box"]] if header and header["box"] else []
    cache = nhs_path(datasette).parent / "cache" / "audit"
    try:
        path = await asyncio.to_thread(
            pagecrop.cached_render,
            cache,
            pdf,
            str(document["sha256"]),
            int(item.first.page),
            boxes,
            password,
            header_boxes,
        )
    except Exception as exc:  # a PDF that cannot be drawn: say why instead of failing the page
        return Response.text(f"Could not draw page {item.first.page} of {pdf.name}: {exc}", status=500)
    return Response(path.read_bytes(), content_type="image/png", headers={"cache-control": "max-age=86400"})


async def source_pdf(datasette: Any, request: Any) -> Response:
    """The PDF an item was read from, as published (open it at the item's page with #page=N).

    Only a document of this build, from the corpus it was built from, and only when its bytes are
    still those the database was built from."""
    item = await _load(datasette, request.url_vars["kind"], request.url_vars["item_id"])
    document = await nhs_database(datasette).execute_fn(lambda conn: items.documents(conn, item.document_id))
    if document.get("media_type") != "pdf":
        raise NotFound("This item is not from a PDF: its source line is on the audit page.")
    corpus = corpus_path(datasette).resolve()
    pdf, _ = audit.pdf_source(corpus, document)
    pdf = pdf.resolve()
    if not pdf.is_relative_to(corpus) or not pdf.is_file():
        raise NotFound(f"{document['file']} is not in the corpus the database was built from ({corpus}).")
    data = await asyncio.to_thread(pdf.read_bytes)
    if hashlib.sha256(data).hexdigest() != document.get("sha256"):
        raise NotFound(f"{document['file']} has changed since this build: rebuild (make) to audit the new version.")
    name = pdf.name.replace('"', "")
    return Response(
        data,
        content_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{name}"', "cache-control": "max-age=3600"},
    )
