"""The ``commandroom`` command line (console script and ``python -m commandroom``)."""

from commandroom.cli.app import main

__all__ = ["main"]
