"""Cloze deletions ``{{c<n>::text}}`` / ``{{c<n>::text::hint}}``: reading them, checking them, and showing one
card of a cloze text as Anki does. Loading, generation, the lint and the renderer all use this module.

Imports only the standard library.
"""

from __future__ import annotations

import bisect
import re

from .errors import only_invisible

_GROUP = r"(?=[0-9,]*[0-9])[0-9,]+"
"""A deletion's numbers as Anki reads them (rslib ``cloze.rs``, ``open_cloze``): ASCII digits and commas with a
digit among them; empty parts between commas are skipped (``c1,,2`` is 1 and 2, ``c,1`` is 1)."""
CLOZE_RE = re.compile(rf"\{{\{{c({_GROUP})::(.*?)\}}\}}", re.S)
"""A cloze deletion ``{{c<n>::text}}`` or ``{{c<n>::text::hint}}``: its numbers (:data:`_GROUP`) and text. Like
Anki (rslib ``cloze.rs``), a deletion may name several numbers, ``{{c1,2::text}}``: it is hidden on each of those
cards. :func:`cloze_error` refuses a number past :data:`MAX_CLOZE`; :func:`deletion_numbers` reads the group."""
_CLOZE_OPEN = re.compile(rf"\{{\{{c{_GROUP}::")
_SINGLE_BRACE = re.compile(rf"(?<!\{{)\{{c{_GROUP}::")
_NEAR_MISS = re.compile(rf"(?!\{{\{{c{_GROUP}::)[{{｛][{{｛]\s*[cCｃＣ]\s*([0-9,０-９，]+)\s*[:：]")
"""The opening of what is meant as a deletion but that Anki does not read as one: a capital ``C``, one colon,
spaces (``{{C1::``, ``{{c2:``, ``{{ c1 ::``), or full-width braces, digits or colons as a Chinese or Japanese
input method types them (``{{c2：：``, ``{{c２::``, ``｛｛c2::``). rslib ``cloze.rs`` parses exactly ``{{c``,
ASCII digits and ``::``; anything else stays on the card as typed."""
_CLOZE_HUGE = re.compile(r"\{\{c(?:[0-9]*,)*0*([1-9][0-9]{9,})[0-9,]*::")
MAX_CLOZE = 65535
"""Highest cloze number: a card's template index (number - 1) is 16-bit in Anki, and an import of a larger
one fails (``IntegralValueOutOfRange``, seen with the ``anki`` package)."""
HIDDEN = "[...]"
"""What a card shows in place of a deletion it asks for (without a hint)."""


def deletion_numbers(group: str) -> list[int]:
    """The card numbers of one deletion's number group, sorted, each once (``"2"`` → ``[2]``, ``"3,1,3"`` →
    ``[1, 3]``), as rslib writes them in ``data-ordinal``."""
    return sorted({int(n.lstrip("0") or "0") for n in group.split(",") if n})  # at most 9 digits after the zeros


def cloze_numbers(text: str) -> list[int]:
    """The deletion numbers used in a cloze text, in order of appearance (``{{c2::x}}`` → 2; ``{{c1,2::x}}``
    → 1 and 2)."""
    return [n for m in CLOZE_RE.finditer(text) for n in deletion_numbers(m.group(1))]


def cloze_deletions(text: str) -> list[tuple[int, str]]:
    """``(number, answer text)`` of each deletion in a cloze text, hints dropped (``{{c1::Agent::who}}`` →
    ``(1, "Agent")``); a deletion with several numbers (``{{c1,2::x}}``) once per number."""
    return [(n, m.group(2).split("::")[0]) for m in CLOZE_RE.finditer(text) for n in deletion_numbers(m.group(1))]


def cloze_error(text: str) -> str | None:
    """Why ``text`` cannot make cloze cards, or None if it can: a deletion Anki would not read (an unclosed
    ``{{c1::…``, a one-brace ``{c1::…}``, a capital ``C`` or one colon, :data:`_NEAR_MISS`), which would stay
    on the card as typed, also beside good deletions; no deletions; a ``c0``, a number past
    :data:`MAX_CLOZE`, an empty deletion, a deletion inside another."""
    huge = _CLOZE_HUGE.search(text)
    if huge:
        return f"cloze number c{huge.group(1)[:12]}… is too large; Anki cannot import numbers past c{MAX_CLOZE}"
    deletions = list(CLOZE_RE.finditer(text))
    starts, ends = [m.start() for m in deletions], [m.end() for m in deletions]  # in order, never overlapping

    def stray(pattern: re.Pattern[str]) -> re.Match[str] | None:
        """The first match of ``pattern`` that is not inside a deletion Anki reads (the deletion starting last
        at or before it, found by bisection: linear in the deletions, however many there are)."""
        for m in pattern.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0 or m.start() >= ends[i]:
                return m
        return None

    if near := stray(_NEAR_MISS):
        return (
            f"cloze deletion {near.group()}… is not one Anki reads, so it would stay on the card as typed; "
            f"write {{{{c{_digits(near.group(1))}::…}}}} (two ASCII braces, a lowercase c, ASCII digits and two "
            "colons)"
        )
    if opened := stray(_CLOZE_OPEN):
        return f"cloze deletion {opened.group()}… is not closed; end it with }}}}"
    if single := stray(_SINGLE_BRACE):
        return f"cloze deletion {single.group()}… has one brace; write two, as in {{{{c1::…}}}}"
    numbers = [n for m in deletions for n in deletion_numbers(m.group(1))]
    if not numbers:
        return "cloze text has no deletions; mark each term to hide as {{c1::term}}"
    if 0 in numbers:
        return "cloze numbers start at c1 ({{c0::...}} makes no card)"
    if max(numbers) > MAX_CLOZE:
        return f"cloze number c{max(numbers)} is too large; Anki cannot import numbers past c{MAX_CLOZE}"
    if any(not (hidden := m.group(2).split("::")[0].strip()) or only_invisible(hidden) for m in deletions):
        return "a cloze deletion is empty ({{c1::}}, or only invisible characters); put the hidden words inside it"
    for m in deletions:
        inner = _CLOZE_OPEN.search(m.group(2))
        if inner:
            return (
                f"cloze deletion {{{{c{m.group(1)}::…}}}} holds another deletion ({inner.group()}…); deckgen "
                "does not support nested deletions, so write them one after another"
            )
    return None


def _digits(group: str) -> str:
    """A near-miss deletion's number group as ASCII (full-width digits and commas folded), ``1`` if it has no
    digit but zeros."""
    import unicodedata

    ascii_group = unicodedata.normalize("NFKC", group)
    return ascii_group if any(ch in "123456789" for ch in ascii_group) else "1"  # c0 makes no card


def cloze_gaps(numbers: list[int]) -> list[str]:
    """Numbers missing below the highest one, as ``c2`` or ``c3-c7`` (``[1, 4]`` → ``["c2-c3"]``)."""
    gaps, previous = [], 0
    for n in sorted(set(numbers)):
        if n == previous + 2:
            gaps.append(f"c{n - 1}")
        elif n > previous + 2:
            gaps.append(f"c{previous + 1}-c{n - 1}")
        previous = n
    return gaps


def cloze_question(text: str) -> str:
    """The cloze text with every deletion hidden as a card's front hides it (:func:`hidden`): the note's
    plain-text question."""
    return CLOZE_RE.sub(lambda m: hidden(m.group(2)), text)


def hidden(deletion: str) -> str:
    """What a card's front shows for the deletion text ``deletion`` (``answer`` or ``answer::hint``) it asks
    for: ``[hint]``, or :data:`HIDDEN` without a hint (rslib ``cloze.rs``)."""
    _, sep, hint = deletion.partition("::")
    return f"[{hint}]" if sep else HIDDEN


def cloze_answer(text: str) -> str:
    """The deletions' answers joined by ``"; "``: the note's plain-text answer."""
    return "; ".join(answer for _, answer in cloze_deletions(text))


def cloze_card_html(text: str, number: int, front: bool) -> str:
    """Card ``c<number>`` of the cloze field HTML ``text``, as Anki 2.1.50+ renders ``{{cloze:Field}}``
    (rslib ``cloze.rs``): each deletion numbered ``number`` becomes ``<span class="cloze" data-ordinal="n">``
    holding ``[...]`` (``[hint]`` with a hint) on the ``front`` and its text on the back; every other
    deletion shows its text in ``<span class="cloze-inactive" data-ordinal="m">``. Empty when no deletion
    has that number. Anki's ``data-cloze`` attribute (read only by type-in-the-answer) is left out."""

    def deletion(m: re.Match[str]) -> str:
        numbers = deletion_numbers(m.group(1))
        ordinals = ",".join(map(str, numbers))
        answer = m.group(2).partition("::")[0]
        if number not in numbers:
            return f'<span class="cloze-inactive" data-ordinal="{ordinals}">{answer}</span>'
        shown = hidden(m.group(2)) if front else answer
        return f'<span class="cloze" data-ordinal="{ordinals}">{shown}</span>'

    if number not in cloze_numbers(text):
        return ""
    return CLOZE_RE.sub(deletion, text)
