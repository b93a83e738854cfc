"""deckgen's command line: thin Click commands over the library.

Each command parses options, calls the library, prints a summary. Library errors become exit status 1
with one ``file:line:col: path: message`` line per problem on stderr; usage errors are Click's exit 2.
Heavy modules (genanki, PyYAML, rich) are imported inside the commands so ``deckgen --help`` is instant.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from . import __version__

DEFAULT_SOURCE = "cards"


class _Group(click.Group):
    """Click group that turns deckgen's own errors into clean messages and exit status 1."""

    def invoke(self, ctx):
        from .errors import DeckgenError, SourceError

        try:
            return super().invoke(ctx)
        except SourceError as err:
            for problem in err.problems:
                click.echo(str(problem), err=True)
            errors = sum(p.severity == "error" for p in err.problems)
            click.echo(f"deckgen: {errors} error(s) in the sources; nothing was written", err=True)
            sys.exit(1)
        except DeckgenError as err:
            click.echo(f"deckgen: error: {err}", err=True)
            sys.exit(1)


def _selection_options(f):
    """Add --theme/--speaker/--tag/--judgment to a command (repeatable; OR within, AND across)."""
    for opt, metavar, help_ in reversed([
        ("--theme", "ID", "Only judgments of this theme (sub-themes included). Repeatable."),
        ("--speaker", "ID", "Only judgments by this person. Repeatable."),
        ("--tag", "TAG", "Only notes with this tag (or a child tag). Repeatable."),
        ("--judgment", "N[-M],...", "Only these judgment numbers, e.g. 12-17,25. Repeatable."),
    ]):
        f = click.option(opt, multiple=True, metavar=metavar, help=help_)(f)
    return f


def _load(sources: tuple[str, ...]):
    from .load import load_sources

    return load_sources(list(sources) or [DEFAULT_SOURCE])


def _print_warnings(lines) -> None:
    for line in lines:
        click.echo(line if "warning" in line else f"warning: {line}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
def main():
    """Turn YAML sources of numbered judgments into Anki decks (.apkg).

    \b
    Example:
      deckgen check            # validate cards/
      deckgen build            # write dist/<deck-id>.apkg
    """


@main.command()
@click.argument("sources", nargs=-1, type=click.Path())
@_selection_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output .apkg (default dist/<deck-id>[-<selection>].apkg).")
@click.option("--name", help="Deck name (default: the source's name, plus the selection).")
@click.option("--subdecks", is_flag=True, help="Put each theme in its own subdeck (Deck::分化 Divergence).")
@click.option("--deck", "decks", multiple=True, metavar="KEY", help="Build a deck named in the source's decks:.")
@click.option("--all", "all_decks", is_flag=True, help="Build the full deck and every named deck.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def build(sources, theme, speaker, tag, judgment, output, name, subdecks, decks, all_decks, dry_run):
    """Validate SOURCES (files or folders; default cards/) and write one .apkg per deck.

    \b
    Examples:
      deckgen build
      deckgen build --theme agent
      deckgen build --speaker lin-junyang -o lin.apkg
      deckgen build --all
      deckgen build --dry-run
    """
    from .build import build as run_build
    from .select import Selection

    loaded = _load(sources)
    selection = Selection(theme, speaker, tag, judgment)
    jobs = []  # (source, selection, name)
    for src in loaded:
        if all_decks or decks:
            named = {d.key: d for d in src.decks}
            for key in decks:
                if key not in named:
                    from .errors import SelectionError
                    from .load import suggest

                    raise SelectionError(f"no deck '{key}' in {src.path}{suggest(key, named)}; "
                                         f"decks: {', '.join(named) or 'none defined'}")
            if all_decks:
                jobs.append((src, selection, name))
            for d in (src.decks if all_decks else [named[k] for k in decks]):
                jobs.append((src, Selection.from_options(d.selection), d.name))
        else:
            jobs.append((src, selection, name))
    if output and len(jobs) > 1:
        raise click.UsageError("-o/--output needs exactly one deck to build; drop it to use dist/<deck>.apkg")
    results = [run_build(src, selection=sel, output=output, name=nm, subdecks=subdecks, dry_run=dry_run)
               for src, sel, nm in jobs]
    for result in results:
        _print_warnings(result.warnings)
        _print_build(result)
    if len(results) > 1:
        _print_table(results)


def _print_build(result) -> None:
    p = result.plan
    verb = "Would write" if not result.written else "Wrote"
    click.echo(f"{verb} {result.output}  (deck \"{result.deck_name}\")")
    click.echo(f"  {len(result.notes)} notes, {result.cards} cards")
    src = result.source
    themes = Counter(n.judgment.theme for n in result.notes)
    click.echo("  by theme: " + " · ".join(f"{src.theme(t).label} {c}" for t, c in themes.items()))
    kinds = Counter(n.spec.kind for n in result.notes)
    click.echo("  by kind:  " + " · ".join(f"{k} {c}" for k, c in sorted(kinds.items())))
    click.echo(f"  changes since the last build ({result.ledger_path}): added {len(p.added)} · "
               f"changed {len(p.changed)} · unchanged {p.unchanged} · removed {len(p.removed)}")
    for c in p.changed:
        click.echo(f"    changed {c.key}")
        if c.old_question != c.question:
            click.echo(f"      Q: {c.old_question}\n      →  {c.question}")
        if c.old_answer != c.answer:
            click.echo(f"      A: {c.old_answer}\n      →  {c.answer}")
    for line in p.type_notes:
        click.echo(f"  {line}")
    if p.removed:
        click.echo("  removed from the source (an .apkg import never deletes notes, so they stay in Anki;")
        click.echo("  find them there with the search shown and delete them by hand if you want):")
        for c in p.removed:
            click.echo(f'    {c.key}  "{c.question}"  → search: "Key:{c.key}"')


def _print_table(results) -> None:
    click.echo("")
    click.echo(f"{'deck':<44} {'notes':>6} {'cards':>6}  file")
    for r in results:
        click.echo(f"{r.deck_name:<44} {len(r.notes):>6} {r.cards:>6}  {r.output}")


@main.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
def check(sources, strict):
    """Validate SOURCES (default cards/) without writing anything. Exit 0 if valid, 1 if not.

    \b
    Examples:
      deckgen check
      deckgen check --strict cards/agi-next-2026.yaml
    """
    from .generate import generate
    from .lint import lint

    total_warnings = 0
    for src in _load(sources):
        notes, problems = generate(src)
        warnings = sorted([*src.warnings, *problems, *lint(src, notes)])
        _print_warnings(str(w) for w in warnings)
        total_warnings += len(warnings)
        click.echo(f"{src.path}: {len(src.judgments)} judgments, {len(notes)} notes, {len(warnings)} warning(s)")
    if strict and total_warnings:
        click.echo(f"deckgen: {total_warnings} warning(s) and --strict is on", err=True)
        sys.exit(1)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path())
def stats(sources):
    """Show how the notes of SOURCES (default cards/) spread over themes, speakers and card kinds, and
    what the quality lint finds (run `deckgen check` for the warnings themselves).

    \b
    Example:
      deckgen stats
    """
    from rich.console import Console
    from rich.table import Table

    from .stats import deck_stats

    console = Console()
    for src in _load(sources):
        s = deck_stats(src)
        console.print(f"[bold]{s.name}[/bold]  {s.path}: {s.judgments} judgments, {s.notes} notes, "
                      f"{s.cards} cards, {s.warnings} warning(s)")
        for title, rows in (("theme", s.by_theme), ("speaker", s.by_speaker), ("kind", s.by_kind)):
            table = Table(title=f"by {title}", title_justify="left")
            table.add_column(title)
            table.add_column("notes", justify="right")
            table.add_column("cards", justify="right")
            for label, notes, cards in rows:
                table.add_row(label, str(notes), str(cards))
            console.print(table)
        table = Table(title="lint", title_justify="left")
        table.add_column("rule")
        table.add_column("warnings", justify="right")
        for code, count in s.lint:
            table.add_row(code, str(count))
        console.print(table)
