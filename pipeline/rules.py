"""Load and validate rule files from `rules/`.

Rules are data. Each loader here reads one file, checks every entry has the
fields it needs and that every pattern compiles, and raises `RuleError` naming
the file and the entry otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import regex
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, PlainValidator, ValidationError, ValidationInfo

from pipeline.package_data import data_path

RULES_DIR = data_path("rules")  # the project's rules/, or the copy shipped in the wheel
# libyaml's safe loader (same data, ~10x faster) where PyYAML was built with it
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_load(text: Any) -> Any:
    """yaml.safe_load, through libyaml when available."""
    return yaml.load(text, Loader=SAFE_LOADER)


class RuleError(ValueError):
    """A rule file is malformed. The message names the file and the entry."""

    def __init__(self, path: Path | str, message: str, entry: int | str | None = None) -> None:
        where = f"{path}" if entry is None else f"{path}, entry {entry}"
        super().__init__(f"{where}: {message}. Fix the rule file and run the build again.")
        self.path = str(path)
        self.entry = entry


def rules_dir(override: Path | str | None = None) -> Path:
    return Path(override) if override else RULES_DIR


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml_load(fh)
    except FileNotFoundError:
        raise RuleError(path, "file not found") from None
    except yaml.YAMLError as exc:
        raise RuleError(path, f"not valid YAML ({exc})") from None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleError(path, "file not found") from None
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("//"):
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RuleError(path, f"not valid JSON ({exc.msg})", entry=f"line {n}") from None
        if not isinstance(row, dict):
            raise RuleError(path, "expected a JSON object", entry=f"line {n}")
        rows.append(row)
    return rows


def require(path: Path, entry: int | str, row: Any, fields: Iterable[str]) -> None:
    """Check that `row` is a mapping holding every one of `fields`."""
    if not isinstance(row, dict):
        raise RuleError(path, f"expected a mapping, got {type(row).__name__}", entry)
    missing = [f for f in fields if f not in row]
    if missing:
        raise RuleError(path, f"missing field(s) {', '.join(missing)}", entry)


@lru_cache(maxsize=8)
def rules_version(directory: str | None = None) -> str:
    """A hash of every rule file: a changed rule changes the version."""
    root = rules_dir(directory)
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


# --- typed rule files --------------------------------------------------------------------------
# A rule file is described by a pydantic model (a subclass of `RuleModel`) and read with
# `load_model`: pydantic checks every entry and field, and the first error becomes a `RuleError`
# naming the file, the entry (`measure.cues[3] (deficit.word)`: path, with the rule's id where it
# has one) and the field, with what was expected.


class RuleModel(BaseModel):
    """Base of every rule-file model: unknown keys are errors, and loaded rules are read-only.

    A model's validator is built when a file is first validated, not when its module is imported
    (`defer_build`), so importing an extractor costs nothing until its rules are loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True)


def check_pattern(value: str) -> str:
    """A non-empty regular expression that compiles (with the ``regex`` module, VERSION1)."""
    if not value:
        raise ValueError("expected a regular expression (a non-empty string)")
    try:
        regex.compile(value, regex.VERSION1)
    except regex.error as exc:
        raise ValueError(f"pattern does not compile ({exc})") from None
    return value


# a field holding a regular expression, checked when the file is loaded
Pattern = Annotated[str, AfterValidator(check_pattern)]

M = TypeVar("M", bound=BaseModel)


def validate_model(model: type[M], data: Any, path: Path | str, context: dict[str, Any] | None = None) -> M:
    """`data` (a parsed rule file) as `model`; a `RuleError` naming the entry and field otherwise.

    `context` reaches the validators (`info.context`): the macros a `MacroPattern` expands."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        # an error of a whole list item (a model validator's) names the item, not a field
        where, field = (loc, ()) if loc and isinstance(loc[-1], int) else (loc[:-1], loc[-1:])
        raise RuleError(path, f"{_field(where, field)}: {_expected(err)}", _entry(data, where)) from None


def load_model(model: type[M], path: Path) -> M:
    """Read the YAML file at `path` and validate it as `model`."""
    return validate_model(model, read_yaml(path), path)


def _expected(err: Any) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if isinstance(value, str | int | float) and err["type"] != "value_error" and len(repr(value)) < 80:
        msg += f", not {value!r}"  # what the file holds, where it is short
    return msg


def _entry(data: Any, loc: tuple[int | str, ...]) -> str:
    """`measure.cues[3] (deficit.word)`: where the error is, with the rule's id (or name) where it has one."""
    out = ""
    node = data
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None  # type: ignore[index]
    labels = [node.get(k) for k in ("id", "name")] if isinstance(node, dict) else []
    label = next((v for v in labels if isinstance(v, str) and v), None)
    if label and out:
        out += f" ({label})"
    return out or "(top level)"


def _has(node: dict[str, Any] | list[Any], part: int | str) -> bool:
    if isinstance(node, list):
        return isinstance(part, int) and 0 <= part < len(node)
    return part in node


def _field(where: tuple[int | str, ...], field: tuple[int | str, ...]) -> str:
    return f"field `{field[-1]}`" if field else ("the entry" if where else "the file")


# --- patterns written with macros (`{{num}}`) ----------------------------------------------------


def expand(pattern: str, macros: dict[str, str]) -> str:
    """Replace ``{{name}}`` with the macro's pattern (macros may use macros); ValueError otherwise."""
    out = pattern
    for _ in range(10):
        new = MACRO.sub(lambda m: _one_macro(macros, m.group(1)), out)
        if new == out:
            return out
        out = new
    raise ValueError("macros nest too deeply (a macro refers to itself?)")


def _one_macro(macros: dict[str, str], name: str) -> str:
    if name not in macros:
        raise ValueError(f"unknown macro {{{{{name}}}}}")
    return f"(?:{macros[name]})"


def compiled(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`pattern` compiled (VERSION1); a ValueError saying why it does not compile otherwise."""
    try:
        return regex.compile(pattern, flags | regex.VERSION1)
    except regex.error as exc:
        raise ValueError(f"pattern does not compile ({exc})") from None


def _macro_pattern(flags: int) -> Callable[[str, ValidationInfo], str]:
    def check(value: str, info: ValidationInfo) -> str:
        text = expand(value, (info.context or {}).get("macros", {}))
        compiled(text, flags)
        return text

    return check


# A regular-expression field that may use ``{{macro}}``s: they are expanded with the macros of the
# validation context (`validate_model(..., context={"macros": ...})`) and the result is checked to
# compile (with VERBOSE for `VerbosePattern`). The field holds the expanded pattern.
MacroPattern = Annotated[str, AfterValidator(_macro_pattern(0))]
VerbosePattern = Annotated[str, AfterValidator(_macro_pattern(regex.VERBOSE))]


MACRO = regex.compile(r"\{\{(\w+)\}\}")


def _regex(value: Any, flags: int = 0) -> regex.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a regular expression (a non-empty string), not {value!r}")
    return compiled(value, flags)


# a field holding a regular expression, checked and compiled once when the file is loaded
Regex = Annotated[regex.Pattern[str], PlainValidator(_regex)]
# the same, matching without regard to case
IRegex = Annotated[regex.Pattern[str], PlainValidator(lambda value: _regex(value, regex.IGNORECASE))]
