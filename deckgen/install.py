"""Straight into a collection: build the sources, then apply the packages through Anki's own importer.

:func:`install_decks` is what ``deckgen install`` runs; :func:`deckgen.sync.sync_decks` uses the same
steps on deckgen's own copy of a synced collection. Needs the official ``anki`` package
(``pip install 'deckgen[anki]'``), imported inside the functions that use it; :func:`require_anki` says
how to get it when it is missing. What happens, and why it is safe (each point checked against rslib and
by experiment with the ``anki`` package 26.9):

* **The collection is opened with Anki's backend**, which holds an exclusive SQLite lock on it for as long
  as it is open (rslib ``storage/sqlite.rs``: ``locking_mode = exclusive``, ``busy_timeout`` 0). While Anki
  has the collection open, opening it fails at once ("Anki already open"); :func:`open_collection` turns
  that into a :class:`CollectionError` before anything is built or changed.
* **A backup first**, with Anki's own call (``Collection.create_backup``, rslib ``collection/backup.rs``):
  a ``backup-<date>-<time>.colpkg`` in the profile's ``backups/`` folder (named to the second, thinned by
  Anki's own daily/weekly/monthly limits).
* **The import is Anki's** (``import_anki_package``) with the import dialog's defaults
  (``get_import_anki_package_presets``), so the result is what *File → Import* gives: notes matched by
  GUID, updated only when the package's ``mod`` is newer (rslib ``import_export/package/apkg/import/
  notes.rs``), existing cards, their scheduling and review history untouched.
* **Pruning** removes, with ``Collection.remove_notes``, exactly the notes of this deck id that the source
  no longer makes (:func:`stale_notes`); Anki keeps their review log entries, as it does for any deleted note.
* **One transaction.** The imports and the removals run inside one database transaction
  (``col.db.transact``: rslib ``backend/dbproxy.rs`` begins it, and Anki's own operations nest inside it as
  savepoints, ``collection/transact.rs``). A kill at any moment leaves the collection as it was or with every
  change applied, never half of it (checked by killing ``deckgen install --prune`` at random moments).
  The one thing outside the transaction is the media folder: the importer copies a package's media files
  before the commit, so a kill can leave new files there that no note uses yet; Anki's *Check Media* lists
  them, and the next install uses them.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .ankidata import backup_folder, profile_collection
from .builds import BuildResult, DeckChoice, build_sources, note_deck
from .changes import kind_changed
from .cloze import cloze_deletions, cloze_numbers
from .errors import DeckgenError, Interrupted, Problem, Severity, SourceError, UsageError, clip, clip_list
from .files import write_all_atomic
from .ledger import Ledger
from .load import load_sources
from .model import Source
from .notes import Note, guid_for, spec_id
from .notetypes import NOTE_TYPES, NoteType
from .state import Packaged

if TYPE_CHECKING:
    from anki.collection import Collection
    from anki.dbproxy import DBProxy
    from anki.import_export_pb2 import ImportResponse

ANKI_EXTRA = "pip install 'deckgen[anki]'"
KEY_FIELD = "Key"
"""The field of deckgen's note types that holds a note's key (see :mod:`deckgen.notetypes`)."""
IN_USE = (
    "If Anki has it open, close Anki (or switch it to another profile); if another program has it (another "
    "deckgen install?), let it finish; then try again"
)


class AnkiMissingError(DeckgenError):
    """The command needs the official ``anki`` package, which is not installed."""


class CollectionError(DeckgenError):
    """A collection cannot be opened (missing, open in Anki, damaged), backed up or changed."""


def require_anki() -> None:
    """Raise :class:`AnkiMissingError` (saying how to install it) unless the ``anki`` package can be imported."""
    try:
        import anki.collection  # noqa: F401
    except ImportError as err:
        raise AnkiMissingError(
            f"this command needs the official anki package, which is not installed ({err}); "
            f"install it with: {ANKI_EXTRA}"
        ) from None


@contextmanager
def open_collection(path: Path, create: bool = False, in_use: str = IN_USE) -> Iterator[Collection]:
    """The Anki collection at ``path``, open for the ``with`` block and closed after it. Unless ``create``
    is true, ``path`` must be an existing collection file. ``in_use`` is the advice given when it cannot be
    opened (default: close Anki). A collection in an older schema than Anki's backend writes (one an Anki
    desktop before 2.1.50 uses) is closed in schema 11 again, which every Anki desktop opens.

    Raises :class:`AnkiMissingError`, or :class:`CollectionError` if there is no collection there or Anki's
    backend cannot open it, which is what happens while Anki (or another program) has it open.
    """
    require_anki()
    from anki.collection import Collection
    from anki.errors import BackendError

    path = Path(path)
    if not create and not path.is_file():
        raise CollectionError(
            f"{path}: no Anki collection there (expected a collection.anki2 file), and deckgen creates none, so "
            "that a mistyped path makes no stray collection. To get one, open the profile in Anki once (Anki "
            "makes its collection.anki2 then), and give --profile NAME or the path of that file"
        )
    version = None if create else refuse_other_files(path)
    real = anki_path(path)
    try:
        col = Collection(str(real))
    except BackendError as err:
        for what, place in (("file", real), ("folder", real.parent)):
            if place.exists() and not os.access(place, os.W_OK):  # Anki writes the file and its journal beside it
                raise CollectionError(
                    f"{path}: cannot write the collection's {what} {place} (no permission), which Anki "
                    "needs to open it; nothing was changed"
                ) from None
        why = str(err).rstrip(". ")  # Anki's own message ends with a period already
        raise CollectionError(
            f"{path}: Anki cannot open this collection: {why}. {in_use}; nothing was changed"
        ) from None
    # Anki's backend upgrades an older collection to its own schema when it opens it, which an Anki desktop
    # before 2.1.50 cannot open (2.1.15 reads schema 11 only); File → Import in that Anki leaves it as it was.
    # Such a collection is closed in schema 11 again (rslib close_collection, downgrade_to_schema11).
    downgrade = False
    try:
        downgrade = version is not None and version < database(col).scalar("select ver from col")
        yield col
    finally:
        col.close(downgrade=downgrade)


def anki_path(path: Path) -> Path:
    """``path`` as Anki's backend is to be given it: absolute, its symbolic links resolved. Anki makes a
    collection's media folder beside the path it opens (``collection.media`` for ``collection.anki2``: pylib
    ``anki.media.media_paths_from_col_path``) and :func:`make_backup` its backups there, so through a
    link both would land beside the link instead of in the profile. A loop of links is left to Anki's open,
    which names it.

    Raises :class:`CollectionError` for a path that is not valid UTF-8 (a folder unpacked from a Latin-1
    archive): Anki's backend takes paths as UTF-8 text and cannot be given it.
    """
    try:
        real = path.resolve()
    except (OSError, RuntimeError):
        real = path.absolute()
    try:
        str(real).encode("utf-8")
    except UnicodeEncodeError:
        raise CollectionError(
            f"{real}: Anki cannot open a collection whose path is not valid UTF-8; rename the folders that hold "
            "it (or move the collection); nothing was changed"
        ) from None
    return real


SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file (sqlite.org/fileformat.html, "The Database Header")."""


ANKI_TABLES = frozenset({"col", "notes", "cards"})
"""Tables every Anki collection has (rslib ``storage/schema11.sql``); another SQLite database lacks them."""


def table_names(path: Path, immutable: bool = False) -> set[str]:
    """The names of the tables of the SQLite database ``path``, read without waiting for a lock (and, if
    ``immutable``, without taking one: only for a file with no write-ahead log). Raises ``sqlite3.Error``:
    ``OperationalError`` "database is locked" while another process has it open for writing, as Anki's
    backend does, ``DatabaseError`` for a file that is not a database or a corrupt one."""
    return {str(name) for (name,) in _read(path, immutable, "select name from sqlite_master where type = 'table'")}


def _read(path: Path, immutable: bool, query: str) -> list[tuple[object, ...]]:
    """The rows of ``query`` on the SQLite database ``path``, read as :func:`table_names` reads it."""
    import sqlite3

    uri = f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"
    with closing(sqlite3.connect(uri, uri=True, timeout=0)) as db:
        return db.execute(query).fetchall()


def refuse_other_files(path: Path) -> int | None:
    """Raise :class:`CollectionError` unless ``path`` may be an Anki collection: an SQLite database with
    Anki's ``col``, ``notes`` and ``cards`` tables. Anki's backend opens any file as a collection: it makes
    an empty file a new collection and adds its tables to another program's SQLite database (rslib
    ``storage/sqlite.rs``, ``open_or_create``), so this runs before Anki sees the file, and nothing is
    changed. A database another program holds locked (Anki has it open), or that cannot be read here, is
    left to Anki's own open, which says why; no lock is waited for.

    Returns the collection's schema version (``col.ver``: 11 as an Anki desktop before 2.1.50 writes it, 18
    as later ones do), or None if it could not be read here."""
    import sqlite3

    with open(path, "rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        what = "an empty file" if not header else "not an SQLite database"
        raise CollectionError(f"{path}: not an Anki collection ({what}); nothing was changed")
    wal = path.with_name(f"{path.name}-wal")
    # Without a write-ahead log the file holds everything: read it as immutable (no lock taken or waited
    # for, no -shm file left beside it). With one, its last changes may be only in the log: read it with
    # the log, without waiting; locked means Anki (or another program) has it open, and Anki's open says so.
    logged = wal.is_file() and wal.stat().st_size > 0
    try:
        tables = table_names(path, immutable=not logged)
    except sqlite3.Error:
        return None  # locked (Anki has it open) or unreadable here: Anki's own open says why
    if not ANKI_TABLES <= tables:
        raise CollectionError(
            f"{path}: an SQLite database but not an Anki collection (it has no col, notes and cards tables); "
            "nothing was changed"
        )
    try:
        ((version,),) = _read(path, not logged, "select ver from col")
    except (sqlite3.Error, ValueError):
        return None
    return version if isinstance(version, int) else None


def database(col: Collection) -> DBProxy:
    """``col.db``, Anki's connection to the open collection ``col`` (which Anki types as optional: it is None
    once the collection is closed). Raises :class:`CollectionError` for a closed collection."""
    if col.db is None:
        raise CollectionError(f"{col.path}: the collection is closed")
    return col.db


@dataclass(frozen=True)
class BuiltDeck:
    """One deck built for a collection: the build's result, its package (None in a dry run), and the GUIDs
    of every note the source makes, selected or not (what pruning must keep)."""

    result: BuildResult
    package: Path | None
    source_guids: frozenset[str]


@contextmanager
def built(
    sources: Sequence[Source],
    choice: DeckChoice,
    col: Collection,
    dry_run: bool = False,
    source_moved: bool = False,
    bring_up_to_date: Callable[[], None] | None = None,
    prune: bool = False,
    as_new: bool = False,
) -> Iterator[list[BuiltDeck]]:
    """Build the decks ``choice`` names from each of ``sources`` as ``deckgen build`` does (same ledger, same
    ``mod`` rules, the ledger is written unless ``dry_run``), their packages going to a temporary folder
    that lasts for the ``with`` block. Every deck carries the GUIDs of all the notes its source makes, so
    that a prune never removes a note the selection merely leaves out. A Ctrl-C in the ``with`` block, once
    the ledger is written, is raised as :class:`deckgen.errors.Interrupted`, which says so. Unless
    ``source_moved``, a source
    whose deck id was last packaged here from another file is refused before anything is written: importing
    it would overwrite, under the same keys, the notes that the other file put into the collection, and an
    install imports at once (a build only warns: :func:`deckgen.state.deck_id_reused`).

    A card whose kind differs from the note ``col`` (the collection to be imported into) has under its GUID
    is refused too, before anything is written (:func:`refuse_kind_changes`); ``bring_up_to_date``, if
    given, runs just before that check, once the build has found no problem of its own (sync's sync down:
    a bad selection is reported without contacting the server, and the check sees the account's notes).
    So is a note type of deckgen's that the user changed in ``col`` (:func:`refuse_changed_note_types`).
    A card that this run would add as a new note while a note of ``col`` that the source no longer makes asks
    its question (a renamed id) is refused as well, unless ``as_new`` (:func:`refuse_moved`): without
    ``prune`` Anki would hold the two side by side, with ``prune`` the old one would go with its history.

    Raises :class:`SourceError` for such a source or card, and what :func:`deckgen.builds.build_sources` raises.
    """
    reused = None if source_moved else Severity.ERROR

    def before_writing(results: list[BuildResult]) -> None:
        if bring_up_to_date is not None:
            bring_up_to_date()
        refuse_kind_changes(col, results)
        refuse_changed_note_types(col, results)
        warn_filtered_decks(col, results)
        warn_renumbered_clozes(col, results)
        if not as_new:
            refuse_moved(col, results, prune)

    kept = {} if dry_run else _kept_files(sources)
    with tempfile.TemporaryDirectory(prefix="deckgen-install-") as tmp:
        results = build_sources(
            sources,
            choice,
            dry_run=dry_run,
            out_dir=Path(tmp),
            reused=reused,
            before_writing=before_writing,
        )
        guids: dict[str, frozenset[str]] = {}
        out = []
        for result in results:
            deck_id = result.source.deck_id
            if deck_id not in guids:  # the first deck of each source
                guids[deck_id] = frozenset(n.guid for n in result.source_notes)
            out.append(BuiltDeck(result, None if dry_run else result.output, guids[deck_id]))
        try:
            yield out
        except CollectionError:  # Anki changed nothing (a failed backup, a failed import): neither does deckgen
            _put_back(kept)
            raise
        except Interrupted:
            raise  # it says already what was written
        except KeyboardInterrupt:
            if dry_run:
                raise
            raise Interrupted(_written(results)) from None


def _kept_files(sources: Sequence[Source]) -> dict[Path, bytes | None]:
    """The build's own files for ``sources`` as they are before it: each ledger and this machine's record of
    each deck id, by path, with their bytes (None where there is none, or it cannot be read), for
    :func:`_put_back`."""
    paths = {Ledger.path_for(s.path, s.deck_id) for s in sources} | {Packaged.path_for(s.deck_id) for s in sources}
    kept: dict[Path, bytes | None] = {}
    for path in sorted(paths):
        try:
            kept[path] = path.read_bytes() if path.is_file() else None
        except OSError:
            kept[path] = None
    return kept


def _put_back(kept: Mapping[Path, bytes | None]) -> None:
    """Return the files of :func:`_kept_files` to what they were, once an install or sync that had built (and
    so written them) failed before the collection changed: the next build then compares with what the
    collection has, as if this run had not happened. Best effort: a file that cannot be put back stays as the
    build wrote it, which a later build reads as it would after a plain build."""
    for path, data in kept.items():
        try:
            if data is None:
                path.unlink(missing_ok=True)
            elif not path.is_file() or path.read_bytes() != data:
                write_all_atomic([(path, data)])
        except (OSError, DeckgenError):
            continue


def _written(results: Sequence[BuildResult], backup: Path | None = None) -> str:
    """What an install or sync had written when a Ctrl-C stopped it, for :class:`deckgen.errors.Interrupted`:
    the build's ledgers and this machine's record, and ``backup`` if it was made."""
    ledgers = ", ".join(sorted({str(r.ledger_path) for r in results}))
    made = f", and the backup {backup}," if backup else ""
    return f"the build's ledger ({ledgers}) and this machine's record of it{made} were"


@dataclass(frozen=True)
class StaleNote:
    """A note of the collection that belongs to the deck (by its ``Key`` field and GUID) but that the
    source no longer makes: its key and Anki's note id."""

    key: str
    note_id: int


@dataclass(frozen=True)
class EmptyCard:
    """A card of the collection whose cloze deletion its note's text no longer has (``c3`` removed from the
    source): the note's key, the deletion number and Anki's card id."""

    key: str
    number: int
    card_id: int


@dataclass
class DeckImport:
    """What applying one deck did to a collection (or, in a dry run, would do).

    The four counts are Anki's own import log (``new``, ``updated``, ``duplicate`` — unchanged, a note Anki
    already has at least as new — and ``conflicting``, a note whose note type differs), or in a dry run the
    same rule applied to the collection as it is (:func:`predict_import`). ``stale`` lists the notes that
    are no longer in the source, sorted by key (removed if the apply was asked to prune).
    """

    deck: BuiltDeck
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    conflicting: int = 0
    stale: list[StaleNote] = field(default_factory=list)
    new_keys: list[str] = field(default_factory=list)
    """The keys of the notes added (in a dry run: that would be added), in source order."""
    updated_keys: list[str] = field(default_factory=list)
    """The keys of the notes updated (in a dry run: that would be updated), in source order."""
    conflicting_keys: list[str] = field(default_factory=list)
    """The keys of the conflicting notes (in a dry run: that would conflict), in source order."""
    empty: list[EmptyCard] = field(default_factory=list)
    """Cards of this deck's cloze notes whose deletion the source removed (:func:`empty_cards`; removed if the
    apply was asked to prune)."""
    elsewhere: dict[str, int] = field(default_factory=dict)
    """Cards of this deck's notes that are in another deck of the collection than the one the build puts them
    in, by that deck's name (:func:`cards_elsewhere`): Anki's import moves no card, so a renamed deck, a named
    deck installed after the full deck, or cards moved in Anki stay where they are."""


def cards_elsewhere(col: Collection, deck: BuiltDeck) -> dict[str, int]:
    """The cards of ``col`` whose notes ``deck`` imports and whose deck (a filtered deck's card: its home deck)
    is not the one the build puts them in (:func:`deckgen.builds.note_deck`), counted by that deck's name,
    compared as Anki compares deck names, without case. Anki's import never moves a card that the
    collection has (rslib ``import_export/package/apkg/import/cards.rs`` keeps an existing card's deck). One
    query for the cards of deckgen's note types."""
    result = deck.result
    wanted = {n.guid: note_deck(result.source, n, result.deck_name, result.subdecks).casefold() for n in result.notes}
    types = ",".join(str(t) for t in sorted(_type_ids(deck.result)))
    rows = database(col).all(
        f"SELECT n.guid, CASE WHEN c.odid THEN c.odid ELSE c.did END FROM cards c JOIN notes n ON n.id = c.nid "
        f"WHERE n.mid IN ({types})"
    )
    names: dict[int, str] = {}
    out: dict[str, int] = {}
    for guid, did in rows:
        target = wanted.get(guid)
        if target is None:
            continue
        if did not in names:
            names[did] = col.decks.name(did)
        if names[did].casefold() != target:
            out[names[did]] = out.get(names[did], 0) + 1
    return out


def _type_ids(*results: BuildResult) -> set[int]:
    """deckgen's note-type ids: the current ones and every one the ledgers of ``results`` record."""
    return {t.id for t in NOTE_TYPES.values()}.union(*(r.changes.ledger.types for r in results))


def refuse_kind_changes(col: Collection, results: Sequence[BuildResult]) -> None:
    """Raise :class:`deckgen.errors.SourceError` for every note to be imported (``results``, each one's
    ``notes``) that its ledger does not know and that ``col`` has, under its GUID, in a note type of the
    other kind (Q/A and cloze: Anki's standard and cloze note types): a card made a cloze under its old id
    with no ledger to tell (a fresh clone, a lost ledger). Anki's import would list it as conflicting and
    keep the old note (:func:`deckgen.changes.kind_changed`). A note the ledger knows is left to the
    ledger's own check: if its kind differs only in the collection, the user changed its note type in Anki,
    and the import reports it as conflicting. :func:`built` runs this before anything is written."""
    from anki.consts import MODEL_CLOZE

    if not any(r.changes.added for r in results):
        return  # the ledger knows every note (the usual rebuild): nothing to read (0.4 s at 60,000 notes)
    cloze = {int(m["id"]): m["type"] == MODEL_CLOZE for m in col.models.all()}
    have: dict[str, int] = {guid: mid for guid, mid in database(col).all("SELECT guid, mid FROM notes")}
    problems = []
    for result in results:
        unknown = {change.key for change in result.changes.added}
        for note in result.notes:
            mid = have.get(note.guid)
            if note.key in unknown and mid in cloze and cloze[mid] != note.note_type.is_cloze:
                was = "cloze" if cloze[mid] else "qa"
                problems.append(kind_changed(note, was, "is in the collection as"))
    if problems:
        raise SourceError(sorted(set(problems)))


def warn_renumbered_clozes(col: Collection, results: Sequence[BuildResult]) -> None:
    """Add a warning to each of ``results`` for a cloze note whose deletions in ``col`` are the same texts as
    the source's under other numbers (``c1`` ↔ ``c2``): Anki keeps a card by its number (a cloze card's
    ``ord`` is its number less one), so each card's review history would pass to the other text. Decided
    from the collection, whatever builds came between the edit and this run."""
    clozes = [(r, n) for r in results for n in r.notes if n.note_type.is_cloze]
    if not clozes:
        return
    texts = {guid: held.first for guid, held in _held_notes(col, {NOTE_TYPES["cloze"].id}).items()}
    for result, note in clozes:
        text = texts.get(note.guid)
        if text is None or text == note.fields[0]:
            continue
        old, new = dict(cloze_deletions(text)), dict(cloze_deletions(note.fields[0]))
        moved = [n for n in sorted(new) if n in old and old[n] != new[n] and new[n] in old.values()]
        if moved:
            number = moved[0]
            message = (
                f"note '{note.key}': its cloze deletions were renumbered: in Anki c{number} now hides "
                f"'{clip(new[number])}' (it hid '{clip(old[number])}'), and each card keeps its number's review "
                "history, so the history passes to another text; number them back to keep it with its text"
            )
            result.warnings.append(Problem.at(note.spec.loc, message, Severity.WARNING))


def warn_filtered_decks(col: Collection, results: Sequence[BuildResult]) -> None:
    """Add a warning to each of ``results`` for each deck its cards go to (the deck, or with ``--subdecks`` each
    theme's subdeck), or a parent of it, that is a filtered deck in ``col``:
    Anki's import puts no card into a filtered deck (nor its subdecks) and makes a deck of another name instead
    (rslib ``import_export/package/apkg/import/decks.rs``), so the cards would not be where the report says."""
    for result in results:
        decks = {note_deck(result.source, n, result.deck_name, result.subdecks) for n in result.notes}
        parts = {tuple(name.split("::")) for name in decks}
        names = sorted({"::".join(p[: i + 1]) for p in parts for i in range(len(p))})
        for name in names:
            deck = col.decks.by_name(name)
            if deck and deck.get("dyn"):
                message = (
                    f"this collection has a filtered deck named '{name}': Anki's import puts no card into a "
                    "filtered deck or under it, so the new cards go to a deck of another name (Anki adds a mark "
                    "or a number to it); rename the filtered deck in Anki, or install with --name"
                )
                result.warnings.append(Problem.in_file(col.path, message, Severity.WARNING))


def refuse_changed_note_types(col: Collection, results: Sequence[BuildResult]) -> None:
    """Raise :class:`CollectionError` if a note type that the notes of ``results`` use is in ``col`` under its
    id with other fields or card types than deckgen's (:func:`_schema_differs`; a field added in Anki's *Manage
    Note Types*). Anki's import then updates none of its notes (it lists each as conflicting) and puts new
    ones into a copy of the note type named "… +", which a prune never looks at: nothing an install does
    would reach the existing notes."""
    from anki.models import NotetypeId

    used = {n.note_type.id: n.note_type for r in results for n in r.notes}
    problems = []
    readded: list[str] = []  # fields removed and added again under their name: a new id Anki cannot undo
    for note_type in sorted(used.values(), key=lambda t: t.id):
        if not _schema_differs(col, note_type):
            continue
        existing = col.models.get(NotetypeId(note_type.id)) or {}
        theirs = existing.get("flds", [])
        ours = note_type.fields
        extra = [f["name"] for f in theirs if not any(_paired(f, name, oid) for name, oid in ours)]
        missing = [name for name, oid in ours if not any(_paired(f, name, oid) for f in theirs)]
        readded += [name for name in missing if name in extra]
        parts = [
            f"{what} {clip_list(names)}" for what, names in (("the field(s)", extra), ("no field(s)", missing)) if names
        ]
        if not parts and not all(_paired(f, name, oid) for f, (name, oid) in zip(theirs, ours, strict=True)):
            names = clip_list(f["name"] for f in theirs)
            parts.append(f"its fields in another order ({names}; deckgen's: {clip_list(n for n, _ in ours)})")
        cards = [t["name"] for t in existing.get("tmpls", [])]
        if len(cards) != 1:
            parts.append(f"{len(cards)} card types ({clip_list(cards)}; deckgen's has one, {note_type.template_name})")
        parts = parts or ["other fields or card types (their ids differ)"]
        problems.append(f"'{existing.get('name', note_type.name)}' has {' and '.join(parts)}")
    if problems:
        undo = "Undo the change in Anki (Tools → Manage Note Types), then run again"
        if readded:  # the same name under a new field id: Manage Note Types cannot give the old id back
            undo = (
                f"The field(s) {clip_list(dict.fromkeys(readded))} were removed and added again, under a new id, "
                "which Manage Note Types cannot give back: restore a backup from before the change in Anki "
                "(File → Switch Profile → Open Backup…), then run again"
            )
        raise CollectionError(
            f"{col.path}: deckgen's note type was changed in this collection ({'; '.join(problems)}): Anki's "
            "import would update none of its notes (it lists them as conflicting) and add new ones to a copy "
            f"named '… +'. {undo}; nothing was changed"
        )


def refuse_moved(col: Collection, results: Sequence[BuildResult], prune: bool) -> None:
    """Raise :class:`deckgen.errors.SourceError` for every card of ``results`` that would take another note's
    question, and with it the wrong review history, in ``col``: a card to be imported whose question is new
    under its key (an added note, or one whose first field in ``col`` is another) while a note of ``col`` of
    a deck built here asks it (its first field, or the question the ledger had under its removed key) and its
    own key no longer does (the sources no longer make it, or make it ask something else). That is a renamed
    judgment or card id, a card renumbered by a new card above it (with an id or without), cards of one
    kind swapped, or a judgment moved to another deck built here. Anki would add the card as a second note
    beside the reviewed one (with ``prune``: and delete that one), or give one note's history to another
    fact. A question that two cards ask and still ask is no such move.

    With ``prune``, a note it would delete is refused too while a note of another deck in ``col`` asks its
    question and has fewer reviews: the judgment moved to a source installed on its own before (or not built
    now), and the prune would leave the copy without the history.

    The collection decides when a build (or a ``git pull`` of the ledger) came between the change and this run,
    the ledger when the question was edited, in the source or in Anki, before the rename. Each problem is
    located at the card (or the deck's source) and says how to keep the note (the key as ``id:``) or to take
    the card as new (``--as-new``)."""
    held = _held_notes(col, _type_ids(*results))
    asking: dict[str, list[_Held]] = {}  # a first field in col → the notes that have it
    for h in held.values():
        asking.setdefault(h.first, []).append(h)
    made = {n.guid: n for r in results for n in r.source_notes}
    deck_of = {n.guid: r.source.deck_id for r in results for n in r.source_notes}
    built = {r.source.deck_id for r in results}
    # the deck built here that made each other note (a key's GUID comes from the deck id): hashed only for them
    owner = {
        **deck_of,
        **{h.guid: d for h in held.values() if h.guid not in made for d in built if h.guid == guid_for(d, h.key)},
    }
    ledger_asked: dict[str, list[str]] = {}  # a question the ledger had under a removed key → those notes' GUIDs
    for r in results:
        for c in r.changes.removed:
            ledger_asked.setdefault(c.question, []).append(guid_for(r.source.deck_id, c.key))
    problems: list[Problem] = []
    for result in results:
        for note in result.notes:
            have = held.get(note.guid)
            if have is not None and have.first == note.fields[0]:
                continue  # it asks what its note in col asks: nothing moves
            before = [*asking.get(note.fields[0], ())]
            before += [held[g] for g in ledger_asked.get(note.question, ()) if g in held]
            for old in dict.fromkeys(before):
                after = made.get(old.guid)
                if old.guid == note.guid or old.guid not in owner or (after and after.fields[0] == old.first):
                    continue  # its own note, a deck not built here, or a note that still asks this
                problems.append(_moved(note, result, old, owner[old.guid], have is None, prune))
                break
    if prune:
        problems += _pruned_copies(col, results, held, asking, owner, made)
    if problems:
        raise SourceError(sorted(problems))


def _moved(note: Note, result: BuildResult, old: _Held, old_deck: str, added: bool, prune: bool) -> Problem:
    """The problem of :func:`refuse_moved` for ``note``, which asks the question of the note ``old`` of the
    deck ``old_deck`` in the collection: ``added`` if Anki would add ``note`` as a new note."""
    if result.source.deck_id != old_deck:
        keep = (
            f"The note is deck '{old_deck}''s, and a note's GUID comes from its deck id, so in this deck it is a new "
            "note: to keep its history, keep the judgment in its deck"
        )
    elif spec := spec_id(note, old.key):
        keep = f"If it is the same card, set its id to its old key (id: {spec})"
    else:
        keep = "No id of this card makes its old key (another kind of card)"
    if not added:
        fate = (
            f"Anki would give the note '{note.key}' (and its review history) this card's question, which the note "
            f"'{old.key}' asks in the collection, with its own history (cards reordered or renumbered?)"
        )
    elif prune:
        fate = (
            f"--prune would delete the note '{old.key}' from the collection, with its review history, although "
            "this card asks its question now"
        )
    else:
        fate = (
            f"Anki would add this card as a new note beside the note '{old.key}', which asks its question in the "
            "collection and keeps its review history (a duplicate)"
        )
    outcome = "with --prune, the old note goes" if prune else "without --prune, the old note stays"
    as_new = f"if it is a new card, run again with --as-new ({outcome})"
    return Problem.at(note.spec.loc, f"note '{note.key}': {fate}. {keep}; {as_new}")


def _pruned_copies(
    col: Collection,
    results: Sequence[BuildResult],
    held: Mapping[str, _Held],
    asking: Mapping[str, list[_Held]],
    owner: Mapping[str, str],
    made: Mapping[str, Note],
) -> list[Problem]:
    """The problems of :func:`refuse_moved` for notes a prune would delete (of a deck built here, which its
    source no longer makes) while a note of another deck in ``col`` asks the same question with fewer reviews
    (counted in one query for those notes)."""
    doomed = [h for h in held.values() if h.guid in owner and h.guid not in made]
    pairs = [
        (h, o)
        for h in doomed
        for o in asking.get(h.first, ())
        if o.guid != h.guid and guid_for(owner[h.guid], o.key) != o.guid
    ]
    if not pairs:
        return []
    ids = ",".join(str(i) for i in {n.note_id for pair in pairs for n in pair})
    query = f"SELECT nid, sum(reps) FROM cards WHERE nid IN ({ids}) GROUP BY nid"
    reps: dict[int, int] = {nid: n for nid, n in database(col).all(query)}
    out = []
    sources = {r.source.deck_id: r.source for r in results}
    for doomed_note, copy in pairs:
        if reps.get(doomed_note.note_id, 0) <= reps.get(copy.note_id, 0):
            continue
        message = (
            f"--prune would delete the note '{doomed_note.key}' of deck '{owner[doomed_note.guid]}' from the "
            f"collection, with its review history, although the note '{copy.key}' of another deck asks its "
            "question with fewer reviews (a judgment moved to a source installed on its own?). To keep the history, "
            "keep the judgment in its deck; to let it go, run again with --as-new"
        )
        successor = made.get(copy.guid)
        if successor is not None:
            out.append(Problem.at(successor.spec.loc, f"note '{successor.key}': {message}"))
        else:
            out.append(Problem.in_file(sources[owner[doomed_note.guid]].path, message))
    return out


_FEW = 5000
"""Notes not known to the sources up to which :func:`_held_notes` reads only theirs, :data:`_CHUNK` at a time
(SQLite takes up to 32,766 parameters a query; a few hundred keep each query short)."""
_CHUNK = 500


class _Held(NamedTuple):
    """A note of a collection in one of deckgen's note types, with a key: its id, GUID, first field and key."""

    note_id: int
    guid: str
    first: str
    key: str


def _held_notes(col: Collection, type_ids: set[int], known: frozenset[str] = frozenset()) -> dict[str, _Held]:
    """The notes of ``col`` of the note types ``type_ids`` (deckgen's) whose ``Key`` field
    (:func:`_key_index`) holds a key, by GUID, but for the GUIDs ``known``: read in one query per note type,
    which takes only the two fields with Anki's own SQL function ``field_at_index`` (rslib
    ``storage/sqlite.rs``; the whole ``flds`` of 60,000 notes took a third longer to read and split). With
    ``known``, the GUIDs are read first, and the fields only if some note is not known (60,000 notes'
    fields took 0.6 s to read, their GUIDs 0.1 s)."""
    from anki.models import NotetypeId

    out: dict[str, _Held] = {}
    for mid in sorted(type_ids):
        notetype = col.models.get(NotetypeId(mid))
        index = _key_index(notetype["flds"], mid) if notetype else None
        if index is None:
            continue
        db = database(col)
        query = "SELECT id, guid, field_at_index(flds, 0), field_at_index(flds, ?) FROM notes WHERE mid = ?"
        rows = None
        if known:
            unknown = [g for (g,) in db.all("SELECT guid FROM notes WHERE mid = ?", mid) if g not in known]
            if len(unknown) <= _FEW:  # none or a few: read just those
                chunks = [unknown[at : at + _CHUNK] for at in range(0, len(unknown), _CHUNK)]
                rows = [
                    r for c in chunks for r in db.all(f"{query} AND guid IN ({','.join('?' * len(c))})", index, mid, *c)
                ]
        if rows is None:
            rows = db.all(query, index, mid)
        for nid, guid, first, key in rows:
            if key and guid not in known:
                out[guid] = _Held(nid, guid, first, key)
    return out


def stale_notes(col: Collection, deck: BuiltDeck) -> list[StaleNote]:
    """The notes of ``col`` that ``deck``'s deck id made and its source no longer makes, sorted by key.

    A note counts only if all of these hold, so that no other note of the collection is ever picked: its
    note type is one of deckgen's (the current ids, and those the deck's ledger records), its ``Key`` field
    holds a key, its GUID is ``guid_for(deck_id, key)`` (so it is this deck id's note for that key), and
    that GUID is not among the notes the source makes. Only the notes whose GUID the source does not make
    are read (:func:`_held_notes`; a note read through Anki's backend one at a time made a prune of 20
    sources take seconds).
    """
    deck_id = deck.result.source.deck_id
    out = [
        StaleNote(h.key, h.note_id)
        for h in _held_notes(col, _type_ids(deck.result), deck.source_guids).values()
        if h.guid == guid_for(deck_id, h.key)
    ]
    return sorted(out, key=lambda s: s.key)


def _key_index(theirs: Sequence[Mapping[str, Any]], mid: int) -> int | None:
    """The position of the ``Key`` field among the fields ``theirs`` of the note type ``mid`` in a collection:
    found by deckgen's field id, as Anki pairs fields (:func:`_paired`), so that a ``Key`` renamed in Anki,
    which the import keeps (the collection's note type is the newer), is still read; by name for a note type
    of an older deckgen that only a ledger records. None if the note type has no such field."""
    ours = next((dict(t.fields) for t in NOTE_TYPES.values() if t.id == mid), {})
    oid = ours.get(KEY_FIELD)
    return next(
        (i for i, f in enumerate(theirs) if (_paired(f, KEY_FIELD, oid) if oid else f["name"] == KEY_FIELD)), None
    )


def empty_cards(
    col: Collection, deck: BuiltDeck, updating: frozenset[str] = frozenset(), imported: bool = False
) -> list[EmptyCard]:
    """The cards of ``col`` that the cloze notes of ``deck`` have (by GUID) for a deletion number that both
    the source's text and the note's text in ``col`` lack (for the GUIDs of ``updating``, an import not yet run
    would replace the latter with the former), sorted by key and number. Anki's import never deletes a card:
    such a card stays, scheduled, and shows "No cloze N found on card" when due, until *Tools → Empty Cards*
    deletes it (rslib ``notetype/cardgen.rs`` makes cards; nothing on import removes them). A deletion only
    the source removed, whose newer note in Anki the import kept, is no empty card; one only the user removed
    in Anki comes back with the next change of the source. With ``imported`` (the import has run), a card
    counts only if Anki's own Empty Cards finds it empty too (``get_empty_cards``: it reads deletions nested
    in others, which deckgen's sources refuse), and, as Anki's dialog keeps by default, never a note's last
    card, so that no note the source makes is removed."""
    keys = {n.guid: (n.key, set(cloze_numbers(n.fields[0]))) for n in deck.result.notes if n.note_type.is_cloze}
    if not keys:
        return []
    query = "SELECT n.guid, n.id, n.flds, c.ord, c.id FROM cards c JOIN notes n ON n.id = c.nid WHERE n.mid = ?"
    found: dict[int, list[EmptyCard]] = {}  # note id → its empty cards
    have: dict[str, set[int]] = {}  # GUID → the deletion numbers of its text in col
    for guid, nid, fields, ord_, cid in database(col).all(query, NOTE_TYPES["cloze"].id):
        if guid not in keys:
            continue
        key, wanted = keys[guid]
        if guid not in have:
            have[guid] = wanted if guid in updating else set(cloze_numbers(fields.split("\x1f", 1)[0]))  # Text
        if ord_ + 1 not in wanted and ord_ + 1 not in have[guid]:
            found.setdefault(nid, []).append(EmptyCard(key, ord_ + 1, cid))
    if found and imported:
        report = {n.note_id: set(n.card_ids) for n in col.get_empty_cards().notes if n.note_id in found}
        cards = {nid: len(database(col).list("SELECT id FROM cards WHERE nid = ?", nid)) for nid in report}
        found = {
            nid: kept[: cards[nid] - 1] if len(kept) >= cards[nid] else kept
            for nid, empty in found.items()
            if (kept := [e for e in empty if e.card_id in report.get(nid, set())])
        }
    return sorted((e for empty in found.values() for e in empty), key=lambda e: (e.key, e.number))


def make_backup(col: Collection, collection: Path) -> Path | None:
    """Back ``col`` up with Anki's own backup call into the backup folder next to the collection file Anki
    has open (:func:`deckgen.ankidata.backup_folder`; ``collection``, the path as the user gave it, is for
    messages), waiting until it is written. Returns the backup file, or None
    if Anki made none (it makes none when nothing changed since its last backup in this session).

    Anki names a backup by the second, in local time (rslib ``collection/backup.rs``,
    ``backup-%Y-%m-%d-%H.%M.%S.colpkg``), so a second backup within the same second would replace the first,
    taking with it the collection as it was before the run that made it: if this second's name is taken,
    this waits for the next second.

    Raises :class:`CollectionError` if the backup fails; the collection is unchanged then.
    """
    from anki.errors import BackendError

    folder = backup_folder(Path(col.path))
    while (folder / time.strftime("backup-%Y-%m-%d-%H.%M.%S.colpkg")).exists():
        time.sleep(1 - time.time() % 1)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        created = col.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
    except (OSError, BackendError) as err:
        raise CollectionError(
            f"{collection}: could not make a backup in {folder} ({err}); nothing was changed"
        ) from None
    if not created:
        return None
    return max(folder.glob("backup-*.colpkg"), key=lambda p: p.stat().st_mtime, default=None)


def apply_decks(col: Collection, decks: Sequence[BuiltDeck], prune: bool) -> list[DeckImport]:
    """Import every package of ``decks`` into ``col`` with the import dialog's defaults and, if ``prune``,
    remove each deck's :func:`stale_notes`, all in one transaction (see the module docstring).

    Returns one :class:`DeckImport` per deck, with Anki's own counts; a stale note is listed under the first
    deck of its source only (``--deck a --deck b`` share their source's notes). Raises :class:`CollectionError` if
    Anki fails; the transaction is rolled back then and the collection is as before.
    """
    from anki.cards import CardId
    from anki.collection import ImportAnkiPackageRequest
    from anki.errors import BackendError
    from anki.notes import NoteId

    options = col._backend.get_import_anki_package_presets()
    out: list[DeckImport] = []
    listed: set[int] = set()
    removed: set[int] = set()  # empty cards listed already (decks of one source share their notes)

    def changes() -> None:
        for deck in decks:
            request = ImportAnkiPackageRequest(package_path=str(deck.package), options=options)
            log = col.import_anki_package(request).log
            stale = _unlisted(stale_notes(col, deck), listed)
            empty = [e for e in empty_cards(col, deck, imported=True) if e.card_id not in removed]
            if prune and stale:
                col.remove_notes([NoteId(s.note_id) for s in stale])
            if prune and empty:
                col.remove_cards_and_orphaned_notes([CardId(e.card_id) for e in empty])
            removed.update(e.card_id for e in empty)
            counts = len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting)
            keys = _keys_of(deck, log.new), _keys_of(deck, log.updated), _keys_of(deck, log.conflicting)
            out.append(DeckImport(deck, *counts, stale, *keys, empty, cards_elsewhere(col, deck)))

    try:
        database(col).transact(changes)
    except BackendError as err:
        raise CollectionError(f"{col.path}: Anki could not apply the packages ({err}); nothing was changed") from None
    return out


def _keys_of(deck: BuiltDeck, logged: Sequence[ImportResponse.Note]) -> list[str]:
    """The keys of the notes of ``deck`` that an import log lists (``log.new``, ``log.updated``), in the
    deck's order: Anki's log carries each note's fields, and deckgen's note types keep the key in their
    ``Key`` field, so no database read is needed (a query for 60,000 ids took 0.2 s)."""
    if not logged:
        return []
    at = {t.field_names.index(KEY_FIELD) for t in NOTE_TYPES.values()}
    keys = {n.fields[i] for n in logged for i in at if i < len(n.fields)}
    return [n.key for n in deck.result.notes if n.key in keys]


def predict_import(col: Collection, decks: Sequence[BuiltDeck]) -> list[DeckImport]:
    """What :func:`apply_decks` would do to ``col``, by Anki's import rule applied to the collection as it is
    (rslib ``import_export/package/apkg/import/notes.rs``, ``maybe_update_existing_note``): a GUID the
    collection lacks is new; a known GUID under another note type, or under a deckgen note type whose
    schema in the collection is not deckgen's (:func:`_schema_differs`: Anki then adds a copy "… +"), is
    conflicting; else it is updated when the collection's ``mod`` is older than the package's, and a
    duplicate otherwise. A deck sees the notes of the decks before it as imported, as Anki would. Changes
    nothing."""
    existing = {guid: (mid, mod) for guid, mid, mod in database(col).all("SELECT guid, mid, mod FROM notes")}
    other_schema = {t.id for t in NOTE_TYPES.values() if _schema_differs(col, t)}
    out = []
    listed: set[int] = set()
    seen: set[int] = set()
    for deck in decks:
        predicted = DeckImport(deck, stale=_unlisted(stale_notes(col, deck), listed))
        mods = deck.result.changes.mods
        for note in deck.result.notes:
            have = existing.get(note.guid)
            if have is None:
                predicted.new += 1
                predicted.new_keys.append(note.key)
            elif have[0] != note.note_type.id or note.note_type.id in other_schema:
                predicted.conflicting += 1
                predicted.conflicting_keys.append(note.key)
            elif have[1] < mods[note.guid]:
                predicted.updated += 1
                predicted.updated_keys.append(note.key)
            else:
                predicted.duplicate += 1
        updated = set(predicted.updated_keys)
        updating = frozenset(n.guid for n in deck.result.notes if n.key in updated)
        predicted.empty = [e for e in empty_cards(col, deck, updating) if e.card_id not in seen]
        predicted.elsewhere = cards_elsewhere(col, deck)
        seen.update(e.card_id for e in predicted.empty)
        existing.update({n.guid: (n.note_type.id, mods[n.guid]) for n in deck.result.notes})  # a later deck's view
        out.append(predicted)
    return out


def _unlisted(stale: list[StaleNote], listed: set[int]) -> list[StaleNote]:
    """The notes of ``stale`` not in ``listed`` (note ids), which then holds them too."""
    fresh = [s for s in stale if s.note_id not in listed]
    listed.update(s.note_id for s in fresh)
    return fresh


def _schema_differs(col: Collection, note_type: NoteType) -> bool:
    """True if ``col`` has a note type with ``note_type``'s id whose fields or templates do not match
    deckgen's by Anki's rule (rslib ``import_export/package/apkg/import/notes.rs``, ``equal_schema``, with
    ``notetype/merge.rs``, ``is_match``): as many of each, pairwise of the same id, or of the same name where
    the collection's has no id. So fields renamed under their ids (``ClaimZh`` → ``Context1``) match: Anki
    renames them in place."""
    from anki.models import NotetypeId

    existing = col.models.get(NotetypeId(note_type.id))
    if existing is None:
        return False
    pairs = [
        (existing["flds"], note_type.fields),
        (existing["tmpls"], ((note_type.template_name, note_type.template_id),)),
    ]
    return any(
        len(theirs) != len(ours) or not all(_paired(t, name, oid) for t, (name, oid) in zip(theirs, ours, strict=True))
        for theirs, ours in pairs
    )


def _paired(theirs: Mapping[str, Any], name: str, oid: int) -> bool:
    """Whether a field or template of a note type in the collection (``theirs``) is the one deckgen names
    ``name`` with the id ``oid``, as Anki pairs them: by id, or by name where the collection's has no id
    (rslib ``notetype/merge.rs``, ``is_match``)."""
    return bool(theirs["name"] == name if theirs.get("id") is None else theirs["id"] == oid)


@dataclass
class InstallResult:
    """What ``deckgen install`` did: the collection file, the backup made before any change (None in a dry
    run or if Anki made none), and what happened (or, with ``dry_run``, would happen) per deck."""

    collection: Path
    backup: Path | None
    decks: list[DeckImport]
    dry_run: bool = False


def install_decks(
    paths: Sequence[str | Path],
    *,
    collection: Path | None = None,
    profile: str | None = None,
    base: Path | None = None,
    choice: DeckChoice | None = None,
    prune: bool = False,
    dry_run: bool = False,
    source_moved: bool = False,
    as_new: bool = False,
) -> InstallResult:
    """Build the sources under ``paths`` (files or folders) and apply them to a collection: the file
    ``collection``, or the collection of the Anki profile ``profile`` in Anki's data folder ``base`` (default
    :func:`deckgen.ankidata.default_base`). It opens the collection (refused while Anki has it open), refuses a
    note whose kind differs from the collection's note under its GUID (:func:`refuse_kind_changes`, before
    anything is written), builds the decks ``choice`` names (default: the full deck) as ``deckgen build`` does,
    backs the collection up, then :func:`apply_decks` (``prune`` also removes the notes the sources no longer
    make; a note that the selection or a named deck leaves out but its source still makes is kept). With
    ``dry_run`` nothing is written (no ledger, no backup, no change to the collection) and the result says what
    would happen (:func:`predict_import`). A source whose deck id this machine last packaged from another file
    is refused before anything is built, unless ``source_moved``, and so is a card that would be added beside
    (or, with ``prune``, instead of) a note asking its question, unless ``as_new`` (see :func:`built`).

    Raises :class:`UsageError` unless exactly one of ``collection`` and ``profile`` is given, for ``base``
    without ``profile``, or for deck options that cannot be combined (:meth:`deckgen.builds.DeckChoice.check`);
    :class:`deckgen.ankidata.ProfileError`, :class:`AnkiMissingError`, :class:`CollectionError`,
    :class:`deckgen.errors.SourceError` for a kind change (:func:`refuse_kind_changes`), and what
    :func:`deckgen.load.load_sources` and :func:`deckgen.builds.build_sources` raise.
    """
    if (collection is None) == (profile is None):
        raise UsageError("give the collection with either --collection PATH or --profile NAME")
    if base is not None and profile is None:
        raise UsageError("--base goes with --profile")
    choice = DeckChoice() if choice is None else choice
    choice.check()
    path = Path(collection) if collection is not None else profile_collection(str(profile), base)
    sources = load_sources(list(paths))
    with (
        open_collection(path) as col,
        built(sources, choice, col, dry_run, source_moved, prune=prune, as_new=as_new) as packages,
    ):
        if dry_run:
            return InstallResult(path, None, predict_import(col, packages), dry_run=True)
        backup = make_backup(col, path)
        try:
            return InstallResult(path, backup, apply_decks(col, packages, prune))
        except KeyboardInterrupt:
            raise Interrupted(_written([p.result for p in packages], backup)) from None
