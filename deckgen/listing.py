"""Listing notes before an import: records for scripts, CSV, a TSV that Anki's text importer reads, and what
a person can select (themes, people, tags, named decks) with their counts.

:func:`list_notes` is what ``deckgen list`` runs for notes, :func:`list_inventory` what it runs for
``themes``/``people``/``tags``/``decks``; each returns a value whose ``text(fmt)`` is the listing in a format.
:func:`gather` picks the notes of each source with a selection or a named deck (the preview uses it too).
Nothing prints; the terminal tables are drawn by the CLI (:mod:`deckgen.cli.report`).

The TSV follows Anki's text-import file headers (manual "Importing › Text files › File headers"; parsed in
rslib ``import_export/text/csv/metadata.rs``): ``#separator:tab``, ``#html:true``, and columns for the note
type, deck, GUID and tags, so one file carries both of deckgen's note types and Anki matches each row to an
existing note by GUID like an ``.apkg`` import does. The note types themselves are not in a text file: a
collection needs deckgen's note types before it can import the TSV, and an ``.apkg`` import brings only the
note types its notes use (rslib imports no unused note type), so import a package with notes of both kinds
(the full deck) first.

``csv`` and ``io`` (and rich, for the display width of plain columns) are imported when a listing is written,
so that importing this module stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .builds import deck_name_for
from .errors import Problem, SelectionError, UsageError, printable
from .load import load_sources
from .model import Selection, Source
from .notes import Note, card_count, generate
from .notetypes import CLOZE, QA
from .select import can_choose, named_deck, naming, select

INVENTORIES = ("themes", "people", "tags", "decks")
"""What :func:`list_inventory` lists."""
INVENTORY_COLUMNS = {
    "themes": ("deck", "id", "name", "parent", "judgments", "notes"),
    "people": ("deck", "id", "name", "roman", "affiliation", "judgments", "notes"),
    "tags": ("deck", "tag", "judgments", "notes"),
    "decks": ("deck", "key", "name", "selection", "judgments", "notes"),
}
"""The columns of each inventory's rows (:func:`inventory`, with the source's ``deck`` id first), the header
of its CSV and TSV even when it has no rows."""


class Selected(NamedTuple):
    """The notes a selection picks from one source (in source order) and the name their deck gets in Anki."""

    source: Source
    notes: Sequence[Note]
    deck: str


Groups = Sequence[Selected]


def gather(
    sources: Sequence[Source], selection: Selection, deck: str | None = None
) -> tuple[list[Selected], list[Problem]]:
    """Generate every source's notes and select from them, as ``deckgen build`` would for one deck each: with
    ``selection``, or as the named deck ``deck`` (a key of each source's ``decks:``, with its selection and
    name).

    Returns the selections and all warnings (sorted). Raises :class:`deckgen.errors.SourceError` for broken
    notes, :class:`deckgen.errors.SelectionError` for a selection that is unknown or matches nothing or a
    deck key a source lacks, and :class:`deckgen.errors.UsageError` for ``deck`` with a ``selection``.
    """
    if deck is not None and selection:
        raise UsageError("a named deck (--deck) brings its own selection; drop --theme/--speaker/--tag/--judgment")
    groups, warnings = [], []
    for source in sources:
        with naming(source, sources, can_choose(selection, () if deck is None else (deck,))):
            named = named_deck(source, deck) if deck is not None else None
            notes, problems = generate(source)
            picked = select(source, notes, named.selection if named else selection)  # checks the selection first
        warnings.extend([*source.warnings, *problems])
        groups.append(Selected(source, picked, named.name if named else deck_name_for(source, selection)))
    return groups, sorted(warnings)


@dataclass(frozen=True)
class NoteListing:
    """The notes ``deckgen list`` shows: one :class:`Selected` per source, and the warnings found."""

    groups: list[Selected]
    warnings: list[Problem]

    def text(self, fmt: str) -> str:
        """The listing as ``json`` (:func:`to_json`), ``csv`` (:func:`to_csv`), ``tsv`` (:func:`anki_tsv`) or
        ``plain`` lines (:func:`plain_lines`). Raises ValueError for another format."""
        formats = {"json": to_json, "csv": to_csv, "tsv": anki_tsv, "plain": plain_lines}
        if fmt not in formats:
            raise ValueError(f"cannot list notes as '{fmt}'; choose one of {', '.join(formats)}")
        return formats[fmt](self.groups)


def list_notes(paths: Sequence[str | Path], selection: Selection | None = None, deck: str | None = None) -> NoteListing:
    """Load the sources under ``paths`` and select their notes as ``deckgen build`` would, with ``selection``
    or as the named deck ``deck`` (see :func:`gather`, which says what is raised)."""
    groups, warnings = gather(load_sources(list(paths)), selection or Selection(), deck)
    return NoteListing(groups, warnings)


RECORD_FIELDS = (
    "deck",
    "key",
    "guid",
    "kind",
    "note_type",
    "judgment",
    "theme",
    "speakers",
    "question",
    "answer",
    "tags",
    "cards",
)
"""Keys of :func:`records` in order: source deck id, note key, GUID, card-spec kind (``qa``/``concept``/``list``/
``cloze``), note type name, judgment number, theme id, speaker ids (list; empty for an editors' note),
plain-text question and answer, tags (list), number of cards."""

TSV_HEADERS = (
    "#separator:tab",
    "#html:true",
    "#notetype column:1",
    "#deck column:2",
    "#guid column:3",
    "#tags column:11",
)
"""Header lines of :func:`anki_tsv`. The first column is a note type name: a row whose first cell began with
``#`` would be read as a comment, and GUIDs may begin with ``#``, so they come third."""

_TSV_COLUMNS = (
    "Note type",
    "Deck",
    "GUID",
    *(f"{q} / {c}" if q != c else q for q, c in zip(QA.field_names, CLOZE.field_names, strict=True)),
    "Tags",
)


def records(groups: Groups) -> list[dict[str, Any]]:
    """One dict per note, keys :data:`RECORD_FIELDS`, for JSON and CSV."""
    return [
        {
            "deck": source.deck_id,
            "key": note.key,
            "guid": note.guid,
            "kind": note.spec.KIND,
            "note_type": note.note_type.name,
            "judgment": note.judgment.number,
            "theme": note.judgment.theme,
            "speakers": list(note.speakers),
            "question": note.question,
            "answer": note.answer,
            "tags": list(note.tags),
            "cards": card_count(note),
        }
        for source, notes, _ in groups
        for note in notes
    ]


def to_json(groups: Groups) -> str:
    """:func:`records` as a JSON array (UTF-8 text, not ASCII-escaped), newline-terminated."""
    return json.dumps(records(groups), ensure_ascii=False, indent=2) + "\n"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell begins that a spreadsheet would run as a formula (OWASP, "CSV Injection")."""


def spreadsheet_safe(value: object) -> object:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+1``,
    ``@SUM``) gets a leading ``'``, which spreadsheets read as "this is text" (OWASP's advice for CSV
    injection); anything else is unchanged."""
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def to_csv(groups: Groups) -> str:
    """:func:`records` as CSV with a header row; list values (speakers, tags) are joined with spaces, and a
    cell a spreadsheet would run as a formula is neutralised (:func:`spreadsheet_safe`), but for the GUID: a
    base91 hash, it carries no formula anyone wrote, and a script joins on it with a collection's notes, so
    it stays exact (about one GUID in a thousand begins with ``-``, ``+``, ``=`` or ``@``: one with nine
    digits instead of ten)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, RECORD_FIELDS, lineterminator="\n")
    writer.writeheader()
    for rec in records(groups):
        writer.writerow(
            {
                k: v if k == "guid" else spreadsheet_safe(" ".join(v) if isinstance(v, list) else v)
                for k, v in rec.items()
            }
        )
    return out.getvalue()


def anki_tsv(groups: Groups) -> str:
    """A text file for Anki's *File → Import*: headers :data:`TSV_HEADERS` and ``#columns``, then one row
    per note: note type name, deck name, GUID, the note's seven fields as HTML, and its tags separated by
    spaces. Every cell of a row is quoted (Python's csv module would leave a bare carriage return unquoted,
    and Anki's reader would end the row there), so tabs, quotes, line breaks and a leading ``#`` survive
    Anki's import."""
    import csv
    import io

    out = io.StringIO()
    for line in TSV_HEADERS:
        out.write(line + "\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    out.write("#columns:")
    writer.writerow(_TSV_COLUMNS)
    rows = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_ALL)
    for _, notes, deck in groups:
        for note in notes:
            rows.writerow([note.note_type.name, deck, note.guid, *note.fields, " ".join(note.tags)])
    return out.getvalue()


def plain_lines(groups: Groups) -> str:
    """One line per note for a pipe or a file: judgment number, theme id, kind, key, ``question → answer``
    (line breaks inside a question or answer are shown as ``⏎`` so that a note stays on one line, and the
    characters :func:`deckgen.errors.printable` escapes are escaped)."""
    recs = records(groups)
    theme_w = max((len(r["theme"]) for r in recs), default=0)
    key_w = max((len(r["key"]) for r in recs), default=0)

    def one_line(text: str) -> str:
        return printable(" ⏎ ".join(text.splitlines()))  # a bidirectional control would reorder the line

    return "".join(
        f"{r['judgment']:>2}  {r['theme']:<{theme_w}}  {r['kind']:<7}  {r['key']:<{key_w}}  "
        f"{one_line(r['question'])} → {one_line(r['answer'])}\n"
        for r in recs
    )


@dataclass(frozen=True)
class Inventory:
    """What ``deckgen list themes|people|tags|decks`` shows: ``what`` and one row per item of every source, each
    starting with the source's ``deck`` id (see :func:`inventory` for the columns)."""

    what: str
    rows: list[dict[str, object]]

    def text(self, fmt: str) -> str:
        """The rows as ``json``, ``csv``, ``tsv`` or ``plain`` aligned columns (see :func:`rows_as`)."""
        return rows_as(self.rows, fmt, INVENTORY_COLUMNS[self.what])


def list_inventory(paths: Sequence[str | Path], what: str) -> Inventory:
    """Load the sources under ``paths`` and list their ``what`` (one of :data:`INVENTORIES`) with counts.
    Raises :class:`deckgen.errors.SourceError` for broken sources and ValueError for another ``what``."""
    rows: list[dict[str, object]] = []
    for source in load_sources(list(paths)):
        notes, _ = generate(source)
        rows.extend({"deck": source.deck_id, **row} for row in inventory(source, notes, what))
    return Inventory(what, rows)


def inventory(source: Source, notes: Sequence[Note], what: str) -> list[dict[str, object]]:
    """Rows describing what a person can select, with how many judgments and notes each selects.

    ``what`` is ``"themes"`` (id, name, parent), ``"people"`` (id, name, roman, affiliation), ``"tags"``
    (tag; every tag a note has, sorted) or ``"decks"`` (key, name, selection). Counts are what the matching
    ``--theme``/``--speaker``/``--tag``/``--deck`` build would contain; a theme's count includes its
    sub-themes, a tag's the notes of its child tags. Raises ValueError for another ``what``.
    """

    def count(chosen: Sequence[Note]) -> dict[str, int]:
        return {"judgments": len({n.judgment.number for n in chosen}), "notes": len(chosen)}

    def grouped(keys_of: Callable[[Note], Iterable[str | None]]) -> dict[str | None, list[Note]]:
        """Notes by each key ``keys_of(note)`` gives: one pass, not one pass per theme or person."""
        out: dict[str | None, list[Note]] = {}
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
    if what == "tags":
        known = {tag for n in notes for tag in n.tags}

        def listed_ancestors(note: Note) -> Iterable[str]:
            """The note's tags and each of their parents that is a tag too (``a`` of ``a::b``), as --tag
            ``a`` selects ``a::b``."""
            for tag in note.tags:
                parts = tag.split("::")
                yield from (p for p in ("::".join(parts[:i]) for i in range(1, len(parts) + 1)) if p in known)

        by_tag = grouped(listed_ancestors)
        return [{"tag": tag, **count(by_tag[tag])} for tag in sorted(known)]
    if what == "decks":
        rows: list[dict[str, object]] = []
        for d in source.decks:
            try:
                chosen = select(source, notes, d.selection)
            except SelectionError:
                chosen = []
            rows.append(
                {
                    "key": d.key,
                    "name": d.name,
                    "selection": "; ".join(f"{k}: {', '.join(v)}" for k, v in d.selection.options().items()),
                    **count(chosen),
                }
            )
        return rows
    raise ValueError(f"cannot list '{what}'; choose one of {', '.join(INVENTORIES)}")


def rows_as(rows: list[dict[str, object]], fmt: str, columns: Sequence[str]) -> str:
    """Inventory rows, each with the keys ``columns``, as ``json``, ``csv`` or ``tsv`` text, or ``plain``
    columns aligned by display width (CSV and TSV with a header row first, also when there are no rows, so
    that a script reading it by its header can tell none from a failure; plain ones with a header unless
    there are no rows, when it is empty)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        import csv
        import io

        out = io.StringIO()
        writer = csv.DictWriter(out, columns, lineterminator="\n", delimiter="," if fmt == "csv" else "\t")
        writer.writeheader()
        writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} if fmt == "csv" else row for row in rows)
        return out.getvalue()
    if not rows:
        return ""
    from rich.cells import cell_len  # display width: a Chinese character takes two columns

    table = [list(columns)] + [[printable(str(v)) for v in r.values()] for r in rows]  # bidi controls escaped
    widths = [max(cell_len(line[i]) for line in table) for i in range(len(table[0]))]
    return "".join(
        "  ".join(v + " " * (w - cell_len(v)) for v, w in zip(line, widths, strict=True)).rstrip() + "\n"
        for line in table
    )
