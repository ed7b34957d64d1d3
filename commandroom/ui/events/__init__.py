"""The live event list: a table model that follows the change feed, its panel and wall ticker."""
