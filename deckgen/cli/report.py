"""What the commands print: warnings, a build's report, what an install or a sync did to a collection, and
the terminal tables (rich) of builds, listings and statistics. Every function takes the library's values
and prints them; none computes anything the library does not already return. rich is imported inside the
functions that draw tables."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

from ..errors import clip, printable
from ..model import CARD_KINDS
from ..notes import Note, card_count
from ..notetypes import field_search

if TYPE_CHECKING:
    from ..builds import BuildResult
    from ..errors import Problem
    from ..install import DeckImport
    from ..listing import Inventory, Selected
    from ..live import Rebuilt
    from ..stats import DeckStats

MAX_LISTED = 20
"""Added or changed (or, in an install's dry run, updated) notes listed by key in a report before the rest are
only counted."""


def print_warnings(warnings: Iterable[Problem]) -> None:
    """Each warning (a :class:`deckgen.errors.Problem`, which says ``warning:`` itself) on its line, on stderr."""
    for warning in warnings:
        click.echo(str(warning), err=True)


WARNINGS_PER_RULE = 20
"""Warnings of one card-quality rule that ``build`` prints; the rest are counted, and ``deckgen check`` lists
them all."""


def print_bounded(warnings: Iterable[Problem]) -> None:
    """Print ``warnings`` in their order as :func:`print_warnings` does, but at most :data:`WARNINGS_PER_RULE`
    of each lint rule (a warning with a ``code``), then one line per rule counting the rest: ``… and N more
    [rule]; run `deckgen check` to list them all``. Warnings without a rule (the source's, the ledger's) are
    all printed. Only the printed ones are made into text, so the report of a source with tens of thousands
    of warnings costs what a screenful does."""
    seen: Counter[str] = Counter()
    for warning in warnings:
        if code := warning.code:
            seen[code] += 1
            if seen[code] > WARNINGS_PER_RULE:
                continue
        click.echo(str(warning), err=True)
    for code, count in seen.items():
        if count > WARNINGS_PER_RULE:
            more = count - WARNINGS_PER_RULE
            click.echo(f"… and {more} more [{code}]; run `deckgen check` to list them all", err=True)


def print_rebuilt(rebuilt: Rebuilt) -> None:
    """A live preview's build: its warnings, its errors (on stderr) and a line saying what the page shows."""
    print_warnings(rebuilt.warnings)
    for line in rebuilt.errors:
        click.echo(line, err=True)
    when = "built" if rebuilt.version == 1 else "rebuilt"
    shows = f"{counted(rebuilt.cards, 'card')} from {counted(rebuilt.notes, 'note')}"
    if rebuilt.errors and rebuilt.notes:
        click.echo(f"Page {when} with {len(rebuilt.errors)} error(s) above the last good cards ({shows})")
    elif rebuilt.errors:  # no build has succeeded yet
        click.echo(f"Page {when} with {len(rebuilt.errors)} error(s) and no cards yet")
    else:
        click.echo(f"Page {when}: {shows}")


def counted(n: int, word: str) -> str:
    """``"1 note"``, ``"2 notes"``: a count and an English noun that takes -s."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def print_build(result: BuildResult) -> None:
    """The report of one build: file and deck, counts by theme and kind, and the changes since the last."""
    changes = result.changes
    verb = "Would write" if not result.written else "Wrote"
    per_theme = ", a subdeck per theme" if result.subdecks else ""
    click.echo(printable(f'{verb} {result.output}  (deck "{result.deck_name}"{per_theme})'))
    per_note = [card_count(n) for n in result.notes]  # each note's cards, counted once for every line
    click.echo(f"  {counted(len(result.notes), 'note')}, {counted(sum(per_note), 'card')}")
    src = result.source
    themes = [src.theme_path(n.judgment.theme) for n in result.notes]
    kinds = [n.spec.KIND for n in result.notes]
    for label, keys, order in (("by theme", themes, list(dict.fromkeys(themes))), ("by kind ", kinds, CARD_KINDS)):
        notes, cards = Counter(keys), Counter[str]()
        for key, count in zip(keys, per_note, strict=True):
            cards[key] += count
        counts = " · ".join(f"{g} {notes[g]}/{cards[g]}" for g in order if g in notes)
        click.echo(printable(f"  {label} (notes/cards): {counts}"))
    click.echo(
        printable(
            f"  changes since the last build ({result.ledger_path}): added {len(changes.added)} · "
            f"changed {len(changes.changed)} · unchanged {changes.unchanged} · removed {len(changes.removed)}"
        )
    )
    for c in changes.added[:MAX_LISTED]:
        click.echo(f"    added {c.key}")
    if len(changes.added) > MAX_LISTED:
        click.echo(f"    … and {len(changes.added) - MAX_LISTED} more added")
    for c in changes.changed[:MAX_LISTED]:
        click.echo(f"    changed {c.key}")
        if c.old_question != c.question:
            click.echo(f"      Q: {clip(c.old_question)}\n      →  {clip(c.question)}")
        if c.old_answer != c.answer:
            click.echo(f"      A: {clip(c.old_answer)}\n      →  {clip(c.answer)}")
        if (c.old_question, c.old_answer) == (c.question, c.answer) and not c.restored:
            click.echo("      (question and answer as before: its context, the line under it, its image or tags)")
    if len(changes.changed) > MAX_LISTED:
        click.echo(f"    … and {len(changes.changed) - MAX_LISTED} more changed")
    for line in [*changes.type_notes, *changes.notices]:
        click.echo(f"  {printable(line)}")
    if changes.removed:
        click.echo("  removed from the source (an .apkg import never deletes notes, so they stay in Anki;")
        click.echo("  find them there with the search shown and delete them by hand if you want):")
        for c in changes.removed:
            click.echo(f'    {c.key}  "{clip(c.question)}"  → search: {field_search("Key", c.key)}')


def print_imports(decks: Sequence[DeckImport], dry_run: bool, prune: bool) -> None:
    """Per deck of an install or a sync: its warnings, Anki's counts (or, with ``dry_run``, the predicted
    ones and the keys that would be added and updated), then the notes no longer in the source, by key, the
    cloze cards whose deletion it removed, and the cards that stay in other decks than the report's."""
    verb = "would be " if dry_run else ""
    removal = ("would be removed" if dry_run else "removed") if prune else ""
    for d in decks:
        r = d.deck.result
        print_warnings(r.warnings)
        click.echo(printable(f'Deck "{r.deck_name}" ({r.source.deck_id}): {counted(len(r.notes), "note")}'))
        click.echo(
            f"  {'Anki would import' if dry_run else 'Anki imported'}: new {d.new} · updated {d.updated} · "
            f"unchanged {d.duplicate} · conflicting {d.conflicting}"
        )
        for label, keys in (("added", d.new_keys), ("updated", d.updated_keys), ("conflicting", d.conflicting_keys)):
            for key in keys[:MAX_LISTED]:
                click.echo(f"    {verb}{label} {key}")
            if len(keys) > MAX_LISTED:
                click.echo(f"    … and {len(keys) - MAX_LISTED} more {verb}{label}")
        if d.stale:
            state = removal or "kept; --prune removes them"
            click.echo(f"  {len(d.stale)} note(s) no longer in the source ({state}):")
            for s in d.stale:
                click.echo(f"    {s.key}")
        if d.empty:
            state = removal or "kept, empty, until --prune or Anki's Tools → Empty Cards removes them"
            click.echo(f"  {len(d.empty)} cloze card(s) whose deletion the source removed ({state}):")
            for e in d.empty[:MAX_LISTED]:
                click.echo(f"    {e.key} c{e.number}")
            if len(d.empty) > MAX_LISTED:
                click.echo(f"    … and {len(d.empty) - MAX_LISTED} more")
        if d.elsewhere:
            where = ", ".join(f"'{name}' ({n})" for name, n in sorted(d.elsewhere.items())[:MAX_LISTED])
            more = f" and {len(d.elsewhere) - MAX_LISTED} more" if len(d.elsewhere) > MAX_LISTED else ""
            click.echo(
                printable(
                    f"  {counted(sum(d.elsewhere.values()), 'card')} already in the collection "
                    f"{'would stay' if dry_run else ('stays' if sum(d.elsewhere.values()) == 1 else 'stay')} in other "
                    "decks, as Anki's import moves no card: "
                    f"{where}{more}; Change Deck in Anki's browser moves them"
                )
            )
        if d.conflicting:
            click.echo(
                "  conflicting notes keep their old note type and are not updated (see README, Editing and "
                "re-importing)"
            )


def print_table(table: Any) -> None:
    """Print a rich table: as rich draws it on a terminal; into a pipe or a file, one line per row with no
    wrapping and no trailing spaces, so that a long name stays on its line for ``grep``."""
    from rich.console import Console

    if sys.stdout.isatty():
        Console().print(table)
        return
    console = Console(width=1 << 14, color_system=None)
    with console.capture() as captured:
        console.print(table)
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))


def table_box() -> Any:
    """Rich's default table lines on a terminal; none when standard output is a pipe or a file, so that a
    script or ``grep`` reads plain aligned columns, as ``deckgen list`` prints them there."""
    from rich.box import HEAVY_HEAD

    return HEAVY_HEAD if sys.stdout.isatty() else None


def print_builds_table(results: Sequence[BuildResult]) -> None:
    """A table of several decks built: name, notes, cards, file."""
    from rich.table import Table
    from rich.text import Text

    title = "Decks built" if results[0].written else "Decks (dry run)"
    table = Table(title=title, title_justify="left", box=table_box())
    for column, justify in (("deck", "left"), ("notes", "right"), ("cards", "right"), ("file", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for r in results:
        table.add_row(Text(printable(r.deck_name)), str(len(r.notes)), str(r.cards), Text(printable(str(r.output))))
    click.echo("")
    print_table(table)


_FRAME = 2 + 7 + 5 * 3 + 1
"""Cells of a notes table that are not question, answer or key: the # and Kind columns, and each of the five
columns' padding and rule."""
_MIN_TEXT = 60
"""Cells the Question and Answer columns need together beside a Key column; in a narrower terminal the key
goes under the answer instead. Sixty leave the question about 35 cells, some six words a line; at 40, a
120-column terminal kept the shipped deck's keys (53 cells) beside questions of three words a line
(newcomer8 #6)."""


def notes_table(group: Selected, width: int) -> Any:
    """A rich renderable of one source's notes for a terminal ``width`` cells wide: a title line, then a table
    per theme (the same column widths in each), one row per note. A key is kept on one line (the README says
    to copy keys from this table): it has a column of its own where the question and answer still have
    :data:`_MIN_TEXT` cells beside it, and else a line of its own under the answer, which folds only in a
    terminal narrower than the key and the # and Kind columns (under 72 columns for the shipped deck)."""
    from rich.cells import cell_len
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    source, notes, deck = group
    cards = sum(card_count(n) for n in notes)
    parts: list[Any] = [Text(f"{deck} — {counted(len(notes), 'note')}, {counted(cards, 'card')}", style="bold")]
    themes: dict[str, list[Note]] = {}
    for note in notes:
        themes.setdefault(note.judgment.theme, []).append(note)
    key_width = max((cell_len(n.key) for n in notes), default=0)
    beside = width - _FRAME - key_width >= _MIN_TEXT
    for theme, theme_notes in themes.items():
        title = Text(printable(source.theme_path(theme)))  # a bidirectional control would reorder the line
        table = Table(title=title, title_justify="left", title_style="bold", expand=True, show_lines=not beside)
        table.add_column("#", justify="right", width=2)
        table.add_column("Kind", width=7)
        if beside:
            table.add_column("Question", ratio=5, overflow="fold")
            table.add_column("Answer", style="cyan", ratio=3, overflow="fold")
            table.add_column("Key", style="dim", no_wrap=True, min_width=key_width, overflow="fold")
        else:
            table.add_column("Question · Answer · Key", overflow="fold")
        for note in theme_notes:
            # Text objects, not strings: rich would read "[...]" or "[bold]" in a source as markup.
            question, answer = Text(printable(note.question)), Text(printable(note.answer), style="cyan")
            key = Text(note.key, style="dim")
            cells = (question, answer, key) if beside else (Group(question, answer, key),)
            table.add_row(str(note.judgment.number), note.spec.KIND, *cells)
        parts.append(table)
    return Group(*parts)


def inventory_table(inventory: Inventory) -> Any:
    """A rich table of inventory rows (all columns but ``deck``), titled with what they list; ids, keys and tags
    are kept whole, the other columns fold."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    rows = inventory.rows
    table = Table(title=inventory.what, title_justify="left")
    columns = [k for k in rows[0] if k != "deck"] if rows else []
    for column in columns:
        if column in ("id", "key", "tag"):  # what a user types back: never cut, as keys in the notes table
            width = max((cell_len(printable(str(row[column]))) for row in rows), default=0)
            table.add_column(column, no_wrap=True, min_width=width, overflow="fold")
        else:
            table.add_column(column, justify="right" if column in ("judgments", "notes") else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text(printable(str(row[c]))) for c in columns))
    return table


def print_stats(stats: Sequence[DeckStats]) -> None:
    """Each source's counts line, then its tables by theme, speaker and kind, and its lint counts."""
    from rich.table import Table
    from rich.text import Text

    for s in stats:
        click.echo(
            f"{printable(s.name)}  {printable(s.path)}: {counted(s.judgments, 'judgment')}, "
            f"{counted(s.notes, 'note')}, {counted(s.cards, 'card')}, {s.warnings} warning(s)"
        )
        for title, rows in (("theme", s.by_theme), ("speaker", s.by_speaker), ("kind", s.by_kind)):
            table = Table(title=f"by {title}", title_justify="left", box=table_box())
            table.add_column(title)
            table.add_column("notes", justify="right")
            table.add_column("cards", justify="right")
            for label, notes, cards in rows:
                table.add_row(Text(printable(label)), str(notes), str(cards))
            print_table(table)
        table = Table(title="lint", title_justify="left", box=table_box())
        table.add_column("rule")
        table.add_column("warnings", justify="right")
        for code, count in s.lint:
            table.add_row(code, str(count))
        print_table(table)
