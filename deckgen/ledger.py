"""The build ledger: what each note and note type looked like when it was last packaged, and its ``mod``.

Why it exists (rslib ``import_export/package/apkg/import/notes.rs``): Anki matches an imported note by GUID
and, with the import dialog's default "update notes: if newer", replaces it only when
``existing.mtime < incoming.mtime`` in whole seconds. Field content is never compared. Note types follow the
same rule. So a build must keep an unchanged note's ``mod`` exactly as before, give a changed one a newer
``mod`` and never a time in the future; :mod:`deckgen.changes` decides those from this ledger.

The ledger file sits next to the source (``<deck-id>.ledger.json``), is committed with it, and is JSON with
one line per note, sorted by note key, so ``git diff`` shows exactly which notes a change touched. A note's
line holds its key, content hash, ``mod``, question and answer (for reports), whether the key is an explicit
``id:``, and its note-type id (so a change between Q/A and cloze under one key can be reported). All times
are Unix epoch **seconds** (ints), like Anki's note ``mod`` column. A ledger that is damaged, or records a
``mod`` more than :data:`deckgen.records.MAX_AHEAD` s ahead of this machine's clock (a teammate's clock was
ahead), is read as an empty one with a warning. :mod:`deckgen.state` adds what this machine last packaged,
which the ledger alone cannot know after ``git revert``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _json_str  # what json.dumps uses with ensure_ascii=False
from json.encoder import encode_basestring_ascii as _json_ascii  # ... and with its default, ensure_ascii=True
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .errors import Problem, Severity, SourceError
from .records import (
    DamagedRecordError,
    check_mod,
    check_type_id,
    fields_of,
    load_json,
    quote_value,
    read_text,
    type_id_key,
)

FORMAT = 1

_CONFLICT_MARKER = re.compile(r"^(?:<{7}|={7}|>{7})(?: |$)", re.M)
"""A line git writes into a file whose merge conflicts (``<<<<<<< HEAD``, ``=======``, ``>>>>>>> branch``)."""


class Entry(NamedTuple):
    """What the ledger remembers of one note: its key, content hash, mod (epoch s), plain text, whether its
    key was an explicit ``id:``, and its note-type id (None in ledgers written before it was recorded). A
    named tuple: there is one per note in the ledger read and in the one written."""

    key: str
    hash: str
    mod: int
    question: str = ""
    answer: str = ""
    explicit_id: bool = False
    note_type: int | None = None

    def json_line(self) -> str:
        """The ledger line's JSON object: every field, ``note_type`` only when known; the text exactly as
        ``json.dumps(..., ensure_ascii=False, sort_keys=True)`` writes it (the fields have their types: they
        are checked when read), without building a dict for it."""
        note_type = f'"note_type": {self.note_type}, ' if self.note_type is not None else ""
        explicit = "true" if self.explicit_id else "false"
        return (
            f'{{"answer": {_json_str(self.answer)}, "explicit_id": {explicit}, "hash": {_json_str(self.hash)}, '
            f'"key": {_json_str(self.key)}, "mod": {self.mod}, {note_type}"question": {_json_str(self.question)}}}'
        )


_ENTRY = {"key": str, "hash": str, "mod": int}
_ENTRY_OPTIONAL = {"question": str, "answer": str, "explicit_id": bool, "note_type": int}


@dataclass(frozen=True)
class TypeEntry:
    """What the ledger remembers of one note type (keyed by note-type id)."""

    kind: str
    name: str
    hash: str
    schema: str
    mod: int


_TYPE_ENTRY = {"kind": str, "name": str, "hash": str, "schema": str, "mod": int}


SUFFIX = ".ledger.json"
"""The ledger file's name after the deck id: ``<deck-id>.ledger.json``."""


@dataclass
class Ledger:
    """GUID → :class:`Entry` and note-type id → :class:`TypeEntry` for one deck id."""

    deck_id: str
    notes: dict[str, Entry] = field(default_factory=dict)
    types: dict[int, TypeEntry] = field(default_factory=dict)
    path: Path | None = None
    """The file it was read from, or None for a ledger made in code."""

    @staticmethod
    def path_for(source_path: str | Path, deck_id: str) -> Path:
        """Where the ledger of ``deck_id`` lives: ``<source folder>/<deck-id>.ledger.json``."""
        return Path(source_path).parent / f"{deck_id}{SUFFIX}"

    @property
    def where(self) -> str | Path:
        """What a message names as this ledger's place: its file, else ``<deck-id>.ledger.json``."""
        return self.path or f"{self.deck_id}{SUFFIX}"

    @classmethod
    def read(cls, path: Path, deck_id: str, now: int | None = None) -> tuple[Ledger, Problem | None]:
        """Read a ledger; returns it and a warning located at ``path`` (or None). ``now`` is this machine's
        clock (epoch s).

        A missing file is a first build (empty ledger, no warning). A file that cannot be read or parsed,
        has the wrong shape, a value of the wrong type (a float or ``true`` for a ``mod``), a ``mod`` before
        2000 or more than :data:`deckgen.records.MAX_AHEAD` seconds after ``now``, or that belongs to another
        deck gives an empty ledger and a warning: the build then starts afresh (every note counts as new and gets
        ``mod = now``), which is always safe for Anki.

        Raises :class:`SourceError`, located at the first marker, for a ledger with git's merge-conflict
        markers: either side's file is a good ledger, so the user keeps one rather than the build replacing
        both with a fresh one.
        """
        now = int(time.time()) if now is None else now
        raw, why = read_text(path)
        if raw is not None and (marker := _CONFLICT_MARKER.search(raw)):
            message = (
                "the ledger has a merge conflict (git's conflict markers); keep one side's file (git checkout "
                "--ours or --theirs, then git add it) and build again, which brings it up to date"
            )
            raise SourceError([Problem(str(path), raw.count("\n", 0, marker.start()) + 1, 1, "", message)])
        if raw is None:
            unreadable = f"cannot read the ledger ({why}); starting a fresh one"
            return cls(deck_id, path=path), Problem.in_file(path, unreadable, Severity.WARNING) if why else None
        try:
            ledger = cls._parse(load_json(raw), deck_id, now, path)
        except DamagedRecordError as err:
            return cls(deck_id, path=path).damaged(str(err))
        return ledger, None

    @classmethod
    def _parse(cls, data: object, deck_id: str, now: int, path: Path) -> Ledger:
        data = fields_of(data, "the file", {"deck": str, "format": int, "note_types": dict, "notes": dict})
        if data["format"] != FORMAT:
            raise DamagedRecordError(f"unknown format {quote_value(data['format'])}")
        if data["deck"] != deck_id:
            raise DamagedRecordError(f"it belongs to deck {quote_value(data['deck'])}")
        notes = {}
        for guid, e in data["notes"].items():
            try:  # each check names only what is below the note; the note's place is added to a failure
                e = fields_of(e, "", _ENTRY, _ENTRY_OPTIONAL)
                check_mod(e["mod"], "", now)
                if "note_type" in e:
                    check_type_id(e["note_type"], ".note_type")
            except DamagedRecordError as err:
                raise DamagedRecordError(f"notes.{quote_value(guid)}{err}") from None
            notes[guid] = Entry(**e)
        types = {}
        for tid, t in data["note_types"].items():
            where = f"note_types.{quote_value(tid)}"
            t = fields_of(t, where, _TYPE_ENTRY)
            check_mod(t["mod"], where, now)
            types[type_id_key(tid, where)] = TypeEntry(**t)
        return cls(deck_id, notes, types, path)

    def misfiled(self, guid_of: Callable[[str], str]) -> str | None:
        """The first entry whose key does not give its GUID (``guid_of(key)``, :func:`deckgen.notes.guid_for`),
        described for a message, or None. A GUID is a hash of the deck id and the key, so such an entry was
        edited by hand (two GUIDs swapped, say); the ledger cannot be trusted then."""
        for guid, entry in self.notes.items():
            if guid_of(entry.key) != guid:
                return f"notes.{quote_value(guid)} is filed under the key {quote_value(entry.key)}, whose GUID differs"
        return None

    def damaged(self, why: str) -> tuple[Ledger, Problem]:
        """An empty ledger for a fresh start, and the warning that this one is corrupt (``why``)."""
        message = (
            f"the ledger is corrupt ({why}); starting a fresh one. Every note "
            "gets a new mod, so the next import updates every note once (keeping its "
            "reviews, replacing edits made in Anki); restore the ledger from git instead "
            "if you can"
        )
        return Ledger(self.deck_id, path=self.path), Problem.in_file(self.where, message, Severity.WARNING)

    def dump(self, fh: BinaryIO) -> None:
        """Write the ledger to the binary file ``fh`` as UTF-8 JSON: stable, sorted, one line per note and
        per note type. Written line by line, so a large ledger is never held in memory as one string."""
        fh.write(f'{{\n"deck": {json.dumps(self.deck_id)},\n"format": {FORMAT},\n"note_types": {{\n'.encode())
        types = sorted(self.types.items())
        for i, (tid, t) in enumerate(types):
            comma = "," if i < len(types) - 1 else ""
            fh.write(f'  "{tid}": {json.dumps(t.__dict__, ensure_ascii=False, sort_keys=True)}{comma}\n'.encode())
        fh.write(b'},\n"notes": {\n')
        notes = sorted(self.notes.items(), key=lambda kv: (kv[1].key, kv[0]))
        for i, (guid, e) in enumerate(notes):
            comma = "," if i < len(notes) - 1 else ""
            fh.write(f"  {_json_ascii(guid)}: {e.json_line()}{comma}\n".encode())
        fh.write(b"}\n}\n")
