"""Extraction components: one typed object per extractor, and the registry that runs them in order.

A `Component` is to this pipeline what a pipeline component is to spaCy: it declares its `name`,
the `kinds` of mention it writes (each with its table and its typed values record, a `Values`
subclass), the per-document `records` tables and corpus-wide tables it fills, the kinds it `needs`
from earlier components (facts needs money and body), its rule files, and two functions:

- ``load_rules(rules_dir) -> R``: every rule file it uses, loaded and checked (a `RuleError` naming
  the file, entry and field when one is wrong);
- ``extract(document, lines, rules, earlier, options) -> Extraction``: its mentions and records of
  one document; `lines` are the document's lines normalised for matching, `earlier` what the
  components before it found, `options` the build's options (`Options`).

The registry runs the built-in components in a fixed order (money, percent, citations, bodies,
facts) and then those added with `register` (a test's, or a user's plugin from any folder). The
cache key of extraction is derived from the components: the source of each one's modules and the
pipeline modules they import (`module_files`), and its rule files (`component_version`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypedDict, TypeVar

import msgspec

from pipeline import collector
from pipeline.model import Document, Extraction, Mention, Values
from pipeline.normalise import NormLine, load_rewrites, normalise

R = TypeVar("R")

PACKAGE_DIR = Path(__file__).resolve().parent

# the columns every mentions_<kind> view gives, in this order (see db/schema/)
MENTION_COLUMNS = (
    "id",
    "kind",
    "document_id",
    "doc_sha256",
    "doc",
    "page",
    "line",
    "char_start",
    "char_end",
    "text",
    "line_text",
    "low",
    "high",
    "currency",
    "page_first",
    "page_last",
    "cites",
    "name",
    "type",
)

# rule files every extraction reads besides the components' own: the normalisation of lines
DRIVER_RULE_FILES = ("normalise.yaml",)
# the modules every extraction runs besides the components' own: this driver and the lines it gives
DRIVER_MODULES = ("pipeline.components", "pipeline.extract", "pipeline.normalise", "pipeline.model")
# modules hashed but whose imports are not followed: this registry (it imports every component, and is
# hashed as the driver) and ingestion (hashed whole into the ingest key, part of every extract key)
NOT_FOLLOWED = ("pipeline.components", "pipeline.ingest")


class Options(TypedDict, total=False):
    """The build's options (`Context.options`): what the command line and the tests may set."""

    spacy_model: str  # build --spacy-model NAME: a spaCy pipeline whose entities are body candidates
    cache: str | None  # the stage cache's folder; None turns caching off
    time_limit: float  # seconds per document (default: rules/limits.yaml)
    versions: dict[str, str]  # the cache keys' parts, computed once per build (pipeline/cache.py)
    ingest: dict[str, Any]  # keyword arguments of pipeline.ingest.ingest_data (such as ocr settings)


@dataclass(frozen=True)
class Kind:
    """A kind of mention: the table holding one row per mention, and the typed record of its columns."""

    table: str
    values: type[Values]


Extract = Callable[[Document, Sequence[NormLine], R, Extraction, Options], Extraction]


@dataclass(frozen=True)
class Component(Generic[R]):
    """One extractor: what it writes, what it needs, its rules and its two functions."""

    name: str
    load_rules: Callable[[Path], R]
    extract: Extract[R]
    kinds: Mapping[str, Kind] = field(default_factory=dict)  # kind -> its table and values record
    records: tuple[str, ...] = ()  # tables of per-document records (rows get the document_id)
    corpus_tables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # corpus-wide table -> JSON-list columns
    needs: tuple[str, ...] = ()  # kinds an earlier component must write
    rule_files: tuple[str, ...] = ()  # its rule files and folders, relative to the rules folder
    modules: tuple[str, ...] = ()  # modules it runs (default: the module of `extract`); their imports follow
    schema: tuple[Path, ...] = ()  # SQL files creating its tables and mentions_<kind> views, when not in db/schema/

    def code_modules(self) -> tuple[str, ...]:
        return self.modules or (self.extract.__module__,)


class RegistryError(ValueError):
    """A component that cannot be registered, or a selection of components that cannot run."""


_added: list[Component[Any]] = []


@lru_cache(maxsize=1)
def _builtin() -> tuple[Component[Any], ...]:
    from pipeline import facts
    from pipeline.extract import bodies, citations, money, percent

    return (money.COMPONENT, percent.COMPONENT, citations.COMPONENT, bodies.COMPONENT, facts.COMPONENT)


def components() -> tuple[Component[Any], ...]:
    """Every component, in the order they run."""
    return (*_builtin(), *_added)


def register(component: Component[Any]) -> Component[Any]:
    """Add a component after those registered so far. Its name and kinds must be new, and the kinds it
    needs written by an earlier component. (Worker processes see it when they are forked from this
    one, as --jobs N is on Linux; register it in the plugin module the workers import otherwise.)"""
    known = components()
    if any(c.name == component.name for c in known):
        raise RegistryError(f"a component named {component.name!r} is already registered")
    written = {k for c in known for k in c.kinds}
    taken = written & set(component.kinds)
    if taken:
        raise RegistryError(f"component {component.name!r}: kind {sorted(taken)[0]!r} is already written by another")
    missing = [k for k in component.needs if k not in written]
    if missing:
        raise RegistryError(
            f"component {component.name!r} needs kind {missing[0]!r}, which no component registered before it writes"
        )
    _added.append(component)
    return component


def registered() -> tuple[Component[Any], ...]:
    """The components added with `register` (not the built-in ones); nothing is imported."""
    return tuple(_added)


def unregister(name: str) -> None:
    """Remove a component added with `register` (built-in components stay)."""
    _added[:] = [c for c in _added if c.name != name]


def kinds() -> dict[str, Kind]:
    return {kind: k for c in components() for kind, k in c.kinds.items()}


def kind_tables() -> dict[str, str]:
    """kind -> the table holding one row per mention of that kind."""
    return {kind: k.table for kind, k in kinds().items()}


def corpus_tables() -> dict[str, tuple[str, ...]]:
    """Tables of records shared by the whole corpus rather than one document (no document_id):
    table -> its JSON-list columns, united when two documents give a row with the same id."""
    out: dict[str, tuple[str, ...]] = {}
    for c in components():
        out.update(c.corpus_tables)
    return out


def schema_files() -> list[Path]:
    return [p for c in components() for p in c.schema]


def select(only: Sequence[str] | None = None) -> list[Component[Any]]:
    """The components to run: all, or those named in `only` (by component name or by a kind they
    write), checking that what each needs is written by one selected before it."""
    every = components()
    unknown = [n for n in only or () if not any(n == c.name or n in c.kinds for c in every)]
    if unknown:
        names = ", ".join(c.name for c in every)
        raise RegistryError(f"no component is named {unknown[0]!r} or writes that kind (components: {names})")
    chosen = [c for c in every if only is None or c.name in only or any(k in only for k in c.kinds)]
    written: set[str] = set()
    for c in chosen:
        missing = [k for k in c.needs if k not in written]
        if missing:
            raise RegistryError(f"component {c.name!r} needs kind {missing[0]!r}: select a component writing it too")
        written.update(c.kinds)
    return chosen


# -- running ------------------------------------------------------------------------------------


@collector.while_paused
def normalise_lines(doc: Document, rules: Path | None = None) -> list[NormLine]:
    rewrites = load_rewrites(rules)
    gate = getattr(rewrites, "gate", None)
    if gate is None:
        return [normalise(line.text, rewrites) for line in doc.lines]
    opens = gate.opens  # most lines hold no trigger: kept as they are without a call to normalise
    return [normalise(raw, rewrites) if opens(raw) else NormLine(raw, raw, ()) for raw in (ln.text for ln in doc.lines)]


def run(
    component: Component[R],
    doc: Document,
    rules_dir: Path,
    lines: Sequence[NormLine] | None = None,
    earlier: Extraction | None = None,
    options: Options | None = None,
) -> Extraction:
    """One component over one document (its rules loaded from `rules_dir`)."""
    lines = normalise_lines(doc, rules_dir) if lines is None else lines
    return component.extract(doc, lines, component.load_rules(rules_dir), earlier or Extraction(), options or Options())


def extract_all(doc: Document, rules_dir: Path, options: Options, only: Sequence[str] | None = None) -> Extraction:
    """Every component (or those of `only`) over one document, in order; each is given what the
    ones before it found."""
    lines = normalise_lines(doc, rules_dir)
    result = Extraction()
    for c in select(only):
        earlier = Extraction(list(result.mentions), {t: list(rows) for t, rows in result.records.items()})
        result.extend(c.extract(doc, lines, c.load_rules(rules_dir), earlier, options))
    return result


def load_all_rules(rules_dir: Path) -> None:
    """Every component's rules (and the normalisation's), loaded and checked; nothing is run."""
    load_rewrites(rules_dir)
    for c in components():
        c.load_rules(rules_dir)


# -- the cache: entries decoded into each kind's record, keys derived from the components ---------------


class _RawMention(msgspec.Struct):
    kind: str
    line_index: int
    start: int
    end: int
    text: str
    values: msgspec.Raw


class _RawExtraction(msgspec.Struct):
    mentions: list[_RawMention]
    records: dict[str, list[dict[str, Any]]]


def decode_extraction(payload: bytes) -> Extraction:
    """An extraction from its MessagePack bytes, each mention's values decoded into its kind's record
    with every field's type checked (msgspec.ValidationError when one does not hold)."""
    raw = msgspec.msgpack.decode(payload, type=_RawExtraction)
    by_kind = kinds()
    mentions = []
    for m in raw.mentions:
        kind = by_kind.get(m.kind)
        if kind is None:
            raise msgspec.ValidationError(f"a mention of kind {m.kind!r}, which no registered component writes")
        values = msgspec.msgpack.decode(m.values, type=kind.values)
        mentions.append(Mention(m.kind, m.line_index, m.start, m.end, m.text, values))
    return Extraction(mentions, raw.records)


@lru_cache(maxsize=16)
def _package_dir(root: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(root)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith("__init__.py"):
        return None
    return Path(spec.origin).resolve().parent


def _module_file(name: str) -> Path | None:
    """The source file of module `name` of a package, found on disk without importing it."""
    root, *parts = name.split(".")
    base = _package_dir(root)
    if base is None:
        return None
    path = base.joinpath(*parts)
    for candidate in (path / "__init__.py", path.with_name(f"{path.name}.py")):
        if candidate.is_file():
            return candidate
    return None


# an import statement at the start of a line (inside a function too): `import a.b`, `from .c import (d, e)`
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)|import[ \t]+([^\n]*))", re.M)


def _names(text: str) -> list[str]:
    """`a, b as c  # note` or `(a,\n b,)` -> ["a", "b"]."""
    text = re.sub(r"#[^\n]*", "", text).strip("() \t\n\\")
    return [part.split()[0] for part in text.replace("\\", " ").split(",") if part.strip()]


def _imports(path: Path, module: str) -> set[str]:
    """The modules `module` (at `path`) imports anywhere in its source, including inside functions.
    Read from the source text (no import, no parse): a line of a docstring that reads like an import
    only adds a file to the key."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for m in _IMPORT.finditer(path.read_text(encoding="utf-8")):
        if m.group(3) is not None:
            out.update(_names(m.group(3)))
            continue
        base = m.group(1)
        level = len(base) - len(base.lstrip("."))
        base = base.lstrip(".")
        if level:
            parts = package.split(".")
            parent = ".".join(parts[: len(parts) - level + 1])
            base = f"{parent}.{base}" if base else parent
        out.add(base)
        out.update(f"{base}.{name}" for name in _names(m.group(2)))  # `from pipeline.extract import money`
    return out


@lru_cache(maxsize=64)
def module_files(modules: tuple[str, ...]) -> list[Path]:
    """The source files of `modules`, of their packages' __init__ files, and of every module they
    import, transitively, within the pipeline package or the modules' own top-level package."""
    start = list(modules)
    roots = {"pipeline", *(m.partition(".")[0] for m in start)}
    seen: dict[str, Path] = {}
    todo = list(start)
    while todo:
        name = todo.pop()
        if name in seen or name.partition(".")[0] not in roots:
            continue
        path = _module_file(name)
        if path is None:
            continue
        seen[name] = path
        parent = name.rpartition(".")[0]
        if parent:
            todo.append(parent)
        if not any(name == m or name.startswith(f"{m}.") for m in NOT_FOLLOWED):
            todo.extend(_imports(path, name))
    return sorted(set(seen.values()))


def _rule_paths(rules_dir: Path, names: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    for name in names:
        path = rules_dir / name
        out.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return out


def _hash(h: Any, base: Path, files: Iterable[Path]) -> None:
    for p in files:
        h.update(p.relative_to(base).as_posix().encode() if p.is_relative_to(base) else p.name.encode())
        h.update(b"\0")
        h.update(p.read_bytes() if p.is_file() else b"(absent)")
        h.update(b"\0")


def component_version(component: Component[Any], rules_dir: Path) -> str:
    """A hash of what one component's results depend on: its code and its rule files."""
    h = hashlib.sha256(component.name.encode())
    files = module_files(component.code_modules())
    _hash(h, PACKAGE_DIR.parent, files)
    _hash(h, rules_dir, _rule_paths(rules_dir, component.rule_files))
    for schema in component.schema:  # a plugin's table decides nothing extracted, but its file names it
        h.update(schema.name.encode())
    return h.hexdigest()[:16]


def extraction_version(rules_dir: Path) -> str:
    """The version of extraction as a whole: the driver (this module, the normalisation of lines and
    its rules), then every component in order."""
    h = hashlib.sha256()
    _hash(h, PACKAGE_DIR.parent, module_files(DRIVER_MODULES))
    _hash(h, rules_dir, _rule_paths(rules_dir, DRIVER_RULE_FILES))
    for c in components():
        h.update(f"{c.name}={component_version(c, rules_dir)};".encode())
    return h.hexdigest()[:16]
