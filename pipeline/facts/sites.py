"""Hospital sites and the trusts that run them (rules/facts_sites.yaml), so that money spent at or on
a hospital ("a new hospital ... to replace Watford General") is read as its trust's.

`load_sites(rules_dir) -> Sites`; `Sites.trust(name, date)` gives the name of the trust that ran the
site `name` at `date` (a document's `YYYY-MM` or `YYYY-MM-DD`), or None when `name` is no site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from pipeline.rules import RuleModel, load_model

FILE = "facts_sites.yaml"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


class Site(RuleModel):
    site: str = Field(min_length=3)
    trust: str = Field(min_length=3)
    ods: str = Field(min_length=3, max_length=5)
    opened: str | None = Field(default=None, pattern=_DATE)
    closed: str | None = Field(default=None, pattern=_DATE)
    source: str | None = None


class SiteRules(RuleModel):
    manual: list[Site] = Field(default_factory=list)
    ods: list[Site] = Field(default_factory=list)


def site_key(name: str) -> str:
    """A site's name as compared: case, punctuation, `the` and possessive `'s` left out."""
    s = name.casefold().replace("’", "'").replace("&", " and ")
    s = re.sub(r"'s\b", "s", s)
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    return re.sub(r"^the\s+", "", s)


@dataclass(frozen=True)
class Sites:
    by_key: dict[str, tuple[Site, ...]]

    def trust(self, name: str, date: str | None) -> str | None:
        """The trust that ran site `name` at `date`: the one open then, else the one open now (a site
        run by one trust only: that trust)."""
        found = self.by_key.get(site_key(name))
        if not found:
            return None
        if date and re.match(r"\d{4}", date):
            day = (date[:10] + "-01-01"[len(date[:10]) - 4 :]) if len(date) < 10 else date[:10]
            at = [s for s in found if (s.opened or "") <= day and (s.closed is None or day <= s.closed)]
            if len({s.trust for s in at}) == 1:
                return at[0].trust
        open_now = [s for s in found if s.closed is None]
        if len({s.trust for s in open_now}) == 1:
            return open_now[0].trust
        return found[0].trust if len({s.trust for s in found}) == 1 else None


@lru_cache(maxsize=4)
def load_sites(rules_dir: Path) -> Sites:
    path = Path(rules_dir) / FILE
    if not path.exists():
        return Sites({})
    rules = load_model(SiteRules, path)
    by_key: dict[str, list[Site]] = {}
    for s in [*rules.manual, *rules.ods]:
        by_key.setdefault(site_key(s.site), []).append(s)
    return Sites({k: tuple(v) for k, v in by_key.items()})
