"""Source text → the HTML of an Anki field: plain text shown exactly as typed, or deckgen's Markdown subset.

Every piece of source text is escaped (``vector<int>`` stays text), newlines become ``<br>``, and only
deckgen's own markup is added. With ``deck.markup: markdown`` a small Markdown subset is rendered by
markdown-it-py and sanitised by nh3; raw HTML stays text even then.

Anki itself reads more than HTML in a field, in three places: rslib when it renders a card (sound and TTS
tags ``[sound:…]``/``[anki:tts]…``, LaTeX ``[latex]``/``[$]``/``[$$]``, cloze syntax ``{{c1::…}}``, image
occlusion), aqt's reviewer (``[anki:play:q:0]`` buttons, ``[[type:…]]`` boxes) and the reviewer's MathJax
(``\\(…\\)``, ``\\[…\\]``). :func:`neutralise` makes all of them literal: every construct rslib and aqt
match starts with a raw ``[`` (or is cloze syntax with raw braces) and none of their matchers decodes
character references first (rslib ``card_rendering/parser.rs``, ``latex.rs``, ``cloze.rs``; aqt
``sound.py``, ``reviewer.py``), so ``[``, ``{`` and ``}`` become ``&#91;``, ``&#123;`` and ``&#125;``.
MathJax works on the page's text, where references are already decoded, but it ends a text string at
every element, so each run of backslashes is put in its own ``<span>``: no delimiter can form, whatever
MathJax's configuration. Anki NFC-normalises a field on import, so text is NFC first, and a U+0338 right
after a ``>`` (which NFC would compose with the tag's ``>``) is written as ``&#824;``. A browser shows the
same characters, so the preview shows what the reviewer shows.

Imports markdown-it-py and nh3 lazily (on the first Markdown field), so that importing this module stays
cheap; otherwise only the standard library and :mod:`deckgen.cloze`.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from .cloze import CLOZE_RE
from .languages import RTL_TEXT, written_right_to_left

MARKUPS = ("text", "markdown")
"""Values of ``deck.markup``: source text is plain text (the default) or deckgen's Markdown subset."""

MARKDOWN_TAGS = frozenset({"p", "br", "em", "strong", "code", "ul", "ol", "li"})
"""The only tags a Markdown field may contain (``deck.markup: markdown``)."""
MARKDOWN_ATTRIBUTES = {"ol": {"start"}}
"""The only attribute a Markdown field may contain: where an ordered list starts (``2025. Year?`` is a list
item numbered 2025, and shows as typed only if the list keeps its ``start``)."""

_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_ANKI_MARKUP = re.compile(r"\\+|[\[{}]")
_COMBINING_SOLIDUS = "\u0338"
"""The only character NFC composes with a preceding ``>`` (into U+226F)."""
_LINE_BREAK = re.compile(r"\r\n?|\n")
_MARK = "\ue000"
"""Placeholder character for a cloze deletion while the text around it is rendered (see :func:`_cloze`)."""
_PLACEHOLDER = re.compile(f"{_MARK}([0-9]*){_MARK}")


def _literal(m: re.Match[str]) -> str:
    s = m.group()
    return f"<span>{s}</span>" if s[0] == "\\" else f"&#{ord(s)};"


def neutralise(field_html: str) -> str:
    """``field_html`` with every piece of Anki markup in its text made literal (see the module docstring);
    tags are left as they are. ``field_html`` must be deckgen's own HTML, whose text is escaped (a raw ``<``
    always opens a tag). A browser shows the same characters as before."""
    parts = _TAG_OR_TEXT.split(field_html)
    parts[::2] = [_ANKI_MARKUP.sub(_literal, text) for text in parts[::2]]
    return "".join(parts).replace(">" + _COMBINING_SOLIDUS, f">&#{ord(_COMBINING_SOLIDUS)};")


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def in_language(field: str, tag: str) -> str:
    """Field HTML marked as being in the language ``tag`` (a BCP 47 tag): ``<div lang="zh">…</div>``, so that
    browsers and Anki's reviewer pick fonts, line breaking and speech for it, and ``dir="rtl"`` for a language
    written right to left (:func:`deckgen.languages.written_right_to_left`), so that its punctuation ends the
    line on the left, unless the field has no right-to-left letter at all (deckgen's English labels in an
    Arabic deck); empty stays empty (a template's ``{{#Field}}`` section then leaves nothing). An Arabic
    question with English terms in it (``ما هو Reinforcement Learning؟``) is right to left, however many."""
    if not field:
        return ""
    lang, rtl = _attributes(tag)
    return f'<div{lang} dir="rtl">{field}</div>' if rtl and RTL_TEXT.search(field) else f"<div{lang}>{field}</div>"


@functools.cache
def _attributes(tag: str) -> tuple[str, bool]:
    return f' lang="{html.escape(tag, quote=True)}"', written_right_to_left(tag)


def in_its_direction(field: str) -> str:
    """Field HTML of a text in no one language (a two-language source's question) marked ``dir="rtl"`` when most
    of its letters are right-to-left ones (:func:`_mostly_rtl`): an Arabic question with an English term in it.
    Other text is left as it is, such as an English cloze that begins with an Arabic name."""
    return f'<div dir="rtl">{field}</div>' if RTL_TEXT.search(field) and _mostly_rtl(field) else field


def _mostly_rtl(field: str) -> bool:
    """Whether most letters of the field HTML ``field`` are of right-to-left scripts
    (:data:`deckgen.languages.RTL_TEXT`): letters only, on both sides (not vowel marks, digits or punctuation).
    The direction comes from the whole field as written, so a cloze's front, which hides a deletion, and its
    back, which shows it, have the same one (``dir="auto"`` would go by the first letter shown)."""
    letters = [ch for ch in _TAG.sub("", field) if ch.isalpha()]
    return 2 * sum(1 for ch in letters if RTL_TEXT.match(ch)) > len(letters)


_TAG = re.compile(r"<[^>]*>")
"""An HTML tag, whose letters are no text's."""


def isolated_parts(parts: list[str]) -> str:
    """Texts shown on one line, joined by `` · `` as field HTML; each part in a ``<bdi>`` when any holds
    right-to-left letters, so that the parts keep their order in either direction (a right-to-left speaker's
    name next to a left-to-right label would otherwise swap places with the theme after it)."""
    if any(RTL_TEXT.search(p) for p in parts):
        return " · ".join(f"<bdi>{text_html(p)}</bdi>" for p in parts)
    return text_html(" · ".join(parts))


_NEEDS_WORK = re.compile(r"[&<>\r\n\\\[{}]")
"""The characters :func:`text_html` changes (after NFC): a text without any of them is its own field HTML."""


def text_html(text: str) -> str:
    """Plain source text as an Anki field that shows exactly that text: NFC, HTML-escaped, line breaks
    (``\\n``, ``\\r\\n``, ``\\r``) as ``<br>``, Anki's own markup made literal (:func:`neutralise`)."""
    text = _nfc(text)
    if not _NEEDS_WORK.search(text):  # most texts: nothing to escape, break or neutralise
        return text
    return neutralise(_LINE_BREAK.sub("<br>", html.escape(text, quote=False)))


@functools.cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # the "zero" preset has every rule off and raw HTML disabled (escaped as text); turn on the subset
    return MarkdownIt("zero", {"breaks": True}).enable(["emphasis", "backticks", "escape", "newline", "list"])


def _markdown_block(text: str) -> str:
    rendered: str = _markdown().render(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return _sanitise(rendered)


def _markdown_inline(text: str) -> str:
    return neutralise(_sanitise(_markdown().renderInline(text)))


def markdown_html(text: str) -> str:
    """Render deckgen's Markdown subset — ``*emphasis*``, ``**strong**``, ```code```, ``-``/``1.`` lists,
    line breaks — to HTML for an Anki field, then sanitise it with nh3 down to :data:`MARKDOWN_TAGS` and
    :data:`MARKDOWN_ATTRIBUTES`, and make Anki's own markup literal (:func:`neutralise`, after Markdown's
    escapes are applied, so ``\\\\[`` is covered too). Raw HTML in the text stays text (``<script>`` →
    ``&lt;script&gt;``); links and images are not part of the subset. A lone paragraph is unwrapped
    (``*a*`` → ``<em>a</em>``)."""
    return neutralise(_markdown_block(_nfc(text)))


def _sanitise(rendered: str) -> str:
    import nh3

    return nh3.clean(rendered, tags=set(MARKDOWN_TAGS), attributes=MARKDOWN_ATTRIBUTES)


def text_cloze_html(text: str) -> str:
    """Plain cloze text as the field HTML of a cloze note: deckgen's deletions stay cloze syntax and the
    rest shows as typed (:func:`text_html`)."""
    return _cloze(_nfc(text), text_html, text_html)


def markdown_cloze_html(text: str) -> str:
    """:func:`markdown_html` for a cloze text, without letting Markdown cross a deletion's boundary (which
    would nest tags and braces wrongly, ``*a {{c1::b*}}`` → ``<em>a {{c1::b</em>}}``): each deletion's text
    and hint are rendered on their own as inline Markdown, and the text around the deletions with a
    placeholder for each. So ``*{{c1::b}}*`` emphasises the whole deletion, ``{{c1::*b*}}`` its text, and
    markup opened on one side of a boundary and closed on the other stays as typed."""
    return _cloze(_nfc(text), markdown_html, _markdown_inline)


def _hint(part_html: str) -> str:
    """rslib writes ``[`` + hint + ``]`` on a card's front (``cloze.rs``): the hint's first character is
    written as a character reference, so that it never continues that ``[`` into a construct
    (``[sound:…]``, ``[latex]``, ``[anki:play:…]``)."""
    if part_html and part_html[0] not in "&<":
        return f"&#{ord(part_html[0])};{part_html[1:]}"
    return part_html


def _deletion_text(part_html: str) -> str:
    """A deletion's text as rslib must read it: a ``::`` (which Markdown's ``:\\:`` can make) would start a
    hint, and a text starting ``image-occlusion:`` would be drawn as an occlusion shape (``cloze.rs``)."""
    part_html = part_html.replace("::", ":&#58;")
    if part_html.startswith("image-occlusion:"):
        return "&#105;" + part_html[1:]
    return part_html


def _cloze(text: str, outer: Callable[[str], str], inner: Callable[[str], str]) -> str:
    """Cloze ``text`` as field HTML: each deletion ``{{c<n>::text::hint}}`` (:data:`CLOZE_RE`) stays cloze
    syntax around its text and hint rendered by ``inner`` (the hint is what follows the first ``::``, as in
    rslib); the rest is rendered by ``outer`` with a placeholder ``<mark><index><mark>`` per deletion. A
    ``<mark>`` already in the text is held as ``<mark><mark>``, so no text is ever taken for a placeholder."""
    deletions: list[re.Match[str]] = []

    def hold(m: re.Match[str]) -> str:
        deletions.append(m)
        return f"{_MARK}{len(deletions) - 1}{_MARK}"

    def put_back(m: re.Match[str]) -> str:
        if not m.group(1):
            return _MARK
        deletion = deletions[int(m.group(1))]
        answer, sep, hint = deletion.group(2).partition("::")
        body = _deletion_text(inner(answer)) + ("::" + _hint(inner(hint)) if sep else "")
        return f"{{{{c{deletion.group(1)}::{body}}}}}"

    held, end = [], 0
    for m in CLOZE_RE.finditer(text):
        held += [text[end : m.start()].replace(_MARK, _MARK * 2), hold(m)]
        end = m.end()
    held.append(text[end:].replace(_MARK, _MARK * 2))
    return _PLACEHOLDER.sub(put_back, outer("".join(held)))


def field_html(markup: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """For a source's ``deck.markup`` (one of :data:`MARKUPS`): the function that turns its text into field
    HTML, and the one for its cloze texts."""
    if markup == "markdown":
        return markdown_html, markdown_cloze_html
    return text_html, text_cloze_html
