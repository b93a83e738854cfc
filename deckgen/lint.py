"""Card quality lint: the classic flashcard mistakes, found in any source.

Each rule is a small function ``rule(source, notes) -> Iterator[Problem]`` over a loaded
:class:`deckgen.model.Source` and the notes :func:`deckgen.generate.generate` made from it. Every problem
it yields has severity ``warning``, points at the card spec (or judgment, or person) in the YAML file, names
the note key, says what is wrong and how to fix it, and carries the rule's code (``Problem.code``, printed
in brackets, e.g. ``[answer-too-long]``). ``deckgen check`` prints them; ``--strict`` turns them into a failure.

The practices behind the rules:

* P. Wozniak, *Effective learning: Twenty rules of formulating knowledge* (SuperMemo, 1999),
  https://www.supermemo.com/en/blog/twenty-rules-of-formulating-knowledge — rule 4 "minimum information
  principle", rule 5 "cloze deletion is easy and effective", rule 9 "avoid sets", rule 10 "avoid
  enumerations", rule 11 "combat interference", rule 14 "use names"/rule 13 "refer to other memories" and
  rule 17 "context cues simplify wording".
* The Anki manual: "Cloze deletion" (https://docs.ankiweb.net/editing.html#cloze-deletion — one card per
  cloze *number*) and "Duplicate checking" / sort field (https://docs.ankiweb.net/editing.html — Anki only
  checks the first field for duplicates, so two notes asking the same thing in different words slip by).

Thresholds, tuned on the shipped deck ``cards/agi-next-2026.yaml`` (see :data:`MAX_ANSWER_WORDS`,
:data:`HAN_PER_WORD`, :data:`MAX_LIST_ITEMS`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence

from .cloze import cloze_deletions, cloze_front, cloze_gaps, cloze_numbers
from .errors import Loc, Problem, Severity, clip
from .generate import Note
from .model import CardSpec, ClozeCard, Judgment, ListCard, Person, QACard, Source

MAX_ANSWER_WORDS = 8
"""Longest answer, in English words, that still reads as one fact. On the shipped deck before this lint,
answers (and list items and cloze deletions) had a median of 2 words and a 90th percentile of 6; the eight
answers above 8 words were all clauses ("It can't tell which tasks failed, so must monitor all") that
could be said in fewer."""

HAN_PER_WORD = 1.5
"""Chinese characters that count as one English word. Measured on the shipped deck: its 40 Chinese claims
have 1,695 Han characters against 1,190 words in their English versions, 1.42 per word; rounded up."""

MAX_ANSWER_HAN = int(MAX_ANSWER_WORDS * HAN_PER_WORD)
"""Longest all-Chinese answer, in Han characters (12). A mixed answer counts words + characters / 1.5."""

MAX_LIST_ITEMS = 4
"""Most items a list card may ask at once. Working memory holds about four chunks (N. Cowan, "The
magical number 4 in short-term memory", 2001); SuperMemo's rules 9 and 10 say to avoid sets and
enumerations altogether, so past four a list must become cloze or per-item cards."""

NEAR_DUPLICATE_MIN_TOKENS = 4
"""Questions with fewer distinct tokens than this are compared only for an exact (normalised) match: with
three tokens, one substituted word would already be a third of the question."""

_MASK = 2**64 - 1
_QUOTED = 80
"""Characters of source text a warning quotes at most (see :func:`deckgen.errors.clip`)."""

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_TOKEN = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+(?:['’.\-][^\W_{_HAN}]+)*")
_HAN_RUN = re.compile(rf"[{_HAN}]{{2,}}")
_WORD = re.compile(rf"[^\W_{_HAN}]+(?:['’.\-][^\W_{_HAN}]+)*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GLOSS = re.compile(r"[(（]([^()（）]*)[)）]")
_LIST_SEPARATORS = re.compile(r"\s*[,;，；、]\s*")

_FUNCTION_WORDS = frozenset(
    """
a an the of to in on at by for with from into onto as than and or nor but so yet is are was were be been being
am do does did done has have had it its it's this that these those there their they them his her he she we us
our you your i me my per via vs about over under up out off just only very also both each some any all more
most much many such own same other another which what who whom whose when where why how can could will would
shall should may might must not no
""".split()
)
"""English function words: never a content word of an answer (:func:`answer_in_question`)."""

_INTERROGATIVES = frozenset("what which who whom whose when where why how not no".split())
_FILLER = _FUNCTION_WORDS - _INTERROGATIVES
"""Words ignored when comparing questions: function words except the ones that change what is asked."""


# -- text helpers ---------------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Text for comparison: Unicode NFKC (full-width ``？`` → ``?``, ``Ａ`` → ``A``), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(text: str) -> list[str]:
    """Normalised tokens: each Han character on its own, other letters and digits as words
    (``"GLM-4.5 写 code"`` → ``["glm-4.5", "写", "code"]``); punctuation and spaces are dropped."""
    return _TOKEN.findall(normalize(text))


def _stem(word: str) -> str:
    """Crude English stem, enough to match ``models``/``model`` and ``company's``/``company``."""
    for suffix in ("'s", "’s"):
        word = word.removesuffix(suffix)
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def _contains(haystack: list[str], needle: list[str]) -> bool:
    """True if the token list ``needle`` occurs contiguously in ``haystack`` (as a string search over the
    tokens joined by NUL, which no token contains: linear, where comparing slices is quadratic)."""
    sep = "\0"
    return bool(needle) and sep + sep.join(needle) + sep in sep + sep.join(haystack) + sep


def answer_length(text: str) -> float:
    """Length of an answer in English-word units: words + Han characters / :data:`HAN_PER_WORD`, measured
    on the answer without its parenthesised glosses (``"感统 (sensory integration)"`` → 2 characters →
    1.33), since a gloss restates the same fact in the other language."""
    main = _GLOSS.sub(" ", text)
    han = sum(len(run) for run in re.findall(rf"[{_HAN}]+", main))
    return len(_WORD.findall(main)) + han / HAN_PER_WORD


def key_terms(answer: str) -> list[str]:
    """What would give ``answer`` away if a question showed it: the answer without glosses, each gloss,
    and each run of two or more Han characters (``"托管式 (hosted) Agent"`` → ``["托管式 Agent", "hosted",
    "托管式"]``). Terms made only of function words are left out."""
    main = " ".join(_GLOSS.sub(" ", answer).split())
    terms = [main, *_GLOSS.findall(answer), *_HAN_RUN.findall(answer)]
    out = []
    for term in terms:
        toks = tokens(term)
        if toks and any(t not in _FUNCTION_WORDS for t in toks) and term not in out:
            out.append(term)
    return out


def _content_stems(text: str) -> set[str]:
    return {_stem(t) for t in tokens(text) if _WORD.fullmatch(t) and t not in _FUNCTION_WORDS and len(t) > 2}


def giveaway(question: str, answer: str) -> str | None:
    """Why ``question`` gives ``answer`` away, or None: a key term of the answer (:func:`key_terms`) occurs
    in it as whole tokens, or every content word of a multi-word answer does."""
    qtoks = tokens(question)
    for term in key_terms(answer):
        if _contains(qtoks, tokens(term)):
            return f"'{clip(term, _QUOTED)}' is in the question"
    content = _content_stems(_GLOSS.sub(" ", answer))
    if len(content) >= 2 and content <= {_stem(t) for t in qtoks}:
        return f"every content word of the answer ({clip(', '.join(sorted(content)), _QUOTED)}) is in the question"
    return None


def answer_parts(note: Note) -> list[str]:
    """The separate things a learner must recall for ``note``: a list's items, a cloze's deletions, else
    the answer."""
    if isinstance(note.spec, ListCard):
        return list(note.spec.items)
    if isinstance(note.spec, ClozeCard):
        return [answer for _, answer in cloze_deletions(note.spec.cloze)]
    return [note.answer]


# -- problem helpers --------------------------------------------------------------------------------------


def _warn(loc: Loc | None, file: str, code: str, subject: str, what: str, hint: str) -> Problem:
    message = f"{subject}: {what}; {hint}"
    if loc is None:
        return Problem(file, 0, 0, "", message, Severity.WARNING, code)
    return Problem.at(loc, message, Severity.WARNING, code)


def _note_warn(note: Note, code: str, what: str, hint: str) -> Problem:
    return _warn(note.spec.loc, note.spec.loc.file, code, f"note '{note.key}'", what, hint)


def _spec_notes(notes: Sequence[Note]) -> dict[int, tuple[CardSpec, list[Note]]]:
    """Notes grouped by the card spec that made them (keyed by ``id`` of the spec), in source order."""
    out: dict[int, tuple[CardSpec, list[Note]]] = {}
    for note in notes:
        out.setdefault(id(note.spec), (note.spec, []))[1].append(note)
    return out


# -- the rules --------------------------------------------------------------------------------------------


def answer_too_long(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """An answer (a list item, a cloze deletion) longer than :data:`MAX_ANSWER_WORDS` English words or
    :data:`MAX_ANSWER_HAN` Chinese characters (see :func:`answer_length`) is more than one fact.

    SuperMemo rule 4, the minimum information principle: "the material you learn must be formulated in as
    simple a way as it is only possible"; a long answer is recalled in part and graded as a whole.
    """
    for note in notes:
        for part in answer_parts(note):
            length = answer_length(part)
            if length > MAX_ANSWER_WORDS:
                yield _note_warn(
                    note,
                    "answer-too-long",
                    f"answer '{clip(part, _QUOTED)}' is {length:.0f} words long (limit "
                    f"{MAX_ANSWER_WORDS} words or {MAX_ANSWER_HAN} Chinese characters)",
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
            yield _note_warn(
                made[0],
                "list-too-long",
                f"asks for {count} items at once (limit {MAX_LIST_ITEMS})",
                "make it a cloze with one deletion number per item, or one card per item",
            )


def answer_in_question(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """The question contains its own answer: a key term of the answer (:func:`key_terms`), or all the
    answer's content words. For a cloze, each card's front is checked: a deleted term that stays visible
    elsewhere in the text (in another deletion shown on that card, or written out again) gives it away.

    SuperMemo rule 11, combat interference, and rule 17, context cues should simplify wording, never
    contain the answer: a card answered by reading its question trains nothing.
    """
    for note in notes:
        if isinstance(note.spec, ClozeCard):
            text = note.spec.cloze
            for number in sorted(set(cloze_numbers(text))):
                front = cloze_front(text, number)
                for n, answer in cloze_deletions(text):
                    why = giveaway(front, answer) if n == number else None
                    if why:
                        yield _note_warn(
                            note,
                            "answer-in-question",
                            f"card c{number} shows its answer: {why}",
                            "reword so the deleted term appears only inside the deletion",
                        )
        else:
            for part in answer_parts(note):
                why = giveaway(note.question, part)
                if why:
                    yield _note_warn(
                        note,
                        "answer-in-question",
                        f"the question gives away '{clip(part, _QUOTED)}': {why}",
                        "reword the question without the answer's words",
                    )


def duplicate_questions(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """Two notes whose questions are the same after normalising case, punctuation and full/half width
    (Unicode NFKC), or nearly the same: equal as sets of words once articles and similar filler are
    dropped, up to one added, dropped or substituted word. Two questions that differ in a single word
    ("… of region 1?" / "… of region 2?") are reported on purpose: that is the interference to avoid.

    SuperMemo rule 11, combat interference: near-identical questions with different answers get mixed up,
    and identical ones split one memory in two. Anki's own duplicate check only compares the first (sort)
    field exactly (Anki manual, "Adding notes"/duplicates), so it misses both reworded copies and notes of
    different types.

    Runs in time linear in the number of notes times question length: each question is filed under its
    normalised text and under its word set with each one word left out (the "symmetric deletion"
    neighbourhood), and two questions are near-duplicates exactly when they share one of those keys; no
    pair of questions is ever compared unless they do. A word set is filed by its hash only, and the hash of
    a set is the sum of its words' hashes, so the hash of each set with one word left out costs one
    subtraction rather than a copy of the set (memory stays linear in question length); a note found under a
    hash is checked against the note filing it (:func:`_near`), so a hash collision never makes a report.
    """
    exact: dict[str, Note] = {}
    near: dict[int, Note | list[Note]] = {}  # hash of a key → the first note filed under it (a list on collision)
    reported: set[tuple[str, str]] = set()
    for note in notes:
        toks = tokens(note.question)
        first = exact.setdefault(" ".join(toks), note)
        if first is not note:
            reported.add((first.key, note.key))
            yield _dup(note, first, "the same question as")
            continue
        words = _word_set(toks)
        for key in _near_hashes(words):
            filed = near.setdefault(key, note)
            if filed is note:
                continue
            candidates = filed if isinstance(filed, list) else [filed]
            if any((n.key, note.key) in reported for n in candidates):
                continue
            other = next((n for n in candidates if _near(_word_set(tokens(n.question)), words)), None)
            if other is None:
                near[key] = [*candidates, note]
            else:
                reported.add((other.key, note.key))
                yield _dup(note, other, "nearly the same question as")


def _word_set(question_tokens: list[str]) -> frozenset[str]:
    """A question's words for comparing questions: its tokens, filler dropped, words stemmed."""
    return frozenset(_stem(t) for t in question_tokens if t not in _FILLER)


def _near_hashes(words: frozenset[str]) -> list[int]:
    """Hashes of a word set's keys: the set and, for a set of at least :data:`NEAR_DUPLICATE_MIN_TOKENS`
    words, the set with each one word left out. A set's hash is the sum of its words' hashes modulo 2**64."""
    hashes = [hash(w) for w in words]
    total = sum(hashes) & _MASK
    if len(words) < NEAR_DUPLICATE_MIN_TOKENS:
        return [total]
    return [total, *((total - h) & _MASK for h in hashes)]


def _near(a: frozenset[str], b: frozenset[str]) -> bool:
    """True if word sets ``a`` and ``b`` share a key of :func:`_near_hashes`: each has at most one word the
    other lacks, and a set leaves one out only if it has at least :data:`NEAR_DUPLICATE_MIN_TOKENS` words."""
    only_a, only_b = len(a - b), len(b - a)
    return (
        only_a <= 1
        and only_b <= 1
        and (not only_a or len(a) >= NEAR_DUPLICATE_MIN_TOKENS)
        and (not only_b or len(b) >= NEAR_DUPLICATE_MIN_TOKENS)
    )


def _dup(note: Note, other: Note, what: str) -> Problem:
    loc = other.spec.loc
    return _note_warn(
        note,
        "duplicate-question",
        f"'{clip(note.question, _QUOTED)}' is {what} note '{other.key}' "
        f"({loc.file}:{loc.line}: '{clip(other.question, _QUOTED)}')",
        "merge the two cards, or reword one so they differ by more than a word "
        "(questions that close get confused in review)",
    )


def not_a_question(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A Q/A note whose question has no question mark (``?`` or ``？``). Cloze notes are exempt.

    SuperMemo rule 4 (minimum information) and rule 17 (context cues): a statement on the front does not
    say what is wanted, so the learner recalls whatever comes to mind; if the card is a statement with a
    hole, the Anki manual's cloze deletion is the form for it.
    """
    for note in notes:
        if not note.note_type.is_cloze and "?" not in normalize(note.question):
            yield _note_warn(
                note,
                "not-a-question",
                "the question has no question mark",
                "ask a question ending in '?', or write the statement as a cloze",
            )


def judgment_without_cards(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A judgment that yields no note (``cards: []``): a claim of the source the deck never teaches.

    Card content rule of this project (every judgment is asked), and SuperMemo rule 2, learn before you
    memorise: the deck should cover the source it claims to.
    """
    with_notes = {note.judgment.id for note in notes}
    for j in source.judgments:
        if j.id not in with_notes:
            yield _warn(
                j.loc,
                source.path,
                "judgment-without-cards",
                f"judgment {j.number} '{j.id}'",
                "yields no card",
                "add at least one card spec (q/a, term, of or cloze)",
            )


def person_never_asked(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A person in ``people`` whom no card connects to what they said.

    A person counts as asked when their name (``杨强``) or romanisation (``Yang Qiang``) is an answer or part
    of one on any card ("Who …?" → 杨强), or appears in the question of a card on one of their own judgments
    ("In 杨强's scheme, …?"). Otherwise the learner may remember the claims and never who made them.

    SuperMemo rule 14, use names and "personalize": people are the hooks that claims hang on; and this
    project's content rule that every name in a judgment is asked by some card.

    Runs in time linear in the notes and people: every name is filed under its tokens, and each note's
    answers and question are scanned once for any filed name, never compared with every person.
    """
    names: dict[tuple[str, ...], set[str]] = {}  # tokens of a name or romanisation → ids of people so called
    for person in source.people:
        for name in (person.name, person.roman):
            if toks := tuple(tokens(name)):
                names.setdefault(toks, set()).add(person.id)
    lengths = sorted({len(name) for name in names})
    firsts = {name[0] for name in names}

    def named(text: str) -> set[str]:
        """Ids of the people whose name occurs in ``text`` as whole tokens."""
        toks = tokens(text)
        found: set[str] = set()
        for i, tok in enumerate(toks):
            if tok in firsts:
                for n in lengths:
                    found |= names.get(tuple(toks[i : i + n]), set())
        return found

    asked: set[str] = set()
    for note in notes:
        for part in answer_parts(note):
            asked |= named(part)
        asked |= named(note.question) & set(note.judgment.speakers)  # a question on one of their own judgments
    spoken: dict[str, list[Judgment]] = {}
    for j in source.judgments:
        for person_id in j.speakers:
            spoken.setdefault(person_id, []).append(j)
    for person in source.people:
        if person.id in asked:
            continue
        if person.id in spoken:
            what = "speaks judgment(s) " + ", ".join(str(j.number) for j in spoken[person.id]) + " but no card asks who"
            hint = "add a 'Who …?' card to one of them, or name the person in a question about their claim"
        else:
            what = "speaks no judgment and no card names them"
            hint = "remove them from people, or set them as a judgment's speaker and ask about it"
        yield _person_warn(source, person, what, hint)


def _person_warn(source: Source, person: Person, what: str, hint: str) -> Problem:
    return _warn(person.loc, source.path, "person-never-asked", f"person '{person.id}' ({person.label})", what, hint)


def figure_never_asked(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A figure (a number such as ``20%``, ``2025``, ``1–2``) or a Chinese term kept in the English text
    (``托管式``) of a judgment's claim or editors' note that none of the judgment's cards mentions.

    These are the named concepts and figures a claim rests on; keeping a Chinese term in the English text
    is this deck's convention for a named concept. Project content rule: "every name, figure, list and named
    concept in a judgment is asked by some card"; SuperMemo rule 13, refer to other memories, is what
    the card-to-figure link gives.
    """
    texts: dict[str, list[str]] = {}
    for note in notes:
        texts.setdefault(note.judgment.id, []).extend([note.question, *answer_parts(note)])
        if isinstance(note.spec, ClozeCard):
            texts[note.judgment.id].append(note.spec.extra)
    for j in source.judgments:
        cards = normalize(" ".join(texts.get(j.id, [])))
        if j.id not in texts:
            continue  # judgment_without_cards reports it
        numbers = set(_NUMBER.findall(cards))
        for what in _claim_texts(j):
            text = normalize(what)
            missing = [n for n in _NUMBER.findall(text) if n not in numbers]
            missing += [t for t in _HAN_RUN.findall(text) if t not in cards]
            for item in dict.fromkeys(missing):
                yield _warn(
                    j.loc,
                    source.path,
                    "figure-never-asked",
                    f"judgment {j.number} '{j.id}'",
                    f"'{clip(item, _QUOTED)}' in the claim is on no card",
                    "ask about it (or drop it from the claim)",
                )


def _claim_texts(j: Judgment) -> list[str]:
    return [j.claim.en] + ([j.editors_note.en] if j.editors_note else [])


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
            yield _note_warn(
                note,
                "cloze-numbering",
                f"cloze numbering has gaps (no {', '.join(gaps)})",
                "renumber the deletions from c1 up; Anki makes one card per number used",
            )


Rule = Callable[[Source, Sequence[Note]], Iterator[Problem]]

RULES: dict[str, Rule] = {
    "answer-too-long": answer_too_long,
    "list-too-long": list_too_long,
    "answer-in-question": answer_in_question,
    "duplicate-question": duplicate_questions,
    "not-a-question": not_a_question,
    "judgment-without-cards": judgment_without_cards,
    "person-never-asked": person_never_asked,
    "figure-never-asked": figure_never_asked,
    "cloze-numbering": cloze_numbering,
}
"""Rule code → rule function, in the order their warnings are explained in ``deckgen check``."""


def lint(source: Source, notes: Sequence[Note]) -> list[Problem]:
    """Every rule's warnings for ``source`` and its ``notes`` (from :func:`deckgen.generate.generate`),
    sorted by file and line. Never raises for content; an empty list means the deck is lint-clean."""
    return sorted(p for rule in RULES.values() for p in rule(source, notes))
