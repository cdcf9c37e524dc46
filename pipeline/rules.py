"""Load and validate rule files from `rules/`.

Rules are data. Each loader here reads one file, checks every entry has the
fields it needs and that every pattern compiles, and raises `RuleError` naming
the file and the entry otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
        return yaml_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleError(path, "file not found") from None
    except yaml.YAMLError as exc:
        raise RuleError(path, f"not valid YAML ({exc})") from None


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


M = TypeVar("M", bound=BaseModel)


def validate_model(
    model: type[M], data: Any, path: Path | str, context: dict[str, Any] | None = None, json: bool = False
) -> M:
    """`data` (a parsed rule file, or with `json` a JSON text) as `model`; a `RuleError` naming the entry and
    field otherwise. `context` reaches the validators (`info.context`): the macros a `MacroPattern` expands."""
    try:
        return (model.model_validate_json if json else model.model_validate)(data, context=context)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        # an error of a whole list item (a model validator's) names the item, not a field
        where, field = (loc, ()) if loc and isinstance(loc[-1], int) else (loc[:-1], loc[-1:])
        what = f"field `{field[-1]}`" if field else ("the entry" if where else "the line" if json else "the file")
        expected, value = str(err["msg"]).removeprefix("Value error, "), err.get("input")
        if isinstance(value, str | int | float) and err["type"] != "value_error" and len(repr(value)) < 80:
            expected += f", not {value!r}"  # what the file holds, where it is short
        raise RuleError(path, f"{what}: {expected}", _entry(data, where)) from None


def load_model(model: type[M], path: Path, context: dict[str, Any] | None = None) -> M:
    """Read the YAML file at `path` and validate it as `model` (`context`: see `validate_model`)."""
    return validate_model(model, read_yaml(path), path, {} if context is None else context)


def read_jsonl(path: Path, model: type[M], context: dict[str, Any] | None = None) -> list[M]:
    """The rows of a JSONL file (blank lines and `//` comments skipped), each validated as `model`;
    an error names the file's line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RuleError(path, "file not found") from None
    return [
        validate_model(model, raw, f"{path}, line {n}", context, json=True)
        for n, raw in enumerate(lines, 1)
        if raw.strip() and not raw.lstrip().startswith("//")
    ]


def _entry(data: Any, loc: tuple[int | str, ...]) -> str:
    """`measure.cues[3] (deficit.word)`: where the error is, with the rule's id (or name) where it has one."""
    out = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    node = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        node = node.get(part) if isinstance(node, dict) else (node[part] if in_list else None)
    labels = [node.get(k) for k in ("id", "name")] if isinstance(node, dict) else []
    label = next((v for v in labels if isinstance(v, str) and v), None)
    return (f"{out} ({label})" if label and out else out) or "(top level)"


# --- regular expressions ----------------------------------------------------------------------

MACRO = regex.compile(r"\{\{(\w+)\}\}")


def expand(pattern: str, macros: dict[str, str]) -> str:
    """Replace ``{{name}}`` with the macro's pattern (macros may use macros); ValueError otherwise."""
    for _ in range(10):
        unknown = [name for name in MACRO.findall(pattern) if name not in macros]
        if unknown:
            raise ValueError(f"unknown macro {{{{{unknown[0]}}}}}")
        pattern, n = MACRO.subn(lambda m: f"(?:{macros[m.group(1)]})", pattern)
        if not n:
            return pattern
    raise ValueError("macros nest too deeply (a macro refers to itself?)")


def compiled(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`pattern` compiled (VERSION1); a ValueError saying why it does not compile otherwise."""
    try:
        return regex.compile(pattern, flags | regex.VERSION1)
    except regex.error as exc:
        raise ValueError(f"pattern does not compile ({exc})") from None


def _regex(
    flags: int = 0, macros: bool = False, compile: bool = False, prefix: str = ""
) -> Callable[[Any, ValidationInfo], Any]:
    """The one validator of every regular-expression field: a non-empty string, its ``{{macros}}``
    expanded (`macros`: from the validation context, `validate_model(..., context={"macros": ...})`),
    that compiles with `flags` (after inline flags `prefix`); the field holds the (expanded) text, or
    the compiled pattern."""

    def check(value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str) or not value:
            raise ValueError(f"expected a regular expression (a non-empty string), not {value!r}")
        text = expand(value, (info.context or {}).get("macros", {})) if macros else value
        pattern = compiled(prefix + text, flags)
        return pattern if compile else text

    return check


def groups(*names: str, only: frozenset[str] = frozenset(), one_of: frozenset[str] = frozenset()) -> AfterValidator:
    """The named groups of a regular-expression field: those the code needs (`names`), the only ones it
    reads (`only`), of which it needs one (`one_of`): `Annotated[Regex, groups("low")]`."""

    def check(value: Any) -> Any:
        have = set((value if isinstance(value, regex.Pattern) else compiled(value)).groupindex)
        if set(names) - have:
            raise ValueError(f"the pattern needs named group(s) {', '.join(sorted(set(names) - have))}")
        if only and have - only:
            raise ValueError(f"unknown group(s) {', '.join(sorted(have - only))}")
        if one_of and not have & one_of:
            raise ValueError(f"a pattern needs a group {', '.join(f'`{g}`' for g in sorted(one_of))}")
        return value

    return AfterValidator(check)


def once(key: str) -> AfterValidator:
    """A value used by one entry of the file (its `id`): `id: Annotated[str, once("cue ids")]`; the values
    seen are kept in the validation context (`validate_model(..., context={})`)."""

    def check(value: Any, info: ValidationInfo) -> Any:
        seen = (info.context if info.context is not None else {}).setdefault(key, set())
        if value in seen:
            raise ValueError(f"{value!r} is used by another entry")
        seen.add(value)
        return value

    return AfterValidator(check)


def declares(key: str, of: Callable[[Any], Iterable[str]] = lambda item: [item]) -> AfterValidator:
    """A field whose items' names (`of(item)`; a mapping's keys) later fields refer to with `known(key)`:
    they are kept in the validation context (`validate_model(..., context={})`)."""

    def keep(value: Any, info: ValidationInfo) -> Any:
        if info.context is not None:
            info.context[key] = {name for item in value for name in of(item)}
        return value

    return AfterValidator(keep)


def known(key: str) -> AfterValidator:
    """A name, or names, that must be among the context's `key` (kept by `declares(key)`, or given by the loader)."""

    def check(value: Any, info: ValidationInfo) -> Any:
        unknown = sorted(set([value] if isinstance(value, str) else value) - set((info.context or {}).get(key, ())))
        if unknown:
            raise ValueError(f"expected one of the {key}, not {', '.join(map(repr, unknown))}")
        return value

    return AfterValidator(check)


# Fields holding a regular expression, checked when the file is loaded: as text (`Pattern`; with
# ``{{macros}}`` expanded: `MacroPattern`, and compiled VERBOSE: `VerbosePattern`), or compiled
# once (`Regex`; `IRegex` case-blind; `FoldRegex` case-blind with simple folding, one character for
# one as `str.lower` does, not `ß` = `ss`: 3-5 times faster on normalised English; `MacroRegex`,
# `VerboseRegex` with macros).
Pattern = Annotated[str, PlainValidator(_regex())]
MacroPattern = Annotated[str, PlainValidator(_regex(macros=True))]
VerbosePattern = Annotated[str, PlainValidator(_regex(regex.VERBOSE, macros=True))]
Regex = Annotated[regex.Pattern[str], PlainValidator(_regex(compile=True))]
IRegex = Annotated[regex.Pattern[str], PlainValidator(_regex(regex.IGNORECASE, compile=True))]
FoldRegex = Annotated[regex.Pattern[str], PlainValidator(_regex(regex.IGNORECASE, compile=True, prefix="(?-f)"))]
MacroRegex = Annotated[regex.Pattern[str], PlainValidator(_regex(macros=True, compile=True))]
VerboseRegex = Annotated[regex.Pattern[str], PlainValidator(_regex(regex.VERBOSE, macros=True, compile=True))]
