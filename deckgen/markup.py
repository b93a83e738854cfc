"""Source text → the HTML of an Anki field: plain text escaped as typed, or deckgen's Markdown subset.

Every piece of source text is escaped (``vector<int>`` stays text), newlines become ``<br>``, and only
deckgen's own markup is added. With ``deck.markup: markdown`` a small Markdown subset is rendered by
markdown-it-py and sanitised by nh3; raw HTML stays text even then.

Imports markdown-it-py and nh3 lazily (on the first Markdown field), so that importing this module stays
cheap; otherwise only the standard library and :mod:`deckgen.cloze`.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import Any

from .cloze import CLOZE_RE

MARKUPS = ("text", "markdown")
"""Values of ``deck.markup``: source text is plain text (the default) or deckgen's Markdown subset."""

MARKDOWN_TAGS = frozenset({"p", "br", "em", "strong", "code", "ul", "ol", "li"})
"""The only tags a Markdown field may contain (``deck.markup: markdown``)."""
MARKDOWN_ATTRIBUTES = {"ol": {"start"}}
"""The only attribute a Markdown field may contain: where an ordered list starts (``2025. Year?`` is a list
item numbered 2025, and shows as typed only if the list keeps its ``start``)."""


def in_language(field: str, tag: str) -> str:
    """Field HTML marked as being in the language ``tag`` (a BCP 47 tag): ``<div lang="zh">…</div>``, so that
    browsers and Anki's reviewer pick fonts, line breaking and speech for it; empty stays empty (a template's
    ``{{#Field}}`` section then leaves nothing)."""
    return f'<div lang="{html.escape(tag, quote=True)}">{field}</div>' if field else ""


def text_html(text: str) -> str:
    """Escape plain source text for an Anki field; newlines become ``<br>``."""
    return html.escape(text, quote=False).replace("\n", "<br>")


@functools.cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # the "zero" preset has every rule off and raw HTML disabled (escaped as text); turn on the subset
    return MarkdownIt("zero", {"breaks": True}).enable(["emphasis", "backticks", "escape", "newline", "list"])


def markdown_html(text: str) -> str:
    """Render deckgen's Markdown subset — ``*emphasis*``, ``**strong**``, ```code```, ``-``/``1.`` lists,
    line breaks — to HTML for an Anki field, then sanitise it with nh3 down to :data:`MARKDOWN_TAGS` and
    :data:`MARKDOWN_ATTRIBUTES`. Raw HTML in the text stays text (``<script>`` → ``&lt;script&gt;``); links and
    images are not part of the subset. A lone paragraph is unwrapped (``*a*`` → ``<em>a</em>``)."""
    rendered: str = _markdown().render(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return _sanitise(rendered)


def _sanitise(rendered: str) -> str:
    import nh3

    return nh3.clean(rendered, tags=set(MARKDOWN_TAGS), attributes=MARKDOWN_ATTRIBUTES)


def markdown_cloze_html(text: str) -> str:
    """:func:`markdown_html` for a cloze text, without letting Markdown cross a deletion's boundary (which
    would nest tags and braces wrongly, ``*a {{c1::b*}}`` → ``<em>a {{c1::b</em>}}``): each deletion's text
    and hint are rendered on their own as inline Markdown, and the text around the deletions with a
    placeholder for each. So ``*{{c1::b}}*`` emphasises the whole deletion, ``{{c1::*b*}}`` its text, and
    markup opened on one side of a boundary and closed on the other stays as typed."""
    deletions: list[re.Match[str]] = []
    mark = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)  # a private-use character

    def hold(m: re.Match[str]) -> str:
        deletions.append(m)
        return f"{mark}{len(deletions) - 1}{mark}"

    def put_back(m: re.Match[str]) -> str:
        deletion = deletions[int(m.group(1))]
        parts = (_sanitise(_markdown().renderInline(part)) for part in deletion.group(2).split("::"))
        return f"{{{{c{deletion.group(1)}::{'::'.join(parts)}}}}}"

    return re.sub(f"{mark}([0-9]+){mark}", put_back, markdown_html(CLOZE_RE.sub(hold, text)))


def field_html(markup: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """For a source's ``deck.markup`` (one of :data:`MARKUPS`): the function that turns its text into field
    HTML, and the one for its cloze texts."""
    if markup == "markdown":
        return markdown_html, markdown_cloze_html
    return text_html, text_html
