"""Selecting part of a source: by theme, speaker, tag and judgment number.

Rules: values of one option are alternatives (OR); different options must all hold (AND). A theme
selects its sub-themes too (``new-paradigm`` includes ``self-learning`` and ``multimodal``). A tag selects
notes carrying it or a child of it (``topic`` matches ``topic::agents``), in any case and Unicode
normalisation, as Anki's ``tag:`` search does.
A speaker selects the notes of that person's judgments, except those drawn from an editors' note.
Unknown values are errors that list the valid ones and suggest the closest; a selection that matches no
note is an error too, never an empty deck.
"""

from __future__ import annotations

import bisect
import contextlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from .errors import Problem, SelectionError, SourceError, clip, clip_list, suggest
from .model import NamedDeck, Selection, Source, search_tag, tag_matches
from .notes import Note, generate
from .sourcevalues import called_hint, names_of

_MAX_LISTED_MISSING = 5
"""Missing judgment ranges named in an error before the rest are only counted."""
MAX_LISTED_TAGS = 20
"""Tags an unknown tag's error names before the rest are only counted."""


def selection_problems(source: Source, selection: Selection, notes: Sequence[Note]) -> list[str]:
    """Why ``selection`` cannot be used on ``source``, one message per problem: an unknown theme, speaker or
    tag, a judgment range that is malformed or names judgments the source lacks. Empty when it can be (it
    may still match no note; see :func:`select`)."""
    out = []
    themes = [t.id for t in source.themes]
    out += [
        f"unknown theme '{clip(t)}'{suggest(t, themes)}; themes: {clip_list(themes)}"
        for t in selection.themes
        if t not in themes
    ]
    people = [p.id for p in source.people]
    called = names_of(source.people)
    out += [
        f"unknown speaker '{clip(p)}'{called_hint('person', p, called) or suggest(p, people)}; "
        f"speakers: {clip_list(people)}"
        for p in selection.speakers
        if p not in people
    ]
    if selection.tags:
        uses = Counter(tag for n in notes for tag in n.tags)
        known_tags = sorted(uses, key=lambda t: (-uses[t], t))  # the most used first
        folded = {search_tag(k) for k in known_tags}
        more = len(known_tags) - MAX_LISTED_TAGS
        listed = ", ".join(known_tags[:MAX_LISTED_TAGS]) + (
            f" and {more} more; deckgen list tags lists all" if more > 0 else ""
        )
        out += [
            f"no note has tag '{clip(tag)}'{suggest(tag, known_tags)}; tags, most used first: {listed or 'none'}"
            for tag in selection.tags
            if not any(tag_matches(k, search_tag(tag)) for k in folded)
        ]
    try:
        ranges = selection.ranges()
    except SelectionError as err:
        return [*out, str(err)]
    numbers = sorted(j.number for j in source.judgments)
    missing = _in_ranges(ranges, numbers)[1]
    if missing:
        shown = ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in missing[:_MAX_LISTED_MISSING])
        more = len(missing) - _MAX_LISTED_MISSING
        out.append(
            f"no judgment numbered {shown}{f' and {more} more' if more > 0 else ''}; "
            f"this source has {numbers[0]}-{numbers[-1]}"
        )
    return out


def _in_ranges(ranges: list[tuple[int, int]], numbers: list[int]) -> tuple[set[int], list[tuple[int, int]]]:
    """Of the sorted, distinct ``numbers``, the ones inside ``ranges`` (see :meth:`Selection.ranges`), and the
    parts of ``ranges`` that hold none of them; in time that grows with the numbers, not the ranges' size."""
    inside: set[int] = set()
    missing: list[tuple[int, int]] = []
    for lo, hi in ranges:
        start = lo
        for n in numbers[bisect.bisect_left(numbers, lo) : bisect.bisect_right(numbers, hi)]:
            if n > start:
                missing.append((start, n - 1))
            inside.add(n)
            start = n + 1
        if start <= hi:
            missing.append((start, hi))
    return inside, missing


def named_deck(source: Source, key: str) -> NamedDeck:
    """The deck named ``key`` in ``source``'s ``decks:``. Raises :class:`SelectionError` naming the keys it
    has (and the closest one) when there is none."""
    named = {d.key: d for d in source.decks}
    if key not in named:
        raise SelectionError(
            f"no deck '{clip(key)}' in {source.path}{suggest(key, named)}; "
            f"decks: {clip_list(list(named)) if named else 'none defined'}"
        )
    return named[key]


@contextlib.contextmanager
def naming(source: Source, sources: Sequence[Source], wanted: Callable[[Source], bool]) -> Iterator[None]:
    """Re-raise a :class:`SelectionError` about ``source`` in a command over several ``sources``, where a
    selection or ``--deck`` applies to each of them, with the source named first and, of the other sources,
    the files of those that have what was asked for (``wanted``, see :func:`can_choose`) or that none has it;
    with one source, as it is."""
    try:
        yield
    except SelectionError as err:
        if len(sources) < 2:
            raise
        having = [s.path for s in sources if s is not source and wanted(s)]
        advice = (
            "a selection or --deck applies to every source given: name only the files that have it "
            f"({clip_list(having)})"
            if having
            else "no other source given has it either"
        )
        raise SelectionError(f"{source.path}: {err}; {advice}") from None


def can_choose(selection: Selection, decks: Sequence[str] = ()) -> Callable[[Source], bool]:
    """Whether a source has every named deck of ``decks`` (keys) and, its notes generated, a note that
    ``selection`` selects: for :func:`naming`, which asks it of the other sources only once one has failed."""

    def can(source: Source) -> bool:
        if not set(decks) <= {d.key for d in source.decks}:
            return False
        try:
            select(source, generate(source)[0], selection)
        except (SelectionError, SourceError):
            return False
        return True

    return can


def check_selection(source: Source, selection: Selection, notes: Sequence[Note]) -> None:
    """Raise :class:`SelectionError` with the first of :func:`selection_problems` of ``selection``, if any."""
    found = selection_problems(source, selection, notes)
    if found:
        raise SelectionError(found[0])


def _matching(source: Source, notes: Sequence[Note], selection: Selection) -> list[Note]:
    """The notes matching a selection already checked by :func:`selection_problems`, in source order."""
    return list(filter(_matches(source, selection), notes))


def _matches(source: Source, selection: Selection) -> Callable[[Note], bool]:
    """Whether a note matches a selection already checked by :func:`selection_problems`."""
    themes = set(selection.themes)
    themes |= {t.id for t in source.themes if t.parent in themes}
    speakers = set(selection.speakers)
    tags = [search_tag(t) for t in selection.tags]
    numbers = _in_ranges(selection.ranges(), sorted(j.number for j in source.judgments))[0]

    def keep(note: Note) -> bool:
        j = note.judgment
        return (
            (not themes or j.theme in themes)
            and (not speakers or bool(speakers & set(note.speakers)))
            and (not tags or any(tag_matches(search_tag(t), s) for t in note.tags for s in tags))
            and (not selection.judgments or j.number in numbers)
        )

    return keep


_NO_MATCH = (
    "the selection matches no note; options combine with AND across options (OR within one), so loosen one of them"
)


def select(source: Source, notes: Sequence[Note], selection: Selection) -> list[Note]:
    """The notes matching ``selection`` (all of them when it is empty), in source order.

    Raises :class:`SelectionError` for unknown values or when nothing matches.
    """
    if not selection:
        return list(notes)
    check_selection(source, selection, notes)
    chosen = _matching(source, notes, selection)
    if not chosen:
        raise SelectionError(_NO_MATCH)
    return chosen


def named_deck_problems(source: Source, notes: Sequence[Note]) -> list[Problem]:
    """Every problem of the named decks' selections (``decks:`` in ``source``), each located at that deck's
    ``select:``: the :func:`selection_problems` of its selection (unknown tags, judgment ranges that are malformed or
    name no judgment), or a selection that matches no note. Themes and speakers are checked when loading.

    :func:`deckgen.builds.build` raises them as errors for every build, so ``deckgen check`` reports them
    and ``build --all`` stops before writing any deck.
    """
    out = []
    for deck in source.decks:
        found = selection_problems(source, deck.selection, notes)
        # checked first: ranges() may raise; then the first matching note will do
        if not found and not any(map(_matches(source, deck.selection), notes)):
            found = [_NO_MATCH]
        out += [Problem.at(deck.select_loc, f"deck '{deck.key}': {m}") for m in found]
    return out
