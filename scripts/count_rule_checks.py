"""Count the rule-checking code of the pipeline at a git commit (issue 14).

Usage: python scripts/count_rule_checks.py [COMMIT ...]   (default: HEAD)

The files are read with `git show COMMIT:path`; nothing in the work tree is used.

Counting rule (so a reviewer can check it):

1. Modules: every `pipeline/**/*.py` whose text mentions one of `RuleError`,
   `read_yaml`, `read_jsonl`, `yaml_load`, `load_model`, `RuleModel` (i.e. it
   reads rule files or checks them), except the callers that only catch
   `RuleError` or run the loaders (`pipeline/cli.py`, `pipeline/build.py`,
   `pipeline/bench.py`), and `pipeline/manifest.py` (it reads the corpus
   manifest, a document list, not a rule file).
2. Functions counted (module-level functions and methods, with every nested
   function inside them):
   - every function of `pipeline/rules.py` and `pipeline/ingest/rule_file.py`
     (the shared reading/checking helpers: `read_yaml`, `require`,
     `compile_pattern`, `expand_macros`, `load_model`, the `Pattern` validators...);
   - elsewhere, a function whose name, with leading underscores stripped,
     starts with `load`, `compile`, `check`, `validate`, `require`,
     `expand`, `need`, `parse_rule`, `as_`, `str_list`, `to_rules`, or ends with
     `_rules`, or that is decorated with `field_validator`, `model_validator`,
     `validator`, `root_validator`, `cached_property`; or that contains a
     `raise RuleError(...)` itself. `model_post_init` is counted too, and so is
     a validator written as a class attribute
     (`_macros = field_validator("macros")(lambda ...)`).
   Extractors' matching code (any other function) is not counted, nor are class
   bodies' field declarations (pydantic fields and dataclass fields are the
   schema, i.e. data), nor module-level constants.
3. Lines: the non-blank lines of the function's source (from `def`, decorators
   excluded, to its last line) that are not comment-only lines and not part of
   the docstring.
4. Raises: `raise RuleError(...)` and `raise ValueError(...)` statements in the
   counted functions.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass, field

MENTIONS = ("RuleError", "read_yaml", "read_jsonl", "yaml_load", "load_model", "RuleModel")
CALLERS = {"pipeline/cli.py", "pipeline/build.py", "pipeline/bench.py", "pipeline/manifest.py"}
ALL_FUNCTIONS = {"pipeline/rules.py", "pipeline/ingest/rule_file.py"}
NAME_PREFIX = re.compile(r"^(load|compile|check|validate|require|expand|need|parse_rule|as_|str_list|to_rules)")
DECORATORS = {"field_validator", "model_validator", "validator", "root_validator", "cached_property"}


@dataclass
class ModuleCount:
    path: str
    functions: list[tuple[str, int]] = field(default_factory=list)
    raises: int = 0

    @property
    def lines(self) -> int:
        return sum(n for _, n in self.functions)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def decorator_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for d in fn.decorator_list:
        node = d.func if isinstance(d, ast.Call) else d
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Name):
            names.add(node.id)
    return names


def raises_rule_error(fn: ast.AST) -> bool:
    return any(isinstance(n, ast.Raise) and raised_name(n) == "RuleError" for n in ast.walk(fn))


def raised_name(node: ast.Raise) -> str | None:
    exc = node.exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    if isinstance(exc, ast.Name):
        return exc.id
    if isinstance(exc, ast.Attribute):
        return exc.attr
    return None


def is_counted(path: str, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if path in ALL_FUNCTIONS:
        return True
    name = fn.name.lstrip("_")
    if NAME_PREFIX.match(name) or name.endswith("_rules") or fn.name == "model_post_init":
        return True
    if decorator_names(fn) & DECORATORS:
        return True
    return raises_rule_error(fn)


def code_lines(
    source_lines: list[str], fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.Assign, noncode: set[int]
) -> int:
    end = fn.end_lineno or fn.lineno
    skip = set(noncode)
    body = fn.body if not isinstance(fn, ast.Assign) else []
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            skip.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return sum(1 for n in range(fn.lineno, end + 1) if n not in skip and source_lines[n - 1].strip())


def comment_only_lines(text: str) -> set[int]:
    lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT and not tok.line[: tok.start[1]].strip():
            lines.add(tok.start[0])
    return lines


def top_functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Module-level functions and methods of module-level classes (nested ones stay inside)."""
    out: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((node.name, node))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out.append((f"{node.name}.{item.name}", item))
    return out


def count_module(path: str, text: str) -> ModuleCount:
    tree = ast.parse(text)
    source_lines = text.splitlines()
    noncode = comment_only_lines(text)
    result = ModuleCount(path)
    for qualname, fn in top_functions(tree):
        if not is_counted(path, fn):
            continue
        result.functions.append((qualname, code_lines(source_lines, fn, noncode)))
        result.raises += sum(
            1 for n in ast.walk(fn) if isinstance(n, ast.Raise) and raised_name(n) in {"RuleError", "ValueError"}
        )
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign) and is_validator_call(item.value):
                    name = f"{node.name}.{ast.unparse(item.targets[0])}"
                    result.functions.append((name, code_lines(source_lines, item, noncode)))
    return result


def is_validator_call(value: ast.expr) -> bool:
    """`field_validator(...)(fn)` / `model_validator(...)(fn)` assigned in a class body."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Call)):
        return False
    func = value.func.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in DECORATORS


def count_commit(commit: str) -> list[ModuleCount]:
    paths = [p for p in git("ls-tree", "-r", "--name-only", commit, "pipeline").splitlines() if p.endswith(".py")]
    counts = []
    for path in sorted(paths):
        if path in CALLERS:
            continue
        text = git("show", f"{commit}:{path}")
        if not any(m in text for m in MENTIONS):
            continue
        counted = count_module(path, text)
        if counted.functions:
            counts.append(counted)
    return counts


def report(commit: str, verbose: bool) -> int:
    counts = count_commit(commit)
    sha = git("rev-parse", "--short", commit).strip()
    print(f"== {commit} ({sha})")
    for c in counts:
        print(f"{c.lines:6d} lines {c.raises:4d} raises  {c.path}")
        if verbose:
            for name, n in sorted(c.functions, key=lambda f: -f[1]):
                print(f"{'':8}{n:5d}  {name}")
    total = sum(c.lines for c in counts)
    raises = sum(c.raises for c in counts)
    print(f"{total:6d} lines {raises:4d} raises  TOTAL ({len(counts)} modules)")
    return total


def main(argv: list[str]) -> None:
    verbose = "-v" in argv
    commits = [a for a in argv if a != "-v"] or ["HEAD"]
    totals = [report(c, verbose) for c in commits]
    if len(totals) == 2 and totals[0]:
        print(f"ratio {commits[1]}/{commits[0]}: {totals[1] / totals[0]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
