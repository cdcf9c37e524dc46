"""Build hook: a wheel carries the project's rule files, schema and review site as package data.

They stay where the project keeps them (`rules/`, `db/schema/`, `db/reviews_schema.sql`, and the
review site's `db/metadata.yaml`, `db/dashboards.yaml`, `plugins/`, `templates/`), once in
git; building a wheel copies them into `pipeline/_data/` with the same layout, where
`pipeline.package_data` finds them through `importlib.resources`. An editable install copies
nothing and reads the checkout. Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# what `nhs-figures build` and `nhs-figures serve` read besides the package's code (paths relative to the
# project and to pipeline/_data/): rules, schema, and Datasette's review metadata, dashboards, plugin, templates
DATA = (
    "rules",
    "db/schema",
    "db/reviews_schema.sql",
    "db/metadata.yaml",
    "db/dashboards.yaml",
    "plugins",
    "templates",
)
IGNORE = shutil.ignore_patterns(".*", "__pycache__", "*.pyc")


class BuildPyWithData(build_py):
    """build_py, then the data copied into the built package (not for an editable install)."""

    def run(self) -> None:
        editable = getattr(self, "editable_mode", False)
        if not editable:  # build/ is reused: no module or rule file left over from an earlier build
            shutil.rmtree(Path(self.build_lib) / "pipeline", ignore_errors=True)
        super().run()
        if editable:
            return
        target = Path(self.build_lib) / "pipeline" / "_data"
        for rel in DATA:
            src, dst = HERE / rel, target / rel
            if not src.exists():
                raise FileNotFoundError(f"{src}: the package's data is missing (is this the whole project?)")
            if src.is_dir():
                shutil.copytree(src, dst, ignore=IGNORE)
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)


setup(cmdclass={"build_py": BuildPyWithData})
