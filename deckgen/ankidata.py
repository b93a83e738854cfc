"""Where Anki keeps its profiles: the data folder, a profile's collection and its backup folder.

The rule is Anki's own, from ``qt/aqt/profiles.py`` (``ProfileManager.get_created_base_folder``,
``_default_base``, ``collectionPath``, ``backupFolder``): the data folder is the one given (Anki's ``-b``,
deckgen's ``--base``), else ``$ANKI_BASE``, else per platform

* Windows: ``%APPDATA%\\Anki2`` (the roaming application-data folder);
* macOS: ``~/Library/Application Support/Anki2``;
* elsewhere: ``$XDG_DATA_HOME/Anki2``, with ``XDG_DATA_HOME`` defaulting to ``~/.local/share``.

A profile named ``NAME`` is the folder ``<data folder>/NAME``; its collection is ``collection.anki2`` in it,
and Anki writes its backups to ``backups/`` there. Nothing here imports Anki or touches a collection.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from .errors import DeckgenError, suggest

COLLECTION_FILE = "collection.anki2"
BACKUP_FOLDER = "backups"


class ProfileError(DeckgenError):
    """An Anki profile or collection named on the command line does not exist."""


def default_base(platform: str = sys.platform, environ: Mapping[str, str] | None = None) -> Path:
    """Anki's data folder for ``platform`` (``sys.platform`` value) and environment ``environ`` (default
    ``os.environ``): ``$ANKI_BASE`` if set, else the platform's default (see the module docstring)."""
    env = os.environ if environ is None else environ
    if env.get("ANKI_BASE"):
        return Path(env["ANKI_BASE"])
    if platform.startswith("win"):
        return Path(env.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "Anki2"
    if platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Anki2"
    return Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "Anki2"


def profiles(base: Path) -> list[str]:
    """The names of the profiles in the data folder ``base`` that have a collection, sorted."""
    try:
        return sorted(p.name for p in base.iterdir() if (p / COLLECTION_FILE).is_file())
    except OSError:
        return []


def profile_collection(name: str, base: Path | None = None) -> Path:
    """The collection file of the profile ``name`` under ``base`` (default :func:`default_base`).

    Raises :class:`ProfileError` when there is no such collection, saying which of these it is: no data
    folder ``base`` at all, a profile folder without a collection yet (Anki writes it when the profile is
    first opened), or no such profile (naming the profiles that exist).
    """
    base = default_base() if base is None else base
    if not name or name in (".", "..") or "/" in name or os.sep in name:
        raise ProfileError(f"'{name}' is not a profile name")
    path = base / name / COLLECTION_FILE
    if path.is_file():
        return path
    other = "give --base DIR for another data folder, or --collection PATH"
    if not base.is_dir():
        raise ProfileError(f"no Anki data folder {base} (is Anki installed and opened once here?); {other}")
    if (base / name).is_dir():
        raise ProfileError(
            f"the Anki profile folder {base / name} has no collection yet; open the profile in Anki once (Anki "
            f"writes {COLLECTION_FILE} then), or {other}"
        )
    found = profiles(base)
    known = f"profiles there: {', '.join(found)}" if found else "no profile with a collection is there"
    raise ProfileError(f"no Anki profile '{name}' in {base}{suggest(name, found)} ({known}); {other}")


def backup_folder(collection: Path) -> Path:
    """Where Anki keeps the backups of ``collection``: ``backups/`` next to it (a profile's backup folder)."""
    return collection.parent / BACKUP_FOLDER
