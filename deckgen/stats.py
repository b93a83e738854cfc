"""Deck statistics: how a source's notes spread over themes, speakers and card kinds, and what the lint
finds. :func:`deck_stats` returns plain data for one source, :func:`collect_stats` for the sources under
some paths (what ``deckgen stats`` runs and prints)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .lint_rules import RULES, lint
from .load import load_sources
from .model import CARD_KINDS, Source
from .notes import card_count, generate


@dataclass(frozen=True)
class DeckStats:
    """Counts for one source. Every breakdown is a tuple of ``(label, notes, cards)`` rows; rows with zero
    notes are kept (a theme or speaker without cards is worth seeing)."""

    path: str
    name: str
    judgments: int
    notes: int
    cards: int
    by_theme: tuple[tuple[str, int, int], ...]
    """One row per theme in source order, a sub-theme labelled ``› child`` after its parent. A parent's row
    includes its sub-themes' notes, so a note is counted under its own theme and that theme's parent."""
    by_speaker: tuple[tuple[str, int, int], ...]
    """One row per person in source order, then, if there are any, the editors' notes and the notes without a
    speaker, labelled with the source's ``editors_note`` and ``no_speaker`` labels
    (:class:`deckgen.labels.Labels`). A note counts for every speaker of its judgment, so rows may add up to more
    than ``notes``; a note whose context is the editors' note counts only under the editors' row."""
    by_kind: tuple[tuple[str, int, int], ...]
    """One row per card-spec kind (:data:`deckgen.model.CARD_KINDS`): notes and cards made by specs of that
    kind."""
    lint: tuple[tuple[str, int], ...]
    """One ``(rule code, warnings)`` row per lint rule in :data:`deckgen.lint_rules.RULES`, zeros included."""
    warnings: int
    """All warnings: the loader's, generation's and the lint's."""


def deck_stats(source: Source) -> DeckStats:
    """Statistics for ``source``. Raises :class:`deckgen.errors.SourceError` if its notes cannot be made."""
    notes, problems = generate(source)
    found = lint(source, notes)
    editors, no_speaker = source.labels.editors_note, source.labels.no_speaker
    notes_by: dict[str, Counter[str]] = {"theme": Counter(), "speaker": Counter(), "kind": Counter()}
    cards_by: dict[str, Counter[str]] = {"theme": Counter(), "speaker": Counter(), "kind": Counter()}
    for note in notes:
        cards = card_count(note)
        j = note.judgment
        if note.spec.context == "editors":
            speakers = [editors]
        else:
            speakers = [source.person(p).label for p in j.speakers] or [no_speaker]
        parent = source.theme(j.theme).parent
        theme_keys = [j.theme, parent] if parent else [j.theme]
        for axis, keys in (("theme", theme_keys), ("speaker", speakers), ("kind", [note.spec.KIND])):
            for key in keys:
                notes_by[axis][key] += 1
                cards_by[axis][key] += cards

    def rows(axis: str, keys: list[tuple[str, str]]) -> tuple[tuple[str, int, int], ...]:
        return tuple((label, notes_by[axis][key], cards_by[axis][key]) for key, label in keys)

    themes = [(t.id, f"› {t.label}" if t.parent else t.label) for t in source.themes]
    people = [(p.label, p.label) for p in source.people]
    people += [(label, label) for label in (editors, no_speaker) if notes_by["speaker"][label]]
    codes = Counter(p.code for p in found)
    return DeckStats(
        path=source.path,
        name=source.name,
        judgments=len(source.judgments),
        notes=len(notes),
        cards=sum(card_count(n) for n in notes),
        by_theme=rows("theme", themes),
        by_speaker=rows("speaker", people),
        by_kind=rows("kind", [(k, k) for k in CARD_KINDS]),
        lint=tuple((code, codes[code]) for code in RULES),
        warnings=len(source.warnings) + len(problems) + len(found),
    )


def collect_stats(paths: Sequence[str | Path]) -> list[DeckStats]:
    """:func:`deck_stats` of every source under ``paths`` (files or folders), in order. Raises
    :class:`deckgen.errors.SourceError` if a source cannot be loaded or its notes cannot be made."""
    return [deck_stats(source) for source in load_sources(list(paths))]
