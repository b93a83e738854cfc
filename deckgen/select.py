"""Selecting part of a source: by theme, speaker, tag and judgment number.

Rules: values of one option are alternatives (OR); different options must all hold (AND). A theme
selects its sub-themes too (``new-paradigm`` includes ``self-learning`` and ``multimodal``). A tag selects
notes carrying it or a child of it (``topic`` matches ``topic::agents``), as Anki's ``tag:`` search does.
A speaker selects the notes of that person's judgments, except those drawn from an editors' note (拾象注).
Unknown values are errors that list the valid ones and suggest the closest; a selection that matches no
note is an error too, never an empty deck.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import Problem, SelectionError, clip
from .generate import Note
from .load import MAX_NUMBER_DIGITS, suggest
from .model import Source

_RANGE = re.compile(r"\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?")
"""A judgment number or range as typed: ASCII digits only (``int`` would also read ``٣`` as 3)."""
_MAX_LISTED_MISSING = 5
"""Missing judgment ranges named in an error before the rest are only counted."""


@dataclass(frozen=True)
class Selection:
    """A selection as typed: theme ids, person ids, tags, and judgment ranges (``"12-17,25"``)."""

    themes: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    judgments: tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: dict) -> Selection:
        """From a mapping of ``theme``/``speaker``/``tag``/``judgment`` to tuples of strings (a named deck's
        ``select:``)."""
        return cls(
            tuple(options.get("theme", ())),
            tuple(options.get("speaker", ())),
            tuple(options.get("tag", ())),
            tuple(options.get("judgment", ())),
        )

    def __bool__(self) -> bool:
        return bool(self.themes or self.speakers or self.tags or self.judgments)

    def ranges(self) -> list[tuple[int, int]]:
        """The judgment numbers named by ``judgments`` as sorted, merged, inclusive ranges
        (``"12-17,25", "16-18"`` → ``[(12, 18), (25, 25)]``); a range is never expanded into its numbers.

        Raises :class:`SelectionError` for text that is not a number or a range of ASCII digits, a number
        of more than :data:`deckgen.load.MAX_NUMBER_DIGITS` digits, or a range that runs backwards.
        """
        parts: list[tuple[int, int]] = []
        for spec in self.judgments:
            for part in spec.split(","):
                m = _RANGE.fullmatch(part)
                if not m:
                    raise SelectionError(f"judgment '{clip(part.strip())}' is not a number or a range like 12-17")
                if any(len(g.lstrip("0")) > MAX_NUMBER_DIGITS for g in m.groups() if g):
                    raise SelectionError(
                        f"judgment '{clip(part.strip())}' is too large; judgment numbers have at "
                        f"most {MAX_NUMBER_DIGITS} digits"
                    )
                lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
                if hi < lo:
                    raise SelectionError(f"range '{part.strip()}' runs backwards; write {hi}-{lo}")
                parts.append((lo, hi))
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(parts):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        return merged

    def label(self, source: Source) -> str:
        """Human suffix for the deck name: ``"Agent"``, ``"林俊旸 Lin Junyang"``, ``"判断 12-17,25"``, joined by
        `` · `` (the shipped named decks use the same names, so ``--speaker x`` and ``--deck x`` agree). A tag's
        ``::`` shows as `` › `` (``"topic › agents"``), since ``::`` in a deck name makes a subdeck in Anki."""
        parts = []
        if self.themes:
            parts.append(" + ".join(source.theme(t).label for t in self.themes))
        if self.speakers:
            parts.append(" + ".join(f"{source.person(p).name} {source.person(p).roman}" for p in self.speakers))
        if self.tags:  # '::' would make the deck a subdeck in Anki
            parts.append(" + ".join(t.replace("::", " › ") for t in self.tags))
        if self.judgments:
            parts.append("判断 " + ",".join(self.judgments))
        return " · ".join(parts)

    def slug(self) -> str:
        """File-name suffix: ``"agent"``, ``"lin-junyang"``, ``"j12-17-25"``, joined by ``-``."""
        parts = [*self.themes, *self.speakers, *(re.sub(r"[^\w-]+", "-", t).strip("-").lower() for t in self.tags)]
        if self.judgments:
            parts.append("j" + re.sub(r"[^0-9-]+", "-", "-".join(self.judgments)).strip("-"))
        return "-".join(parts)


def problems(source: Source, selection: Selection, notes: Sequence[Note]) -> list[str]:
    """Why ``selection`` cannot be used on ``source``, one message per problem: an unknown theme, speaker or
    tag, a judgment range that is malformed or names judgments the source lacks. Empty when it can be (it
    may still match no note; see :func:`select`)."""
    out = []
    themes = [t.id for t in source.themes]
    out += [
        f"unknown theme '{t}'{suggest(t, themes)}; themes: {', '.join(themes)}"
        for t in selection.themes
        if t not in themes
    ]
    people = [p.id for p in source.people]
    out += [
        f"unknown speaker '{p}'{suggest(p, people)}; speakers: {', '.join(people)}"
        for p in selection.speakers
        if p not in people
    ]
    known_tags = sorted({tag for n in notes for tag in n.tags})
    out += [
        f"no note has tag '{tag}'{suggest(tag, known_tags)}"
        for tag in selection.tags
        if not any(k == tag or k.startswith(tag + "::") for k in known_tags)
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


def check(source: Source, selection: Selection, notes: Sequence[Note]) -> None:
    """Raise :class:`SelectionError` with the first of :func:`problems` of ``selection``, if any."""
    found = problems(source, selection, notes)
    if found:
        raise SelectionError(found[0])


def _matching(source: Source, notes: Sequence[Note], selection: Selection) -> list[Note]:
    """The notes matching a selection already checked by :func:`problems`, in source order."""
    themes = set(selection.themes)
    themes |= {t.id for t in source.themes if t.parent in themes}
    speakers = set(selection.speakers)
    numbers = _in_ranges(selection.ranges(), sorted(j.number for j in source.judgments))[0]

    def keep(note: Note) -> bool:
        j = note.judgment
        return (
            (not themes or j.theme in themes)
            and (not speakers or bool(speakers & set(note.speakers)))
            and (not selection.tags or any(t == s or t.startswith(s + "::") for t in note.tags for s in selection.tags))
            and (not selection.judgments or j.number in numbers)
        )

    return [n for n in notes if keep(n)]


_NO_MATCH = (
    "the selection matches no note; options combine with AND across options (OR within one), so loosen one of them"
)


def select(source: Source, notes: list[Note], selection: Selection) -> list[Note]:
    """The notes matching ``selection`` (all of them when it is empty), in source order.

    Raises :class:`SelectionError` for unknown values or when nothing matches.
    """
    if not selection:
        return list(notes)
    check(source, selection, notes)
    chosen = _matching(source, notes, selection)
    if not chosen:
        raise SelectionError(_NO_MATCH)
    return chosen


def named_deck_problems(source: Source, notes: Sequence[Note]) -> list[Problem]:
    """Every problem of the named decks' selections (``decks:`` in ``source``), each located at that deck's
    ``select:``: the :func:`problems` of its selection (unknown tags, judgment ranges that are malformed or
    name no judgment), or a selection that matches no note. Themes and speakers are checked when loading.

    :func:`deckgen.build.build` raises them as errors for every build, so ``deckgen check`` reports them
    and ``build --all`` stops before writing any deck.
    """
    out = []
    for deck in source.decks:
        selection = Selection.from_options(deck.selection)
        found = problems(source, selection, notes) or ([] if _matching(source, notes, selection) else [_NO_MATCH])
        loc = deck.select_loc
        out += [Problem(loc.file, loc.line, loc.col, loc.path, f"deck '{deck.key}': {m}") for m in found]
    return out


def inventory(source: Source, notes: list[Note], what: str) -> list[dict]:
    """Rows describing what a person can select, with how many judgments and notes each selects.

    ``what`` is ``"themes"`` (id, name, parent), ``"people"`` (id, name, roman, affiliation) or ``"decks"``
    (key, name, selection). Counts are what the matching ``--theme``/``--speaker``/``--deck`` build would
    contain; a theme's count includes its sub-themes. Raises ValueError for another ``what``.
    """

    def count(chosen: list[Note]) -> dict:
        return {"judgments": len({n.judgment.number for n in chosen}), "notes": len(chosen)}

    def grouped(keys_of) -> dict[str, list[Note]]:
        """Notes by each key ``keys_of(note)`` gives: one pass, not one pass per theme or person."""
        out: dict[str, list[Note]] = {}
        for n in notes:
            for key in set(keys_of(n)):
                out.setdefault(key, []).append(n)
        return out

    if what == "themes":
        parent = {t.id: t.parent for t in source.themes}
        by_theme = grouped(lambda n: (n.judgment.theme, parent.get(n.judgment.theme)))  # a theme has its subthemes'
        return [
            {"id": t.id, "name": t.label, "parent": t.parent or "", **count(by_theme.get(t.id, []))}
            for t in source.themes
        ]
    if what == "people":
        by_person = grouped(lambda n: n.speakers)
        return [
            {
                "id": p.id,
                "name": p.name,
                "roman": p.roman,
                "affiliation": p.affiliation,
                **count(by_person.get(p.id, [])),
            }
            for p in source.people
        ]
    if what == "decks":
        rows = []
        for d in source.decks:
            try:
                chosen = select(source, notes, Selection.from_options(d.selection))
            except SelectionError:
                chosen = []
            rows.append(
                {
                    "key": d.key,
                    "name": d.name,
                    "selection": "; ".join(f"{k}: {', '.join(v)}" for k, v in d.selection.items()),
                    **count(chosen),
                }
            )
        return rows
    raise ValueError(f"cannot list '{what}'; choose themes, people or decks")
