"""Writing files so that a failure loses nothing, refusing to overwrite a build's own inputs, and locks.

:func:`write_all_atomic` writes several files all or nothing: each is first written to a temporary file in
its target's folder, and only when all are written are they renamed into place; a target replaced before a
later rename fails is put back, so a failure leaves every previous file byte-for-byte intact. The package
and the ledger of a build, the preview page and this machine's record are all written this way.

Imports only the standard library (``fcntl`` where it exists; ``shutil`` and ``tempfile`` when writing).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None  # type: ignore[assignment]

from .errors import OutputError

Data = bytes | Callable[[BinaryIO], None]
"""What to write: the bytes, or a function that writes them to the binary file it is given."""


def write_all_atomic(files: list[tuple[Path, Data]], mode: int | None = None) -> None:
    """Write each ``(path, data)`` via a temporary file in the target's folder, then rename them into place.
    ``data`` is the bytes to write, or a function that writes them to the binary file it is given. ``mode``
    (such as ``0o600``, for a file only the user may read) gives the files' permission bits from the moment
    they are created; by default they get ``0o666`` less the umask.

    All or nothing: every temporary file is written (and every target checked) before the first rename, so
    a folder that cannot be created or written, a full disk or a target that is a folder, a device or a
    pipe changes none of the files; and each target but the last is kept aside (a hard link, else a copy)
    before it is replaced, so that if a later rename fails (or the build is interrupted) the files already
    renamed are put back.
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
            staged.append((_stage(Path(path), data, mode), Path(path)))
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
    import shutil
    import tempfile

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


def _stage(path: Path, data: Data, mode: int | None) -> str:
    """Write ``data`` (bytes, or a function writing to a file) to a new temporary file next to ``path``
    (fsynced; permission bits ``mode``, or from the umask if it is None); return its name."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise OutputError(f"{path}: cannot write here ({err.strerror}); choose another output with -o") from None
    try:
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(fd, mode)
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
