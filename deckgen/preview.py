"""The preview page: every card's front and back as Anki will show them, in one self-contained HTML file.

Cards are rendered by :mod:`deckgen.render` from the same note type templates and CSS the package carries,
each face inside ``<div class="card cardN">`` as Anki's reviewer wraps it, grouped by source and theme. The
page has a card count, a search box that filters cards by their text, and a night-mode toggle that adds
Anki's ``nightMode`` and ``night_mode`` classes (which the note type CSS styles).

Self-contained: CSS and the small script are inline and media are embedded as ``data:`` URIs, so the file
can be opened, mailed or archived alone. A Content-Security-Policy allows nothing but those inline blocks
(by hash) and ``data:`` images: the page cannot reach the network, and markup that slipped into a field could
not run. Every piece of source text on the page is HTML-escaped (fields are escaped when notes are made).

:func:`write_preview` is what ``deckgen preview`` runs; :func:`preview_html` makes the page itself.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .builds import build_inputs, refuse_deckgen_files
from .errors import Problem
from .files import refuse_overwriting, refuse_replacing_other_files, starts_with, write_all_atomic
from .labels import NOTE_KIND_LABELS, Labels
from .listing import Groups, gather
from .load import load_sources
from .model import Selection
from .notes import Note, card_count, media_src
from .render import render_note

_PAGE_CSS = """\
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: #ecebe6; color: #26261f;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC", sans-serif; }
.pv-bar { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center;
  gap: .5em 1.2em; padding: .7em 1.4em; background: #fdfdfb; border-bottom: 1px solid #d3d2cb; }
.pv-bar h1 { margin: 0; font-size: 1.15em; }
.pv-count { color: #5b5b54; }
.pv-tools { display: flex; gap: .6em; flex: 1 1 22em; justify-content: flex-end; }
.pv-search { flex: 0 1 26em; min-width: 10em; font: inherit; padding: .35em .7em; color: inherit;
  background: #fff; border: 1px solid #b9b8b0; border-radius: 6px; }
.pv-night { font: inherit; white-space: nowrap; padding: .35em .9em; color: inherit; background: #f1f0eb;
  border: 1px solid #b9b8b0; border-radius: 6px; cursor: pointer; }
main { max-width: 112em; margin: 0 auto; padding: .4em 1.4em 3em; }
.pv-deck > h2 { margin: 1.2em 0 .2em; font-size: 1.3em; }
.pv-theme > h3 { margin: 1.6em 0 .6em; font-size: 1.08em; }
.pv-n { font-weight: normal; color: #6b6b63; font-size: .85em; margin-left: .5em; }
.pv-card { content-visibility: auto; contain-intrinsic-size: auto 14em;
  display: grid; grid-template-columns: 1fr 1fr; gap: .7em; margin: 0 0 1.1em; padding: .6em .7em .8em;
  background: #f8f7f3; border: 1px solid #d6d5ce; border-radius: 10px; }
.pv-meta { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: .2em 1em; font-size: .82em; color: #5b5b54; }
.pv-meta code { font-size: .95em; }
.pv-face { display: flex; flex-direction: column; border: 1px solid #dddcd5; border-radius: 8px; overflow: hidden; }
.pv-face > .card { flex: 1; }
.pv-face::before { content: attr(data-side); display: block; padding: .25em .9em; font-size: .72em;
  letter-spacing: .08em; text-transform: uppercase; color: #77776e; background: #efeee9;
  border-bottom: 1px solid #dddcd5; }
.pv-empty { margin: 3em 0; text-align: center; color: #6b6b63; }
@media (max-width: 860px) { .pv-card { grid-template-columns: 1fr; } }
@media (max-width: 480px) { .pv-bar, main { padding-left: .7em; padding-right: .7em; }
  .pv-tools { flex-basis: 100%; min-width: 0; } .pv-search { flex: 1 1 0; width: 0; min-width: 0; } }
.pv-problems { margin: 1em 0; padding: .2em 1em .6em; background: #fff4f2; border: 1px solid #e0a39a;
  border-radius: 8px; scroll-margin-top: 6em; }
.pv-alert { color: #b3261e; font-weight: 600; text-decoration: none; }
.pv-problems h2 { margin: .6em 0 .3em; font-size: 1em; }
.pv-problems pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85em; }
body.night_mode { background: #121214; color: #deded8; }
.night_mode .pv-bar { background: #1b1b1e; border-bottom-color: #3a3a3f; }
.night_mode .pv-count, .night_mode .pv-meta, .night_mode .pv-n, .night_mode .pv-empty { color: #a5a59d; }
.night_mode .pv-search, .night_mode .pv-night { background: #26262a; border-color: #4a4a50; }
.night_mode .pv-card { background: #18181b; border-color: #34343a; }
.night_mode .pv-problems { background: #2a1b19; border-color: #7a423a; }
.night_mode .pv-alert { color: #ff8a80; }
.night_mode .pv-face { border-color: #3a3a40; }
.night_mode .pv-face::before { color: #9a9a92; background: #222226; border-bottom-color: #3a3a40; }
.pv-night[aria-pressed="true"] { color: #e9f2ff; background: #2c3a4d; border-color: #7cb8ff; }
"""

_SCRIPT = """\
(function () {
  var media = JSON.parse(document.getElementById("pv-media").textContent);
  document.querySelectorAll("img[data-pv-media]").forEach(function (img) {
    img.src = media[Number(img.dataset.pvMedia)];
  });
  var cards = Array.prototype.slice.call(document.querySelectorAll(".pv-card"));
  var groups = document.querySelectorAll(".pv-theme, .pv-deck");
  var texts = cards.map(function (c) { return c.textContent.toLowerCase(); });
  var search = document.getElementById("pv-search");
  var shown = document.getElementById("pv-shown");
  var empty = document.getElementById("pv-empty");
  search.addEventListener("input", function () {
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var n = 0;
    cards.forEach(function (card, i) {
      var keep = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      card.hidden = !keep;
      if (keep) { n += 1; }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector(".pv-card:not([hidden])"); });
    shown.textContent = words.length ? " · showing " + n : "";
    empty.hidden = n > 0;
  });
  var night = document.getElementById("pv-night");
  night.addEventListener("click", function () {
    var on = document.body.classList.toggle("nightMode");
    document.body.classList.toggle("night_mode", on);
    document.querySelectorAll(".card").forEach(function (c) { c.classList.toggle("nightMode", on); });
    night.setAttribute("aria-pressed", String(on));
  });
})();
"""


_LIVE_SCRIPT = """\
(function () {
  history.scrollRestoration = "manual";  // the page restores its own place, which the browser's would move
  var kept = sessionStorage.getItem("pv-scroll");
  if (kept !== null) { sessionStorage.removeItem("pv-scroll"); window.scrollTo(0, Number(kept)); }
  var events = new EventSource(document.body.getAttribute("data-events"));
  events.onmessage = function () {
    sessionStorage.setItem("pv-scroll", String(window.scrollY));
    events.close();
    location.reload();
  };
})();
"""
"""A live preview's script: reload on each Server-Sent Event, keeping the scroll position."""


@dataclass(frozen=True)
class Preview:
    """A preview page written: where, how many notes and cards it shows, and the warnings found."""

    output: Path
    notes: int
    cards: int
    warnings: list[Problem]


PAGE_START = b"<!DOCTYPE html>"
"""How a preview page begins: ``-o`` replaces an existing file only if it begins so (ignoring case)."""


def write_preview(
    paths: Sequence[str | Path], output: Path, selection: Selection | None = None, deck: str | None = None
) -> Preview:
    """Load the sources under ``paths``, select their notes as ``deckgen build`` would (with ``selection``, or
    as the named deck ``deck``) and write the preview page of those notes to ``output`` (atomically; see
    :func:`deckgen.files.write_all_atomic`).

    Raises :class:`deckgen.errors.SourceError`, :class:`deckgen.errors.SelectionError` and
    :class:`deckgen.errors.UsageError` as :func:`deckgen.listing.gather` does, and
    :class:`deckgen.errors.OutputError` when ``output`` cannot be written or is an input of a build (the
    source file, its ledger, a media file), a file deckgen keeps for itself
    (:func:`deckgen.builds.refuse_deckgen_files`) or an existing file that is not an HTML page
    (:func:`deckgen.files.refuse_replacing_other_files`).
    """
    groups, warnings = gather(load_sources(list(paths)), selection or Selection(), deck)
    refuse_overwriting(output, [i for g in groups for i in build_inputs(g.source, g.notes)])
    refuse_deckgen_files(output)
    refuse_replacing_other_files(output, starts_with(PAGE_START), "an HTML page")
    write_all_atomic([(output, preview_html(groups).encode("utf-8"))])
    notes = [n for g in groups for n in g.notes]
    return Preview(output, len(notes), sum(card_count(n) for n in notes), warnings)


def preview_html(groups: Groups) -> str:
    """The whole preview page for the selected notes of each source (``groups`` from
    :func:`deckgen.listing.gather`), as a string. Reads the notes' media files to embed them.

    The page has one element ``.pv-card`` per card (so their number is the deck's card count), each with a
    ``.pv-face`` for the front and one for the back.
    """
    return page_html(page_cards(groups))


class PageCards(NamedTuple):
    """The cards of a preview page, rendered: what :func:`page_html` lays out, and what a live preview keeps
    of its last good build while the source has errors."""

    decks: tuple[str, ...]
    """The name of each deck shown, in order."""
    notes: int
    cards: int
    css: tuple[str, ...]
    """The CSS of the note types the cards use, each once."""
    html: str
    """One ``<section class="pv-deck">`` per deck, each with a section per theme and a ``.pv-card`` per card."""
    media: tuple[str, ...] = ()
    """Each media file the cards show, once, as a ``data:`` URI; a card's image names its number here."""


def page_cards(groups: Groups) -> PageCards:
    """The cards of ``groups`` (from :func:`deckgen.listing.gather`) rendered through their note types, with
    media embedded as ``data:`` URIs, each file once (so reading the media files happens here, once: 300 cards
    showing one 4 MB image make a page of about 6 MB, not 1.6 GB)."""
    notes = [n for g in groups for n in g.notes]
    media: dict[str, tuple[int, str]] = {}
    e = html.escape
    parts = []
    for group in groups:
        heading = f"<h2><bdi>{e(group.deck)}</bdi></h2>\n" if len(groups) > 1 else ""
        parts.append(f'<section class="pv-deck">\n{heading}')
        for theme, theme_notes in _by_theme(group.notes):
            count = sum(card_count(n) for n in theme_notes)
            parts.append(
                f'<section class="pv-theme">\n<h3><bdi>{e(group.source.theme_path(theme))}</bdi>'
                f'<span class="pv-n">{count} card{"s" if count != 1 else ""}</span></h3>\n'
            )
            parts.extend(_note_cards(note, group.source.labels, media) for note in theme_notes)
            parts.append("</section>\n")
        parts.append("</section>\n")
    return PageCards(
        decks=tuple(g.deck for g in groups),
        notes=len(notes),
        cards=sum(card_count(n) for n in notes),
        css=tuple(dict.fromkeys(n.note_type.css for n in notes)),
        html="".join(parts),
        media=tuple(_data_uri(p) for p in media),
    )


def page_html(
    cards: PageCards, *, errors: Sequence[str] = (), warnings: Sequence[str] = (), events: str | None = None
) -> str:
    """The preview page of ``cards``. ``errors`` and ``warnings`` (lines of text, such as
    ``file:line:col: key.path: message``) are shown above the cards, escaped: a live preview shows the
    errors of an edit that does not load above the cards of the last version that did, and the sticky bar at
    the top says how many there are, with a link to them, so that they are in sight wherever the page is.

    ``events`` is the address of a Server-Sent Events stream (a live preview's): the page then reloads itself
    on each event, and its Content-Security-Policy allows that one more script and ``connect-src 'self'``.
    Without it the page connects nowhere.
    """
    css = [_PAGE_CSS, *cards.css]
    scripts = [_SCRIPT, *([_LIVE_SCRIPT] if events else [])]
    names = " + ".join(cards.decks)
    connect = " connect-src 'self';" if events else ""
    csp = (
        f"default-src 'none'; img-src data:; base-uri 'none'; form-action 'none';{connect} "
        f"style-src {' '.join(_csp_hash(c) for c in css)}; script-src {' '.join(_csp_hash(s) for s in scripts)}"
    )
    e = html.escape
    events_attribute = f' data-events="{e(events)}"' if events else ""
    return "".join(
        [
            f'{PAGE_START.decode()}\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{e('deckgen preview · ' + names if names else 'deckgen preview')}</title>\n",
            *(f"<style>{c}</style>\n" for c in css),
            f"</head>\n<body{events_attribute}>\n",
            '<header class="pv-bar">',
            f"<h1>{e(names)}</h1>",
            f'<span class="pv-count"><span id="pv-total">{cards.cards}</span> cards from {cards.notes} notes'
            '<span id="pv-shown"></span></span>',
            *(
                [f'<a id="pv-alert" class="pv-alert" href="#pv-problems">{_count(len(errors), "error")} ↑</a>']
                if errors
                else []
            ),
            '<div class="pv-tools"><input id="pv-search" class="pv-search" type="search" '
            'placeholder="Search cards" aria-label="Search cards">',
            '<button id="pv-night" class="pv-night" type="button" aria-pressed="false">Night mode</button></div>',
            "</header>\n<main>\n",
            _problems_html(errors, warnings, bool(cards.decks)),
            cards.html,
            '<p id="pv-empty" class="pv-empty" hidden>No card matches the search.</p>\n',
            "</main>\n",
            f'<script type="application/json" id="pv-media">{json.dumps(list(cards.media))}</script>\n',
            *(f"<script>{s}</script>\n" for s in scripts),
            "</body>\n</html>\n",
        ]
    )


def _problems_html(errors: Sequence[str], warnings: Sequence[str], has_cards: bool) -> str:
    """The box above the cards that lists errors and warnings, one escaped line each; empty without them."""
    if not errors and not warnings:
        return ""
    e = html.escape
    parts = ['<section id="pv-problems" class="pv-problems" role="alert">\n']
    if errors:
        shown = "the cards below are from its last version that loaded" if has_cards else "there are no cards yet"
        parts.append(f"<h2>The source has {_count(len(errors), 'error')}; {shown}</h2>\n")
        parts.append(f'<pre class="pv-errors">{e(chr(10).join(errors))}</pre>\n')
    if warnings:
        parts.append(f"<h2>{_count(len(warnings), 'warning')}</h2>\n")
        parts.append(f'<pre class="pv-warnings">{e(chr(10).join(warnings))}</pre>\n')
    return "".join([*parts, "</section>\n"])


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _by_theme(notes: Sequence[Note]) -> list[tuple[str, list[Note]]]:
    """Notes grouped by theme id, themes in the order they first appear (the source's order)."""
    groups: dict[str, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.judgment.theme, []).append(note)
    return list(groups.items())


def _note_cards(note: Note, labels: Labels, media: dict[str, tuple[int, str]]) -> str:
    e = html.escape
    cards = render_note(note.note_type, _embedded(note, media))
    out = []
    for card in cards:
        which = f"card {card.ord + 1}" if note.note_type.is_cloze else ""
        kind = NOTE_KIND_LABELS[note.note_type.kind]
        meta = [e(f"{labels.judgment} {note.judgment.number}"), kind, which, f"<code>{e(note.key)}</code>"]
        out.append(
            f'<article class="pv-card" data-key="{e(note.key)}">'
            f'<div class="pv-meta">{"".join(f"<span>{m}</span>" for m in meta if m)}</div>'
            f'<div class="pv-face" data-side="Front"><div class="card card{card.ord + 1}">{card.front}</div></div>'
            f'<div class="pv-face" data-side="Back"><div class="card card{card.ord + 1}">{card.back}</div></div>'
            "</article>\n"
        )
    return "".join(out)


def _embedded(note: Note, media: dict[str, tuple[int, str]]) -> tuple[str, ...]:
    """The note's fields with each media reference (``src="<media src>"``) replaced by the number of that
    file in the page's one table of media (``data-pv-media="<n>"``; the page's script sets each ``src``
    from the table), adding new files to ``media`` (path → number and :func:`media_src`, which reads and
    hashes the file: once per page, not once per note showing it)."""
    fields = note.fields
    for path in note.media:
        if path not in media:
            media[path] = (len(media), media_src(path))
        number, src = media[path]
        fields = tuple(f.replace(f'src="{src}"', f'data-pv-media="{number}"') for f in fields)
    return fields


def _data_uri(path: str) -> str:
    import mimetypes

    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def _csp_hash(text: str) -> str:
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"
