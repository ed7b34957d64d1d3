"""Demo mode's data: the Keqiao catalogue, a reference world, and a deterministic history.

``catalogue`` is pure data (no database). ``world`` writes the reference rows (regions, orgs,
users, categories, rules, cameras, walls), ``history`` bulk-writes past events with their
action log and clocks, and ``seed.seed_demo`` runs both behind one call for the CLI.
"""
