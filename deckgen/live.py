"""The live preview: the preview page served on 127.0.0.1, rebuilt when a source or media file changes and
reloaded in the browser through Server-Sent Events.

:class:`LivePreview` binds a port on ``127.0.0.1`` (a free one unless told which), builds the page once, and
:meth:`LivePreview.serve` serves it from a thread of a standard-library ``ThreadingHTTPServer`` while the
calling thread watches the sources' folders with watchfiles (inotify, FSEvents or ReadDirectoryChangesW,
never a polling loop of ours). Folders are watched, not files, so that an editor that saves by writing a new
file and renaming it over the old one (vim, VS Code, Emacs) is seen like any other save. On each change the
page is rebuilt in memory and every open page gets an event and reloads. An edit that does not load leaves
the last good cards on the page, with the located problems (``file:line:col: key.path: message``) above
them.

The server answers ``GET /`` (the page) and ``GET /events`` (the event stream), only to requests whose
``Host`` is the address it serves (so another site cannot reach it through a DNS name that points at
127.0.0.1), and nothing else. The page's Content-Security-Policy is the static page's plus the reload
script and ``connect-src 'self'`` (see :func:`deckgen.preview.page_html`).

watchfiles is imported when :meth:`LivePreview.serve` starts watching, so that importing this module stays
cheap.
"""

from __future__ import annotations

import http.server
import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DeckgenError, Problem, SelectionError, ServeError, Severity, SourceError, UsageError
from .listing import gather
from .load import load_sources
from .model import Selection
from .preview import PageCards, page_cards, page_html
from .sourcevalues import IMAGE_SUFFIXES
from .yamlnodes import YAML_SUFFIXES, yaml_files

_VERSION = re.compile("[0-9]{1,18}")
"""A page version as the event stream's ``v=`` gives it: ASCII digits, few enough for ``int`` (``str.isdigit``
takes ``²`` too, and Python refuses to convert more than 4300 digits)."""

if TYPE_CHECKING:
    from watchfiles import Change

HOST = "127.0.0.1"
"""The only address a live preview listens on."""
KEEP_ALIVE = 15.0
"""Seconds between comments on an idle event stream, so that a page gone away is noticed and its thread ends."""
WATCHED_SUFFIXES = (*YAML_SUFFIXES, *IMAGE_SUFFIXES)
"""The files whose change rebuilds the page: sources and the images they may show."""


@dataclass(frozen=True)
class Rebuilt:
    """One build of the live page: how many notes and cards it shows, the errors that kept the edit from
    loading (lines of text; empty when it loaded), and the warnings of the version shown."""

    version: int
    """1 for the first build, one more for each rebuild."""
    notes: int
    cards: int
    errors: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class LivePreview:
    """The preview of the sources under ``paths`` (with ``selection``, or as the named deck ``deck``), served
    on ``http://127.0.0.1:<port>/`` (``port`` 0 picks a free one) and rebuilt whenever they change.

    The first build happens here. Raises :class:`deckgen.errors.UsageError` for ``deck`` with a
    ``selection``, :class:`deckgen.errors.SourceError` for a path that does not exist,
    :class:`deckgen.errors.SelectionError` when the sources load but ``selection`` or ``deck`` names nothing
    in them (as the static preview does: the command line is wrong, not an edit), and
    :class:`deckgen.errors.ServeError` when the port cannot be bound (in use, or not allowed). Errors of the
    sources themselves do not raise: they are shown on the page (see :class:`Rebuilt`). Use it as a context
    manager, or call :meth:`close`, which frees the port.
    """

    def __init__(
        self, paths: Sequence[str | Path], selection: Selection | None = None, deck: str | None = None, port: int = 0
    ):
        missing = [Problem.in_file(p, "no such file or folder") for p in paths if not Path(p).exists()]
        if missing:
            raise SourceError(missing)
        self.paths = list(paths)
        self.selection = selection or Selection()
        self.deck = deck
        self._changed = threading.Condition()
        self._closing = False
        self._page = b""
        self._good = PageCards((), 0, 0, (), "")
        self.version = 0
        self.first = self.rebuild()
        try:
            self._server = _Server((HOST, port), _handler(self))
        except OSError as err:
            raise ServeError(
                f"cannot serve on {HOST}:{port} ({err.strerror}); choose another --port, or leave it out for a free one"
            ) from None
        self.port: int = self._server.server_address[1]
        self.url = f"http://{HOST}:{self.port}/"
        self._thread: threading.Thread | None = None

    def rebuild(self) -> Rebuilt:
        """Build the page again from the sources as they are now, and tell every open page to reload.

        Raises :class:`deckgen.errors.UsageError` as :func:`deckgen.listing.gather` does; every other
        :class:`deckgen.errors.DeckgenError` becomes the errors shown above the last good cards.
        """
        errors: list[str] = []
        warnings: list[Problem] = []
        try:
            groups, warnings = gather(load_sources(self.paths), self.selection, self.deck)
            self._good = page_cards(groups)
        except UsageError:
            raise
        except SelectionError as err:
            if not self.version:  # the first build: the command line names nothing, before anything is served
                raise
            errors = [f"error: {err}"]
        except SourceError as err:
            errors = [str(p) for p in err.problems if p.severity == Severity.ERROR]
            warnings = [p for p in err.problems if p.severity == Severity.WARNING]
        except DeckgenError as err:
            errors = [f"error: {err}"]
        except OSError as err:  # a media file removed between loading and embedding it
            errors = [f"{err.filename}: cannot read: {err.strerror}"]
        with self._changed:
            self.version += 1
            events = f"/events?v={self.version}"
            page = page_html(self._good, errors=errors, warnings=[str(w) for w in warnings], events=events)
            self._page = page.encode("utf-8")
            self._changed.notify_all()
        return Rebuilt(self.version, self._good.notes, self._good.cards, errors, warnings)

    def serve(self, on_rebuild: Callable[[Rebuilt], None] | None = None, stop: threading.Event | None = None) -> None:
        """Serve the page and rebuild it on every saved change to a source or image file (:data:`WATCHED_SUFFIXES`)
        in the sources' folders (and their subfolders), or to a source file whatever its name (``notes.txt``
        named on the command line) and wherever a symbolic link to it points (then only that file is heard
        from the folder it is in), until ``stop`` is set or a KeyboardInterrupt (Ctrl-C), which is raised as
        usual after the port is freed. ``on_rebuild`` hears about each rebuild."""
        import watchfiles

        paths = list(map(Path, self.paths))
        own = {str(p if p.is_dir() else p.parent) for p in paths}
        named = {os.path.realpath(f) for f in yaml_files(self.paths)[0]}
        shown = tuple(os.path.realpath(f) + os.sep for f in own)  # images and other files: only from these
        elsewhere = {n for n in named if not n.startswith(shown)}  # a source a symbolic link leads out of them
        folders = sorted(own | {os.path.dirname(n) for n in elsewhere})
        self._thread = threading.Thread(target=self._server.serve_forever, name="deckgen-live", daemon=True)
        self._thread.start()
        try:
            # step: changes are gathered until none came for 50 ms; debounce: at most this long
            for _ in watchfiles.watch(
                *folders,
                watch_filter=_Filter(named, shown),
                debounce=400,
                step=50,
                stop_event=stop,
                raise_interrupt=True,
            ):
                rebuilt = self.rebuild()
                if on_rebuild:
                    on_rebuild(rebuilt)
        finally:
            self.close()

    @property
    def page(self) -> bytes:
        """The page as it is now (UTF-8 HTML)."""
        with self._changed:
            return self._page

    def next_version(self, version: int) -> int:
        """The current version, once it differs from ``version``, or after :data:`KEEP_ALIVE` seconds, or when
        the preview is closing (see :attr:`closing`)."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != version or self._closing, KEEP_ALIVE)
            return self.version

    @property
    def closing(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closing

    def close(self) -> None:
        """Stop serving, end every event stream and free the port. Safe to call twice."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LivePreview:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Server(http.server.ThreadingHTTPServer):
    """The standard library's threading HTTP server, quiet about pages that go away mid-answer."""

    daemon_threads = True  # an event stream never holds up closing

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a reset or broken connection is a page gone away
            super().handle_error(request, client_address)


class _Filter:
    """watchfiles' default filter (no ``.git``, editor swap and backup files) narrowed to the source files
    (``named``, real paths) and, under the sources' own folders (``folders``, real paths ending in a separator),
    the files a live preview shows (:data:`WATCHED_SUFFIXES`)."""

    def __init__(self, named: set[str], folders: tuple[str, ...]) -> None:
        import watchfiles

        self._default = watchfiles.DefaultFilter()
        self._named, self._folders = named, folders

    def __call__(self, change: Change, path: str) -> bool:
        real = os.path.realpath(path)
        shown = real in self._named or (real.startswith(self._folders) and path.lower().endswith(WATCHED_SUFFIXES))
        return shown and bool(self._default(change, path))


def _handler(live: LivePreview) -> type[http.server.BaseHTTPRequestHandler]:
    allowed_hosts = None  # filled once the port is known

    class Handler(http.server.BaseHTTPRequestHandler):
        """``GET /`` is the page, ``GET /events?v=N`` the stream that says when it changed from version N."""

        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            nonlocal allowed_hosts
            allowed_hosts = allowed_hosts or {f"{HOST}:{live.port}", f"localhost:{live.port}"}
            path, _, query = self.path.partition("?")
            if self.headers.get("Host") not in allowed_hosts:
                self._send(403, b"forbidden: this live preview answers to its own address only\n", "text/plain")
            elif path == "/":
                self._send(200, live.page, "text/html; charset=utf-8")
            elif path == "/events":
                self._events(query)
            else:
                self._send(404, b"not found\n", "text/plain")

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self, query: str) -> None:
            seen = query.removeprefix("v=")  # the page's version; anything but a small ASCII number is none
            version = int(seen) if _VERSION.fullmatch(seen) else 0
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.close_connection = True
            try:
                while not live.closing:
                    current = live.next_version(version)
                    message = b": still here\n\n" if current == version else f"data: {current}\n\n".encode()
                    self.wfile.write(message)
                    self.wfile.flush()
                    version = current
            except OSError:  # the page went away (reloaded or closed)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            """Log nothing: the library never prints."""

    return Handler
