"""The installed package works outside the checkout.

A wheel is built from a copy of the project (offline: the project's own venv is the build
environment), installed into a fresh venv that sees the project's dependencies but not the
checkout, and `nhs-figures build` is run on two corpus documents from a folder outside the
checkout. The rule files and the schema must come from the wheel's package data, and the rows
must be those the checkout builds from the same documents; `nhs-figures serve` then serves that
database with the review site (metadata, plugin, templates, dashboards) the wheel carries.
"""

from __future__ import annotations

import ast
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.extract import Context

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("002_62097de39271b703.txt", "nhse-board-paper-nhs-productivity-2024-12-05.md")
ROWS = "SELECT kind, doc, page, line, char_start, char_end, text FROM mentions"
PROBE = """
import json
import pipeline
from pipeline.cache import stage_versions
from pipeline.load import SCHEMA_DIR
from pipeline.reviews.store import SCHEMA_FILE
from pipeline.cache import rules_hash
from pipeline.rules import RULES_DIR
print(pipeline.__file__, RULES_DIR, SCHEMA_DIR, SCHEMA_FILE, rules_hash(RULES_DIR), sep="\\n")
print(json.dumps(stage_versions(RULES_DIR), sort_keys=True))
"""


def test_a_checkout_reads_its_own_rules_and_schema():
    """An editable install (or a plain checkout) has no pipeline/_data/: the data is the checkout's."""
    from pipeline.package_data import data_path

    assert not (ROOT / "pipeline" / "_data").exists()
    assert data_path("rules") == ROOT / "rules" and data_path("db", "schema") == ROOT / "db" / "schema"
    assert all((ROOT / name).exists() for name in shipped_data())


def shipped_data() -> tuple[str, ...]:
    """setup.py's DATA: what the wheel copies from the project."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DATA" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("setup.py has no DATA")


def project_copy(dest: Path) -> Path:
    """The files a wheel is built from (not the checkout itself: a build writes build/ and egg-info)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "pipeline", *shipped_data()):
        src, dst = ROOT / name, dest / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore)
        else:
            shutil.copy2(src, dst)
    return dest


def run(*cmd: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel built from the project; its dependencies are the project venv's."""
    tmp = tmp_path_factory.mktemp("install")
    src = project_copy(tmp / "src")
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    run(*pip, "wheel", "--no-index", "--no-deps", "--no-build-isolation", "-w", tmp / "wheels", src, cwd=tmp)
    (wheel,) = (tmp / "wheels").glob("nhs_figures-*.whl")
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp).stdout.strip()
    # the dependencies: the project venv's site-packages, as a plain path (its .pth files, among them
    # the editable install's hook to the checkout, are not read)
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "_project_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    run(*pip, "--python", python, "install", "--no-index", "--no-deps", wheel, cwd=tmp)
    return venv


@pytest.mark.slow
def test_the_installed_package_reads_its_own_rules_and_schema(installed: Path, tmp_path: Path):
    out = run(installed / "bin" / "python", "-c", PROBE, cwd=tmp_path).stdout.splitlines()
    package, rules, schema_dir, reviews_schema, version, versions = out
    data = Path(package).parent / "_data"
    assert installed in Path(package).parents, f"pipeline was imported from {package}, not the venv"
    assert Path(rules) == data / "rules" and Path(schema_dir) == data / "db" / "schema"
    assert Path(reviews_schema) == data / "db" / "reviews_schema.sql" and Path(reviews_schema).is_file()
    # the shipped rules are the project's file for file, so the same rules version and the same
    # cache keys (every stage version: the code is the same too)
    from pipeline.cache import rules_hash, stage_versions
    from pipeline.rules import RULES_DIR

    assert sorted(p.relative_to(rules).as_posix() for p in Path(rules).rglob("*") if p.is_file()) == sorted(
        p.relative_to(RULES_DIR).as_posix() for p in RULES_DIR.rglob("*") if p.is_file()
    )
    assert version == rules_hash(RULES_DIR)
    assert json.loads(versions) == stage_versions(RULES_DIR)


@pytest.mark.slow
def test_nhs_figures_build_outside_the_checkout_gives_the_checkouts_rows(installed: Path, tmp_path: Path):
    work = tmp_path / "elsewhere"
    (work / "corpus").mkdir(parents=True)
    for name in DOCUMENTS:
        shutil.copy2(ROOT / "corpus" / name, work / "corpus" / name)
    run(installed / "bin" / "nhs-figures", "build", "--corpus", "corpus", "--db", "out.db", "-q", cwd=work)

    report = build(work / "corpus", tmp_path / "checkout.db", Context(options={"cache": str(tmp_path / "cache")}))
    assert report.ok
    with sqlite3.connect(work / "out.db") as installed_db, sqlite3.connect(tmp_path / "checkout.db") as checkout_db:
        rows = sorted(installed_db.execute(ROWS))
        kinds = {r[0] for r in rows}
        assert {"money", "percent", "body"} <= kinds, kinds
        assert rows == sorted(checkout_db.execute(ROWS))
        version = "SELECT code_version, rules_version FROM builds"
        assert installed_db.execute(version).fetchall() == checkout_db.execute(version).fetchall()

    # the review site: `nhs-figures serve` runs Datasette on the metadata, dashboards, plugin and
    # templates the wheel carries (pipeline/_data/), not the checkout's
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    shutil.copy2(work / "out.db", work / "nhs.db")  # the metadata and dashboards are the `nhs` database's
    with log.open("w") as out:
        cmd = [installed / "bin" / "nhs-figures", "serve", "--db", "nhs.db", "-p", str(port)]
        proc = subprocess.Popen(cmd, cwd=work, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            assert proc.poll() is None, log.read_text()
            try:
                metadata = json.load(urllib.request.urlopen(base + "/-/metadata.json", timeout=5))
                break
            except OSError:
                time.sleep(0.2)
        assert metadata["title"] == "NHS figures", metadata
        plugins = json.load(urllib.request.urlopen(base + "/-/plugins.json", timeout=30))
        assert [p["name"] for p in plugins if p["name"] == "nhs_review.py"], plugins
        table = urllib.request.urlopen(base + "/nhs/documents", timeout=30).read().decode()
        assert "column-descriptions-folded" in table  # templates/table.html
        dashboard = urllib.request.urlopen(base + "/-/dashboards/nhs-figures", timeout=30)
        assert dashboard.status == 200  # db/dashboards.yaml, read by the plugin
    finally:
        proc.terminate()
        proc.wait(timeout=10)
