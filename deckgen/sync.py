"""deckgen as one more Anki client of the user's account: login, and build → sync down → apply → sync up.

:func:`login`, :func:`logout` and :func:`sync_decks` are what ``deckgen login``, ``logout`` and ``sync``
run. They need the official ``anki`` package (``pip install 'deckgen[anki]'``), imported inside the
functions that use it. Everything goes through Anki's own sync code (rslib ``sync/``), against AnkiWeb or
a self-hosted server (``python -m anki.syncserver``).

**Login** (:func:`login`) asks the server for a sync key (Anki's ``hkey``, rslib ``sync/login.rs``) and
stores the key, the user name and the endpoint — never the password — in ``<state folder>/sync-login.json``
(:func:`deckgen.state.state_dir`, so ``DECKGEN_STATE_DIR`` is respected), a file only the user can read
(mode 0600). :func:`logout` removes it and deckgen's copy of the collection (and the ``sync/`` folder, when
that leaves it empty).

**The copy.** deckgen keeps its own copy of the account's collection, with its media folder, in
``<state folder>/sync/<account>/``. :func:`sync_decks` runs, in order:

1. Build every source as ``deckgen build`` does, into temporary packages; once the build has found no problem,
   and before it writes its ledger, bring the copy up to date. A copy that never synced (``col.ls == 0``) is
   replaced by a full download, also from an empty server: a fresh collection's first sync otherwise reports
   "no changes" and leaves the two with different schemas, so that the next sync could only be a one-way
   upload (seen with the ``anki`` 26.9 server). Otherwise a normal sync, which also sends what an interrupted
   earlier run left unsent. When the server requires a full sync (rslib ``sync/collection/meta.rs``: the
   schemas differ), deckgen downloads: its copy holds nothing that the sources cannot make again. Where only
   an upload would do (the server's collection is empty and the copy is not), it stops and says why: deckgen
   never uploads a collection over the server's.
2. Refuse a note whose kind (Q/A or cloze) differs from the account's note under its GUID
   (:func:`deckgen.install.refuse_kind_changes`); then the build writes its ledger.
3. Apply the packages and the prune to the copy with :func:`deckgen.install.apply_decks` (Anki's importer,
   one transaction). Importing deckgen's note types, adding a note-type copy "… +", updating templates or
   CSS, and removing notes never mark the schema changed (checked by experiment, and in rslib: only field or
   template reordering, note-type removal and the like call ``set_schema_modified``), so the result goes up
   with a normal sync.
4. Sync up (a normal sync). Should the server now require a full sync (another client forced one in
   between), deckgen downloads again and re-applies, at most :data:`ROUNDS` times.
5. Sync media both ways with Anki's media sync and wait for it to finish. The copy's media folder therefore
   holds the account's media.

**Failures.** A dropped connection or a server that stops answering (after Anki's I/O timeout, 30 s:
rslib ``sync/http_client/mod.rs``) raises :class:`SyncError`. Nothing is lost: a normal sync is one
transaction on both sides and is rolled back on error (rslib ``sync/collection/normal.rs``), a full download
is written to a temporary file and renamed into place only when complete (``sync/collection/download.rs``),
and changes the copy could not send stay in it until the next run sends them. Wrong credentials raise
:class:`LoginError`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from .builds import DeckChoice
from .errors import BusyError, DeckgenError
from .files import locked, write_all_atomic
from .install import (
    ANKI_TABLES,
    CollectionError,
    DeckImport,
    apply_decks,
    built,
    database,
    open_collection,
    predict_import,
    require_anki,
    table_names,
)
from .load import load_sources
from .records import DamagedRecordError, fields_of, load_json, read_text
from .state import state_dir

if TYPE_CHECKING:
    from anki.collection import Collection
    from anki.sync_pb2 import SyncAuth

ANKIWEB = "https://sync.ankiweb.net/"
"""Anki's sync endpoint when none is configured (rslib ``sync/http_client/mod.rs``)."""
LOGIN_FILE = "sync-login.json"
ROUNDS = 3
"""How many times :func:`sync_decks` downloads and re-applies when the server keeps requiring a full sync."""
_UNFINISHED = (
    ". Nothing is lost: deckgen's copy of the collection keeps what it applied, and the next deckgen sync completes it"
)
"""What a failed step after the decks were applied adds: the changes wait in the copy for the next run."""
_NOT_STARTED = ". Nothing was sent or applied yet; run deckgen sync again once the server answers"
"""What a failed step before the decks were applied (bringing the copy up to date) adds."""
_MEDIA_POLL = 0.05
"""Seconds between checks of whether Anki's background media sync has finished."""

_P = ParamSpec("_P")
_T = TypeVar("_T")


class LoginError(DeckgenError):
    """The sync server refused the user name and password, or the stored sync key; or there is none."""


class SyncError(DeckgenError):
    """A sync could not be completed (network, server, or a full sync that only an upload would settle)."""


@dataclass(frozen=True)
class Login:
    """What ``deckgen login`` stores: the user name, the endpoint (None for AnkiWeb), the sync key, and the
    name of the folder of deckgen's copy of that account's collection (under ``<state folder>/sync/``)."""

    username: str
    endpoint: str | None
    hkey: str
    folder: str

    @staticmethod
    def path() -> Path:
        """``<state folder>/sync-login.json``."""
        return state_dir() / LOGIN_FILE

    @property
    def collection(self) -> Path:
        """deckgen's copy of the account's collection: ``<state folder>/sync/<folder>/collection.anki2``."""
        return state_dir() / "sync" / self.folder / "collection.anki2"

    @property
    def where(self) -> str:
        """The endpoint as shown to the user."""
        return self.endpoint or ANKIWEB

    @classmethod
    def read(cls) -> Login:
        """The stored login. Raises :class:`LoginError` when there is none or it cannot be read."""
        path = cls.path()
        raw, why = read_text(path)
        if raw is None:
            detail = f"{path} cannot be read ({why})" if why else "no login is stored"
            raise LoginError(f"not logged in ({detail}); run: deckgen login --username NAME [--endpoint URL]")
        try:
            keys: dict[str, type] = {"username": str, "hkey": str, "folder": str}
            data = fields_of(load_json(raw), "the file", keys, {"endpoint": str})
        except DamagedRecordError as err:
            raise LoginError(f"{path}: the stored login is damaged ({err}); run deckgen login again") from None
        return cls(data["username"], data.get("endpoint"), data["hkey"], data["folder"])

    @classmethod
    def stored(cls) -> Login | None:
        """The stored login, or None when there is none or it cannot be read (what login and logout replace)."""
        try:
            return cls.read()
        except LoginError:
            return None

    def write(self) -> None:
        """Store the login, readable and writable by the user only (0600), replacing any earlier one.
        Raises :class:`deckgen.errors.OutputError` if it cannot be written."""
        data = {k: v for k, v in asdict(self).items() if v is not None}
        write_all_atomic([(self.path(), json.dumps(data).encode())], mode=0o600)


def _auth(login: Login) -> SyncAuth:
    """Anki's ``SyncAuth`` for ``login``, with Anki's default network I/O timeout (30 s)."""
    from anki.sync_pb2 import SyncAuth

    return SyncAuth(hkey=login.hkey, endpoint=login.endpoint)


def _failure(err: Exception, where: str, doing: str, after: str = "") -> DeckgenError:
    """Anki's sync exceptions as deckgen errors: a refused key or password is :class:`LoginError`, the rest
    :class:`SyncError` with Anki's message, what was being done, and ``after`` (what now holds)."""
    from anki.errors import SyncError as AnkiSyncError
    from anki.errors import SyncErrorKind

    if isinstance(err, AnkiSyncError) and err.kind is SyncErrorKind.AUTH:
        return LoginError(f"{where} refused the login ({err}); run deckgen login again")
    message = " ".join(str(err).replace("\u2068", "").replace("\u2069", "").split())  # Anki's isolation marks
    if after.startswith("."):  # Anki's message may end a sentence itself
        message = message.rstrip(".")
    return SyncError(f"could not {doing} with {where}: {message}{after}")


def login(username: str, password: str, endpoint: str | None = None) -> Login:
    """Log in to ``endpoint`` (an ``http://`` or ``https://`` URL; None: AnkiWeb) and store the sync key
    (see :class:`Login`). A login to another account or server than the stored one also removes deckgen's
    copy of the old account.

    Raises :class:`deckgen.install.AnkiMissingError`, :class:`LoginError` (wrong user name or password),
    :class:`SyncError` (the server cannot be reached), :class:`deckgen.errors.OutputError` (the login
    cannot be stored).
    """
    require_anki()
    from anki._backend import RustBackend
    from anki.errors import BackendError
    from anki.sync_pb2 import SyncLoginRequest

    where = endpoint or ANKIWEB
    try:
        auth = RustBackend().sync_login(SyncLoginRequest(username=username, password=password, endpoint=endpoint))
    except BackendError as err:
        raise _failure(err, where, "log in") from None
    folder = hashlib.sha256(f"{where}\n{username}".encode()).hexdigest()[:16]
    with _sync_lock("log in"):
        old = Login.stored()
        new = Login(username, endpoint, auth.hkey, folder)
        new.write()
        if old is not None and old.folder != folder:
            _remove_copy(old)
    return new


def logout() -> Login | None:
    """Remove the stored login and deckgen's copy of that account's collection. Returns the login that was
    removed, or None if there was none.

    Raises :class:`deckgen.install.CollectionError`, and removes nothing, while a deckgen sync runs on this
    machine (:func:`_sync_lock`): removing the copy under it would lose what it applied and not yet sent."""
    with _sync_lock("log out"):
        old = Login.stored()
        Login.path().unlink(missing_ok=True)
        if old is not None:
            _remove_copy(old)
    return old


@contextlib.contextmanager
def _sync_lock(then: str) -> Iterator[None]:
    """Hold this machine's sync lock (``<state folder>/sync.lock``) for the ``with`` block, without waiting:
    a sync holds it from its start to its end (the copy is closed while a full download replaces it, so the
    copy's own lock does not cover a sync), and ``login`` and ``logout`` while they change the stored login
    or remove a copy. Raises :class:`deckgen.install.CollectionError`, saying to ``then`` once that sync has
    finished, when another process holds it."""
    try:
        with locked(state_dir() / "sync.lock", wait=False):
            yield
    except BusyError:
        raise CollectionError(
            f"a deckgen sync is running on this machine; {then} once it has finished; nothing was changed"
        ) from None


def _damaged(copy: Path) -> bool:
    """Whether deckgen's copy of an account's collection is damaged: not an SQLite database, a corrupt one, or
    one without Anki's tables. No file, or an empty one (as an interrupted first sync can leave: Anki makes a
    collection of it), is not; nor is one another program has open (Anki's backend keeps a collection locked
    while it is open, so a read finds it locked at once, and Anki's own open then says it is in use)."""
    import sqlite3

    if not copy.is_file() or copy.stat().st_size == 0:
        return False
    try:
        tables = table_names(copy)
    except sqlite3.OperationalError as err:
        return "locked" not in str(err)
    except sqlite3.Error:
        return True
    return not ANKI_TABLES <= tables


def _remove_copy(login: Login) -> None:
    """Remove deckgen's copy of ``login``'s collection (its folder), and ``<state folder>/sync/`` too once it
    is empty, so that no empty folder is left behind."""
    folder = login.collection.parent
    shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(OSError):  # not empty: another account's copy is there
        folder.parent.rmdir()


@dataclass
class SyncResult:
    """What ``deckgen sync`` did: the login used, the steps of the sync in order (plain sentences), and
    what happened (or, in a dry run, would happen) per deck."""

    login: Login
    steps: list[str] = field(default_factory=list)
    decks: list[DeckImport] = field(default_factory=list)
    dry_run: bool = False


class _Client:
    """deckgen's copy of the collection (an open ``Collection``) talking to the server."""

    def __init__(self, col: Collection, login: Login, steps: list[str]):
        self.col, self.login, self.steps = col, login, steps
        self.auth = _auth(login)
        self.applied = False
        """Whether this run has applied the decks to the copy (a failure after that leaves them for the next)."""

    def _call(self, doing: str, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        from anki.errors import BackendError

        try:
            return fn(*args, **kwargs)
        except BackendError as err:
            raise _failure(err, self.login.where, doing, _UNFINISHED if self.applied else _NOT_STARTED) from None

    def never_synced(self) -> bool:
        return bool(database(self.col).scalar("SELECT ls FROM col") == 0)

    def unsent_changes(self) -> bool:
        return bool(database(self.col).scalar("SELECT mod > ls FROM col"))

    def download(self, why: str) -> None:
        """Replace the copy with the server's collection (a full download)."""
        col = self.col
        col.close_for_full_sync()
        try:
            self._call(
                "download the collection", col.full_upload_or_download, auth=self.auth, server_usn=None, upload=False
            )
        finally:
            col.reopen(after_full_sync=True)
        self.steps.append(f"downloaded the collection ({why})")

    def sync(self, doing: str) -> str:
        """A normal sync; returns "done", or "full" when the server requires a full sync that a download
        settles. Raises :class:`SyncError` when only an upload would."""
        out = self._call(doing, self.col.sync_collection, self.auth, False)
        if out.new_endpoint:  # AnkiWeb moved the account: keep using the new address, as Anki does
            self.login = replace(self.login, endpoint=out.new_endpoint)
            self.login.write()
            self.auth = _auth(self.login)
        if out.server_message:
            self.steps.append(f"the server says: {out.server_message}")
        if out.required == out.NO_CHANGES:
            return "done"
        if out.required == out.FULL_UPLOAD:
            raise SyncError(
                f"{self.login.where} holds an empty collection but deckgen's copy of it is not empty; only a full "
                "upload would sync them, and deckgen never uploads a collection over the server's. If the account "
                "was emptied on purpose, sync Anki on your computer first (it offers the upload), or run deckgen "
                "logout and deckgen login to start again from the server's empty collection"
            )
        return "full"

    def sync_media(self) -> None:
        """Anki's media sync, both ways, waited for until it ends."""
        self._call("sync media", self.col.sync_media, self.auth)
        while self._call("sync media", self.col.media_sync_status).active:
            time.sleep(_MEDIA_POLL)
        self.steps.append("synced media")

    def bring_up_to_date(self, dry_run: bool) -> None:
        if self.never_synced():
            self.download("first sync")
        elif dry_run and self.unsent_changes():
            self.steps.append(
                "deckgen's copy holds changes an earlier run could not send; a dry run sends "
                "nothing, so this compares with the copy as it is"
            )
        elif self.sync("sync down") == "full":
            self.download("the server required a full sync")
        else:
            self.steps.append("synced down")


def sync_decks(
    paths: Sequence[str | Path],
    *,
    choice: DeckChoice | None = None,
    prune: bool = False,
    dry_run: bool = False,
    source_moved: bool = False,
    as_new: bool = False,
) -> SyncResult:
    """Build the decks ``choice`` names (default: the full deck) from the sources under ``paths`` (files or
    folders) as :func:`deckgen.install.install_decks` does, bringing deckgen's copy of the account's collection
    up to date once the build has found no problem, apply the packages (and with ``prune`` remove the notes the
    sources no longer make), and sync the result and its media up; see the module docstring for each step. With
    ``dry_run`` nothing is sent and no ledger written: the copy is only brought up to date (downloads only) and
    the result says what would change. ``source_moved`` and ``as_new`` as for
    :func:`deckgen.install.install_decks`.

    Raises :class:`deckgen.errors.UsageError` for deck options that cannot be combined, :class:`LoginError`,
    :class:`SyncError`, :class:`deckgen.install.AnkiMissingError`,
    :class:`deckgen.install.CollectionError` (another deckgen sync runs on this machine, or the copy is damaged),
    :class:`deckgen.errors.SourceError` for a kind change (:func:`deckgen.install.refuse_kind_changes`), and
    what :func:`deckgen.load.load_sources` and :func:`deckgen.builds.build_sources` raise.
    """
    choice = DeckChoice() if choice is None else choice
    choice.check()
    require_anki()
    with _sync_lock("sync"):
        return _sync(paths, choice, prune, dry_run, source_moved, as_new)


def _sync(
    paths: Sequence[str | Path], choice: DeckChoice, prune: bool, dry_run: bool, source_moved: bool, as_new: bool
) -> SyncResult:
    stored = Login.read()
    sources = load_sources(list(paths))
    result = SyncResult(stored, dry_run=dry_run)
    stored.collection.parent.mkdir(parents=True, exist_ok=True)
    if _damaged(stored.collection):  # say what mends it, rather than Anki's error
        raise CollectionError(
            f"{stored.collection}: deckgen's copy of the account's collection is damaged (not an Anki "
            "collection, or a corrupt one); deckgen logout removes it, and after deckgen login the next sync "
            "downloads a fresh copy from the server; nothing was sent"
        )
    in_use = "Another program has deckgen's copy of the collection open; close it and try again"
    with open_collection(stored.collection, True, in_use) as col:
        client = _Client(col, stored, result.steps)
        # the copy is brought up to date once the build found no problem, then checked against (built())
        sync_down = functools.partial(client.bring_up_to_date, dry_run)
        with built(sources, choice, col, dry_run, source_moved, sync_down, prune, as_new) as packages:
            if dry_run:
                result.decks, result.login = predict_import(col, packages), client.login
                return result
            for _ in range(ROUNDS):
                result.decks = apply_decks(col, packages, prune)
                client.applied = True
                if client.sync("sync up") == "done":
                    result.steps.append("synced up")
                    break
                client.download("the server required a full sync; applying again")
            else:
                raise SyncError(
                    f"{stored.where} required a full sync {ROUNDS} times in a row; nothing was uploaded. "
                    "Sync Anki on your computer, then run deckgen sync again"
                )
            client.sync_media()
    result.login = client.login
    return result
