"""Where the files that ship beside the code live: station configs, translations, sounds.

The files sit in ``resources/`` at the repository root (where translators and the scripts
edit them), and ``commandroom/_resources`` is a symlink to it, so the same path serves a
checkout, an editable install (``pip install -e .``, what scripts/lib.sh and the README do)
and a wheel, whose package data copies the files the app loads into ``commandroom/_resources``
(``[tool.setuptools.package-data]``; tests/test_packaging.py keeps the two in step). A
checkout without symlinks (Windows, ``core.symlinks=false``) falls back to the root directory.
``COMMANDROOM_RESOURCES`` points elsewhere, for an install that keeps them somewhere else.
No Qt here: every layer may ask.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "COMMANDROOM_RESOURCES"
PACKAGED = Path(__file__).resolve().parent / "_resources"
CHECKOUT = Path(__file__).resolve().parent.parent / "resources"


def resources_dir() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return PACKAGED.resolve() if PACKAGED.is_dir() else CHECKOUT


def translations_dir() -> Path:
    """The compiled Qt catalogues (``*.qm``)."""
    return resources_dir() / "translations"


def station_examples() -> list[Path]:
    """The example station configs (``resources/stations/*.toml``), by name."""
    return sorted((resources_dir() / "stations").glob("*.toml"))
