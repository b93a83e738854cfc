"""The words deckgen itself puts on cards, in deck names and in reports, and the labels of note kinds.

A source may set each of its labels (``deck.labels``); the others come from deckgen's defaults for the
source's last language (:func:`defaults_for`), English when deckgen has none for it. The words of a
particular source (the AGI-Next article's own word before a judgment's number, say) live in that source.

Imports only the standard library.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .languages import script


class Labels(NamedTuple):
    """deckgen's words on a source's cards. A ``{name}`` in a label is replaced by a value (see
    :data:`PLACEHOLDERS`)."""

    judgment: str
    """Written before a judgment's number: ``Claim 17`` on a card's About line and in the preview,
    ``Claim 12-17,25`` in the name of a deck selected by judgment number."""
    editors_note: str
    """Who speaks on a card drawn from an editors' note (its About line; a row of ``deckgen stats``)."""
    no_speaker: str
    """The ``deckgen stats`` row of notes on judgments that name no speaker."""
    who_proposed: str
    """A concept's "who" question: ``Who proposed {term}?``."""
    what_is: str
    """A concept's "what" question: ``What is {term}?``."""
    which_term: str
    """A reversed concept's question: ``Which term names: {means}?``."""
    which_term_by: str
    """A reversed concept's question when ``by:`` names a person: ``Which term does {person} use for: {means}?``."""
    list_question: str
    """A list card's question: ``What are {of}?``, ``{of}`` being the ``of:`` text with its ``{n}`` replaced
    by the count word."""
    list_count: str
    """How an ``of:`` without ``{n}`` takes the count: ``the {n} {of}`` (``What are the two steps?``)."""
    count_words: tuple[str, ...]
    """The word for each count from zero (``zero``, ``one``, ``two``, …); a larger count is written in digits."""


PLACEHOLDERS = {
    "who_proposed": ("term",),
    "what_is": ("term",),
    "which_term": ("means",),
    "which_term_by": ("person", "means"),
    "list_question": ("of",),
    "list_count": ("n", "of"),
}
"""Each label with values → the placeholders it must hold, each once; the other labels hold none."""

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

_EN = Labels(
    judgment="Claim",
    editors_note="Editors' note",
    no_speaker="no speaker",
    who_proposed="Who proposed {term}?",
    what_is="What is {term}?",
    which_term="Which term names: {means}?",
    which_term_by="Which term does {person} use for: {means}?",
    list_question="What are {of}?",
    list_count="the {n} {of}",
    count_words=tuple("zero one two three four five six seven eight nine ten eleven twelve".split()),
)

DEFAULTS = {
    "en": _EN,
    "zh": Labels(
        judgment="论断",
        editors_note="编者注",
        no_speaker="无发言人",
        who_proposed="谁提出了{term}？",
        what_is="什么是{term}？",
        which_term="哪个术语指：{means}？",
        which_term_by="{person}用哪个术语指：{means}？",
        list_question="{of}分别是什么？",
        list_count="{n}个{of}",
        count_words=tuple("零 一 两 三 四 五 六 七 八 九 十 十一 十二".split()),
    ),
    "zh-Hant": Labels(
        judgment="論斷",
        editors_note="編者注",
        no_speaker="無發言人",
        who_proposed="誰提出了{term}？",
        what_is="什麼是{term}？",
        which_term="哪個術語指：{means}？",
        which_term_by="{person}用哪個術語指：{means}？",
        list_question="{of}分別是什麼？",
        list_count="{n}個{of}",
        count_words=tuple("零 一 兩 三 四 五 六 七 八 九 十 十一 十二".split()),
    ),
    "de": Labels(
        judgment="Aussage",
        editors_note="Anmerkung der Redaktion",
        no_speaker="ohne Sprecher",
        who_proposed="Von wem stammt {term}?",  # the nominative, as in what_is (not "Wer hat den … vorgeschlagen")
        what_is="Was ist {term}?",
        which_term="Welcher Begriff bezeichnet: {means}?",
        which_term_by="Welchen Begriff verwendet {person} für: {means}?",
        list_question="Was sind {of}?",
        list_count="die {n} {of}",
        count_words=tuple("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf".split()),
    ),
    "fr": Labels(
        judgment="Affirmation",
        editors_note="Note de la rédaction",
        no_speaker="sans intervenant",
        who_proposed="Qui a proposé {term}\u00a0?",
        what_is="Que désigne {term}\u00a0?",  # not "Qu'est-ce que", which a term starting "un" would need as qu'un
        which_term="Quel terme désigne\u00a0: {means}\u00a0?",
        which_term_by="Quel terme emploie {person} pour\u00a0: {means}\u00a0?",
        list_question="Citez {of}.",  # not "Quels sont", which a feminine noun would need as "Quelles sont"
        list_count="les {n} {of}",
        count_words=tuple("zéro un deux trois quatre cinq six sept huit neuf dix onze douze".split()),
    ),
    "es": Labels(
        judgment="Afirmación",
        editors_note="Nota de los editores",
        no_speaker="sin ponente",
        who_proposed="¿Quién propuso {term}?",
        what_is="¿Qué es {term}?",
        which_term="¿Qué término designa: {means}?",
        which_term_by="¿Qué término usa {person} para: {means}?",
        list_question="Enumera {of}.",  # with list_count: no article, which would need los or las by gender
        list_count="{n} {of}",
        count_words=tuple("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce".split()),
    ),
}
"""deckgen's labels for each language it has words for, by language tag. Their words never depend on the
gender or case of a ``term:`` or ``of:`` text (which the source writes as it is to be shown, with its
article): the German concept questions both take the term in the nominative, and the French and Spanish
list questions are imperatives whose count needs no gendered article (German's plural ``die`` has none)."""


def defaults_for(tag: str) -> tuple[str | None, Labels]:
    """The key of :data:`DEFAULTS` that serves the language ``tag`` and its labels: the tag itself, the
    Traditional Chinese ones for ``zh-Hant``, ``zh-TW``, ``zh-HK``, ``zh-MO`` (and their subtags), else its
    primary language's (``de-CH`` → ``de``). ``(None, English labels)`` when deckgen has none."""
    low = tag.lower()
    if low.partition("-")[0] == "zh" and script(tag) == "Hant":  # one rule for Traditional Chinese
        return "zh-Hant", DEFAULTS["zh-Hant"]
    for key in (tag, low.partition("-")[0]):
        if key in DEFAULTS:
            return key, DEFAULTS[key]
    return None, _EN


IN_DECK_NAMES = ("judgment",)
"""Labels that become part of a deck name (:meth:`deckgen.model.Selection.label`: ``… · Claim 12-17``)."""


def label_problem(key: str, text: str) -> str | None:
    """What is wrong with ``text`` as the label ``key``, or None: a placeholder it must hold is missing or
    repeated, or it holds one that label has no value for (see :data:`PLACEHOLDERS`). A label of
    :data:`IN_DECK_NAMES` is read as a deck-name part, so the reader refuses its ``::`` as it does in theme and
    person names (:meth:`deckgen.sourcevalues.ValueReader.name_part`)."""
    wanted = PLACEHOLDERS.get(key, ())
    found = _PLACEHOLDER.findall(text)
    unknown = [f"{{{name}}}" for name in found if name not in wanted]
    if unknown:
        has = f"only {', '.join(f'{{{w}}}' for w in wanted)}" if wanted else "no placeholders"
        return f"{', '.join(dict.fromkeys(unknown))} is not a placeholder of {key}, which takes {has}"
    for name in wanted:
        if found.count(name) != 1:
            how = "once" if name in found else "where the value goes"
            return f"{key} must hold {{{name}}} {how}, e.g. {_EN._asdict()[key]!r}"
    return None


def fill(label: str, **values: str) -> str:
    """``label`` with each ``{name}`` replaced by ``values[name]``. Values are put in as they are (a
    ``{means}`` inside a value stays text); the label must have passed :func:`label_problem`."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], label)


def count_word(n: int, labels: Labels) -> str:
    """The word for the count ``n`` in ``labels`` (``2`` → ``two``), digits past its count words."""
    return labels.count_words[n] if 0 <= n < len(labels.count_words) else str(n)


NOTE_KIND_LABELS = {"qa": "Q/A", "cloze": "Cloze"}
"""A note kind (:attr:`deckgen.notetypes.NoteType.kind`) as a label on its own (the preview's card header)."""

NOTE_KIND_WORDS = {"qa": "Q/A", "cloze": "cloze"}
"""A note kind inside a sentence: ``"a Q/A note"``, ``"a cloze note"``."""
