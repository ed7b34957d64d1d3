"""An installed wheel must carry what the app loads at run time (translations, station files),
which live outside the package in ``resources/`` and reach the wheel through the
``commandroom/_resources`` symlink and ``[tool.setuptools.package-data]``.

Two checks: every resource file (translation sources aside) is matched by a package-data glob,
so a new kind of file cannot be forgotten; and setuptools' own ``build_py`` (the wheel's
contents, without the metadata and without network access) yields a tree in which
``commandroom.resources`` finds them with no checkout around it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from commandroom import resources

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "commandroom"
SOURCE_ONLY = {".ts"}  # Qt Linguist sources: the app loads the compiled .qm


def _package_data() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns: list[str] = config["tool"]["setuptools"]["package-data"]["commandroom"]
    return patterns


def _resource_files() -> set[Path]:
    base = resources.CHECKOUT
    return {
        p.relative_to(base)
        for p in base.rglob("*")
        if p.is_file() and p.suffix not in SOURCE_ONLY and "__pycache__" not in p.parts
    }


def test_the_package_sees_resources_through_its_symlink() -> None:
    link = PACKAGE / "_resources"
    assert link.is_symlink(), "commandroom/_resources must be a symlink to ../resources"
    assert link.resolve() == resources.CHECKOUT
    assert resources.resources_dir() == resources.CHECKOUT or resources.ENV_VAR in os.environ


def test_every_run_time_resource_is_matched_by_a_package_data_glob() -> None:
    matched: set[Path] = set()
    for pattern in _package_data():
        for name in glob.glob(str(PACKAGE / pattern), recursive=True):
            path = Path(name)
            if path.is_file() and path.parts[len(PACKAGE.parts)] == "_resources":
                matched.add(path.relative_to(PACKAGE / "_resources"))
    wanted = _resource_files()
    assert wanted, "no resources found"
    assert {Path("translations/commandroom_en.qm"), Path("station.example.toml")} <= wanted
    assert not wanted - matched, f"not in the wheel: {sorted(map(str, wanted - matched))}"


def test_a_built_package_finds_its_resources_without_the_checkout(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "resources", src / "resources", symlinks=True)
    shutil.copytree(
        PACKAGE, src / "commandroom", symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    built = tmp_path / "lib"
    result = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
         "--build-lib", str(built)],
        cwd=src, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    packaged = built / "commandroom" / "_resources"
    assert packaged.is_dir() and not packaged.is_symlink()
    shipped = {p.relative_to(packaged) for p in packaged.rglob("*") if p.is_file()}
    assert shipped == _resource_files()

    shutil.rmtree(src)  # nothing left to fall back on
    probe = (
        "import commandroom, commandroom.resources as r\n"
        "print(commandroom.__file__)\n"
        "print(r.resources_dir())\n"
        "print(len(r.station_examples()))\n"
        "print(r.translations_dir().joinpath('commandroom_en.qm').is_file())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != resources.ENV_VAR}
    env["PYTHONPATH"] = str(built)
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=60,
    ).stdout.splitlines()  # fmt: skip
    assert out == [
        str(built / "commandroom" / "__init__.py"),
        str(packaged),
        str(len(resources.station_examples())),
        "True",
    ]
