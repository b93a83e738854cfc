"""Writing files so that a failure loses nothing, refusing to overwrite a build's own inputs, and locks.

:func:`write_all_atomic` writes several files all or nothing: each is first written to a staged file in the
hidden folder :data:`STAGING` next to its target, and only when all are written are they renamed into
place; a target replaced before a later rename fails is put back, so a failure leaves every previous file
byte-for-byte intact. The packages and ledgers of a build, the preview page and this machine's record are
all written this way, and the package's scratch collection is made there too (:func:`scratch_file`).

The staging folder holds a ``.gitignore`` of ``*``, so ``git add cards`` never picks up a staged file. A
live writer holds an ``flock`` on each of its staged files, so the next writer in that folder can tell the
files a killed build left behind and removes them; a staging folder left empty is removed.

Imports only the standard library (``fcntl`` where it exists; ``shutil`` and ``tempfile`` when writing).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None  # type: ignore[assignment]

from .errors import BusyError, OutputError

Data = bytes | Callable[[BinaryIO], None]
"""What to write: the bytes, or a function that writes them to the binary file it is given."""

STAGING = ".deckgen-tmp"
"""The hidden folder, next to each file deckgen writes, that holds its staged files while it is written."""
_NAME_PART = 80
"""Characters of a target's name that a staged file's name repeats (a name has at most 255 bytes)."""


def _why(err: OSError) -> str:
    return err.strerror or str(err)


def _cannot_write(target: Path, folder: Path, err: OSError) -> OutputError:
    """The error for a staged file that cannot be made in ``folder`` for ``target``: a file (or a link to
    one) where a folder of the path belongs is named as such, as making it writable would not help."""
    blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        return OutputError(f"{target}: {blocking} is a file, not a folder; move it away, or write elsewhere with -o")
    return OutputError(f"{target}: cannot write in {folder} ({_why(err)}); make that folder writable")


def staging_folder(target: Path) -> Path:
    """The staging folder for ``target`` (created, with its ``.gitignore``), after removing the staged
    files that no live writer holds (left by a build that was killed). Raises :class:`OutputError`."""
    folder = Path(target).parent / STAGING
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# staged files of deckgen, never committed\n*\n", encoding="utf-8")
    except OSError as err:
        raise _cannot_write(target, folder.parent, err) from None
    for stale in folder.iterdir():
        if stale.name != ".gitignore":
            _remove_if_unheld(stale)
    return folder


def _remove_if_unheld(path: Path) -> None:
    """Remove the staged file ``path`` unless a live writer holds its lock."""
    if fcntl is None:
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path.unlink(missing_ok=True)
    except OSError:
        pass  # held: a build is writing it right now
    finally:
        os.close(fd)


def remove_empty_staging(targets: Iterable[Path]) -> None:
    """Remove the staging folder of each target if nothing but its ``.gitignore`` is left in it."""
    for folder in {Path(t).parent / STAGING for t in targets}:
        try:
            if [p.name for p in folder.iterdir()] == [".gitignore"]:
                (folder / ".gitignore").unlink()
                folder.rmdir()
        except OSError:
            pass  # another writer is using it, or it is gone already


class _Staged:
    """A new file in the staging folder of a target, locked against clean-up until :meth:`close`."""

    def __init__(self, target: Path, suffix: str):
        import tempfile

        folder = staging_folder(target)
        try:
            fd, name = tempfile.mkstemp(prefix=f"{target.name[:_NAME_PART]}.", suffix=suffix, dir=folder)
        except OSError as err:
            raise _cannot_write(target, folder.parent, err) from None
        self.fd, self.path = fd, Path(name)
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)

    def relock(self) -> None:
        """Lock the file now at :attr:`path` (after it was replaced by another under the same name)."""
        fd = os.open(self.path, os.O_RDONLY)
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.close(self.fd)
        self.fd = fd

    def close(self, remove: bool = True) -> None:
        if remove:
            self.path.unlink(missing_ok=True)
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


@contextmanager
def scratch_file(target: Path, suffix: str) -> Iterator[Path]:
    """An empty scratch file in ``target``'s staging folder for the ``with`` block (the package's collection
    database: never in the system's temporary folder, where a killed build would leave it). Removed after."""
    staged = _Staged(target, suffix)
    try:
        yield staged.path
    finally:
        staged.close()


def check_target(path: Path) -> None:
    """Raise :class:`OutputError` if ``path`` cannot be written as a file: a folder, a device or a pipe, a
    symbolic link (deckgen renames a new file into place, which would replace the link itself, so it never
    writes through one), a path below a file (``cards/x.yaml`` where ``cards`` is a file), or a name the
    file system refuses."""
    try:
        if path.is_symlink():
            raise OutputError(
                f"{path}: is a symbolic link, and writing would replace the link; give the file it points to "
                f"({os.readlink(path)}) or another name"
            )
        if path.is_dir():
            raise OutputError(f"{path}: is a folder, where deckgen writes a file; move or rename the folder")
        folder = next((p for p in path.parents if os.path.lexists(p)), None)
        if folder is not None and not folder.is_dir():
            raise OutputError(f"{folder}: is a file, where deckgen needs a folder for {path}; move or rename the file")
        if path.exists() and not path.is_file():
            raise OutputError(f"{path}: is not a regular file (a device or a pipe?); writing would replace it")
    except OSError as err:
        shorter = "; give a shorter name (with -o, for a build)" if err.errno == errno.ENAMETOOLONG else ""
        raise OutputError(f"{path}: cannot write there ({_why(err)}){shorter}") from None


def write_all_atomic(files: list[tuple[Path, Data]], mode: int | None = None) -> None:
    """Write each ``(path, data)`` via a staged file in the target's staging folder (:data:`STAGING`), then
    rename them into place. ``data`` is the bytes to write, or a function that writes them to the binary file
    it is given. ``mode`` (such as ``0o600``, for a file only the user may read) gives the files' permission
    bits from the moment they are created; by default they get ``0o666`` less the umask.

    All or nothing: every target is checked (:func:`check_target`) and every staged file written before the
    first rename, so a folder that cannot be created or written, a full disk, or a target that is a folder,
    a device, a pipe or a symbolic link changes none of the files; and each target but the last is kept
    aside (a hard link, else a copy) before it is replaced, so that if a later rename fails (or the build is
    interrupted) the files already renamed are put back. Renames happen in the order given. Creates missing
    parent folders. Raises :class:`OutputError` naming the path, and leaves every existing file as it was.
    """
    for path, _ in files:
        check_target(Path(path))
    staged: list[tuple[_Staged, Path]] = []
    replaced: list[tuple[Path, _Staged | None, bool]] = []  # renamed, its previous file kept aside, existed
    try:
        for path, data in files:
            staged.append((_stage(Path(path), data, mode), Path(path)))
        last = len(staged) - 1
        for i, (tmp, path) in enumerate(staged):
            existed = os.path.lexists(path)
            kept = _keep_aside(path) if i < last else None
            try:
                os.replace(tmp.path, path)
            except OSError as err:
                if kept:
                    kept.close()
                raise OutputError(f"{path}: cannot write ({_why(err)}); no file was changed") from None
            replaced.append((path, kept, existed))
    except BaseException:
        _put_back(replaced)
        raise
    finally:
        for tmp, _ in staged:
            tmp.close()
        for _, kept, _ in replaced:  # all renamed: the previous files are no longer needed
            if kept:
                kept.close()
        remove_empty_staging(Path(path) for path, _ in files)


def _keep_aside(path: Path) -> _Staged | None:
    """Keep the current file at ``path`` under a new name in its staging folder (a hard link, or a copy where
    links are not possible), locked like a staged file, and return it; None if there is no file."""
    if not os.path.lexists(path):
        return None
    import shutil

    kept = _Staged(path, ".old")
    try:
        kept.path.unlink()
        try:
            os.link(path, kept.path, follow_symlinks=False)
        except (OSError, NotImplementedError):
            shutil.copy2(path, kept.path, follow_symlinks=False)
        kept.relock()
    except OSError as err:
        kept.close()
        raise OutputError(
            f"{path}: cannot keep the previous file while writing ({_why(err)}); no file was changed"
        ) from None
    return kept


def _put_back(replaced: list[tuple[Path, _Staged | None, bool]]) -> None:
    """Undo the renames in ``replaced`` (target, its kept previous file, whether it existed before), last
    first, and empty the list. Raises :class:`OutputError` naming each file that could not be put back and
    where its previous version is (that copy is then left in place)."""
    failed = []
    while replaced:
        path, kept, existed = replaced.pop()
        try:
            if kept is None and not existed:
                path.unlink(missing_ok=True)
            elif kept is None:
                continue
            else:
                os.replace(kept.path, path)
                kept.close(remove=False)
        except OSError as err:
            if kept is not None:
                kept.close(remove=False)
            where = kept.path if kept else "gone"
            failed.append(
                f"{path}: was replaced but could not be put back ({_why(err)}); its previous version is {where}"
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


def refuse_replacing_other_files(output: Path, ours: Callable[[BinaryIO], bool], what: str) -> None:
    """Raise :class:`OutputError` if ``output`` is an existing, non-empty file that ``ours`` (given the file
    open for reading) does not take for what the command writes there, ``what`` (``"an Anki package"``). So
    ``-o`` replaces an earlier package or page of its own kind, never a source, a README, a document or
    another command's output given by mistake. A folder, a link or a device is left to :func:`check_target`."""
    try:
        if output.is_symlink() or not output.is_file():
            return
        with output.open("rb") as f:
            empty = not f.read(1)
            f.seek(0)
            kept = empty or ours(f)
    except OSError:
        return  # check_target and the write itself say what is wrong with the path
    if not kept:
        raise OutputError(
            f"{output}: exists and is not {what}; writing there would replace it. Remove it first, or choose "
            "another output with -o"
        )


def starts_with(signature: bytes) -> Callable[[BinaryIO], bool]:
    """A test for :func:`refuse_replacing_other_files`: the file begins with ``signature`` (ASCII case
    ignored)."""
    return lambda f: f.read(len(signature)).lower() == signature.lower()


def _file_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of an existing file, else None."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


@contextmanager
def locked(path: Path, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` for the ``with`` block: another process or thread asking
    for the same lock waits until it is released, or with ``wait=False`` gets :class:`BusyError` at once. An
    existing file is only opened for reading (a build locks its source file, which it never writes); a
    missing one is created with its folder and never removed. Uses ``fcntl.flock`` where it exists (Linux,
    macOS); elsewhere there is no lock. Raises :class:`OutputError` if the file cannot be opened or created."""
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
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(f"{path}: held by another process") from None
        yield
    finally:
        os.close(fd)  # releases the lock


def _stage(path: Path, data: Data, mode: int | None) -> _Staged:
    """Write ``data`` (bytes, or a function writing to a file) to a new staged file for ``path`` (fsynced;
    permission bits ``mode``, or from the umask if it is None); return it, still locked."""
    staged = _Staged(path, ".tmp")
    try:
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(staged.fd, mode)
        with os.fdopen(os.dup(staged.fd), "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as err:
        staged.close()
        raise OutputError(f"{path}: cannot write ({_why(err)}); the previous file is unchanged") from None
    except BaseException:  # e.g. Ctrl-C while a large package is written: leave no staged file behind
        staged.close()
        raise
    return staged
