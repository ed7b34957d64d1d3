"""The case panel: one case in full, and the actions this operator may take on it now."""
