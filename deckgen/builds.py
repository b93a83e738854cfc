"""Builds: source → notes → selection → changes against the ledger → package file and ledger file.

:func:`build` builds one deck from one source; :func:`build_decks` is what ``deckgen build`` runs (the full
deck and named decks of several sources, all or nothing); :func:`check` is what ``deckgen check`` runs
(every check of a build, writing nothing). Each returns values describing what was (or, with
``dry_run``, would be) written; none prints.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .changes import Changes, compare_with_ledger, earliest_stamp_time, note_hashes
from .errors import Loc, OutputError, Problem, SelectionError, Severity, SourceError, UsageError
from .files import (
    STAGING,
    Data,
    locked,
    refuse_overwriting,
    refuse_replacing_other_files,
    remove_empty_staging,
    write_all_atomic,
)
from .gcpause import paused_gc
from .ledger import SUFFIX as LEDGER_SUFFIX
from .ledger import Ledger
from .lint_rules import lint
from .load import load_sources
from .markup import text_html
from .model import Selection, Source
from .notes import Note, card_count, generate, guid_for
from .notetypes import NoteType
from .package import apkg_writer, is_package
from .progress import Progress
from .select import can_choose, named_deck, named_deck_problems, naming, select
from .sourcevalues import normalize_deck_name
from .state import Packaged, deck_id_reused, record, state_dir
from .yamlnodes import CONTROL

DEFAULT_OUT_DIR = Path("dist")


def deck_name_for(source: Source, selection: Selection, name: str | None = None) -> str:
    """The deck's name in Anki: ``name`` if given, else the source's name plus the selection's label
    (``"AGI-Next 2026 · Agent"``), tidied by :func:`deckgen.sourcevalues.normalize_deck_name`.

    Raises :class:`UsageError` for a ``name`` (the command line's ``--name``: a malformed option value) with
    an empty ``::`` part, a part that shows as nothing or a character no text may hold
    (:data:`deckgen.yamlnodes.CONTROL`), and :class:`SelectionError` for a name made of the source's name and
    the label that is no deck name.
    """
    if name:
        return given_deck_name(name)
    label = selection.label(source) if selection else ""
    try:
        return normalize_deck_name(f"{source.name} · {label}" if label else source.name)
    except ValueError as err:
        raise SelectionError(str(err)) from None


def given_deck_name(name: str) -> str:
    """The command line's ``--name`` tidied by :func:`deckgen.sourcevalues.normalize_deck_name`. Raises
    :class:`UsageError` (a malformed option value) for a name with an empty ``::`` part, a part that shows as
    nothing, Anki's ``Default`` deck, or a character no text may hold (:data:`deckgen.yamlnodes.CONTROL`)."""
    if bad := CONTROL.search(name):
        raise UsageError(f"--name: the name holds U+{ord(bad.group()):04X}, which a deck name cannot hold")
    try:
        return normalize_deck_name(name)
    except ValueError as err:
        raise UsageError(f"--name: {err}") from None


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
    source_notes: list[Note] = field(default_factory=list)
    """Every note the source makes, selected or not (what ``deckgen install --prune`` must keep)."""
    warnings: list[Problem] = field(default_factory=list)
    """Every warning: the source's, the lint's, the ledger's and this machine's record's, identity hints."""
    written: bool = False
    subdecks: bool = False
    """Whether each theme has its own subdeck (``<deck name>::<theme>``)."""

    @property
    def cards(self) -> int:
        """How many cards the package makes in Anki."""
        return sum(card_count(n) for n in self.notes)


_MAX_NAME = 120
"""Bytes (UTF-8) of a default output's name before its selection part is shortened (a file name has at most
255 bytes on most file systems, and a staged file's name adds to it)."""


def default_output(
    source: Source,
    selection: Selection,
    subdecks: bool = False,
    deck: str | None = None,
    out_dir: Path = DEFAULT_OUT_DIR,
) -> Path:
    """Where a build writes without ``-o``: ``dist/<deck-id>.apkg``; ``dist/<deck-id>-<selection slug>.apkg``
    for a filtered build, ``dist/<deck-id>-<key>.apkg`` for the named deck ``deck``; and, with ``subdecks``,
    ``-subdecks`` before ``.apkg``, so that a build with a subdeck per theme never replaces the plain one. A
    name longer than :data:`_MAX_NAME` bytes (a long ``--judgment`` list, a tag of 90 Chinese characters) is cut
    and ends in a hash of the whole, so that every selection still has its own file."""
    parts = [source.deck_id, deck or (selection.slug() if selection else ""), "subdecks" if subdecks else ""]
    name = "-".join(p for p in parts if p)
    if len(encoded := name.encode()) > _MAX_NAME:
        import hashlib

        kept = encoded[: _MAX_NAME - 13].decode("utf-8", "ignore")  # a character cut in two is dropped
        name = f"{kept.rstrip('-')}-{hashlib.sha1(encoded).hexdigest()[:12]}"
    return out_dir / f"{name}.apkg"


def build_inputs(source: Source, notes: Sequence[Note]) -> list[tuple[Path, str]]:
    """The files a build of ``source`` reads and must never overwrite: (path, what it is) for the source
    file, its ledger and every media file of ``notes``."""
    return [
        (Path(source.path), "the source file"),
        (Ledger.path_for(source.path, source.deck_id), "the build ledger"),
        *((Path(m), "a media file") for m in sorted({m for n in notes for m in n.media})),
    ]


def refuse_deckgen_files(output: Path) -> None:
    """Raise :class:`OutputError` if ``output`` is a file deckgen keeps for itself: anything in this machine's
    state folder (its records and lock files), a lock file, any deck's ledger (``*.ledger.json``), or a path
    inside a staging folder (:data:`deckgen.files.STAGING`)."""
    path = Path(output)
    what = None
    try:
        resolved = path.resolve()
        if resolved.is_relative_to(state_dir().resolve()):
            what = "in this machine's state folder (deckgen's records and locks)"
    except (OSError, RuntimeError):
        resolved = path
    if path.name.endswith(LEDGER_SUFFIX):
        what = f"a build ledger (*{LEDGER_SUFFIX})"
    elif path.name.endswith(".lock"):
        what = "a lock file"
    elif STAGING in resolved.parts or STAGING in path.parts:
        what = f"inside a staging folder ({STAGING})"
    if what:
        raise OutputError(f"{output}: is {what}; writing there would replace it. Choose another output with -o")


def lock_path(source: Source) -> Path:
    """The lock that builds of ``source`` hold: a file in this machine's state folder named after the
    source's ledger (its folder resolved, and the deck id). It does not depend on the source file itself, so
    an editor that saves by writing a new file and renaming it over the old one (vim, VS Code) cannot give
    two builds two different locks."""
    import hashlib

    ledger = Ledger.path_for(source.path, source.deck_id)
    try:
        where = str(ledger.parent.resolve() / ledger.name)
    except (OSError, RuntimeError):
        where = str(ledger.absolute())
    return state_dir() / "locks" / f"{source.deck_id[:40]}-{hashlib.sha256(os.fsencode(where)).hexdigest()[:20]}.lock"


class _Job(NamedTuple):
    """One deck of :func:`build_decks`: :func:`build`'s arguments besides the common ones."""

    source: Source
    selection: Selection
    name: str | None
    description: str | None
    output: Path | None


@dataclass
class _Plan:
    """A deck read, checked and compared with its ledger, but not written yet."""

    job: _Job
    notes: list[Note]
    chosen: list[Note]
    types: list[NoteType]
    ledger: Ledger
    packaged: Packaged
    result: BuildResult
    hashes: dict[str, str]
    """GUID → content hash of each chosen note (:func:`deckgen.changes.note_hashes`)."""
    ledger_intact: bool
    """Whether ``ledger`` is the ledger file as it is: it exists and was read without a warning."""
    refused: Problem | None = None
    """The error that its deck id was last packaged here from another source file, when that is refused."""
    reused: bool = False
    """Whether it was built with a warning that its deck id was last packaged here from another source file
    (the record then keeps naming that file)."""


class _Read(NamedTuple):
    """What every deck of one source shares: its ledger and this machine's record (each with its warning,
    or None), its notes and the warnings of the source, its notes and the lint. Made once per source."""

    ledger_path: Path
    ledger: Ledger
    ledger_warning: Problem | None
    packaged: Packaged
    record_warning: Problem | None
    notes: list[Note]
    warnings: list[Problem]


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
    seconds and ``sleep`` waits seconds (for tests). A build that writes holds :func:`lock_path` from
    reading the ledger to writing it, so builds of the same source at the same time each keep their
    ledger update, however the source file was saved. ``progress`` is told what the build is doing and how
    far it got (see :mod:`deckgen.progress`); the CLI shows it as a progress bar.

    Raises :class:`deckgen.errors.SourceError` (broken notes, or a named deck whose selection
    is unknown or matches nothing: :func:`deckgen.select.named_deck_problems`), :class:`SelectionError`
    (bad selection or deck name), :class:`deckgen.errors.OutputError` (cannot write, or ``output`` is the
    source file, its ledger, one of its media files or a file deckgen keeps for itself:
    :func:`refuse_deckgen_files`; or an existing file that is not an Anki package:
    :func:`deckgen.files.refuse_replacing_other_files`; nothing is changed then).
    """
    job = _Job(source, selection or Selection(), name, description, output)
    return _build_all([job], subdecks, dry_run, clock, sleep, progress)[0]


def _build_all(
    jobs: Sequence[_Job],
    subdecks: bool,
    dry_run: bool,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    progress: Progress | None,
    reused: Severity | None = Severity.WARNING,
    before_writing: Callable[[list[BuildResult]], None] | None = None,
) -> list[BuildResult]:
    """Build every deck of ``jobs`` all or nothing: each source is read, checked and linted once, each deck
    compared with its source's ledger, all at one time ``now``, before any file is written; then every
    package and every ledger is written in one :func:`deckgen.files.write_all_atomic`. Holds the lock of
    every source meanwhile. A deck id last packaged here from another source file is a warning (the record
    keeps naming that file), or with ``reused=Severity.ERROR`` a :class:`SourceError` before anything is
    written, or with ``reused=None`` (the source moved) neither, and the record then names the new file
    (:func:`deckgen.state.deck_id_reused`). ``before_writing``, if given, sees the results (notes and
    changes, nothing written yet, also in a dry run) and may raise to stop the build there."""
    with ExitStack() as stack:
        if not dry_run:
            for path in sorted({lock_path(job.source) for job in jobs}):  # one order: no two builds deadlock
                stack.enter_context(locked(path))
        now = int(clock())
        reads: dict[int, _Read] = {}
        plans = []
        sources = list({id(job.source): job.source for job in jobs}.values())
        for job in jobs:
            if id(job.source) not in reads:
                reads[id(job.source)] = _read(job.source, now, progress)
            with naming(job.source, sources, can_choose(job.selection)):
                plans.append(_plan(job, reads[id(job.source)], subdecks, reused))
        if refused := [p.refused for p in plans if p.refused]:
            raise SourceError(list(dict.fromkeys(refused)))  # one per source, however many of its decks
        need = max(earliest_stamp_time(p.chosen, p.types, p.ledger, p.packaged, p.hashes) for p in plans)
        if need > now and not dry_run:
            sleep(max(0.0, need - clock()))
            now = need
        for p in plans:
            (progress or _quiet)("comparing with the ledger", 0, 0)
            p.result.changes = compare_with_ledger(p.chosen, p.notes, p.types, p.ledger, now, p.packaged, p.hashes)
            p.result.warnings.extend(p.result.changes.warnings)
        if before_writing is not None:
            before_writing([p.result for p in plans])
        if dry_run:
            return [p.result for p in plans]
        _write(plans, subdecks, progress)
        for p in plans:
            p.result.written = True
        for p in plans:
            new = p.result.changes.ledger
            failed = record(
                p.job.source.deck_id,
                {n.guid: (new.notes[n.guid].hash, new.notes[n.guid].mod) for n in p.chosen},
                {t.id: (new.types[t.id].hash, new.types[t.id].mod) for t in p.types},
                now,
                None if p.reused else p.job.source.path,
            )
            if failed:
                p.result.warnings.append(failed)
        return [p.result for p in plans]


def _quiet(step: str, done: int, total: int) -> None:
    pass


def _read(source: Source, now: int, progress: Progress | None) -> _Read:
    tell = progress or _quiet
    tell("reading the ledger", 0, 0)
    # The ledger is read before the notes are made: parsing it briefly needs about as much memory again as
    # it holds, which the notes then reuse instead of piling on top.
    ledger_path = Ledger.path_for(source.path, source.deck_id)
    ledger, ledger_warning = Ledger.read(ledger_path, source.deck_id, now)
    packaged, record_warning = Packaged.read(source.deck_id, now)
    notes, problems = generate(source, progress)
    guids = {n.key: n.guid for n in notes}  # the GUIDs just made: no hash computed twice
    if misfiled := ledger.misfiled(lambda key: guids.get(key) or guid_for(source.deck_id, key)):
        ledger, ledger_warning = ledger.damaged(misfiled)
    tell("checking cards", 0, 0)
    warnings = sorted([*source.warnings, *problems, *lint(source, notes)])
    if deck_problems := named_deck_problems(source, notes):
        raise SourceError(deck_problems)
    return _Read(ledger_path, ledger, ledger_warning, packaged, record_warning, notes, warnings)


def _plan(job: _Job, read: _Read, subdecks: bool, reused: Severity | None) -> _Plan:
    source, selection = job.source, job.selection
    ledger_path, ledger, ledger_warning, packaged, record_warning, notes, shared = read
    warnings = list(shared)  # each deck's own list: its result's warnings grow below and after
    chosen = select(source, notes, selection)
    deck_name = deck_name_for(source, selection, job.name)
    output = Path(job.output) if job.output else default_output(source, selection, subdecks)
    refuse_overwriting(output, build_inputs(source, notes))
    refuse_deckgen_files(output)
    if output.suffix.lower() == ".colpkg":  # holds a collection too, so is_package would let it be replaced
        raise OutputError(
            f"{output}: a .colpkg is a whole collection, as Anki's backups are (importing one replaces the "
            "collection); write the deck to a name ending in .apkg"
        )
    refuse_replacing_other_files(output, is_package, "an Anki package (a zip file with a collection)")
    reuse = deck_id_reused(packaged, source.path, source.id_loc, reused)
    if reuse and reused is Severity.WARNING:
        warnings.insert(0, reuse)  # first: it is about what an import of this package overwrites
    warnings += [w for w in (ledger_warning, record_warning) if w]
    intact = ledger_warning is None and ledger_path.is_file()
    types = sorted({n.note_type for n in chosen}, key=lambda t: t.id)
    result = BuildResult(
        source, output, ledger_path, deck_name, chosen, Changes(ledger), notes, warnings, subdecks=subdecks
    )
    refused = reuse if reused is Severity.ERROR else None
    hashes = note_hashes(chosen)
    return _Plan(job, notes, chosen, types, ledger, packaged, result, hashes, intact, refused, reuse is not None)


def _write(plans: Sequence[_Plan], subdecks: bool, progress: Progress | None) -> None:
    """Write every plan's package and the ledger of every source in one all-or-nothing step. Decks of one
    source were compared with the same ledger at the same time, so a note has the same entry in each; the
    source's new ledger has every deck's entries. Raises :class:`OutputError`, which then says that nothing
    was written."""
    try:
        with ExitStack() as stack:
            _write_files(plans, subdecks, stack, progress)
    except OutputError as err:
        raise OutputError(f"{err}; nothing was written") from None
    finally:
        remove_empty_staging(p.result.output for p in plans)


def _write_files(plans: Sequence[_Plan], subdecks: bool, stack: ExitStack, progress: Progress | None) -> None:
    files: list[tuple[Path, Data]] = []
    ledgers: dict[Path, Ledger] = {}
    unchanged: dict[Path, bool] = {}  # whether a source's ledger file already says what its new ledger would
    for p in plans:
        source, result, changes = p.job.source, p.result, p.result.changes
        deck_of = {n.guid: note_deck(source, n, result.deck_name, subdecks) for n in p.chosen}
        description = text_html(source.description if p.job.description is None else p.job.description)
        if source.source_title:
            credit = f" ({source.source_by})" if source.source_by else ""
            description += "<br><br>" + text_html(f"Source: {source.source_title}{credit}")
        writer = apkg_writer(
            result.output,
            p.chosen,
            deck_of,
            {result.deck_name: description},
            p.types,
            changes.mods,
            changes.type_mods,
            progress,
        )
        files.append((result.output, stack.enter_context(writer)))
        merged = ledgers.setdefault(result.ledger_path, changes.ledger)
        if merged is not changes.ledger:
            merged.notes.update({n.guid: changes.ledger.notes[n.guid] for n in p.chosen})
            merged.types.update({t.id: changes.ledger.types[t.id] for t in p.types})
        unchanged[result.ledger_path] = unchanged.get(result.ledger_path, True) and p.ledger_intact
    for path, ledger in ledgers.items():
        old = next(p.ledger for p in plans if p.result.ledger_path == path)
        if unchanged[path] and ledger.notes == old.notes and ledger.types == old.types:
            continue  # a rebuild that changes nothing in the ledger leaves its file as it is

        def write_ledger(fh: BinaryIO, ledger: Ledger = ledger) -> None:
            (progress or _quiet)("writing the ledger", 0, 0)
            ledger.dump(fh)

        files.append((path, write_ledger))
    write_all_atomic(files)


def note_deck(source: Source, note: Note, deck_name: str, subdecks: bool) -> str:
    """The deck a build puts ``note``'s cards in: ``deck_name``, or with ``subdecks`` its theme's subdeck of it
    (``AGI-Next 2026::新范式 New paradigm::自主学习 Self-learning``)."""
    if not subdecks:
        return deck_name
    theme = source.theme(note.judgment.theme)
    path = [theme.label]
    if theme.parent:
        path.insert(0, source.theme(theme.parent).label)
    return normalize_deck_name("::".join([deck_name, *path]))


@dataclass(frozen=True)
class DeckChoice:
    """Which decks to build from each source, as ``deckgen build``'s options choose them: the full deck (or
    its ``selection``, named ``name`` if given), or the named decks ``decks`` (keys of the source's
    ``decks:``), or with ``all_decks`` the full deck and every named deck; ``subdecks`` gives each theme its
    own subdeck. ``deckgen install`` and ``sync`` take the same choice; their command line has no ``--all``
    (Anki's import never moves a card, so the named decks imported after the full deck would stay empty)."""

    selection: Selection = field(default_factory=Selection)
    decks: tuple[str, ...] = ()
    all_decks: bool = False
    name: str | None = None
    subdecks: bool = False

    def check(self) -> None:
        """Raise :class:`UsageError` for options that cannot be combined: ``decks`` with ``all_decks``, named
        decks with ``selection`` or ``name``, an empty ``name``."""
        if self.name is not None and not self.name.strip():
            raise UsageError("--name must not be empty")
        if self.decks and self.all_decks:
            raise UsageError("--deck and --all both choose decks; use one of them")
        if twice := sorted({k for k in self.decks if self.decks.count(k) > 1}):
            raise UsageError(f"--deck {twice[0]} is given twice; name each deck once")
        if (self.decks or self.all_decks) and (self.selection or self.name):
            raise UsageError(
                "named decks (--deck, --all) bring their own selection and name; drop "
                "--theme/--speaker/--tag/--judgment/--name, or build without --deck/--all"
            )


@paused_gc
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
    source_moved: bool = False,
) -> list[BuildResult]:
    """Load the sources under ``sources`` (files or folders) and build, for each source, the full deck (or
    the ``selection`` of it) or the named decks ``decks`` (keys of the source's ``decks:``), or, with
    ``all_decks``, the full deck and every named deck. Returns one :class:`BuildResult` per deck, in order.

    All or nothing: every deck is read, checked and compared with its ledger before any file is written, and
    then every package and ledger is written in one step (:func:`deckgen.files.write_all_atomic`), so a
    deck that cannot be written (its file's place is a folder, a full disk) leaves every file as it was. A
    named deck is written to ``dist/<deck-id>-<key>.apkg`` with its own name and description (``-subdecks``
    before ``.apkg`` with ``subdecks``: :func:`default_output`); ``output``
    may only be given for a single deck. A deck id last packaged on this machine from another source file
    is a warning, and the machine's record keeps naming that file, unless ``source_moved`` says the source
    moved (:func:`deckgen.state.deck_id_reused`).

    Raises :class:`UsageError` for options that cannot be combined (:meth:`DeckChoice.check`; ``output``
    that is no file name, or for several decks; two decks written to one file), :class:`SelectionError` for
    a key no source defines, and whatever :func:`load_sources` and :func:`build` raise.
    """
    if output is not None and (str(output) in ("", ".") or _is_dir(Path(output))):
        raise UsageError(f"-o/--output needs a file name, e.g. -o dist/deck.apkg (got '{output}')")
    choice = DeckChoice(selection or Selection(), tuple(decks), all_decks, name, subdecks)
    choice.check()
    return build_sources(
        load_sources(list(sources)),
        choice,
        output=output,
        dry_run=dry_run,
        progress=progress,
        reused=None if source_moved else Severity.WARNING,
    )


def build_sources(
    sources: Sequence[Source],
    choice: DeckChoice,
    *,
    output: Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    out_dir: Path = DEFAULT_OUT_DIR,
    reused: Severity | None = Severity.WARNING,
    before_writing: Callable[[list[BuildResult]], None] | None = None,
) -> list[BuildResult]:
    """:func:`build_decks` for sources already loaded and the decks ``choice`` names, writing the packages
    that have no ``output`` into ``out_dir`` (named by :func:`default_output`) instead of ``dist/``: what
    ``deckgen install`` and ``sync`` build into a temporary folder. A deck id last packaged on this machine
    from another source file is a warning, with ``reused=None`` (the source moved) none, or with
    ``reused=Severity.ERROR`` (what install and sync ask, as
    they import at once) a :class:`SourceError` before anything is written. ``before_writing`` sees the
    results before anything is written and may raise (install's check against the collection). Raises what
    :func:`build_decks` raises, but for loading."""
    choice.check()
    selection, subdecks = choice.selection, choice.subdecks
    jobs = []
    for src in sources:
        with naming(src, sources, can_choose(Selection(), choice.decks)):
            chosen = [named_deck(src, key) for key in choice.decks]
        if choice.all_decks or not choice.decks:
            out = output or default_output(src, selection, subdecks, out_dir=out_dir)
            jobs.append(_Job(src, selection, choice.name, None, out))
        for d in src.decks if choice.all_decks else chosen:
            out = output or default_output(src, d.selection, subdecks, d.key, out_dir)
            jobs.append(_Job(src, d.selection, d.name, d.description or None, out))
    if output and len(jobs) > 1:
        raise UsageError("-o/--output needs exactly one deck to build; drop it to use dist/<deck>.apkg")
    _refuse_shared_outputs(jobs)  # before anything is read, locked or built
    return _build_all(jobs, subdecks, dry_run, time.time, time.sleep, progress, reused, before_writing)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _refuse_shared_outputs(jobs: Sequence[_Job]) -> None:
    """:class:`OutputError` if two decks of one call would be written to the same file (each job's
    ``output`` is set: :func:`build_sources` names them all): the sources' keys and ids choose those names."""
    seen: dict[Path, str] = {}
    for job in jobs:
        output = Path(job.output or "")
        try:
            path = output.resolve()
        except (OSError, RuntimeError):
            path = output.absolute()
        label = job.name or job.source.name
        if path in seen:
            raise OutputError(
                f"'{seen[path]}' and '{label}' would both be written to {output}; give the named deck another key "
                "(or the source another deck.id), or build each of them on its own with -o; nothing was written"
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


@paused_gc
def check(paths: Sequence[str | Path]) -> CheckResult:
    """Run every check a build runs — the schema, card generation, the quality lint, named decks'
    selections and the identity guards against the build ledger — on the sources under ``paths``, writing
    nothing. Raises :class:`SourceError` when a source cannot be loaded; the errors found while building
    (broken notes, a named deck that selects nothing, a Q/A↔cloze change) are collected across all sources
    into :attr:`CheckResult.errors`."""
    checked, errors = [], []
    sources = load_sources(list(paths))
    shared = _shared_default_files(sources)
    for src in sources:
        try:
            result = build(src, dry_run=True)
        except SourceError as err:
            errors.extend(err.problems)
            continue
        checked.append(SourceCheck(src, len(result.notes), sorted([*result.warnings, *shared.get(id(src), [])])))
    return CheckResult(checked, sorted(errors))


def _shared_default_files(sources: Sequence[Source]) -> dict[int, list[Problem]]:
    """Warnings, by source (``id()``), for builds of different sources that one :func:`default_output` holds
    (deck id ``x-y``'s full deck and deck ``x``'s named deck ``y``, or its ``--theme y``, ``--speaker y``,
    ``--judgment`` or ``--tag`` build of that file name, each also with ``--subdecks`` (deck id
    ``x-subdecks`` and deck ``x`` with ``--subdecks``, ``x-b-subdecks`` and ``x``'s ``--theme b --subdecks``),
    all write ``dist/x-y.apkg``), so that each
    build replaces the other's package: at the later build's ``deck.id`` or named deck. Builds of one source
    are the loader's to warn about (and two sources of one deck id are an error of loading)."""
    first: dict[Path, tuple[Source, str]] = {}
    out: dict[int, list[Problem]] = {}
    if len(sources) < 2:
        return out  # nothing to share a file with (0.4 s for 20,000 judgments)
    for src in sources:
        tags = dict.fromkeys(t for j in src.judgments for t in j.tags)
        builds: list[tuple[str, Loc | None, Selection, str | None]] = [
            ("build", src.id_loc, Selection(), None),
            *((f"build --theme {t.id}", src.id_loc, Selection(themes=(t.id,)), None) for t in src.themes),
            *((f"build --speaker {p.id}", src.id_loc, Selection(speakers=(p.id,)), None) for p in src.people),
            *(
                (f"build --judgment {j.number}", src.id_loc, Selection(judgments=(str(j.number),)), None)
                for j in src.judgments
            ),
            *((f"build --tag {t}", src.id_loc, Selection(tags=(t,)), None) for t in tags),
            *((f"build --deck {d.key}", d.loc, d.selection, d.key) for d in src.decks),
        ]
        decks = [
            (f"{what} --subdecks" if subdecks else what, loc, default_output(src, chosen, subdecks, key))
            for what, loc, chosen, key in builds
            for subdecks in (False, True)
        ]
        told: set[tuple[str, int]] = set()  # a build warned about: not again for its --subdecks twin
        for what, loc, path in decks:
            other, other_what = first.setdefault(path, (src, what))
            if other is src or (what.removesuffix(" --subdecks"), id(other)) in told:
                continue
            told.add((what, id(other)))
            change = "key" if what.startswith("build --deck") else "id"
            message = (
                f"`{what}` of this source and `{other_what}` of {other.path} both write {path}, each replacing "
                f"the other's file; give this deck another {change}"
            )
            problem = (
                Problem.at(loc, message, Severity.WARNING)
                if loc
                else Problem.in_file(src.path, message, Severity.WARNING)
            )
            out.setdefault(id(src), []).append(problem)
    return out
