"""deckgen's command line: thin Click commands over the library.

Each command parses its options, calls one library function and prints what it returns
(:mod:`deckgen.cli.report`). Library errors become exit status 1 with one ``file:line:col: key.path:
message`` line per problem on stderr; usage errors (Click's own, and the library's
:class:`deckgen.errors.UsageError`) exit 2. Ctrl-C exits 130 and says whether anything was already
written, except in ``preview --watch``, a server that Ctrl-C ends: it exits 0, as ``python -m http.server``
does; a closed pipe on stdout (``| head -1``) ends the command quietly with exit 0. The library (and
through it genanki, PyYAML and rich) is imported inside the commands, so that ``deckgen --help`` loads
nothing but Click.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import __version__
from ..gcpause import paused_gc

if TYPE_CHECKING:
    from ..builds import DeckChoice
    from ..model import Selection

__all__ = [
    "main",
    "build",
    "check_",
    "init",
    "list_",
    "preview",
    "schema_",
    "stats",
    "install",
    "login",
    "logout",
    "sync_",
]

DEFAULT_SOURCE = "cards"
WRITTEN = "deckgen.written"
"""Key of the Click context's ``meta`` naming what a command has written, for the message on Ctrl-C."""

Values = tuple[str, ...]
"""A repeatable option's or a variadic argument's values."""


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit raises no second error (Python's
    SIGPIPE recipe, "Note on SIGPIPE" in the signal module's documentation)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class _Command(click.Command):
    """A command whose library :class:`deckgen.errors.UsageError` is reported as Click's usage error (exit 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        from ..errors import UsageError, printable

        try:
            return super().invoke(ctx)
        except UsageError as err:
            raise click.UsageError(printable(str(err)), ctx) from None


class _Group(click.Group):
    """Click group that turns deckgen's own errors into clean messages and exit status 1."""

    command_class = _Command

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        """Click's, but ``--help`` and ``--version``, which print while the options are parsed (before
        :meth:`invoke`), end as :meth:`invoke` ends a command: exit 0 when the reader has gone away
        (``deckgen --help | head -1``), one line and exit 1 when standard output cannot be written."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(0)
        except OSError as err:
            click.echo(f"deckgen: error: cannot write the output: {err.strerror or err}", err=True)
            sys.exit(1)

    def invoke(self, ctx: click.Context) -> Any:
        from ..errors import DeckgenError, Interrupted, SourceError, printable

        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `deckgen build | head -1`: the reader has all it wants
            _quiet_stdout()
            sys.exit(0)
        except KeyboardInterrupt as err:
            written = err.written if isinstance(err, Interrupted) else ctx.meta.get(WRITTEN)
            if written:
                click.echo(f"deckgen: interrupted; {printable(written)} already written", err=True)
            else:
                click.echo(f"deckgen: interrupted{_nothing_written(ctx)}", err=True)
            sys.exit(130)
        except SourceError as err:
            for problem in err.problems:
                click.echo(str(problem), err=True)
            errors = sum(p.is_error for p in err.problems)
            click.echo(f"deckgen: {errors} error(s) in the sources{_nothing_written(ctx)}", err=True)
            sys.exit(1)
        except DeckgenError as err:
            click.echo(f"deckgen: error: {printable(str(err))}", err=True)
            sys.exit(1)
        except OSError as err:  # the machine's resources (a full disk, a name too long): no traceback
            why, written = err.strerror or str(err), ctx.meta.get(WRITTEN)
            if err.filename:
                message = f"{err.filename}: {why}"
            elif written:  # only the report was left to print, to standard output
                message = f"cannot print the report ({why}); {written} already written"
            else:
                message = f"cannot write the output: {why}"
            click.echo(f"deckgen: error: {printable(message)}", err=True)
            sys.exit(1)
        except MemoryError:
            click.echo(f"deckgen: error: out of memory{_nothing_written(ctx)}", err=True)
            sys.exit(1)


_READS_ONLY = frozenset({"check", "list", "stats", "schema"})
"""The commands that never write a file: a failure of theirs is not told that nothing was written."""


def _nothing_written(ctx: click.Context) -> str:
    """What a failure message adds for the command ``ctx`` ran: ``"; nothing was written"``, or nothing for
    a command of :data:`_READS_ONLY` (set once Click has resolved the command)."""
    return "" if ctx.invoked_subcommand in _READS_ONLY else "; nothing was written"


def _selection_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add --theme/--speaker/--tag/--judgment to a command (repeatable; OR within, AND across), passed to it
    as one ``selection`` (a :class:`deckgen.model.Selection`)."""

    @functools.wraps(command)
    def with_selection(theme: Values, speaker: Values, tag: Values, judgment: Values, **options: Any) -> None:
        from ..model import Selection

        command(selection=Selection(theme, speaker, tag, judgment), **options)

    for opt, metavar, help_ in reversed(
        [
            ("--theme", "ID", "Only judgments of this theme (sub-themes included). Repeatable."),
            ("--speaker", "ID", "Only judgments by this person. Repeatable."),
            ("--tag", "TAG", "Only notes with this tag (or a child tag). Repeatable."),
            ("--judgment", "N[-M],...", "Only these judgment numbers, e.g. 12-17,25. Repeatable."),
        ]
    ):
        check = _judgment_ranges if opt == "--judgment" else _given
        values = _COMPLETED.get(opt)
        complete = _completion(*values) if values else None
        with_selection = click.option(
            opt, multiple=True, metavar=metavar, help=help_, callback=check, shell_complete=complete
        )(with_selection)
    return with_selection


_COMPLETED = {"--theme": ("themes", "id"), "--speaker": ("people", "id"), "--tag": ("tags", "tag")}
"""The options whose values shell completion offers: what ``deckgen list WHAT`` lists, and the column."""


def _completion(what: str, column: str) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
    """Shell completion of an option's values from the sources the command line names so far (default
    ``cards/``): the ``column`` of ``deckgen list WHAT``'s rows that start with what is typed. A source that
    does not load completes nothing."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        from ..errors import DeckgenError
        from ..listing import list_inventory

        given = [*(ctx.params.get("sources") or ctx.params.get("args") or ()), *ctx.args]  # args: not parsed yet
        named = [str(s) for s in given if os.path.exists(s)]
        try:
            rows = list_inventory(named or [DEFAULT_SOURCE], what).rows
        except (DeckgenError, OSError):
            return []
        values = dict.fromkeys(str(row[column]) for row in rows)
        return [CompletionItem(v) for v in values if v.startswith(incomplete)]

    return complete


def _complete_profile(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of ``--profile``: the profiles with a collection in Anki's data folder (``--base`` if
    given before it, else :func:`deckgen.ankidata.default_base`)."""
    from click.shell_completion import CompletionItem

    from ..ankidata import default_base, profiles

    base = ctx.params.get("base") or default_base()
    return [CompletionItem(name) for name in profiles(Path(base)) if name.startswith(incomplete)]


def _complete_what(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of ``deckgen list``'s arguments: a WHAT word first, and file names throughout."""
    from click.shell_completion import CompletionItem

    from ..listing import INVENTORIES

    words = [] if ctx.params.get("args") else [w for w in ("notes", *INVENTORIES) if w.startswith(incomplete)]
    return [*map(CompletionItem, words), CompletionItem(incomplete, type="file")]


def _given(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """An option's value (or values), refused as a usage error (exit 2) when one is empty: ``--profile
    "$NAME"`` with NAME unset names nothing, and an empty path would be read as the current folder, as for
    an empty SOURCES argument (:func:`_paths`)."""
    if any(isinstance(v, str) and not v.strip() for v in (value if isinstance(value, tuple) else (value,))):
        raise click.BadParameter(_BLANK)
    return value


_BLANK = "is empty or blank (an unset variable?)"
"""Why an empty or blank option value is refused (:func:`_given`, :class:`_GivenPath`)."""


class _GivenPath(click.Path):
    """:class:`click.Path` that refuses an empty value (see :func:`_given`), before it becomes ``Path(".")``."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail(_BLANK, param, ctx)
        return super().convert(value, param, ctx)


def _judgment_ranges(ctx: click.Context, param: click.Parameter, values: Values) -> Values:
    """--judgment's values, refused as a usage error (exit 2) unless each is numbers and ranges: a value
    that does not parse is a malformed command line, whatever the source holds."""
    from ..errors import SelectionError
    from ..model import Selection

    try:
        Selection(judgments=tuple(values)).ranges()
    except SelectionError as err:
        raise click.BadParameter(str(err)) from None
    return values


_sources = click.argument("sources", nargs=-1, type=click.Path())
"""The SOURCES argument: files or folders (default cards/)."""


class _FilePath(_GivenPath):
    """:class:`_GivenPath` for a file that may not exist yet: a value ending in a path separator, ``.`` or
    ``..`` names a folder (``-o dist/``, ``-o dist/.``), which would otherwise become a file of that name, and
    is refused."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and (value.endswith(("/", os.sep)) or os.path.basename(value) in (".", "..")):
            end = "/" if value.endswith(("/", os.sep)) else os.path.basename(value)
            self.fail(
                f"'{value}' ends in '{end}', so it names a folder; give a file's name, in it or elsewhere", param, ctx
            )
        return super().convert(value, param, ctx)


def _output(**settings: Any) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The -o/--output option: a file path, never a folder."""
    return click.option("-o", "--output", type=_FilePath(dir_okay=False, path_type=Path), **settings)


_prune = click.option("--prune", is_flag=True, help="Remove the notes of this deck that the source no longer makes.")
"""The --prune option of install and sync."""
_source_moved = click.option(
    "--source-moved",
    is_flag=True,
    help="The source moved: accept that its deck id was last packaged here from another file, and record this one.",
)
"""The --source-moved option of build, install and sync."""
_as_new = click.option(
    "--as-new",
    is_flag=True,
    help="Add a card that asks the question of a note the source no longer makes (a renamed id) as a new note, "
    "beside that note (with --prune, instead of it and its review history).",
)
"""The --as-new option of install and sync."""


def _deck_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--name's value, refused as a usage error when it is no deck name (checked when the options are parsed,
    before a collection or a login is looked for)."""
    from ..builds import given_deck_name
    from ..errors import UsageError, printable

    if value is not None and value.strip():  # an empty one is refused with the other options' checks
        try:
            given_deck_name(value)
        except UsageError as err:
            raise click.UsageError(printable(str(err)), ctx) from None
    return value


_name = click.option("--name", callback=_deck_name, help="Deck name (default: the source's name, plus the selection).")
"""The --name option of build, install and sync."""
_subdecks = click.option("--subdecks", is_flag=True, help="Put each theme in its own subdeck (Deck::分化 Divergence).")
"""The --subdecks option of build, install and sync."""
_decks = click.option(
    "--deck",
    "decks",
    multiple=True,
    metavar="KEY",
    callback=_given,
    shell_complete=_completion("decks", "key"),
    help="A deck named in the source's decks:. Repeatable.",
)
"""The --deck option of build, install and sync (list and preview take one deck)."""


def _one_deck(what: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The --deck option of list and preview, which show one named deck's ``what`` (notes, cards)."""
    return click.option(
        "--deck",
        metavar="KEY",
        callback=_given,
        shell_complete=_completion("decks", "key"),
        help=f"The {what} of a deck named in the source's decks: (not with --theme …).",
    )


def _deck_choice(command: Callable[..., None]) -> Callable[..., None]:
    """Add build's deck options but --all (the selection options, --name, --subdecks, --deck) to install and
    sync, passed to the command as one ``choice`` (a :class:`deckgen.builds.DeckChoice`)."""

    @functools.wraps(command)
    def with_choice(selection: Selection, name: str | None, subdecks: bool, decks: Values, **options: Any) -> None:
        from ..builds import DeckChoice

        command(choice=DeckChoice(selection, decks, False, name, subdecks), **options)

    return _selection_options(_name(_subdecks(_decks(with_choice))))


def _paths(sources: Values) -> list[str]:
    """The SOURCES arguments, or ``cards/`` when there are none; without them and without a ``cards/`` here,
    or with an empty one, a usage error that says why (exit 2)."""
    if "" in sources:  # "" would be read as the current folder: `deckgen build "$SRC"` with SRC unset
        raise click.UsageError("a SOURCES argument is empty (an unset variable?); name a source file or folder")
    if not sources and not os.path.exists(DEFAULT_SOURCE):
        raise click.UsageError(
            f"no SOURCES given and no {DEFAULT_SOURCE}/ folder here, where deckgen looks by default; run it in a "
            "project folder (deckgen init makes one) or name a source file or folder"
        )
    return list(sources) or [DEFAULT_SOURCE]


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
def main() -> None:
    """Turn YAML sources of numbered judgments into Anki decks (.apkg).

    \b
    Example:
      deckgen check            # validate cards/
      deckgen build            # write dist/<deck-id>.apkg
    """


@main.command()
@_sources
@_selection_options
@_output(help="Output .apkg (default dist/<deck-id>[-<selection or deck key>][-subdecks].apkg).")
@_name
@_subdecks
@_decks
@click.option("--all", "all_decks", is_flag=True, help="Build the full deck and every named deck.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@_source_moved
@paused_gc
def build(
    sources: Values,
    selection: Selection,
    output: Path | None,
    name: str | None,
    subdecks: bool,
    decks: Values,
    all_decks: bool,
    dry_run: bool,
    source_moved: bool,
) -> None:
    """Validate SOURCES (files or folders; default cards/) and write one .apkg per deck.

    \b
    Examples:
      deckgen build
      deckgen build --theme agent
      deckgen build --speaker lin-junyang -o lin.apkg
      deckgen build --all
      deckgen build --dry-run
    """
    from ..builds import build_decks
    from .progress_bar import ProgressBar
    from .report import print_bounded, print_build, print_builds_table

    with ProgressBar("reading sources") as progress:
        results = build_decks(
            _paths(sources),
            decks=decks,
            all_decks=all_decks,
            selection=selection,
            output=output,
            name=name,
            subdecks=subdecks,
            dry_run=dry_run,
            progress=progress,
            source_moved=source_moved,
        )
    if not dry_run:
        written = [str(r.output) for r in results] + sorted({str(r.ledger_path) for r in results})
        click.get_current_context().meta[WRITTEN] = "the package(s) and ledger(s) were: " + ", ".join(written)
    for result in results:
        print_bounded(result.warnings)
        print_build(result)
    if len(results) > 1:
        print_builds_table(results)


@main.command(name="check")
@_sources
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@paused_gc
def check_(sources: Values, strict: bool) -> None:
    """Validate SOURCES (default cards/) without writing anything. Exit 0 if valid, 1 if not.

    Runs every check a build runs: the schema, card generation, the quality lint, and the identity guards
    against the build ledger (e.g. a card whose question and answer both changed, as after a reorder).

    \b
    Examples:
      deckgen check
      deckgen check --strict cards/agi-next-2026.yaml
    """
    from ..builds import check
    from ..errors import SourceError, printable
    from .report import counted, print_warnings

    result = check(_paths(sources))
    for checked in result.sources:
        print_warnings(checked.warnings)
        click.echo(
            printable(
                f"{checked.source.path}: {counted(len(checked.source.judgments), 'judgment')}, "
                f"{counted(checked.notes, 'note')}, {len(checked.warnings)} warning(s)"
            )
        )
    if result.errors:
        raise SourceError(result.errors)
    if strict and result.warnings:
        click.echo(f"deckgen: {result.warnings} warning(s) and --strict is on", err=True)
        sys.exit(1)


@main.command(name="list")
@click.argument("args", nargs=-1, metavar="[WHAT] [SOURCE]...", shell_complete=_complete_what)
@_selection_options
@_one_deck("notes")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv"]),
    default="table",
    show_default=True,
    help="table: a table in a terminal, one line per note when piped; json/csv: for scripts and "
    "spreadsheets; tsv: a file Anki's File → Import reads (needs deckgen's Q/A and cloze note types "
    "in the collection: import the full deck's .apkg first).",
)
@paused_gc
def list_(
    args: Values,
    selection: Selection,
    deck: str | None,
    fmt: str,
) -> None:
    """List the notes of SOURCES (default cards/), or their themes, people, tags or named decks.

    WHAT is notes (the default), or themes, people, tags or decks: what --theme, --speaker, --tag and
    --deck accept, with how many judgments and notes each selects. A source folder literally named like a
    WHAT word is written as ./notes.

    \b
    Examples:
      deckgen list
      deckgen list --theme agent
      deckgen list --deck lin-junyang
      deckgen list themes
      deckgen list tags
      deckgen list people --format csv
      deckgen list --format json | jq '.[].question'
      deckgen list --speaker tang-jie --format tsv > tang-jie.txt
    """
    from ..errors import clip, suggest
    from ..listing import INVENTORIES, list_inventory, list_notes
    from .report import inventory_table, notes_table, print_warnings

    listable = ("notes", *INVENTORIES)
    what, sources = (args[0], args[1:]) if args and args[0] in listable else ("notes", args)
    looks_like_a_word = args and not Path(args[0]).exists() and "/" not in args[0] and "." not in args[0]
    if what == "notes" and looks_like_a_word and args[0] not in listable:
        meant = _LISTED_AS.get(args[0].casefold())
        hint = f" (did you mean '{meant}'?)" if meant else suggest(args[0], listable)
        raise click.UsageError(
            f"'{clip(args[0])}' is neither a source file, nor a folder, nor something to list{hint}; WHAT is one of "
            f"{', '.join(listable)}"
        )
    if what != "notes" and (selection or deck is not None):
        raise click.UsageError(f"selection options and --deck apply to listing notes, not {what}")
    console = _terminal() if fmt == "table" else None
    if what != "notes":
        inventory = list_inventory(_paths(sources), what)
        if fmt == "table" and not inventory.rows:  # a table of nothing says nothing: say why (CSV has its header)
            more = " (a source's decks: section defines them)" if what == "decks" else ""
            click.echo(f"no {'named decks' if what == 'decks' else what} in the sources{more}", err=True)
        elif console:
            console.print(inventory_table(inventory))
        else:
            click.echo(inventory.text("plain" if fmt == "table" else fmt), nl=False)
        return
    listing = list_notes(_paths(sources), selection, deck)
    print_warnings(listing.warnings)
    if console:
        for group in listing.groups:
            console.print(notes_table(group, console.width))
    else:
        click.echo(listing.text("plain" if fmt == "table" else fmt), nl=False)


_LISTED_AS = {"person": "people", "persons": "people", "speaker": "people", "speakers": "people", "cards": "notes"}
"""Words for what ``deckgen list`` lists that are no spelling of its WHAT words, with the one meant."""

_NARROWEST_TABLE = 40
"""Columns a terminal needs for list's tables; in a narrower one, a table kept only the # and Kind columns, or
a letter a line, so list prints its plain lines there, which the terminal wraps."""


def _terminal() -> Any:
    """A rich console on stdout if stdout is a terminal (as rich judges it) at least :data:`_NARROWEST_TABLE`
    columns wide, else None."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal and console.width >= _NARROWEST_TABLE else None


@main.command()
@_sources
@_selection_options
@_one_deck("cards")
@_output(default="preview.html", show_default=True, help="The HTML file to write.")
@click.option("--open", "open_", is_flag=True, help="Open the page in the default web browser.")
@click.option(
    "--watch",
    is_flag=True,
    help="Serve the page on 127.0.0.1 instead of writing it, and reload it on each saved change; Ctrl-C stops.",
)
@click.option("--port", type=click.IntRange(0, 65535), help="With --watch: the port to serve on (default: a free one).")
@click.pass_context
def preview(
    ctx: click.Context,
    sources: Values,
    selection: Selection,
    deck: str | None,
    output: Path,
    open_: bool,
    watch: bool,
    port: int | None,
) -> None:
    """Write one self-contained HTML page showing every card's front and back as Anki will.

    Same templates and CSS as the package, grouped by theme, with a search box and a night-mode toggle.
    With --watch the page is served on http://127.0.0.1 instead and reloads within a second of each saved
    change to a source or image; an edit with errors shows them above the last good cards.

    \b
    Examples:
      deckgen preview --open
      deckgen preview --theme agent -o agent.html
      deckgen preview --deck lin-junyang
      deckgen preview --watch --open
    """
    from ..errors import printable
    from .report import counted, print_warnings

    if watch:
        if ctx.get_parameter_source("output") is not click.core.ParameterSource.DEFAULT:
            raise click.UsageError("--watch serves the page and writes no file; drop -o/--output")
        _watch(_paths(sources), selection, deck, port or 0, open_)
        return
    if port is not None:
        raise click.UsageError("--port is for --watch")
    from ..preview import write_preview

    page = write_preview(_paths(sources), output, selection, deck)
    click.get_current_context().meta[WRITTEN] = f"{output} was"
    print_warnings(page.warnings)
    click.echo(printable(f"Wrote {output}  ({counted(page.cards, 'card')} from {counted(page.notes, 'note')})"))
    if open_:
        _open(Path(output).resolve().as_uri())


def _watch(paths: list[str], selection: Selection, deck: str | None, port: int, open_: bool) -> None:
    """``preview --watch``: serve until Ctrl-C, with a line for every rebuild. Ctrl-C ends it with exit 0
    (it is how a server is stopped, as with ``python -m http.server``); only during the first build is it an
    interruption (exit 130)."""
    from ..live import LivePreview
    from .report import print_rebuilt

    with LivePreview(paths, selection, deck, port) as live:
        print_rebuilt(live.first)
        try:  # the port is bound: from here on, Ctrl-C (even one while this line is printed) stops the server
            click.echo(f"Serving {live.url}  (reloads on each saved change; Ctrl-C stops)")
            if open_:
                _open(live.url)
            live.serve(on_rebuild=print_rebuilt)
        except KeyboardInterrupt:
            click.echo("Stopped.")


def _open(url: str) -> None:
    import webbrowser

    if not webbrowser.open(url):
        click.echo(f"No web browser found; open {url} yourself.", err=True)


@main.command()
@click.argument("folder", default=".", type=_GivenPath(file_okay=False, path_type=Path))
@click.option("--name", callback=_given, help="The deck's name in Anki (default: the folder's name).")
@click.option(
    "--language",
    "languages",
    multiple=True,
    metavar="TAG",
    callback=_given,
    help="A language of the deck's text, a BCP 47 tag (default en); twice, or zh,en, for a deck in two.",
)
def init(folder: Path, name: str | None, languages: Values) -> None:
    """Start a deck of your own in FOLDER (default: here): a small starter source, cards/<name>.yaml, with a
    fresh deck id, a .gitignore for dist/ and preview.html, and schema/deckgen-source.schema.json, which the
    source's first line names so that editors check its keys. Never overwrites a source.

    \b
    Examples:
      deckgen init rust-notes --name "Rust notes"
      deckgen init --language zh --language en
    """
    from ..errors import printable
    from ..starter import write_starter

    starter = write_starter(folder, name, languages or ("en",))
    click.echo(printable(f"Wrote {starter.source}  (deck id {starter.deck_id})"))
    if starter.gitignore_action == "written":
        click.echo(printable(f"Wrote {starter.gitignore}"))
    elif starter.gitignore_action == "added":
        click.echo(printable(f"Added {', '.join(starter.gitignore_added)} to {starter.gitignore}"))
    if starter.schema_action != "kept":
        done = "Wrote" if starter.schema_action == "written" else "Updated"
        click.echo(printable(f"{done} {starter.schema}  (the JSON Schema the source's first line names, for editors)"))
    where = "" if Path(folder) == Path(".") else f"cd {folder} && "
    click.echo(printable(f"Next: {where}deckgen check --strict && deckgen build   # → dist/{starter.deck_id}.apkg"))


@main.command()
@_sources
@paused_gc
def stats(sources: Values) -> None:
    """Show how the notes of SOURCES (default cards/) spread over themes, speakers and card kinds, and
    what the quality lint finds (run `deckgen check` for the warnings themselves).

    \b
    Example:
      deckgen stats
    """
    from ..stats import collect_stats
    from .report import print_stats

    print_stats(collect_stats(_paths(sources)))


@main.command(name="schema")
def schema_() -> None:
    """Print the JSON Schema (draft 2020-12) of the source format, for editors that check YAML as you type.

    Save it in your deck's folder and name it on the source's first line, as `deckgen init` does: an editor
    with the YAML language server (VS Code's YAML extension, and others) then flags unknown or missing keys
    and completes them. The schema checks the structure only; `deckgen check` stays the full check.

    \b
    Example (a source in cards/, as deckgen init writes it):
      deckgen schema > schema/deckgen-source.schema.json
      # then, as the first line of cards/<name>.yaml:
      # yaml-language-server: $schema=../schema/deckgen-source.schema.json
    """
    from ..schema import schema_text

    click.echo(schema_text(), nl=False)


@main.command()
@_sources
@_deck_choice
@click.option(
    "--collection",
    metavar="PATH",
    type=_GivenPath(dir_okay=False, path_type=Path),
    help="The collection file (collection.anki2) to install into.",
)
@click.option(
    "--profile",
    metavar="NAME",
    callback=_given,
    shell_complete=_complete_profile,
    help="An Anki profile name: installs into <Anki data folder>/NAME/collection.anki2.",
)
@click.option(
    "--base",
    metavar="DIR",
    type=_GivenPath(file_okay=False, path_type=Path),
    help="Anki's data folder for --profile (default: $ANKI_BASE, else Anki's folder for this platform).",
)
@_prune
@_as_new
@_source_moved
@click.option("--dry-run", is_flag=True, help="Show what would be added, updated and removed; change nothing.")
def install(
    sources: Values,
    choice: DeckChoice,
    collection: Path | None,
    profile: str | None,
    base: Path | None,
    prune: bool,
    as_new: bool,
    source_moved: bool,
    dry_run: bool,
) -> None:
    """Build SOURCES (default cards/) and import them into an Anki collection with Anki's own importer.

    The result is what File → Import gives with the default options: changed notes are updated in place
    with their review history, unchanged ones are left alone. Refused while Anki has the collection open.
    Anki's own backup is made first, into the profile's backups folder. --deck, --subdecks and --name
    install what build would package; --prune only removes notes the whole source no longer makes. Needs:
    pip install 'deckgen[anki]'.

    \b
    Examples:
      deckgen install --profile "User 1"
      deckgen install --collection ~/.local/share/Anki2/User\\ 1/collection.anki2 --prune
      deckgen install --profile "User 1" --theme agent --dry-run
      deckgen install --profile "User 1" --deck lin-junyang --subdecks
    """
    from ..errors import printable
    from ..install import install_decks
    from .report import print_imports

    result = install_decks(
        _paths(sources),
        collection=collection,
        profile=profile,
        base=base,
        choice=choice,
        prune=prune,
        dry_run=dry_run,
        source_moved=source_moved,
        as_new=as_new,
    )
    if not dry_run:  # a Ctrl-C from here on comes after the import: say what is done
        click.get_current_context().meta[WRITTEN] = f"the import into {result.collection} (and its backup) was"
    if result.backup:
        click.echo(printable(f"Backed up the collection to {result.backup}"))
    print_imports(result.decks, dry_run, prune)
    click.echo(printable(f"{'Dry run: nothing was changed in' if dry_run else 'Installed into'} {result.collection}"))


def _url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An option's value if it is an http:// or https:// URL with a host (and a valid port, if any), without
    spaces or control characters and without ``@``, which would put a user name or password in it (they
    would be printed and stored; login asks for them); or not given. Else a usage error, which never shows
    a URL with ``@``: what precedes it may be a password, whatever characters it holds."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    from ..errors import printable

    if "@" in value:
        message = "must not hold a user name or password ('@' in the URL): give --username; login asks for the password"
        raise click.BadParameter(message, ctx, param)
    try:
        url = urlsplit(value)
        valid = url.scheme in ("http", "https") and bool(url.hostname) and (url.port is None or url.port > 0)
    except ValueError:  # a malformed IPv6 address or port
        valid = False
    if not valid or any(c <= " " or c == "\x7f" for c in value):
        message = f"must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080/ (got '{value}')"
        raise click.BadParameter(printable(message), ctx, param)
    return value


@main.command()
@click.option(
    "--endpoint",
    metavar="URL",
    callback=_url,
    help="The sync server (default: AnkiWeb), e.g. http://127.0.0.1:8080/.",
)
@click.option(
    "--username", required=True, callback=_given, help="The account's user name (AnkiWeb: its email address)."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
def login(endpoint: str | None, username: str, password_stdin: bool) -> None:
    """Log in to AnkiWeb or a self-hosted sync server and store the sync key (never the password).

    The key is stored in deckgen's state folder ($DECKGEN_STATE_DIR, else the user state folder), readable
    only by you. Needs: pip install 'deckgen[anki]'.

    \b
    Examples:
      deckgen login --username me@example.com
      printf '%s' "$PASS" | deckgen login --endpoint http://127.0.0.1:8080/ --username me --password-stdin
    """
    from ..errors import printable
    from ..sync import login as sync_login

    if not password_stdin and not sys.stdin.isatty():
        raise click.UsageError("no terminal to ask for the password on; pipe it in with --password-stdin")
    password = sys.stdin.read().rstrip("\r\n") if password_stdin else click.prompt("Password", hide_input=True)
    stored = sync_login(username, password, endpoint)
    click.echo(printable(f"Logged in to {stored.where} as {stored.username}; the sync key is in {stored.path()}"))


@main.command()
def logout() -> None:
    """Remove the stored sync key and deckgen's copy of the account's collection.

    \b
    Example:
      deckgen logout
    """
    from ..errors import printable
    from ..sync import logout as sync_logout

    old = sync_logout()
    click.echo(printable(f"Logged out of {old.where} ({old.username})" if old else "Not logged in; nothing to remove"))


@main.command(name="sync")
@_sources
@_deck_choice
@_prune
@_as_new
@_source_moved
@click.option("--dry-run", is_flag=True, help="Show what would be added, updated and removed; send nothing.")
def sync_(sources: Values, choice: DeckChoice, prune: bool, as_new: bool, source_moved: bool, dry_run: bool) -> None:
    """Build SOURCES (default cards/) and sync them to your Anki account, like one more Anki device.

    deckgen keeps its own copy of the account's collection: it syncs it down, imports the build with Anki's
    importer (and with --prune removes notes gone from the source), then syncs it and its media up. Your
    phone and desktop get the changes at their next sync. Run deckgen login first.

    \b
    Examples:
      deckgen sync
      deckgen sync --prune
      deckgen sync --theme agent --dry-run
      deckgen sync --deck lin-junyang
    """
    from ..errors import printable
    from ..sync import sync_decks
    from .report import print_imports

    result = sync_decks(
        _paths(sources), choice=choice, prune=prune, dry_run=dry_run, source_moved=source_moved, as_new=as_new
    )
    if not dry_run:  # a Ctrl-C from here on comes after the sync: say what is done
        click.get_current_context().meta[WRITTEN] = "the sync (the account's collection has the changes) was"
    click.echo(printable(f"{result.login.where} as {result.login.username}: {'; '.join(result.steps)}"))
    print_imports(result.decks, dry_run, prune)
    click.echo("Dry run: nothing was sent" if dry_run else "Synced; other devices get the changes at their next sync")
