"""deckgen's command line: thin Click commands over the library.

Each command parses options, calls the library, prints a summary. Library errors become exit status 1
with one ``file:line:col: path: message`` line per problem on stderr; usage errors are Click's exit 2.
Heavy modules (genanki, PyYAML, rich) are imported inside the commands so ``deckgen --help`` is instant.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from pathlib import Path

import click

from . import __version__

DEFAULT_SOURCE = "cards"
PROGRESS_DELAY = 1.0
"""Seconds a build runs before its progress bar appears (on a terminal only)."""


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
    for opt, metavar, help_ in reversed(
        [
            ("--theme", "ID", "Only judgments of this theme (sub-themes included). Repeatable."),
            ("--speaker", "ID", "Only judgments by this person. Repeatable."),
            ("--tag", "TAG", "Only notes with this tag (or a child tag). Repeatable."),
            ("--judgment", "N[-M],...", "Only these judgment numbers, e.g. 12-17,25. Repeatable."),
        ]
    ):
        f = click.option(opt, multiple=True, metavar=metavar, help=help_)(f)
    return f


def _load(sources: tuple[str, ...]):
    from .load import load_sources

    return load_sources(list(sources) or [DEFAULT_SOURCE])


class _ProgressBar:
    """The library's progress callback (see :mod:`deckgen.progress`) shown as a rich progress bar on stderr.

    Use as a context manager around the work; it yields the callback, or None when stderr is not a terminal.
    The bar appears only once the work has run for :data:`PROGRESS_DELAY` seconds: a timer thread then imports
    rich and starts it, so quick builds never load rich.progress and print nothing extra. It is transient:
    it disappears when the work is done, before the summary is printed.
    """

    def __init__(self, step: str):
        self.state = (step, 0, 0)
        self.lock = threading.Lock()
        self.bar = self.task = None
        self.closed = False
        self.timer = threading.Timer(PROGRESS_DELAY, self._show)
        self.timer.daemon = True

    def __enter__(self):
        if not sys.stderr.isatty():
            return None
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        with self.lock:
            self.closed = True
            if self.bar is not None:
                self.bar.stop()

    def __call__(self, step: str, done: int, total: int) -> None:
        with self.lock:
            new_step = step != self.state[0]
            self.state = (step, done, total)
            if self.bar is None:
                return
            if new_step:  # a fresh task: rich cannot turn a known total back into an unknown one
                self.bar.remove_task(self.task)
                self.task = self.bar.add_task(step, completed=done, total=total or None)
            else:
                self.bar.update(self.task, completed=done)

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

        with self.lock:
            if self.closed:
                return
            step, done, total = self.state
            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task(step, completed=done, total=total or None)
            self.bar.start()


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
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output .apkg (default dist/<deck-id>[-<selection>].apkg).",
)
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
    from .build import DEFAULT_OUT_DIR, default_output
    from .build import build as run_build
    from .errors import SelectionError
    from .load import suggest
    from .select import Selection

    selection = Selection(theme, speaker, tag, judgment)
    if output is not None and (str(output) in ("", ".") or output.is_dir()):
        raise click.UsageError(f"-o/--output needs a file name, e.g. -o dist/deck.apkg (got '{output}')")
    if name is not None and not name.strip():
        raise click.UsageError("--name must not be empty")
    if decks and all_decks:
        raise click.UsageError("--deck and --all both choose decks; use one of them")
    if (decks or all_decks) and (selection or name):
        raise click.UsageError(
            "named decks (--deck, --all) bring their own selection and name; drop "
            "--theme/--speaker/--tag/--judgment/--name, or build without --deck/--all"
        )
    with _ProgressBar("reading sources") as progress:
        loaded = _load(sources)
        jobs = []  # keyword arguments for build(), one per deck, each with its output path
        for src in loaded:
            named = {d.key: d for d in src.decks}
            unknown = [key for key in decks if key not in named]
            if unknown:
                raise SelectionError(
                    f"no deck '{unknown[0]}' in {src.path}{suggest(unknown[0], named)}; "
                    f"decks: {', '.join(named) or 'none defined'}"
                )
            if all_decks or not decks:
                jobs.append(
                    dict(source=src, selection=selection, name=name, output=output or default_output(src, selection))
                )
            for d in src.decks if all_decks else [named[k] for k in decks]:
                jobs.append(
                    dict(
                        source=src,
                        selection=Selection.from_options(d.selection),
                        name=d.name,
                        description=d.description or None,
                        output=output or DEFAULT_OUT_DIR / f"{src.deck_id}-{d.key}.apkg",
                    )
                )
        if output and len(jobs) > 1:
            raise click.UsageError("-o/--output needs exactly one deck to build; drop it to use dist/<deck>.apkg")
        _refuse_shared_outputs(jobs)
        if len(jobs) > 1 and not dry_run:  # all or nothing: every deck must build before any file is written
            for job in jobs:
                run_build(subdecks=subdecks, dry_run=True, **job)
        results = [run_build(subdecks=subdecks, dry_run=dry_run, progress=progress, **job) for job in jobs]
    for result in results:
        _print_warnings(result.warnings)
        _print_build(result)
    if len(results) > 1:
        _print_table(results)


def _refuse_shared_outputs(jobs) -> None:
    """Usage error if two decks of one command would be written to the same file."""
    seen: dict = {}
    for job in jobs:
        path = Path(job["output"]).resolve()
        label = job["name"] or job["source"].name
        if path in seen:
            raise click.UsageError(
                f"'{seen[path]}' and '{label}' would both be written to {job['output']}; "
                "give the named deck another key or build them separately with -o"
            )
        seen[path] = label


_KIND_ORDER = ("qa", "concept", "list", "cloze")
_MAX_LISTED = 20
"""Added notes listed by key in a build report before the rest are only counted."""


def _print_build(result) -> None:
    from .build import card_count

    p = result.plan
    verb = "Would write" if not result.written else "Wrote"
    click.echo(f'{verb} {result.output}  (deck "{result.deck_name}")')
    click.echo(f"  {len(result.notes)} notes, {result.cards} cards")
    src = result.source
    themes = [src.theme_path(n.judgment.theme) for n in result.notes]
    kinds = [n.spec.kind for n in result.notes]
    for label, keys, order in (("by theme", themes, dict.fromkeys(themes)), ("by kind ", kinds, _KIND_ORDER)):
        notes, cards = Counter(keys), Counter()
        for key, n in zip(keys, result.notes, strict=True):
            cards[key] += card_count(n)
        click.echo(f"  {label} (notes/cards): " + " · ".join(f"{g} {notes[g]}/{cards[g]}" for g in order if g in notes))
    click.echo(
        f"  changes since the last build ({result.ledger_path}): added {len(p.added)} · "
        f"changed {len(p.changed)} · unchanged {p.unchanged} · removed {len(p.removed)}"
    )
    for c in p.added[:_MAX_LISTED]:
        click.echo(f"    added {c.key}")
    if len(p.added) > _MAX_LISTED:
        click.echo(f"    … and {len(p.added) - _MAX_LISTED} more added")
    for c in p.changed:
        click.echo(f"    changed {c.key}")
        if c.old_question != c.question:
            click.echo(f"      Q: {c.old_question}\n      →  {c.question}")
        if c.old_answer != c.answer:
            click.echo(f"      A: {c.old_answer}\n      →  {c.answer}")
    for line in [*p.type_notes, *p.notices]:
        click.echo(f"  {line}")
    if p.removed:
        click.echo("  removed from the source (an .apkg import never deletes notes, so they stay in Anki;")
        click.echo("  find them there with the search shown and delete them by hand if you want):")
        for c in p.removed:
            click.echo(f'    {c.key}  "{c.question}"  → search: "Key:{c.key}"')


def _print_table(results) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Decks built" if results[0].written else "Decks (dry run)", title_justify="left")
    for column, justify in (("deck", "left"), ("notes", "right"), ("cards", "right"), ("file", "left")):
        table.add_column(column, justify=justify)
    for r in results:
        table.add_row(Text(r.deck_name), str(len(r.notes)), str(r.cards), Text(str(r.output)))
    click.echo("")
    Console(width=200 if not sys.stdout.isatty() else None).print(table)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
def check(sources, strict):
    """Validate SOURCES (default cards/) without writing anything. Exit 0 if valid, 1 if not.

    Runs every check a build runs: the schema, card generation, the quality lint, and the identity guards
    against the build ledger (e.g. a card whose question and answer both changed, as after a reorder).

    \b
    Examples:
      deckgen check
      deckgen check --strict cards/agi-next-2026.yaml
    """
    from .build import build as run_build
    from .errors import SourceError

    total_warnings = 0
    problems = []  # errors of every source, reported together at the end
    for src in _load(sources):
        try:
            result = run_build(src, dry_run=True)  # every check a build makes, the ledger's identity guards too
        except SourceError as err:
            problems.extend(err.problems)
            continue
        _print_warnings(result.warnings)
        total_warnings += len(result.warnings)
        click.echo(
            f"{src.path}: {len(src.judgments)} judgments, {len(result.notes)} notes, {len(result.warnings)} warning(s)"
        )
    if problems:
        raise SourceError(problems)
    if strict and total_warnings:
        click.echo(f"deckgen: {total_warnings} warning(s) and --strict is on", err=True)
        sys.exit(1)


LISTABLE = ("notes", "themes", "people", "decks")
"""What ``deckgen list`` can list, named by its optional first word (default ``notes``)."""


def _gather(sources, theme, speaker, tag, judgment):
    """Load SOURCES and select notes as ``build`` would; warnings go to stderr."""
    from .listing import gather
    from .select import Selection

    groups, warnings = gather(_load(sources), Selection(theme, speaker, tag, judgment))
    _print_warnings(str(w) for w in warnings)
    return groups


@main.command(name="list")
@click.argument("args", nargs=-1, metavar="[WHAT] [SOURCE]...")
@_selection_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv"]),
    default="table",
    show_default=True,
    help="table: a table in a terminal, one line per note when piped; json/csv: for scripts and "
    "spreadsheets; tsv: a file Anki's File → Import reads (needs deckgen's note types, which "
    "any earlier .apkg import brings).",
)
def list_(args, theme, speaker, tag, judgment, fmt):
    """List the notes of SOURCES (default cards/), or their themes, people or named decks.

    WHAT is notes (the default), or themes, people or decks: the ids that --theme, --speaker and --deck
    accept, with how many judgments and notes each selects. A source folder literally named like a WHAT
    word is written as ./notes.

    \b
    Examples:
      deckgen list
      deckgen list --theme agent
      deckgen list themes
      deckgen list people --format csv
      deckgen list --format json | jq '.[].question'
      deckgen list --speaker tang-jie --format tsv > tang-jie.txt
    """
    what, sources = (args[0], args[1:]) if args and args[0] in LISTABLE else ("notes", args)
    if (
        args
        and what == "notes"
        and args[0] not in LISTABLE
        and not Path(args[0]).exists()
        and "/" not in args[0]
        and "." not in args[0]
    ):
        from .load import suggest

        raise click.UsageError(
            f"'{args[0]}' is neither a source file or folder nor something to list"
            f"{suggest(args[0], LISTABLE)}; WHAT is one of {', '.join(LISTABLE)}"
        )
    from . import listing

    if what != "notes":
        if theme or speaker or tag or judgment:
            raise click.UsageError(f"selection options apply to listing notes, not {what}")
        rows = listing.inventory_rows(_load(sources), what)
        if fmt == "table":
            from rich.console import Console

            console = Console()
            if console.is_terminal:
                console.print(listing.inventory_table(rows, what))
                return
            fmt = "plain"
        click.echo(listing.rows_as(rows, fmt), nl=False)
        return
    groups = _gather(sources, theme, speaker, tag, judgment)
    if fmt == "table":
        from rich.console import Console

        console = Console()
        if console.is_terminal:
            for group in groups:
                console.print(listing.rich_table(group))
        else:
            click.echo(listing.plain_lines(groups), nl=False)
    else:
        text = {"json": listing.to_json, "csv": listing.to_csv, "tsv": listing.anki_tsv}[fmt](groups)
        click.echo(text, nl=False)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path())
@_selection_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default="preview.html",
    show_default=True,
    help="The HTML file to write.",
)
@click.option("--open", "open_", is_flag=True, help="Open the page in the default web browser.")
def preview(sources, theme, speaker, tag, judgment, output, open_):
    """Write one self-contained HTML page showing every card's front and back as Anki will.

    Same templates and CSS as the package, grouped by theme, with a search box and a night-mode toggle.

    \b
    Examples:
      deckgen preview --open
      deckgen preview --theme agent -o agent.html
    """
    from .build import build_inputs, card_count
    from .package import refuse_overwriting, write_all_atomic
    from .preview import preview_html

    groups = _gather(sources, theme, speaker, tag, judgment)
    refuse_overwriting(output, [i for g in groups for i in build_inputs(g.source, list(g.notes))])
    write_all_atomic([(output, preview_html(groups).encode("utf-8"))])
    notes = [n for g in groups for n in g.notes]
    click.echo(f"Wrote {output}  ({sum(card_count(n) for n in notes)} cards from {len(notes)} notes)")
    if open_:
        import webbrowser

        if not webbrowser.open(Path(output).resolve().as_uri()):
            click.echo(f"No web browser found; open {Path(output).resolve()} yourself.", err=True)


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
    from rich.text import Text

    from .stats import deck_stats

    console = Console()
    for src in _load(sources):
        s = deck_stats(src)
        click.echo(
            f"{s.name}  {s.path}: {s.judgments} judgments, {s.notes} notes, {s.cards} cards, {s.warnings} warning(s)"
        )
        for title, rows in (("theme", s.by_theme), ("speaker", s.by_speaker), ("kind", s.by_kind)):
            table = Table(title=f"by {title}", title_justify="left")
            table.add_column(title)
            table.add_column("notes", justify="right")
            table.add_column("cards", justify="right")
            for label, notes, cards in rows:
                table.add_row(Text(label), str(notes), str(cards))
            console.print(table)
        table = Table(title="lint", title_justify="left")
        table.add_column("rule")
        table.add_column("warnings", justify="right")
        for code, count in s.lint:
            table.add_row(code, str(count))
        console.print(table)
