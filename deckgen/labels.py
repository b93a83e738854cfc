"""The words deckgen writes that come from its first source's article, and the labels of note kinds.

Each is defined here once. The article's words (``判断`` before a judgment's number, ``拾象注`` for the
editors' notes) are those of the AGI-Next 2026 article that ``cards/agi-next-2026.yaml`` distils; every
module reads them from :data:`ARTICLE`, so that moving them into the source later means replacing that one
value by the source's own.

Imports only the standard library.
"""

from __future__ import annotations

from typing import NamedTuple


class ArticleWords(NamedTuple):
    """The article's own words, as cards, deck names and reports show them."""

    judgment: str = "判断"
    """Written before a judgment's number: ``判断 17`` on a card's About line and in the preview,
    ``判断 12-17,25`` in the name of a deck selected by judgment number."""
    editors_note: str = "拾象注 editors' note"
    """Who speaks on a card drawn from an editors' note (its About line; a row of ``deckgen stats``)."""
    no_speaker: str = "no speaker (the article)"
    """The ``deckgen stats`` row of notes on judgments that name no speaker."""


ARTICLE = ArticleWords()
"""The words of the AGI-Next 2026 article, used for every source."""

NOTE_KIND_LABELS = {"qa": "Q/A", "cloze": "Cloze"}
"""A note kind (:attr:`deckgen.notetypes.NoteType.kind`) as a label on its own (the preview's card header)."""

NOTE_KIND_WORDS = {"qa": "Q/A", "cloze": "cloze"}
"""A note kind inside a sentence: ``"a Q/A note"``, ``"a cloze note"``."""
