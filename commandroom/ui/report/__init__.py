"""The leadership\x27s report: statistics and the town ranking."""
