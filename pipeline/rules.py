"""Load and validate rule files from `rules/`.

Rules are data. Each loader here reads one file, checks every entry has the
fields it needs and that every pattern compiles, and raises `RuleError` naming
the file and the entry otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import regex
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

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


def compile_pattern(path: Path, entry: int | str, pattern: Any, flags: int = 0) -> regex.Pattern[str]:
    if not isinstance(pattern, str):
        raise RuleError(path, "pattern must be a string", entry)
    try:
        return regex.compile(pattern, flags | regex.VERSION1)
    except regex.error as exc:
        raise RuleError(path, f"pattern does not compile ({exc})", entry) from None


def expand_macros(path: Path, pattern: str, macros: dict[str, str]) -> str:
    """Replace ``{{name}}`` with the macro's pattern (macros may use earlier macros)."""
    out = pattern
    for _ in range(10):
        new = regex.sub(r"\{\{(\w+)\}\}", lambda m: _macro(path, macros, m.group(1)), out)
        if new == out:
            return out
        out = new
    raise RuleError(path, "macros nest too deeply (a macro refers to itself?)")


def _macro(path: Path, macros: dict[str, str], name: str) -> str:
    if name not in macros:
        raise RuleError(path, f"unknown macro {{{{{name}}}}}")
    return f"(?:{macros[name]})"


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
    """Base of every rule-file model: unknown keys are errors, and loaded rules are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


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


def validate_model(model: type[M], data: Any, path: Path | str) -> M:
    """`data` (a parsed rule file) as `model`; a `RuleError` naming the entry and field otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        raise RuleError(path, f"{_field(loc)}: {_expected(err)}", _entry(data, loc)) from None


def load_model(model: type[M], path: Path) -> M:
    """Read the YAML file at `path` and validate it as `model`."""
    return validate_model(model, read_yaml(path), path)


def _expected(err: Any) -> str:
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def _entry(data: Any, loc: tuple[int | str, ...]) -> str:
    """`measure.cues[3] (deficit.word)`: where the error is, with the rule id where there is one."""
    out = ""
    node = data
    for part in loc[:-1]:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None  # type: ignore[index]
    if isinstance(node, dict) and node.get("id"):
        out += f" ({node['id']})"
    return out or "(top level)"


def _has(node: dict[str, Any] | list[Any], part: int | str) -> bool:
    if isinstance(node, list):
        return isinstance(part, int) and 0 <= part < len(node)
    return part in node


def _field(loc: tuple[int | str, ...]) -> str:
    return f"field `{loc[-1]}`" if loc else "the file"
