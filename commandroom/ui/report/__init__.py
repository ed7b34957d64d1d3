"""The leadership's report: statistics and the town ranking."""
