"""Builds: source → notes → selection → changes against the ledger → package file and ledger file.

:func:`build` builds one deck from one source; :func:`build_decks` is what ``deckgen build`` runs (the full
deck and named decks of several sources, all or nothing); :func:`check` is what ``deckgen check`` runs
(every check of a build, writing nothing). Each returns values describing what was (or, with
``dry_run``, would be) written; none prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .changes import Changes, compare_with_ledger, earliest_stamp_time
from .errors import Problem, SelectionError, SourceError, UsageError
from .files import locked, refuse_overwriting, write_all_atomic
from .gcpause import paused_gc
from .ledger import Ledger
from .lint_rules import lint
from .load import load_sources
from .markup import text_html
from .model import Selection, Source
from .notes import Note, card_count, generate
from .package import apkg_writer
from .progress import Progress
from .select import named_deck, named_deck_problems, select
from .sourcevalues import normalize_deck_name
from .state import Packaged, deck_id_reused, record

DEFAULT_OUT_DIR = Path("dist")


def deck_name_for(source: Source, selection: Selection, name: str | None = None) -> str:
    """The deck's name in Anki: ``name`` if given, else the source's name plus the selection's label
    (``"AGI-Next 2026 · Agent"``), tidied by :func:`deckgen.sourcevalues.normalize_deck_name`.

    Raises :class:`SelectionError` for a name with an empty ``::`` part.
    """
    label = selection.label(source) if selection else ""
    try:
        return normalize_deck_name(name or (f"{source.name} · {label}" if label else source.name))
    except ValueError as err:
        raise SelectionError(f"--name: {err}") from None


@dataclass
class BuildResult:
    """What a build produced. ``written`` is False for a dry run."""

    source: Source
    output: Path
    ledger_path: Path
    deck_name: str
    notes: list[Note]
    """The notes in the package, in source order."""
    changes: Changes
    warnings: list[Problem] = field(default_factory=list)
    """Every warning: the source's, the lint's, the ledger's and this machine's record's, identity hints."""
    written: bool = False
    subdecks: bool = False
    """Whether each theme has its own subdeck (``<deck name>::<theme>``)."""

    @property
    def cards(self) -> int:
        """How many cards the package makes in Anki."""
        return sum(card_count(n) for n in self.notes)


def default_output(
    source: Source,
    selection: Selection,
    subdecks: bool = False,
    deck: str | None = None,
    out_dir: Path = DEFAULT_OUT_DIR,
) -> Path:
    """Where a build writes without ``-o``: ``dist/<deck-id>.apkg``; ``dist/<deck-id>-<selection slug>.apkg``
    for a filtered build, ``dist/<deck-id>-<key>.apkg`` for the named deck ``deck``; and, with ``subdecks``,
    ``-subdecks`` before ``.apkg``, so that a build with a subdeck per theme never replaces the plain one."""
    parts = [source.deck_id, deck or (selection.slug() if selection else ""), "subdecks" if subdecks else ""]
    return out_dir / ("-".join(p for p in parts if p) + ".apkg")


def build_inputs(source: Source, notes: Sequence[Note]) -> list[tuple[Path, str]]:
    """The files a build of ``source`` reads and must never overwrite: (path, what it is) for the source
    file, its ledger and every media file of ``notes``."""
    return [
        (Path(source.path), "the source file"),
        (Ledger.path_for(source.path, source.deck_id), "the build ledger"),
        *((Path(m), "a media file") for m in sorted({m for n in notes for m in n.media})),
    ]


@paused_gc
def build(
    source: Source,
    *,
    selection: Selection | None = None,
    output: Path | None = None,
    name: str | None = None,
    description: str | None = None,
    subdecks: bool = False,
    dry_run: bool = False,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    progress: Progress | None = None,
) -> BuildResult:
    """Build one deck from ``source``.

    ``selection`` filters notes (see :mod:`deckgen.select`); the deck is then named
    ``"<deck name> · <selection label>"`` unless ``name`` is given, and written to
    :func:`default_output` (which ``subdecks`` changes too) unless ``output`` is; ``description`` (plain
    text) replaces the source's deck description (the source credit is appended either way; both are
    HTML-escaped, newlines become ``<br>``). ``subdecks`` puts each theme in its own subdeck
    (``AGI-Next 2026::分化 Divergence``). The ledger next to the source decides every ``mod`` (see
    :mod:`deckgen.changes`), together with this machine's record of what it packaged
    (:mod:`deckgen.state`, which notices a ``git revert``, and warns when the deck id was last packaged here
    from another source file); if a
    changed note was last packaged in this very second, the build sleeps until the next second (under
    2 s: :data:`deckgen.records.MAX_AHEAD`) so that no ``mod`` lies in the future. ``clock`` gives epoch
    seconds and ``sleep`` waits seconds (for tests). A build that writes holds a lock on the source file
    from reading the ledger to writing it, so builds of the same source at the same time each keep their
    ledger update. ``progress`` is told what the build is doing and how far it got (see
    :mod:`deckgen.progress`); the CLI shows it as a progress bar.

    Raises :class:`deckgen.errors.SourceError` (broken notes, or a named deck whose selection
    is unknown or matches nothing: :func:`deckgen.select.named_deck_problems`), :class:`SelectionError`
    (bad selection or deck name), :class:`deckgen.errors.OutputError` (cannot write, or ``output`` is the
    source file, its ledger or one of its media files; nothing is changed then).
    """
    lock: AbstractContextManager[None] = nullcontext() if dry_run else locked(Path(source.path))
    with lock:
        return _build(
            source, selection or Selection(), output, name, description, subdecks, dry_run, clock, sleep, progress
        )


def _build(
    source: Source,
    selection: Selection,
    output: Path | None,
    name: str | None,
    description: str | None,
    subdecks: bool,
    dry_run: bool,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    progress: Progress | None,
) -> BuildResult:
    tell = progress or (lambda step, done, total: None)
    tell("reading the ledger", 0, 0)
    # The ledger is read before the notes are made: parsing it briefly needs about as much memory again as
    # it holds, which the notes then reuse instead of piling on top.
    ledger_path = Ledger.path_for(source.path, source.deck_id)
    now = int(clock())
    ledger, ledger_warning = Ledger.read(ledger_path, source.deck_id, now)
    packaged, record_warning = Packaged.read(source.deck_id, now)
    notes, problems = generate(source, progress)
    tell("checking cards", 0, 0)
    warnings = sorted([*source.warnings, *problems, *lint(source, notes)])
    if deck_problems := named_deck_problems(source, notes):
        raise SourceError(deck_problems)
    chosen = select(source, notes, selection)
    deck_name = deck_name_for(source, selection, name)
    output = Path(output) if output else default_output(source, selection, subdecks)
    refuse_overwriting(output, build_inputs(source, notes))
    if reused := deck_id_reused(packaged, source.path, source.id_loc):
        warnings.insert(0, reused)  # first: it is about what an import of this package overwrites
    warnings += [w for w in (ledger_warning, record_warning) if w]

    types = sorted({n.note_type for n in chosen}, key=lambda t: t.id)
    now = int(clock())
    tell("comparing with the ledger", 0, 0)
    need = earliest_stamp_time(chosen, types, ledger, packaged)
    if need > now and not dry_run:
        sleep(max(0.0, need - clock()))
        now = need
    changes = compare_with_ledger(chosen, notes, types, ledger, now, packaged)
    warnings.extend(changes.warnings)
    result = BuildResult(source, output, ledger_path, deck_name, chosen, changes, warnings, subdecks=subdecks)
    if dry_run:
        return result

    deck_of = {n.guid: _deck_for(source, n, deck_name, subdecks) for n in chosen}
    description = text_html(source.description if description is None else description)
    if source.source_title:
        credit = f" ({source.source_by})" if source.source_by else ""
        description += "<br><br>" + text_html(f"Source: {source.source_title}{credit}")

    def write_ledger(fh: BinaryIO) -> None:
        tell("writing the ledger", 0, 0)
        changes.ledger.dump(fh)

    descriptions = {deck_name: description}
    with apkg_writer(chosen, deck_of, descriptions, types, changes.mods, changes.type_mods, progress) as package:
        # all or nothing: if the ledger cannot be renamed into place, the package is put back as it was
        write_all_atomic([(output, package), (ledger_path, write_ledger)])
    result.written = True
    new = changes.ledger
    failed = record(
        source.deck_id,
        {n.guid: (new.notes[n.guid].hash, new.notes[n.guid].mod) for n in chosen},
        {t.id: (new.types[t.id].hash, new.types[t.id].mod) for t in types},
        now,
        source.path,
    )
    if failed:
        warnings.append(failed)
    return result


def _deck_for(source: Source, note: Note, deck_name: str, subdecks: bool) -> str:
    if not subdecks:
        return deck_name
    theme = source.theme(note.judgment.theme)
    path = [theme.label]
    if theme.parent:
        path.insert(0, source.theme(theme.parent).label)
    return normalize_deck_name("::".join([deck_name, *path]))


class _Job(NamedTuple):
    """One deck of :func:`build_decks`: :func:`build`'s arguments besides the common ones."""

    source: Source
    selection: Selection
    name: str | None
    description: str | None
    output: Path


def build_decks(
    sources: Sequence[str | Path],
    *,
    decks: Sequence[str] = (),
    all_decks: bool = False,
    selection: Selection | None = None,
    output: Path | None = None,
    name: str | None = None,
    subdecks: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[BuildResult]:
    """Load the sources under ``sources`` (files or folders) and build, for each source, the full deck (or
    the ``selection`` of it) or the named decks ``decks`` (keys of the source's ``decks:``), or, with
    ``all_decks``, the full deck and every named deck. Returns one :class:`BuildResult` per deck, in order.

    All or nothing: with several decks every one is first built as a dry run, so that nothing is written
    unless all of them can be. A named deck is written to ``dist/<deck-id>-<key>.apkg`` with its own name
    and description (``-subdecks`` before ``.apkg`` with ``subdecks``: :func:`default_output`); ``output``
    may only be given for a single deck.

    Raises :class:`UsageError` for options that cannot be combined (``decks`` with ``all_decks``; named decks
    with ``selection`` or ``name``; an empty ``name``; ``output`` that is no file name, or for several decks;
    two decks written to one file), :class:`SelectionError` for a key no source defines, and whatever
    :func:`load_sources` and :func:`build` raise.
    """
    selection = selection or Selection()
    if output is not None and (str(output) in ("", ".") or Path(output).is_dir()):
        raise UsageError(f"-o/--output needs a file name, e.g. -o dist/deck.apkg (got '{output}')")
    if name is not None and not name.strip():
        raise UsageError("--name must not be empty")
    if decks and all_decks:
        raise UsageError("--deck and --all both choose decks; use one of them")
    if (decks or all_decks) and (selection or name):
        raise UsageError(
            "named decks (--deck, --all) bring their own selection and name; drop "
            "--theme/--speaker/--tag/--judgment/--name, or build without --deck/--all"
        )
    jobs = []
    for src in load_sources(list(sources)):
        chosen = [named_deck(src, key) for key in decks]
        if all_decks or not decks:
            jobs.append(_Job(src, selection, name, None, output or default_output(src, selection, subdecks)))
        for d in src.decks if all_decks else chosen:
            out = output or default_output(src, d.selection, subdecks, d.key)
            jobs.append(_Job(src, d.selection, d.name, d.description or None, out))
    if output and len(jobs) > 1:
        raise UsageError("-o/--output needs exactly one deck to build; drop it to use dist/<deck>.apkg")
    _refuse_shared_outputs(jobs)
    if len(jobs) > 1 and not dry_run:  # all or nothing: every deck must build before any file is written
        for job in jobs:
            _build_job(job, subdecks, dry_run=True)
    return [_build_job(job, subdecks, dry_run, progress) for job in jobs]


def _build_job(job: _Job, subdecks: bool, dry_run: bool, progress: Progress | None = None) -> BuildResult:
    return build(
        job.source,
        selection=job.selection,
        output=job.output,
        name=job.name,
        description=job.description,
        subdecks=subdecks,
        dry_run=dry_run,
        progress=progress,
    )


def _refuse_shared_outputs(jobs: Sequence[_Job]) -> None:
    """:class:`UsageError` if two decks of one call would be written to the same file."""
    seen: dict[Path, str] = {}
    for job in jobs:
        path = Path(job.output).resolve()
        label = job.name or job.source.name
        if path in seen:
            raise UsageError(
                f"'{seen[path]}' and '{label}' would both be written to {job.output}; "
                "give the named deck another key or build them separately with -o"
            )
        seen[path] = label


class SourceCheck(NamedTuple):
    """What ``deckgen check`` found in one source that builds: its counts and its warnings."""

    source: Source
    notes: int
    warnings: list[Problem]


class CheckResult(NamedTuple):
    """What ``deckgen check`` reports: each source that builds, and the errors of those that do not."""

    sources: list[SourceCheck]
    errors: list[Problem]
    """Every error of every source that does not build, sorted; empty when all are valid."""

    @property
    def warnings(self) -> int:
        """How many warnings the valid sources have, together."""
        return sum(len(s.warnings) for s in self.sources)


def check(paths: Sequence[str | Path]) -> CheckResult:
    """Run every check a build runs — the schema, card generation, the quality lint, named decks'
    selections and the identity guards against the build ledger — on the sources under ``paths``, writing
    nothing. Raises :class:`SourceError` when a source cannot be loaded; the errors found while building
    (broken notes, a named deck that selects nothing, a Q/A↔cloze change) are collected across all sources
    into :attr:`CheckResult.errors`."""
    checked, errors = [], []
    for src in load_sources(list(paths)):
        try:
            result = build(src, dry_run=True)
        except SourceError as err:
            errors.extend(err.problems)
            continue
        checked.append(SourceCheck(src, len(result.notes), result.warnings))
    return CheckResult(checked, sorted(errors))
