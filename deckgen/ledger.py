"""The build ledger: what each note and note type looked like when it was last packaged, and its ``mod``.

Why it exists (see ``shared/notes/anki-import.md``, checked against rslib
``import_export/package/apkg/import/notes.rs``): Anki matches an imported note by GUID and, with the import
dialog's default "update notes: if newer", replaces it only when ``existing.mtime < incoming.mtime`` in
whole seconds. Field content is never compared. Note types follow the same rule. So a build must

* keep an **unchanged** note's ``mod`` exactly as before — Anki then sees a duplicate and keeps whatever
  the user edited inside Anki;
* give a **changed** note ``max(now, previous + 1)`` — newer than the last package even within one second;
* give a **new** note ``now``; and never a time in the future (the build waits out the rest of a second
  rather than stamp one; see :meth:`Plan.not_before`).

The ledger file sits next to the source (``<deck-id>.ledger.json``), is committed with it, and is JSON with
one line per note, sorted by note key, so ``git diff`` shows exactly which notes a change touched.
All times are Unix epoch **seconds** (ints), like Anki's note ``mod`` column.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .notetypes import NoteType

FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """What the ledger remembers of one note: its key, content hash, mod (epoch s) and plain text."""

    key: str
    hash: str
    mod: int
    question: str = ""
    answer: str = ""
    explicit_id: bool = False


@dataclass(frozen=True)
class TypeEntry:
    """What the ledger remembers of one note type (keyed by note-type id)."""

    kind: str
    name: str
    hash: str
    schema: str
    mod: int


@dataclass
class Ledger:
    """GUID → :class:`Entry` and note-type id → :class:`TypeEntry` for one deck id."""

    deck_id: str
    notes: dict[str, Entry] = field(default_factory=dict)
    types: dict[int, TypeEntry] = field(default_factory=dict)

    @staticmethod
    def path_for(source_path: str | Path, deck_id: str) -> Path:
        """Where the ledger of ``deck_id`` lives: ``<source folder>/<deck-id>.ledger.json``."""
        return Path(source_path).parent / f"{deck_id}.ledger.json"

    @classmethod
    def read(cls, path: Path, deck_id: str) -> tuple[Ledger, str | None]:
        """Read a ledger; returns it and a warning text (or None).

        A missing file is a first build (empty ledger, no warning). A file that cannot be parsed, has the
        wrong shape or belongs to another deck gives an empty ledger and a warning: the build then starts
        afresh (every note counts as new and gets ``mod = now``), which is always safe for Anki.
        """
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(deck_id), None
        except (OSError, UnicodeDecodeError) as err:
            return cls(deck_id), f"{path}: cannot read the ledger ({err}); starting a fresh one"
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ValueError(f"unknown format {data.get('format')!r}")
            if data.get("deck") != deck_id:
                raise ValueError(f"it belongs to deck {data.get('deck')!r}")
            notes = {guid: Entry(**e) for guid, e in data["notes"].items()}
            types = {int(tid): TypeEntry(**t) for tid, t in data["note_types"].items()}
            for e in notes.values():
                if not isinstance(e.mod, int) or not isinstance(e.key, str):
                    raise ValueError(f"bad entry for {e.key!r}")
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            return cls(deck_id), (f"{path}: the ledger is corrupt ({err}); starting a fresh one. Every note "
                                  "counts as new this time, which Anki handles fine; commit the new ledger")
        return cls(deck_id, notes, types), None

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
            fh.write(f"  {json.dumps(guid)}: {json.dumps(e.__dict__, ensure_ascii=False, sort_keys=True)}{comma}\n"
                     .encode())
        fh.write(b"}\n}\n")


@dataclass
class Change:
    """One note in the change report: its key, and old/new text where it changed."""

    key: str
    question: str
    old_question: str = ""
    old_answer: str = ""
    answer: str = ""


@dataclass
class Plan:
    """The result of comparing the notes of a build with the ledger.

    ``mods`` (GUID → epoch s) and ``type_mods`` (note-type id → epoch s) are what the package must carry;
    ``ledger`` is the ledger to write after the package. Counts concern the selected notes only;
    ``removed`` lists ledger notes no longer in the source at all.
    """

    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Change] = field(default_factory=list)
    type_notes: list[str] = field(default_factory=list)
    """Plain sentences about note types: updated in place, or new (fields changed) and what Anki will do."""
    warnings: list[str] = field(default_factory=list)
    mods: dict[str, int] = field(default_factory=dict)
    type_mods: dict[int, int] = field(default_factory=dict)
    ledger: Ledger | None = None


def note_hash(note) -> str:
    """Content hash of a note as Anki stores it: note type, fields and tags."""
    blob = "\x1e".join([str(note.note_type.id), "\x1f".join(note.fields), " ".join(note.tags)])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def not_before(notes, types: list[NoteType], ledger: Ledger) -> int:
    """The earliest ``now`` (epoch s) at which :func:`plan` can stamp every changed item without a future time.

    A changed note needs ``previous + 1``; if the previous build was in this same second the build must
    wait for the next one (at most a second) instead of writing a ``mod`` in the future.
    """
    need = 0
    for note in notes:
        old = ledger.notes.get(note.guid)
        if old is not None and old.hash != note_hash(note):
            need = max(need, old.mod + 1)
    for t in types:
        old_t = ledger.types.get(t.id)
        if old_t is not None and old_t.hash != t.content_hash():
            need = max(need, old_t.mod + 1)
    return need


def plan(selected, all_notes, types: list[NoteType], ledger: Ledger, now: int) -> Plan:
    """Compare ``selected`` notes (those going into this package) with ``ledger`` at time ``now`` (epoch s).

    ``all_notes`` is every note of the source (a filtered build still knows the rest): a ledger note absent
    from it is reported as removed and dropped from the new ledger; a note of the source that is not
    selected keeps its ledger entry untouched. Raises ValueError if a note type's fields changed while its
    id stayed the same (a programming error in :mod:`deckgen.notetypes`).
    """
    out = Plan()
    new = Ledger(ledger.deck_id, dict(ledger.notes), dict(ledger.types))
    for note in selected:
        h = note_hash(note)
        old = ledger.notes.get(note.guid)
        if old is None:
            mod = now
            out.added.append(Change(note.key, note.question, answer=note.answer))
        elif old.hash == h:
            mod = old.mod
            out.unchanged += 1
        else:
            mod = max(now, old.mod + 1)
            out.changed.append(Change(note.key, note.question, old.question, old.answer, note.answer))
            if (not note.spec.id and old.question and old.question != note.question
                    and old.answer != note.answer):
                out.warnings.append(
                    f"{note.spec.loc.file}:{note.spec.loc.line}: {note.key}: question and answer both changed; "
                    "if cards were reordered this is now a different fact under the old note (and its review "
                    "history). Give cards explicit ids (id: some-slug) to keep identity across reorders")
        out.mods[note.guid] = mod
        new.notes[note.guid] = Entry(note.key, h, mod, note.question, note.answer, bool(note.spec.id))
    present = {n.guid for n in all_notes}
    for guid, old in sorted(ledger.notes.items(), key=lambda kv: kv[1].key):
        if guid not in present:
            out.removed.append(Change(old.key, old.question))
            del new.notes[guid]
    for t in types:
        h = t.content_hash()
        old_t = new.types.get(t.id)
        if old_t is None:
            mod = now
            for other_id, other in ledger.types.items():
                if other.kind == t.kind and other_id != t.id:
                    out.type_notes.append(
                        f"note type '{t.name}' replaces '{other.name}' (its fields changed). On import Anki adds "
                        f"'{t.name}' beside '{other.name}' and does not update notes that use '{other.name}' "
                        "(its import log lists them as conflicting; their cards and history are safe). To move "
                        f"them: in the browser search note:\"{other.name}\", then Notes > Change Note Type")
        elif old_t.schema != t.schema_hash():
            raise ValueError(f"note type {t.name} (id {t.id}) changed its fields but kept its id; "
                             "bump SCHEMA_VERSION in deckgen/notetypes.py")
        elif old_t.hash == h:
            mod = old_t.mod
        else:
            mod = max(now, old_t.mod + 1)
            out.type_notes.append(f"note type '{t.name}' changed (templates or CSS); Anki updates it in place")
        out.type_mods[t.id] = mod
        new.types[t.id] = TypeEntry(t.kind, t.name, h, t.schema_hash(), mod)
    out.ledger = new
    return out
