"""The lint rules about each card and the cards beside it: how long an answer is, what a card's front shows
(its own answer, or another card's of the same judgment), what its back backs, and how its front is worded.
Also the helpers every rule uses to make its warnings. :mod:`deckgen.lint_rules` holds the rules about the
deck as a whole, the list of all rules and :func:`deckgen.lint_rules.lint`; its docstring lists the
practices the rules come from.

Thresholds, tuned on the shipped deck ``cards/agi-next-2026.yaml`` (see :data:`MAX_ANSWER_WORDS`,
:data:`deckgen.wording.HAN_PER_WORD`, :data:`MAX_LIST_ITEMS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from .cloze import CLOZE_RE, cloze_deletions, cloze_gaps, cloze_numbers
from .errors import QUOTED, Loc, Problem, Severity, clip, clip_list
from .model import CardSpec, ClozeCard, ConceptCard, ListCard, QACard, Source
from .notes import Note
from .wording import (
    GLOSS,
    HAN_PER_WORD,
    KANA_PER_WORD,
    AnswerTerms,
    ClozeFronts,
    Front,
    QuestionFront,
    answer_length,
    giveaway,
    has_bracket,
    normalize,
    substance,
)

MAX_ANSWER_WORDS = 8
"""Longest answer, in English words, that still reads as one fact. On the shipped deck before this lint,
answers (and list items and cloze deletions) had a median of 2 words and a 90th percentile of 6; the eight
answers above 8 words were all clauses ("It can't tell which tasks failed, so must monitor all") that
could be said in fewer."""

MAX_ANSWER_HAN = int(MAX_ANSWER_WORDS * HAN_PER_WORD)
"""Longest all-Chinese answer, in Han characters (12). A mixed answer counts words + characters / 1.5."""

MAX_ANSWER_KANA = int(MAX_ANSWER_WORDS * KANA_PER_WORD)
"""Longest all-kana answer (24); a Japanese answer counts its Han characters and kana each by their measure."""

MAX_LIST_ITEMS = 4
"""Most items a list card may ask at once. Working memory holds about four chunks (N. Cowan, "The
magical number 4 in short-term memory", 2001); SuperMemo's rules 9 and 10 say to avoid sets and
enumerations altogether, so past four a list must become cloze or per-item cards."""

_LIST_SEPARATORS = re.compile(r"\s*[,;，；、]\s*")


def answer_parts(note: Note) -> list[str]:
    """The separate things a learner must recall for ``note``: a list's items, a cloze's deletions, else
    the answer."""
    if isinstance(note.spec, ListCard):
        return list(note.spec.items)
    if isinstance(note.spec, ClozeCard):  # a deletion on several cards ({{c1,2::x}}) is one thing to recall
        return [m.group(2).split("::")[0] for m in CLOZE_RE.finditer(note.spec.cloze)]
    return [note.answer]


# -- problem helpers --------------------------------------------------------------------------------------


def warn(loc: Loc | None, file: str, code: str, subject: str, what: str, hint: str) -> Problem:
    """A lint warning of rule ``code`` at ``loc`` (at line 0 of ``file`` when None): ``subject: what; hint``."""
    message = f"{subject}: {what}; {hint}"
    if loc is None:
        return Problem(file, 0, 0, "", message, Severity.WARNING, code)
    return Problem.at(loc, message, Severity.WARNING, code)


def note_warn(note: Note, code: str, what: str, hint: str) -> Problem:
    """A lint warning of rule ``code`` about ``note``, at its card spec."""
    return warn(note.spec.loc, note.spec.loc.file, code, f"note '{note.key}'", what, hint)


def _spec_notes(notes: Sequence[Note]) -> dict[int, tuple[CardSpec, list[Note]]]:
    """Notes grouped by the card spec that made them (keyed by ``id`` of the spec), in source order."""
    out: dict[int, tuple[CardSpec, list[Note]]] = {}
    for note in notes:
        out.setdefault(id(note.spec), (note.spec, []))[1].append(note)
    return out


# -- the rules --------------------------------------------------------------------------------------------


def answer_too_long(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """An answer (a list item, a cloze deletion) longer than :data:`MAX_ANSWER_WORDS` English words,
    :data:`MAX_ANSWER_HAN` Chinese characters or :data:`MAX_ANSWER_KANA` kana (see :func:`answer_length`) is
    more than one fact.

    SuperMemo rule 4, the minimum information principle: "the material you learn must be formulated in as
    simple a way as it is only possible"; a long answer is recalled in part and graded as a whole.
    """
    for note in notes:
        for part in answer_parts(note):
            length = answer_length(part)
            if length > MAX_ANSWER_WORDS:
                yield note_warn(
                    note,
                    "answer-too-long",
                    f"answer '{clip(part, QUOTED)}' is {round(length, 1):.10g} words long (limit "
                    f"{MAX_ANSWER_WORDS} words, {MAX_ANSWER_HAN} Chinese characters or {MAX_ANSWER_KANA} kana)",
                    "keep one fact in the answer and move the rest to another card or the context",
                )


def list_too_long(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A list card with more than :data:`MAX_LIST_ITEMS` items, or a Q/A answer that enumerates more than
    that many comma- or semicolon-separated things.

    SuperMemo rules 9 and 10, avoid sets and enumerations: a long list is recalled incompletely and a
    review cannot tell which item was forgotten; rule 5 recommends cloze deletion instead.
    """
    for spec, made in _spec_notes(notes).values():
        if isinstance(spec, ListCard):
            count = len(spec.items)
        elif isinstance(spec, QACard):
            count = len([p for p in _LIST_SEPARATORS.split(made[0].answer) if p])
        else:
            continue
        if count > MAX_LIST_ITEMS:
            what = f"asks for {count} items at once (limit {MAX_LIST_ITEMS})"
            yield note_warn(
                made[0],
                "list-too-long",
                what,
                "make it a cloze with one deletion number per item, or one card per item",
            )


def answer_in_question(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """The question contains its own answer: a key term of the answer (:func:`deckgen.wording.key_terms`), or all the
    answer's content words. For a cloze, each card's front is checked: a deleted term that stays visible
    elsewhere in the text (in another deletion shown on that card, or written out again) gives it away. The
    fronts of all cards are read once (:class:`deckgen.wording.ClozeFronts`), so a cloze with thousands of
    deletions costs time linear in its length, not one copy of the text per card.

    SuperMemo rule 11, combat interference, and rule 17, context cues should simplify wording, never
    contain the answer: a card answered by reading its question trains nothing.
    """
    for group in by_judgment(notes).values():
        yield from _own_giveaways(group, [_CardView.of(n) for n in group])


def _own_giveaways(group: list[Note], views: list[_CardView]) -> Iterator[Problem]:
    """:func:`answer_in_question` for the notes of one judgment, read into ``views``."""
    for note, view in zip(group, views, strict=True):
        for number, card, part, terms in view.answers:
            why = giveaway(view.fronts[number], terms)
            if not why:
                continue
            if card:
                what = f"card{card} shows its answer: {why}"
                yield note_warn(
                    note, "answer-in-question", what, "reword so the deleted term appears only inside the deletion"
                )
            else:
                what = f"the question gives away '{clip(part, QUOTED)}': {why}"
                yield note_warn(note, "answer-in-question", what, "reword the question without the answer's words")


class _CardView(NamedTuple):
    """What the learner sees and recalls on a note's cards, each read once for the rules about fronts
    (:func:`answer_in_question`, :func:`sibling_giveaway`)."""

    fronts: dict[int, Front]
    """Card number → what the learner sees before answering it: the question (number 0), or each cloze
    card's front (:class:`deckgen.wording.ClozeFronts`, read once for all of them), by number."""
    answers: list[tuple[int, str, str, AnswerTerms]]
    """``(number, card, answer, its terms)`` for each thing a learner recalls on the note
    (:func:`answer_parts`): the card that asks it (0 for a Q/A note's card) and its name (``" c2"``, or
    empty), in the order of the text."""

    @classmethod
    def of(cls, note: Note) -> _CardView:
        if not isinstance(note.spec, ClozeCard):
            parts = answer_parts(note)
            return cls({0: QuestionFront(note.question)}, [(0, "", part, AnswerTerms(part)) for part in parts])
        fronts = ClozeFronts(note.spec.cloze)
        deletions = cloze_deletions(note.spec.cloze)
        by_number: dict[int, Front] = {n: fronts.front(n) for n in sorted({n for n, _ in deletions})}
        return cls(by_number, [(n, f" c{n}", answer, AnswerTerms(answer)) for n, answer in deletions])


def card_fronts(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """The warnings of :func:`answer_in_question` and :func:`sibling_giveaway` together, each note's fronts
    and answers read once for both (:func:`deckgen.lint_rules.lint` runs this instead of the two)."""
    for group in by_judgment(notes).values():
        views = [_CardView.of(n) for n in group]
        yield from _own_giveaways(group, views)
        yield from _sibling_giveaways(group, views)


def _same_concept(giver: Note, asked: Note) -> bool:
    """True when the two notes are a concept's own cards (term → meaning, and its reverse meaning → term),
    whose fronts show what the other asks: that is what a reversed pair is. A concept's "Who proposed …?"
    note stays a give-away when its reverse card names the person."""
    return giver.spec is asked.spec and isinstance(giver.spec, ConceptCard) and not asked.key.endswith("/who")


def by_judgment(notes: Sequence[Note]) -> dict[str, list[Note]]:
    """Notes grouped by the id of their judgment, in source order."""
    out: dict[str, list[Note]] = {}
    for note in notes:
        out.setdefault(note.judgment.id, []).append(note)
    return out


def sibling_giveaway(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """The front of one card shows the answer of another card of the same judgment (a key term of it, or
    every content word, as :func:`deckgen.wording.giveaway` finds them): "In 林俊旸's view, …?" next to "Who
    said …?" → 林俊旸, or "Besides RLVR, what …?" next to "Besides real environments, which method …?" → RLVR.
    Whoever reviews the first card has the second one's answer before it comes up. Reported once per pair, at
    the card whose front shows the answer. A concept's term card and its reverse card (:func:`_same_concept`)
    and the cloze cards of one note (which :func:`answer_in_question` checks) are not pairs here.

    SuperMemo rule 11, combat interference, and rule 4, minimum information: cards on one claim are
    learned side by side, so a fact must be asked once, in one card, and kept off the others' fronts; a pair
    of "besides" cards is one list (rule 9 then bounds it). Anki's manual, "Cloze deletion", accepts that
    the cards of one cloze note show each other's deletions.

    Time: per judgment, every front against every other note's answers, each front and each answer read
    once (:class:`deckgen.wording.QuestionFront`, :class:`deckgen.wording.AnswerTerms`), so linear in the
    length of the text, quadratic only in the number of notes of one judgment (a handful).
    """
    for group in by_judgment(notes).values():
        if len(group) >= 2:
            yield from _sibling_giveaways(group, [_CardView.of(n) for n in group])


def _sibling_giveaways(group: list[Note], views: list[_CardView]) -> Iterator[Problem]:
    """:func:`sibling_giveaway` for the notes of one judgment, read into ``views``."""
    for g, giver in enumerate(group):
        for a, asked in enumerate(group):
            if a == g or _same_concept(giver, asked):
                continue
            found = next(
                (
                    (card, part, why)
                    for _, card, part, terms in views[a].answers
                    for front in views[g].fronts.values()
                    if (why := giveaway(front, terms))
                ),
                None,
            )
            if found:
                card, part, why = found
                loc = asked.spec.loc
                yield note_warn(
                    giver,
                    "sibling-giveaway",
                    f"its front gives away the answer '{clip(part, QUOTED)}' of note '{asked.key}'{card} "
                    f"({loc.file}:{loc.line}): {why}",
                    "drop the redundant card, merge the pair into one list card, or reword this front "
                    "without the other card's answer",
                )


def _supported(reading: str, shown: Sequence[tuple[set[str], set[str]]]) -> bool | None:
    """Whether the back, whose texts have the substances ``shown`` (:func:`deckgen.wording.substance`),
    backs ``reading``: every number of it is on the back, and at least half its units are. None when
    ``reading`` has no substance to check."""
    numbers, units = substance(reading)
    if not numbers and not units:
        return None
    backed = sum(1 for unit in units if any(unit in s[1] for s in shown))
    return all(any(n in s[0] for s in shown) for n in numbers) and 2 * backed >= len(units)


def _context_substance(source: Source, note: Note) -> tuple[set[str], set[str]]:
    """The substance of what a note's back shows besides its answer and extra text: the context (the claim,
    or the editors' note, in each of the source's languages) and the About line's speakers and theme."""
    j = note.judgment
    context = j.context(note.spec)
    about = [source.person(p).label for p in note.speakers] + [source.theme_path(j.theme)]
    return substance("\n".join([*context.values, *about]))


def unsupported_answer(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """The answer of a Q/A note (of a Q/A, concept or list card; each list item) whose substance appears
    nowhere on the card's back, so the learner cannot check an answer against it.

    The back is the answer's context: the claim (or the editors' note, for ``context: editors``) in each of
    the source's languages, the line naming the judgment's speakers and theme, and the card's own ``extra``
    text. An answer is backed when one of its readings is: the answer without its glosses, or any gloss
    (``偷懒 (lazy)`` is backed by "lazy" in the English claim). A reading is backed when every number in it
    is on the back and at least half of its other units are (:func:`deckgen.wording.substance`: word roots
    and character pairs of Han text, so a paraphrase still counts while an answer the back never mentions
    does not). An answer with no substance at all (punctuation) is not judged. Cloze cards show their own
    sentence and are exempt.

    SuperMemo rule 2, learn before you memorise, and rules 13 and 17 (refer to other memories, context
    cues): a card's answer must rest on what the learner can see and understand; the Anki manual ("Getting
    started", what makes a good card) has the back confirm the answer. A detail the claim does not state (a
    figure, an example) belongs in the claim or in ``extra:``.

    Time linear in the text: the context's substance is read once per judgment and kind of context, and
    memory bounded by one judgment's: :func:`deckgen.notes.generate` makes a judgment's notes one after
    another, so only the current judgment's contexts are kept (60,000 notes of real text kept them all
    for a lint peak of about 180 MiB more).
    """
    contexts: dict[str, tuple[set[str], set[str]]] = {}
    judgment = None
    for note in notes:
        if note.note_type.is_cloze:
            continue
        if note.judgment is not judgment:
            judgment = note.judgment
            contexts.clear()
        if note.spec.context not in contexts:
            contexts[note.spec.context] = _context_substance(source, note)
        extra = note.spec.extra if isinstance(note.spec, (QACard, ListCard)) else ""
        shown = (contexts[note.spec.context], substance(extra))
        missing = []
        for part in answer_parts(note):
            # most answers have no gloss: one reading, the answer
            readings = [GLOSS.sub(" ", part), *GLOSS.findall(part)] if has_bracket(part) else [part]
            verdicts = [v for v in (_supported(r, shown) for r in readings) if v is not None]
            if verdicts and not any(verdicts):
                missing.append(part)
        if missing:
            yield note_warn(
                note,
                "unsupported-answer",
                f"the back never states '{clip('; '.join(missing), QUOTED)}': neither the claim (or editors' "
                "note) nor the extra text mentions it",
                "say it in the claim, in each language, or add an extra: text, so the learner can check the answer",
            )


_VAGUE_CUE = re.compile(
    r"\b(?:the|this|that) (?:article|text|passage|author|source|piece|essay|post|judgment|claim|speaker|"
    r"thought experiment|example|comparison|discussion|talk|above)s?\b"
    r"|\bmentioned above\b|文中(?:提到|说|的)|(?:本文|原文|文章|上文)(?:中|里|提到|所述|认为)|作者(?:认为|说|提到)"
)
"""Words in English and Chinese by which a front leans on the article instead of naming what it is about.
The Chinese ones are phrases, not bare words such as 本文, which also occur inside ordinary text (日本文化).
"This judgment" in the source's own word is :func:`_this_judgment`'s."""


def _this_judgment(source: Source) -> re.Pattern[str]:
    """A front's "this judgment" in Chinese (该, 这条, 本 before the source's own word for a judgment,
    ``deck.labels.judgment``, e.g. 这条论断), so that no source's word is written here."""
    return re.compile(f"(?:该|这条|本){re.escape(source.labels.judgment)}")


def vague_cue(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A front that points at the article rather than naming its topic: "per the article", "the author",
    "this judgment", "in the thought experiment", "the example", 文中 (see :data:`_VAGUE_CUE`). The learner
    reviews the card in Anki, months later, without the article; a front must say itself which speaker or
    topic it is about ("In 林俊旸's view", "In the China–US compute comparison", "In the 「今天吃什么」
    example").

    SuperMemo rule 17, context cues simplify wording, and rule 14, use names: the cue must be something the
    learner knows, not a pointer into a text they no longer have; rule 4 (minimum information) asks the card
    to stand alone.
    """
    own = _this_judgment(source)
    for note in notes:
        front = normalize(note.question)
        found = _VAGUE_CUE.search(front) or own.search(front)
        if found:
            yield note_warn(
                note,
                "vague-cue",
                f"the front leans on the article ('{found.group()}')",
                "name the speaker or the topic instead; in Anki the learner has no article",
            )


QUESTION_MARKS = "?\u061f\u055e\u1367\ua60f\u2e2e"
"""The question marks :func:`not_a_question` accepts (after :func:`deckgen.wording.normalize`, which makes the
full-width ``？`` a ``?``): ``?``, the Arabic-script ``؟`` (Arabic, Persian, Urdu), the Armenian ``՞``, the
Ethiopic ``፧``, the Vai ``꘏`` and the reversed ``⸮``; and ``;`` in Greek text, where it is the question mark
(U+037E, which Unicode normalisation makes a ``;``)."""
_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
_JAPANESE_ASKS = re.compile("か[。.]?$")
"""The end of a question in written Japanese without a question mark: the particle か, alone or before
``。`` (``記憶はどのように薄れるか。``), as formal Japanese writes questions."""


def _asks(question: str) -> bool:
    text = normalize(question)
    return (
        any(mark in text for mark in QUESTION_MARKS)
        or (";" in text and bool(_GREEK.search(text)))
        or bool(_JAPANESE_ASKS.search(text.rstrip()))
    )


def not_a_question(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A Q/A note whose question has no question mark (:data:`QUESTION_MARKS`: ``?``, ``？``, ``؟``, a Greek
    ``;``…) and does not end as a Japanese question does without one (``…か。``). Cloze notes are exempt, and so are
    list cards: their front is the ``list_question`` label around ``of:``, which always asks for the items,
    and may be an imperative (French ``Citez {of}.``: a question would need the noun's gender).

    SuperMemo rule 4 (minimum information) and rule 17 (context cues): a statement on the front does not
    say what is wanted, so the learner recalls whatever comes to mind; if the card is a statement with a
    hole, the Anki manual's cloze deletion is the form for it.
    """
    for note in notes:
        asked = note.note_type.is_cloze or isinstance(note.spec, ListCard)
        if not asked and not _asks(note.question):
            what = "the question has no question mark"
            hint = "ask a question ending in '?' (or its language's question mark), or write the statement as a cloze"
            yield note_warn(note, "not-a-question", what, hint)


def cloze_numbering(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A cloze whose deletion numbers skip one (``{{c2::x}}`` with no ``c1``).

    Anki manual, cloze deletion: Anki makes one card per number used, so a gap is not a missing card but
    usually a typo or a deletion removed while editing, and the numbers no longer say which card is which.
    (A cloze without deletions, or with ``c0``, makes no card at all and is an error in generation.)
    """
    for note in notes:
        if not isinstance(note.spec, ClozeCard):
            continue
        gaps = cloze_gaps(cloze_numbers(note.spec.cloze))
        if gaps:
            what = f"cloze numbering has gaps (no {clip_list(gaps)})"
            yield note_warn(
                note, "cloze-numbering", what, "renumber the deletions from c1 up; Anki makes one card per number used"
            )
