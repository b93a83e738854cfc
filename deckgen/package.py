"""Notes → a deterministic ``.apkg`` file.

The collection database is written by genanki (``Package.write_to_db``), each note and its cards with the
note's own ``mod`` from the build plan, and each note type's ``mod`` set from the plan afterwards
(``Package.write_to_file`` stamps one timestamp on all of them, which defeats Anki's "update if newer"
rule); deckgen zips the result itself: entries sorted, fixed entry times (1980-01-01), deflate-compressed
(zlib level :data:`DEFLATE_LEVEL`). Same notes and mods → byte-identical package.

:func:`apkg_writer` gives a function that writes the package to a file; :func:`deckgen.files.write_all_atomic`
calls it, so that the package and the ledger are written all or nothing.

genanki, sqlite3 and zipfile are imported when a package is made, so that importing this module
stays cheap.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from .errors import OutputError
from .files import scratch_file
from .notes import Note, media_name
from .notetypes import NoteType, card_ords
from .progress import Progress, each

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DEFLATE_LEVEL = 1
"""zlib level of the package's entries: the fastest. At 60,000 notes it compresses the 63 MB collection in a
third of the default level's (6) time, to a package 9% larger (14.0 instead of 12.9 MB), still a fifth of
genanki's uncompressed zip (``benchmarks/README.md``)."""
_CHUNK = 1 << 20


def anki_deck_id(name: str) -> int:
    """Stable Anki deck id (an int) for a deck name (Anki matches decks by name on import; the id only has to
    be stable so that repeated builds are identical)."""
    import hashlib

    return int(hashlib.sha256(name.encode()).hexdigest()[:12], 16) % (1 << 40) + (1 << 40)


@contextmanager
def apkg_writer(
    output: Path,
    notes: list[Note],
    deck_of: dict[str, str],
    descriptions: dict[str, str],
    types: list[NoteType],
    mods: dict[str, int],
    type_mods: dict[int, int],
    progress: Progress | None = None,
) -> Iterator[Callable[[BinaryIO], None]]:
    """Make the package of ``notes``: yields a function that writes the ``.apkg`` to the binary file it is
    given (for :func:`deckgen.files.write_all_atomic`), valid inside the ``with`` block. ``output`` is where
    the package will go: its scratch collection database is made in that file's staging folder
    (:func:`deckgen.files.scratch_file`), never in the system's temporary folder.

    ``deck_of`` maps each note's GUID to its deck name (``A::B`` for a subdeck); ``descriptions`` maps deck
    names to descriptions; ``mods`` / ``type_mods`` give each note's and note type's ``mod`` in epoch
    seconds. The package timestamp (collection ``crt``, first note id) is the largest of those mods, so it
    too depends only on the inputs. The collection database is built in a scratch file, which the block
    keeps, and streamed into the zip, so memory never holds a copy of it. Raises :class:`OutputError` when
    the database cannot be written (a full disk). ``progress`` hears about
    notes prepared and written and about the compression (see :mod:`deckgen.progress`).
    """
    import sqlite3

    import genanki

    timestamp = max([*mods.values(), *type_mods.values()])
    models = {t.id: t.to_genanki() for t in types}
    decks: dict[str, Any] = {}  # genanki.Deck
    deck_notes: dict[str, list[Any]] = {}  # genanki.Note
    for name in sorted(set(deck_of.values()) | set(descriptions)):
        decks[name] = genanki.Deck(anki_deck_id(name), name, descriptions.get(name, ""))
        for model in models.values():
            decks[name].add_model(model)
        deck_notes[name] = []
    for note in each(notes, len(notes), "preparing notes", progress):
        made = genanki.Note(
            model=models[note.note_type.id],
            fields=list(note.fields),
            tags=list(note.tags),
            guid=note.guid,
            due=note.order,
            sort_field=note.fields[0],
        )
        # the cards Anki makes of the note (genanki's own cloze reading misses {{c1,2::…}})
        made.cards = [genanki.Card(ord) for ord in card_ords(note.note_type, note.fields)]
        deck_notes[deck_of[note.guid]].append(made)
    # genanki's Package.write_to_db, one note at a time so that progress can be told: the schema and the
    # collection row, then for each deck its entry in the collection (note None) followed by its notes.
    rows = ((deck, note) for name, deck in decks.items() for note in [None, *deck_notes[name]])
    id_gen = itertools.count(timestamp * 1000)
    media = sorted({path for note in notes for path in note.media}, key=media_name)

    with scratch_file(output, ".anki2") as db:
        conn = sqlite3.connect(db)
        try:
            cur = conn.cursor()
            # a scratch file, zipped below: no journal, no fsync per statement (the format is unchanged)
            cur.execute("PRAGMA journal_mode = OFF")
            cur.execute("PRAGMA synchronous = OFF")
            genanki.Package([]).write_to_db(cur, timestamp, id_gen)
            for deck, note in each(rows, len(decks) + len(notes), "writing notes", progress):
                if note is None:
                    deck.write_to_db(cur, timestamp, id_gen)
                else:  # genanki stamps a note and its cards with the time it is given: the note's own mod
                    note.write_to_db(cur, mods[note.guid], deck.deck_id, id_gen)
            (models_json,) = cur.execute("SELECT models FROM col").fetchone()
            stored = json.loads(models_json)
            for tid, mod in type_mods.items():
                stored[str(tid)]["mod"] = mod
            cur.execute("UPDATE col SET models = ?, mod = ?", (json.dumps(stored, sort_keys=True), timestamp))
            conn.commit()
        except sqlite3.Error as err:
            raise OutputError(f"{output}: cannot make the package's collection in {db.parent} ({err})") from None
        finally:
            conn.close()
        entries: list[tuple[str, bytes | Path]] = [
            ("collection.anki2", db),
            ("media", json.dumps({str(i): media_name(p) for i, p in enumerate(media)}).encode()),
        ]
        entries += [(str(i), Path(p).read_bytes()) for i, p in enumerate(media)]
        yield lambda fh: _zip(fh, sorted(entries, key=lambda e: e[0]), progress)


def _zip(fh: BinaryIO, entries: list[tuple[str, bytes | Path]], progress: Progress | None) -> None:
    """Zip ``entries`` (name, bytes or a file to stream) into ``fh``: deflated at :data:`DEFLATE_LEVEL`, fixed
    1980-01-01 times. ``progress`` hears about the chunks of streamed files compressed."""
    import zipfile

    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            # the level of a ZipInfo's entry (compress_level from Python 3.13, which keeps this name as an alias)
            info._compresslevel = DEFLATE_LEVEL  # type: ignore[attr-defined]
            info.external_attr = 0o644 << 16
            if isinstance(content, bytes):
                zf.writestr(info, content)
                continue
            info.file_size = content.stat().st_size  # as writestr sets it: decides ZIP64 the same way
            with content.open("rb") as src, zf.open(info, "w") as dest:
                chunks = iter(lambda: src.read(_CHUNK), b"")
                for chunk in each(chunks, -(-info.file_size // _CHUNK), "compressing", progress):
                    dest.write(chunk)


COLLECTION_NAMES = frozenset({"collection.anki2", "collection.anki21", "collection.anki21b"})
"""The collection file inside an Anki package, by package version: genanki writes ``collection.anki2``,
newer Anki exports ``collection.anki21b`` beside a legacy one (rslib ``import_export/package/meta.rs``,
``Version::collection_filename``)."""


def is_package(file: BinaryIO) -> bool:
    """Whether ``file`` (open for reading, at its start) is an Anki package: a zip that holds a collection
    (:data:`COLLECTION_NAMES`). Any other zip (a ``.docx``, an archive) is not."""
    import zipfile

    try:
        with zipfile.ZipFile(file) as archive:
            return not COLLECTION_NAMES.isdisjoint(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
