"""A build: source → notes → selection → ledger plan → package file and ledger file.

:func:`build` is what ``deckgen build`` runs for each deck. It returns a :class:`BuildResult` describing
what was (or, with ``dry_run``, would be) written; it never prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SelectionError, SourceError
from .gcpause import paused_gc
from .generate import Note, generate, text_html
from .ledger import Ledger, Plan, not_before, plan
from .lint import lint
from .load import normalize_deck_name
from .model import Source
from .package import apkg_writer, locked, refuse_overwriting, write_all_atomic
from .progress import Progress
from .render import card_ords
from .select import Selection, named_deck_problems, select
from .state import Packaged, record

DEFAULT_OUT_DIR = Path("dist")


def card_count(note: Note) -> int:
    """How many cards Anki makes from ``note``: one for Q/A, one per distinct cloze number."""
    return len(card_ords(note.note_type, note.fields))


def deck_name_for(source: Source, selection: Selection, name: str | None = None) -> str:
    """The deck's name in Anki: ``name`` if given, else the source's name plus the selection's label
    (``"AGI-Next 2026 · Agent"``), tidied by :func:`normalize_deck_name`.

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
    plan: Plan
    warnings: list[str] = field(default_factory=list)
    """Every warning as a printable line (source problems, ledger trouble, identity hints)."""
    written: bool = False

    @property
    def cards(self) -> int:
        return sum(card_count(n) for n in self.notes)


def default_output(source: Source, selection: Selection, out_dir: Path = DEFAULT_OUT_DIR) -> Path:
    """``dist/<deck-id>.apkg``, or ``dist/<deck-id>-<selection slug>.apkg`` for a filtered build."""
    suffix = f"-{selection.slug()}" if selection else ""
    return out_dir / f"{source.deck_id}{suffix}.apkg"


def build_inputs(source: Source, notes: list[Note]) -> list[tuple[Path, str]]:
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
    :func:`default_output` unless ``output`` is; ``description`` (plain text) replaces the source's deck
    description (the source credit is appended either way; both are HTML-escaped, newlines become
    ``<br>``). ``subdecks`` puts each theme in its own subdeck (``AGI-Next 2026::分化 Divergence``). The
    ledger next to the source decides every ``mod`` (see :mod:`deckgen.ledger`), together with this
    machine's record of what it packaged (:mod:`deckgen.state`, which notices a ``git revert``); if a
    changed note was last packaged in this very second, the build sleeps until the next second (under
    2 s: :data:`deckgen.ledger.MAX_AHEAD`) so that no ``mod`` lies in the future. A build that writes holds
    a lock on the source file from reading the ledger to writing it, so builds of the same source at the
    same time each keep their ledger update. ``progress`` is told what the build is doing and how far it got
    (see :mod:`deckgen.progress`); the CLI shows it as a progress bar.

    Raises :class:`deckgen.errors.SourceError` (broken notes, or a named deck whose selection
    is unknown or matches nothing: :func:`deckgen.select.named_deck_problems`), :class:`SelectionError`
    (bad selection or deck name), :class:`deckgen.errors.OutputError` (cannot write, or ``output`` is the
    source file, its ledger or one of its media files; nothing is changed then).
    """
    ledger_path = Ledger.path_for(source.path, source.deck_id)
    with nullcontext() if dry_run else locked(Path(source.path)):
        return _build(
            source,
            ledger_path,
            selection or Selection(),
            output,
            name,
            description,
            subdecks,
            dry_run,
            clock,
            sleep,
            progress,
        )


def _build(
    source: Source,
    ledger_path: Path,
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
    # it holds, which the notes then reuse instead of piling on top (peak memory at 60,000 notes: -40 MB).
    now = int(clock())
    ledger, trouble = Ledger.read(ledger_path, source.deck_id, now)
    packaged, state_trouble = Packaged.read(source.deck_id, now)
    notes, problems = generate(source, progress)
    tell("checking cards", 0, 0)
    warnings = [str(p) for p in sorted([*source.warnings, *problems, *lint(source, notes)])]
    if deck_problems := named_deck_problems(source, notes):
        raise SourceError(deck_problems)
    chosen = select(source, notes, selection)
    deck_name = deck_name_for(source, selection, name)
    output = Path(output) if output else default_output(source, selection)
    refuse_overwriting(output, build_inputs(source, notes))
    warnings += [t for t in (trouble, state_trouble) if t]

    types = sorted({n.note_type for n in chosen}, key=lambda t: t.id)
    now = int(clock())
    tell("comparing with the ledger", 0, 0)
    need = not_before(chosen, types, ledger, packaged)
    if need > now and not dry_run:
        sleep(max(0.0, need - clock()))
        now = need
    result_plan = plan(chosen, notes, types, ledger, now, packaged)
    warnings.extend(result_plan.warnings)
    result = BuildResult(source, output, ledger_path, deck_name, chosen, result_plan, warnings)
    if dry_run:
        return result

    deck_of = {n.guid: _deck_for(source, n, deck_name, subdecks) for n in chosen}
    description = text_html(source.description if description is None else description)
    if source.source_title:
        credit = f" ({source.source_by})" if source.source_by else ""
        description += "<br><br>" + text_html(f"Source: {source.source_title}{credit}")

    def write_ledger(fh) -> None:
        tell("writing the ledger", 0, 0)
        result_plan.ledger.dump(fh)

    with apkg_writer(
        chosen, deck_of, {deck_name: description}, types, result_plan.mods, result_plan.type_mods, progress
    ) as write_package:
        # all or nothing: if the ledger cannot be renamed into place, the package is put back as it was
        write_all_atomic([(output, write_package), (ledger_path, write_ledger)])
    result.written = True
    new = result_plan.ledger
    failed = record(
        source.deck_id,
        {n.guid: (new.notes[n.guid].hash, new.notes[n.guid].mod) for n in chosen},
        {t.id: (new.types[t.id].hash, new.types[t.id].mod) for t in types},
        now,
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
