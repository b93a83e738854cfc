"""What this machine last packaged: for each deck id, each note's and note type's content hash and ``mod``.

Why it exists: the build ledger (:mod:`deckgen.ledger`) travels with the source in git, so ``git revert`` of
an edit (or checking out an older commit) restores the older source *and* the older ledger. The ledger then
calls the note unchanged and gives it its old ``mod``, older than the one Anki got from the edit, and Anki
("update if newer") keeps the edited text. This record remembers what was packaged *here*; when the ledger
calls a note unchanged but this machine packaged other content for it at a later ``mod``,
:func:`deckgen.changes.compare_with_ledger` counts it as changed and stamps it newer than both. Its limit: it knows only
this machine's builds. An Anki that imported a package built elsewhere is not covered.

The record also names the source file its deck id was last packaged from (the resolved path), so that a build
from another file under the same deck id (a copied source, an example that kept its id) can warn before its
package reaches an Anki that holds the other source's notes (:func:`deck_id_reused`).

Where: the folder named by the environment variable ``DECKGEN_STATE_DIR``, else platformdirs' user state
folder for ``deckgen`` (``~/.local/state/deckgen`` on Linux). One file per deck id,
``<deck-id>.packaged.json``: ``{"deck": id, "format": 1, "notes": {guid: [hash, mod]},
"note_types": {"<id>": [hash, mod]}, "source": path}``, mods in epoch seconds; ``source`` is optional (records
written before it existed lack it). Nothing in it is needed: a missing or
damaged file only means no revert is detected.

platformdirs is imported lazily, in :func:`state_dir`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from .errors import Loc, OutputError, Problem, Severity
from .files import locked, write_all_atomic
from .records import DamagedRecordError, check_mod, fields_of, load_json, read_text, type_id_key

FORMAT = 1
ENV = "DECKGEN_STATE_DIR"


def state_dir() -> Path:
    """The folder of this machine's records: ``$DECKGEN_STATE_DIR`` if set, else the user state folder."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    import platformdirs

    return Path(platformdirs.user_state_dir("deckgen"))


def _pair(value: object, where: str, now: int) -> tuple[str, int]:
    if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is str):
        raise DamagedRecordError(f"{where}: not a [hash, mod] pair")
    return value[0], check_mod(value[1], where, now)


@dataclass
class Packaged:
    """GUID → (content hash, mod) and note-type id → (content hash, mod) as last packaged on this machine."""

    deck_id: str
    notes: dict[str, tuple[str, int]] = field(default_factory=dict)
    types: dict[int, tuple[str, int]] = field(default_factory=dict)
    source: str | None = None
    """The resolved path of the source file the deck id was last packaged from, if recorded."""

    @staticmethod
    def path_for(deck_id: str) -> Path:
        """``<state folder>/<deck-id>.packaged.json``."""
        return state_dir() / f"{deck_id}.packaged.json"

    @classmethod
    def read(cls, deck_id: str, now: int | None = None) -> tuple[Packaged, Problem | None]:
        """This machine's record for ``deck_id`` and a warning located at its file (or None). ``now`` is the
        clock (epoch s).

        A missing file gives an empty record. One that cannot be read, is damaged, or holds a ``mod`` later
        than ``now`` allows (see :func:`deckgen.records.check_mod`) gives an empty record and a warning.
        """
        now = int(time.time()) if now is None else now
        path = cls.path_for(deck_id)
        raw, why = read_text(path)
        if raw is None:
            unreadable = f"cannot read this machine's record of packaged notes ({why}); ignoring it"
            return cls(deck_id), Problem.in_file(path, unreadable, Severity.WARNING) if why else None
        try:
            keys = {"deck": str, "format": int, "notes": dict, "note_types": dict}
            data = fields_of(load_json(raw), "the file", keys, {"source": str})
            if data["format"] != FORMAT or data["deck"] != deck_id:
                raise DamagedRecordError("written for another format or deck")
            notes = {guid: _pair(v, "notes", now) for guid, v in data["notes"].items()}
            types = {type_id_key(k, "note_types"): _pair(v, "note_types", now) for k, v in data["note_types"].items()}
        except DamagedRecordError as err:
            damaged = (
                f"this machine's record of packaged notes is damaged ({err}); ignoring it (this build rewrites it)"
            )
            return cls(deck_id), Problem.in_file(path, damaged, Severity.WARNING)
        return cls(deck_id, notes, types, data.get("source")), None

    def dump(self, fh: BinaryIO) -> None:
        """Write the record to the binary file ``fh`` as UTF-8 JSON."""
        data = {
            "deck": self.deck_id,
            "format": FORMAT,
            "notes": self.notes,
            "note_types": {str(k): v for k, v in self.types.items()},
            **({"source": self.source} if self.source else {}),
        }
        fh.write(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


def source_key(path: str | os.PathLike[str]) -> str:
    """How the record names a source file: its resolved path (``cards/x.yaml`` and ``./cards/x.yaml`` agree)."""
    return str(Path(path).resolve())


def deck_id_reused(
    packaged: Packaged, source_path: str, where: Loc | None, severity: Severity | None = Severity.WARNING
) -> Problem | None:
    """A problem (at ``where``, the source's ``deck.id``, else its file) when this machine last packaged
    ``packaged.deck_id`` from another source file than ``source_path``, else None. Importing such a build
    updates, in an Anki that imported the other file's package, every note both make under the same key.

    A build only warns (``Severity.WARNING``: its package reaches Anki when the user imports it, after
    reading the warning), and the record keeps naming the other file (:func:`record` is given no source), so
    every build from this file warns again and ``install`` and ``sync``, which import at once, still refuse
    it (``Severity.ERROR``). ``--source-moved`` (``severity=None``) says the source moved: no problem, and
    the record then names this file."""
    if severity is None or packaged.source is None or packaged.source == source_key(source_path):
        return None
    moved = "build once with --source-moved" if severity is Severity.WARNING else "run again with --source-moved"
    message = (
        f"deck id '{packaged.deck_id}' was last packaged on this machine from {packaged.source}; an Anki that "
        "imported that package will have its notes overwritten by this one wherever the keys match. If this "
        f"is another deck, give it its own deck.id (deckgen init makes a fresh one); if the source moved, {moved}"
    )
    if where is None:
        return Problem.in_file(source_path, message, severity)
    return Problem.at(where, message, severity)


def record(
    deck_id: str,
    notes: dict[str, tuple[str, int]],
    types: dict[int, tuple[str, int]],
    now: int,
    source: str | None,
) -> Problem | None:
    """Add what a build just packaged (GUID / note-type id → (hash, mod)) to this machine's record of
    ``deck_id``, packaged from the source file ``source`` (recorded by :func:`source_key`; None keeps the
    file the record names, for a build :func:`deck_id_reused` warned about). Holds the
    record's lock while it reads, merges and rewrites it, so builds running at the same time each keep their
    part. Returns a warning located at the record's file if it could not be
    written (the build itself has succeeded then), else None."""
    path = Packaged.path_for(deck_id)
    try:
        with locked(path.with_name(path.name + ".lock")):
            current, _ = Packaged.read(deck_id, now)
            new_source = current.source if source is None else source_key(source)
            if new_source == current.source and _holds(current.notes, notes) and _holds(current.types, types):
                return None  # a rebuild of unchanged notes: the record already says so
            current.notes.update(notes)
            current.types.update(types)
            current.source = new_source
            write_all_atomic([(path, current.dump)])
    except OutputError as err:
        message = (
            f"could not record what this machine packaged ({err}); if you later git-revert these notes, "
            "the build cannot tell that Anki holds a newer version"
        )
        return Problem.in_file(path, message, Severity.WARNING)
    return None


_K = TypeVar("_K", str, int)


def _holds(recorded: dict[_K, tuple[str, int]], items: dict[_K, tuple[str, int]]) -> bool:
    """Whether ``recorded`` already has every entry of ``items``, with the same value."""
    return len(items) <= len(recorded) and all(recorded.get(k) == v for k, v in items.items())
