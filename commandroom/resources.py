"""Where the files that ship beside the code live: station configs, translations, sounds.

``resources/`` sits at the repository root, next to the package, and the app is installed
editable (``pip install -e .``, what scripts/lib.sh and the README do), so it is found from
this file's place. ``COMMANDROOM_RESOURCES`` points elsewhere, for a packaged install that
puts the directory somewhere else. No Qt here: every layer may ask.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "COMMANDROOM_RESOURCES"


def resources_dir() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "resources"


def station_examples() -> list[Path]:
    """The example station configs (``resources/stations/*.toml``), by name."""
    return sorted((resources_dir() / "stations").glob("*.toml"))
