"""Notes → a deterministic ``.apkg`` file. The only module that writes files.

The collection database is written by genanki (``Package.write_to_db``); deckgen then sets each note's and
card's ``mod`` and each note type's ``mod`` from the build plan (genanki stamps one timestamp on all of
them, which defeats Anki's "update if newer" rule), and zips the result itself: entries sorted, fixed
entry times (1980-01-01), deflate-compressed. Same notes and mods → byte-identical package.

Writes are atomic: the package and the ledger are each written to a temporary file in its target folder,
and only when both are written are they renamed into place; if the second rename fails the first is undone,
so a failure while writing leaves the previous files byte-for-byte intact.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import genanki

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None

from .errors import OutputError
from .generate import Note, media_name
from .notetypes import NoteType
from .progress import Progress, each

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20


def deck_id_for(name: str) -> int:
    """Stable Anki deck id for a deck name (Anki matches decks by name on import; the id only has to be
    stable so that repeated builds are identical)."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:12], 16) % (1 << 40) + (1 << 40)


@contextmanager
def apkg_writer(
    notes: list[Note],
    deck_of: dict[str, str],
    descriptions: dict[str, str],
    types: list[NoteType],
    mods: dict[str, int],
    type_mods: dict[int, int],
    progress: Progress | None = None,
) -> Iterator[Callable[[BinaryIO], None]]:
    """Make the package of ``notes``: yields a function that writes the ``.apkg`` to the binary file it is
    given (for :func:`write_all_atomic`), valid inside the ``with`` block.

    ``deck_of`` maps each note's GUID to its deck name (``A::B`` for a subdeck); ``descriptions`` maps deck
    names to descriptions; ``mods`` / ``type_mods`` give each note's and note type's ``mod`` in epoch
    seconds. The package timestamp (collection ``crt``, first note id) is the largest of those mods, so it
    too depends only on the inputs. The collection database is built in a temporary folder, which the
    block keeps, and streamed into the zip, so memory never holds a copy of it. ``progress`` hears about
    notes prepared and written and about the compression (see :mod:`deckgen.progress`).
    """
    timestamp = max([*mods.values(), *type_mods.values()])
    models = {t.id: t.to_genanki() for t in types}
    decks: dict[str, genanki.Deck] = {}
    deck_notes: dict[str, list[genanki.Note]] = {}
    for name in sorted(set(deck_of.values()) | set(descriptions)):
        decks[name] = genanki.Deck(deck_id_for(name), name, descriptions.get(name, ""))
        for model in models.values():
            decks[name].add_model(model)
        deck_notes[name] = []
    for note in each(notes, len(notes), "preparing notes", progress):
        deck_notes[deck_of[note.guid]].append(
            genanki.Note(
                model=models[note.note_type.id],
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
                due=note.order,
                sort_field=note.fields[0],
            )
        )
    # genanki's Package.write_to_db, one note at a time so that progress can be told: the schema and the
    # collection row, then for each deck its entry in the collection (note None) followed by its notes.
    rows = ((deck, note) for name, deck in decks.items() for note in [None, *deck_notes[name]])
    id_gen = itertools.count(timestamp * 1000)
    media = sorted({path for note in notes for path in note.media}, key=media_name)

    with tempfile.TemporaryDirectory(prefix="deckgen-") as tmp:
        db = Path(tmp) / "collection.anki2"
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
                else:
                    note.write_to_db(cur, timestamp, deck.deck_id, id_gen)
            # notes has no index on guid: update by the primary key, or this step is quadratic
            ids = dict(cur.execute("SELECT guid, id FROM notes"))
            cur.executemany("UPDATE notes SET mod = ? WHERE id = ?", [(m, ids[g]) for g, m in mods.items()])
            cur.execute("UPDATE cards SET mod = (SELECT mod FROM notes WHERE notes.id = cards.nid)")
            (models_json,) = cur.execute("SELECT models FROM col").fetchone()
            stored = json.loads(models_json)
            for tid, mod in type_mods.items():
                stored[str(tid)]["mod"] = mod
            cur.execute("UPDATE col SET models = ?, mod = ?", (json.dumps(stored, sort_keys=True), timestamp))
            conn.commit()
        finally:
            conn.close()
        entries = [
            ("collection.anki2", db),
            ("media", json.dumps({str(i): media_name(p) for i, p in enumerate(media)}).encode()),
        ]
        entries += [(str(i), Path(p).read_bytes()) for i, p in enumerate(media)]
        yield lambda fh: _zip(fh, sorted(entries, key=lambda e: e[0]), progress)


def _zip(fh: BinaryIO, entries: list[tuple[str, bytes | Path]], progress: Progress | None) -> None:
    """Zip ``entries`` (name, bytes or a file to stream) into ``fh``: deflated, fixed 1980-01-01 times.
    ``progress`` hears about the chunks of streamed files compressed."""
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(content, bytes):
                zf.writestr(info, content)
                continue
            info.file_size = content.stat().st_size  # as writestr sets it: decides ZIP64 the same way
            with content.open("rb") as src, zf.open(info, "w") as dest:
                chunks = iter(lambda: src.read(_CHUNK), b"")
                for chunk in each(chunks, -(-info.file_size // _CHUNK), "compressing", progress):
                    dest.write(chunk)


def write_all_atomic(files: list[tuple[Path, bytes | Callable[[BinaryIO], None]]]) -> None:
    """Write each ``(path, data)`` via a temporary file in the target's folder, then rename them into place.
    ``data`` is the bytes to write, or a function that writes them to the binary file it is given.

    All or nothing: every temporary file is written (and every target checked) before the first rename, so
    a folder that cannot be created or written, a full disk or a target that is a folder, a device or a
    pipe changes none of
    the files; and each target but the last is kept aside (a hard link, else a copy) before it is replaced,
    so that if a later rename fails (or the build is interrupted) the files already renamed are put back.
    Renames happen in the order given. Creates missing parent folders. Raises :class:`OutputError` naming
    the path, and leaves every existing file as it was.
    """
    for path, _ in files:
        if Path(path).exists() and not Path(path).is_file() and not Path(path).is_dir():
            raise OutputError(
                f"{path}: is not a regular file (a device or a pipe?); writing would replace it. "
                "Choose a file name with -o"
            )
    staged: list[tuple[str, Path]] = []
    replaced: list[tuple[Path, str | None]] = []  # renamed targets and where their previous file is kept
    try:
        for path, data in files:
            staged.append((_stage(Path(path), data), Path(path)))
        for _, path in staged:
            if path.is_dir():
                raise OutputError(f"{path}: is a folder; give a file name (e.g. with -o)")
        for i, (tmp, path) in enumerate(staged):
            kept = _keep_aside(path) if i < len(staged) - 1 else None
            try:
                os.replace(tmp, path)
            except OSError as err:
                if kept:
                    Path(kept).unlink(missing_ok=True)
                raise OutputError(f"{path}: cannot write ({err.strerror}); no file was changed") from None
            replaced.append((path, kept))
    except BaseException:
        _put_back(replaced)
        raise
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        for _, kept in replaced:  # all renamed: the previous files are no longer needed
            if kept:
                Path(kept).unlink(missing_ok=True)


_ABSENT = ""
"""What :func:`_keep_aside` returns for a target that did not exist: putting it back means removing it."""


def _keep_aside(path: Path) -> str:
    """Keep the current file at ``path`` under a temporary name next to it (a hard link, or a copy where
    links are not possible) and return that name; :data:`_ABSENT` if there is no file."""
    if not os.path.lexists(path):
        return _ABSENT
    try:
        fd, kept = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent)
        os.close(fd)
        os.unlink(kept)
        try:
            os.link(path, kept, follow_symlinks=False)
        except (OSError, NotImplementedError):
            shutil.copy2(path, kept, follow_symlinks=False)
    except OSError as err:
        raise OutputError(
            f"{path}: cannot keep the previous file while writing ({err.strerror}); no file was changed"
        ) from None
    return kept


def _put_back(replaced: list[tuple[Path, str | None]]) -> None:
    """Undo the renames in ``replaced`` (target, its kept previous file), last first, and empty the list.
    Raises :class:`OutputError` naming each file that could not be put back and where its previous
    version is (that copy is then left in place)."""
    failed = []
    while replaced:
        path, kept = replaced.pop()
        try:
            if kept == _ABSENT:
                path.unlink(missing_ok=True)
            elif kept:
                os.replace(kept, path)
        except OSError as err:
            failed.append(
                f"{path}: was replaced but could not be put back ({err.strerror}); its previous version is {kept}"
            )
    if failed:
        raise OutputError("; ".join(failed))


def refuse_overwriting(output: Path, inputs: Iterable[tuple[Path, str]]) -> None:
    """Raise :class:`OutputError` if ``output`` is one of ``inputs`` (path, what it is: ``"the source file"``):
    the same path once resolved (``..``, symlinks), or the same file under another name (a hard link)."""
    target = Path(output).resolve()
    same = _file_id(target)
    for path, what in inputs:
        if Path(path).resolve() == target or (same is not None and _file_id(Path(path)) == same):
            where = "" if Path(path) == Path(output) else f" ({path})"
            raise OutputError(
                f"{output}: is {what} of this build{where}; writing there would replace it. "
                "Choose another output with -o"
            )


def _file_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of an existing file, else None."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` for the ``with`` block: another process or thread asking
    for the same lock waits until it is released. An existing file is only opened for reading (a build locks
    its source file, which it never writes); a missing one is created with its folder and never removed.
    Uses ``fcntl.flock`` where it exists (Linux, macOS); elsewhere there is no lock. Raises
    :class:`OutputError` if the file cannot be opened or created."""
    if fcntl is None:
        yield
        return
    try:
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise OutputError(f"{path}: cannot create the lock file ({err.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _stage(path: Path, data: bytes | Callable[[BinaryIO], None]) -> str:
    """Write ``data`` (bytes, or a function writing to a file) to a new temporary file next to ``path``
    (fsynced, mode from the umask); return its name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise OutputError(f"{path}: cannot write here ({err.strerror}); choose another output with -o") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({err.strerror}); the previous file is unchanged") from None
    except BaseException:  # e.g. Ctrl-C while a large package is written: leave no temporary file behind
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp
