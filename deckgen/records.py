"""Strict reading of the small JSON record files deckgen keeps: the build ledger and this machine's record.

Both files are written by deckgen but may be edited by hand, damaged, or written on a machine whose clock
is ahead. Every function here either returns a value of the exact type and range expected or raises
:class:`DamagedRecordError` saying what is wrong where; the callers then start afresh (see
:mod:`deckgen.ledger` and :mod:`deckgen.state`). Times are Unix epoch seconds.

Imports only the standard library and :mod:`deckgen.errors`.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

from .errors import clip, clip_list

OLDEST_MOD = 946684800
"""2000-01-01 in epoch seconds: a ``mod`` before it cannot come from a deckgen build (the record is damaged)."""
MAX_AHEAD = 1
"""Seconds a recorded ``mod`` may lie ahead of this machine's clock (clocks a second apart, or a clock set back
a little). Anything later — e.g. written on a machine whose clock is minutes ahead — makes the record damaged:
stamping past it would put a future ``mod`` into Anki, which blocks every later update of that note until then.
So the build never waits more than ``MAX_AHEAD + 1`` seconds (see :func:`deckgen.changes.earliest_stamp_time`)."""
_TYPE_ID = re.compile(r"[1-9][0-9]{0,18}")
_MAX_ID = (1 << 63) - 1


class DamagedRecordError(ValueError):
    """A ledger or this machine's record (:mod:`deckgen.state`) has the wrong shape or impossible values."""


def check_mod(value: object, where: str, now: int) -> int:
    """``value`` if it is a plausible ``mod`` (an int, not a bool, from 2000 up to ``now + MAX_AHEAD``);
    raises :class:`DamagedRecordError` naming ``where`` otherwise."""
    if type(value) is not int:
        raise DamagedRecordError(f"{where}: mod {quote_value(value)} is not a whole number of seconds")
    if value < OLDEST_MOD:
        raise DamagedRecordError(f"{where}: mod {value} is before the year 2000")
    if value > now + MAX_AHEAD:
        raise DamagedRecordError(
            f"{where}: mod {quote_value(value)} is {quote_value(value - now)} s in the future (written on a machine "
            "whose clock is ahead?)"
        )
    return value


def check_type_id(value: object, where: str) -> int:
    """``value`` if it is a note-type id (a positive 64-bit int, not a bool); raises :class:`DamagedRecordError`
    otherwise."""
    if type(value) is not int or not 0 < value <= _MAX_ID:
        raise DamagedRecordError(f"{where}: {quote_value(value)} is not a note-type id")
    return value


def type_id_key(key: str, where: str) -> int:
    """A note-type id written as a JSON object key (``"1768331001"``, ASCII digits only) as an int."""
    if not _TYPE_ID.fullmatch(key) or int(key) > _MAX_ID:
        raise DamagedRecordError(f"{where}: {quote_value(key)} is not a note-type id")
    return int(key)


def fields_of(
    raw: object, where: str, required: dict[str, type], optional: dict[str, type] | None = None
) -> dict[str, Any]:
    """The JSON object ``raw`` checked to have exactly the ``required`` keys (and any of ``optional``), each
    value of the type given (``int`` excludes bools); raises :class:`DamagedRecordError` naming ``where`` otherwise."""
    if not isinstance(raw, dict):
        raise DamagedRecordError(f"{where}: not a JSON object")
    required_seen = 0  # the usual case first, in one pass; a failure is explained by the checks below
    for k, v in raw.items():
        kind = required.get(k)
        if kind is not None:
            required_seen += 1
        elif optional is not None:
            kind = optional.get(k)
        if type(v) is not kind:
            break
    else:
        if required_seen == len(required):
            return raw
    optional = optional or {}
    missing = [k for k in required if k not in raw]
    unknown = [k for k in raw if k not in required and k not in optional]
    if missing or unknown:
        what = [f"missing {clip_list(missing)}"] if missing else []
        what += [f"unknown {quote_value(unknown)}"] if unknown else []
        raise DamagedRecordError(f"{where}: {'; '.join(what)}")
    for k, v in raw.items():
        kind = required.get(k) or optional[k]
        if type(v) is not kind:
            raise DamagedRecordError(f"{where}.{k}: {quote_value(v)} is not a {kind.__name__}")
    return raw


def read_text(path: Path) -> tuple[str | None, str | None]:
    """A small state file's text: ``(text, None)``; ``(None, None)`` when it does not exist; ``(None, why)``
    when it cannot be read (permissions, a folder, not UTF-8) or is not a regular file: a link to
    ``/dev/zero`` or a pipe, which git can check out as a ledger, would be read forever or block, so it is
    never opened."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None, "not a regular file (a device or a pipe?)"
        return path.read_text(encoding="utf-8"), None
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as err:
        return None, str(err)


def load_json(raw: str) -> Any:
    """``json.loads``, with every way a hand-edited or damaged file can make it fail (bad syntax, nesting too
    deep, numbers too long to convert) raised as :class:`DamagedRecordError`."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise DamagedRecordError("nested too deeply") from None
    except ValueError as err:
        raise DamagedRecordError(str(err)[:200]) from None


def quote_value(value: object) -> str:
    """``repr(value)`` quoted short (:func:`deckgen.errors.clip`), for messages about damaged files."""
    return clip(repr(value) if not isinstance(value, int) or value.bit_length() < 200 else "a huge number")
