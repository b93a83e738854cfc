"""Listing notes before an import: records for scripts, CSV, a TSV that Anki's text importer reads, tables.

:func:`gather` picks the notes of each source with a selection; the other functions take its result,
``groups`` (one :class:`Selected` per source), and return text or a rich renderable. Nothing prints.

The TSV follows Anki's text-import file headers (manual "Importing › Text files › File headers"; parsed in
rslib ``import_export/text/csv/metadata.rs``): ``#separator:tab``, ``#html:true``, and columns for the note
type, deck, GUID and tags, so one file carries both of deckgen's note types and Anki matches each row to an
existing note by GUID like an ``.apkg`` import does. The note types themselves are not in a text file: a
collection needs deckgen's note types (from any earlier ``.apkg`` import) before it can import the TSV.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import NamedTuple

from .build import card_count, deck_name_for
from .errors import Problem
from .generate import Note, generate
from .model import Source
from .notetypes import CLOZE, QA
from .select import Selection, inventory, select


class Selected(NamedTuple):
    """The notes a selection picks from one source (in source order) and the name their deck gets in Anki."""

    source: Source
    notes: Sequence[Note]
    deck: str


Groups = Sequence[Selected]


def gather(sources: Sequence[Source], selection: Selection) -> tuple[list[Selected], list[Problem]]:
    """Generate every source's notes and select from them, as ``deckgen build`` would for one deck each.

    Returns the selections and all warnings (sorted). Raises :class:`deckgen.errors.SourceError` for broken
    notes and :class:`deckgen.errors.SelectionError` for a selection that is unknown or matches nothing.
    """
    groups, warnings = [], []
    for source in sources:
        notes, problems = generate(source)
        warnings.extend([*source.warnings, *problems])
        groups.append(Selected(source, select(source, notes, selection), deck_name_for(source, selection)))
    return groups, sorted(warnings)


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


def records(groups: Groups) -> list[dict]:
    """One dict per note, keys :data:`RECORD_FIELDS`, for JSON and CSV."""
    return [
        {
            "deck": source.deck_id,
            "key": note.key,
            "guid": note.guid,
            "kind": note.spec.kind,
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


def to_csv(groups: Groups) -> str:
    """:func:`records` as CSV with a header row; list values (speakers, tags) are joined with spaces."""
    out = io.StringIO()
    writer = csv.DictWriter(out, RECORD_FIELDS, lineterminator="\n")
    writer.writeheader()
    for rec in records(groups):
        writer.writerow({k: " ".join(v) if isinstance(v, list) else v for k, v in rec.items()})
    return out.getvalue()


def anki_tsv(groups: Groups) -> str:
    """A text file for Anki's *File → Import*: headers :data:`TSV_HEADERS` and ``#columns``, then one row
    per note: note type name, deck name, GUID, the note's seven fields as HTML, and its tags separated by
    spaces."""
    out = io.StringIO()
    for line in TSV_HEADERS:
        out.write(line + "\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    out.write("#columns:")
    writer.writerow(_TSV_COLUMNS)
    for _, notes, deck in groups:
        for note in notes:
            writer.writerow([note.note_type.name, deck, note.guid, *note.fields, " ".join(note.tags)])
    return out.getvalue()


def plain_lines(groups: Groups) -> str:
    """One line per note for a pipe or a file: judgment number, theme id, kind, key, ``question → answer``
    (line breaks inside a question or answer are shown as ``⏎`` so that a note stays on one line)."""
    recs = records(groups)
    theme_w = max((len(r["theme"]) for r in recs), default=0)
    key_w = max((len(r["key"]) for r in recs), default=0)

    def one_line(text: str) -> str:
        return " ⏎ ".join(text.splitlines())

    return "".join(
        f"{r['judgment']:>2}  {r['theme']:<{theme_w}}  {r['kind']:<7}  {r['key']:<{key_w}}  "
        f"{one_line(r['question'])} → {one_line(r['answer'])}\n"
        for r in recs
    )


def rich_table(group: Selected):
    """A rich renderable of one source's notes for a terminal: a title line, then a table per theme (the same
    column widths in each), one row per note."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    source, notes, deck = group
    cards = sum(card_count(n) for n in notes)
    parts = [Text(f"{deck} — {len(notes)} notes, {cards} cards", style="bold")]
    themes: dict[str, list[Note]] = {}
    for note in notes:
        themes.setdefault(note.judgment.theme, []).append(note)
    for theme, theme_notes in themes.items():
        table = Table(title=Text(source.theme_path(theme)), title_justify="left", title_style="bold", expand=True)
        table.add_column("#", justify="right", width=2)
        table.add_column("Kind", width=7)
        table.add_column("Question", ratio=5, overflow="fold")
        table.add_column("Answer", style="cyan", ratio=3, overflow="fold")
        table.add_column("Key", style="dim", ratio=2, overflow="fold")
        for note in theme_notes:
            # Text objects, not strings: rich would read "[...]" or "[bold]" in a source as markup.
            table.add_row(
                str(note.judgment.number), note.spec.kind, Text(note.question), Text(note.answer), Text(note.key)
            )
        parts.append(table)
    return Group(*parts)


def inventory_rows(sources: Sequence[Source], what: str) -> list[dict]:
    """:func:`deckgen.select.inventory` rows for every source, each with a leading ``deck`` (source deck id)."""
    rows = []
    for source in sources:
        notes, _ = generate(source)
        rows.extend({"deck": source.deck_id, **row} for row in inventory(source, notes, what))
    return rows


def rows_as(rows: list[dict], fmt: str) -> str:
    """Inventory rows as ``json``, ``csv`` or ``tsv`` text, or ``plain`` columns aligned by display width
    (all but JSON with a header row first)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if not rows:
        return ""
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n", delimiter="," if fmt == "csv" else "\t")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    from rich.cells import cell_len  # display width: a Chinese character takes two columns

    table = [list(rows[0])] + [[str(v) for v in r.values()] for r in rows]
    widths = [max(cell_len(line[i]) for line in table) for i in range(len(table[0]))]
    return "".join(
        "  ".join(v + " " * (w - cell_len(v)) for v, w in zip(line, widths, strict=True)).rstrip() + "\n"
        for line in table
    )


def inventory_table(rows: list[dict], what: str):
    """A rich table of inventory rows (all columns but ``deck``), titled with ``what``."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=what, title_justify="left")
    columns = [k for k in rows[0] if k != "deck"] if rows else []
    for column in columns:
        table.add_column(column, justify="right" if column in ("judgments", "notes") else "left")
    for row in rows:
        table.add_row(*(Text(str(row[c])) for c in columns))
    return table
