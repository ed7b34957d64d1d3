"""Free-text search structures the ORM does not map (migration 0008).

The event list's free text is a substring search (``LIKE '%word%'``) on title, description
and code. A B-tree cannot answer it, and pg_trgm (0005) only for three or more characters,
while the words operators type are mostly two Chinese characters (漏水, 占道, 噪音). So both
engines index each event's *grams*: every character and every pair of neighbouring
characters of its lower-cased text. A word of one or two characters is then one gram, and a
longer word the AND of its pairs (a superset the query's LIKE narrows to the exact rows).

* SQLite: ``event_text``, a contentless FTS5 table (``detail=none``: rowids only) whose
  one column holds the grams, hex-encoded so the ``ascii`` tokenizer keeps each gram one
  token whatever characters it has; triggers on ``event`` keep it in step, cutting the text
  with ``event_text_pos`` (the numbers 1–1000, twice over for a million characters: SQLite
  allows no recursive query in a trigger). A text longer than that also gets the token
  ``x``, which every search includes, so nothing is ever missed.
* PostgreSQL: a GIN index on ``event_text_grams(title, description, code)``, an immutable
  SQL function returning the grams as a text array.

The tables are no part of the ORM metadata; the migration environment leaves them out of
the model comparison (``is_search_table``).
"""

from __future__ import annotations

EVENT_TEXT = "event_text"
EVENT_TEXT_POS = "event_text_pos"
GRAMS_FUNCTION = "event_text_grams"
GRAMS_INDEX = "ix_event_text_grams"
OVERFLOW_TOKEN = "x"  # SQLite: the text was longer than the triggers can cut
FIELD_SEPARATOR = "\x1f"  # between title, description and code in the gram text


def is_search_table(name: str | None) -> bool:
    """``event_text`` (FTS5), its shadow tables and ``event_text_pos``."""
    return name is not None and (name == EVENT_TEXT or name.startswith(EVENT_TEXT + "_"))


def grams_of(word: str) -> list[str]:
    """The grams a text must hold to contain ``word`` (already lower-cased as the engine
    lower-cases): the word itself up to two characters, else its distinct pairs."""
    if len(word) <= 2:
        return [word] if word else []
    return sorted({word[i : i + 2] for i in range(len(word) - 1)})


def ascii_lower(text: str) -> str:
    """SQLite's ``lower()`` and ``LIKE``: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
