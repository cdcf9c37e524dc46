"""Rule models whose fields are read from nested keys of the file (`committees.by_name`), so the
model is flat where the file is grouped in sections. Unknown keys in a section are errors too."""

from __future__ import annotations

from typing import Any

from pydantic import AliasPath, Field, model_validator

from pipeline.rules import RuleModel


def key(*path: str, **constraints: Any) -> Any:
    """A field read from `section.name` (or deeper) of the file, with pydantic's constraints (`ge`, ...)."""
    return Field(validation_alias=AliasPath(*path), **constraints)


class KeyedRules(RuleModel):
    """A rule model with `key(...)` fields: a key of a section that no field reads is an error."""

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        paths = [
            f.validation_alias.path for f in cls.model_fields.values() if isinstance(f.validation_alias, AliasPath)
        ]
        for prefix in dict.fromkeys(tuple(p[:i]) for p in paths for i in range(1, len(p))):  # each section, in order
            names = {p[len(prefix)] for p in paths if tuple(p[: len(prefix)]) == prefix and len(p) > len(prefix)}
            node = data
            for part in prefix:
                node = node.get(part) if isinstance(node, dict) else None
            unknown = sorted(str(k) for k in node if k not in names) if isinstance(node, dict) else []
            if unknown:
                expected = ", ".join(sorted(map(str, names)))
                raise ValueError(f"unknown key {'.'.join(map(str, prefix))}.{unknown[0]} (expected one of {expected})")
        return data
