"""CommandRoom (指挥室): video wall and grid-event case handling for information rooms."""

__version__ = "0.1.0"
