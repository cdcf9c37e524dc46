"""Where the files the pipeline reads at run time are: the rule files and the database schema.

In git they live at the top of the project (`rules/`, `db/schema/`, `db/reviews_schema.sql`), and
nowhere else. A built wheel carries a copy of them inside the package, laid out the same way under
`pipeline/_data/` (`setup.py` copies them when it builds; see README, "Installing the package").
So the data root is `pipeline/_data/` when the package has one (an installed wheel), and otherwise
the checkout the package is imported from (an editable install or a plain checkout), found through
`importlib.resources` in both cases.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = "pipeline"
SHIPPED = "_data"  # the folder of a built wheel's copy, inside the package


def data_root() -> Path:
    """The folder holding `rules/` and `db/`: the wheel's copy, or else the checkout."""
    package = files(PACKAGE)
    shipped = package / SHIPPED
    if shipped.is_dir():
        return _as_path(shipped)
    return _as_path(package).parent


def data_path(*parts: str) -> Path:
    """`data_path("db", "schema")`: a file or folder of the project's data, wherever it was installed."""
    return data_root().joinpath(*parts)


def _as_path(resource: object) -> Path:
    if not isinstance(resource, Path):  # a package imported from a zip file has no folders to read
        raise RuntimeError(
            f"the pipeline's data ({resource}) is not a folder on disk: install nhs-figures as an unpacked "
            "package (pip install .) rather than importing it from a zip file"
        )
    return resource
