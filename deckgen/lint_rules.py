"""Card quality lint: the classic flashcard mistakes, found in any source.

Each rule is a small function ``rule(source, notes) -> Iterator[Problem]`` over a loaded
:class:`deckgen.model.Source` and the notes :func:`deckgen.notes.generate` made from it. Every problem
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

The rules about each card and the cards of its judgment live in :mod:`deckgen.lint_cards`; this module holds
the rules about the deck as a whole (duplicates, coverage, glosses, characters and tags), :data:`RULES`
and :func:`lint`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence

from .errors import QUOTED, Loc, Problem, Severity, clip, clip_list, escaped
from .languages import written_with_han
from .lint_cards import (
    answer_in_question,
    answer_parts,
    answer_too_long,
    by_judgment,
    card_fronts,
    cloze_numbering,
    list_too_long,
    not_a_question,
    note_warn,
    sibling_giveaway,
    unsupported_answer,
    vague_cue,
    warn,
)
from .model import ClozeCard, Judgment, ListCard, Person, QACard, Source, fold_tag
from .notes import Note
from .wording import (
    HAN_RUN,
    NUMBER,
    are_near,
    gloss_key,
    glosses,
    holds_han,
    near_hashes,
    normalize,
    question_words,
    tokens,
    word_set,
)

# -- the rules --------------------------------------------------------------------------------------------


def _glossed_texts(source: Source, notes: Sequence[Note]) -> Iterator[tuple[str, bool, Loc, Judgment | Note]]:
    """Every text a learner reads, in source order, as ``(text, whole, loc, of)``: each judgment's claim
    and editors' note in each of the source's languages, then its notes' questions (a cloze's front),
    answers (list items, deletions) and extra texts; ``whole`` marks an answer, ``of`` is the judgment or
    note the text belongs to (:func:`_subject` names it)."""
    grouped = by_judgment(notes)
    for j in source.judgments:
        for text in (*j.claim.values, *(j.editors_note.values if j.editors_note else ())):
            yield text, False, j.loc, j
        for note in grouped.get(j.id, []):
            yield note.question, False, note.spec.loc, note
            for part in answer_parts(note):
                yield part, True, note.spec.loc, note
            extra = note.spec.extra if isinstance(note.spec, (QACard, ListCard, ClozeCard)) else ""
            if extra:
                yield extra, False, note.spec.loc, note


def _subject(of: Judgment | Note) -> str:
    """How a warning names the judgment or note a text of :func:`_glossed_texts` belongs to."""
    return f"note '{of.key}'" if isinstance(of, Note) else f"judgment {of.number} '{of.id}'"


def inconsistent_gloss(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """One Chinese term glossed in two ways (``自主学习 (self-learning)`` on one card, ``自主学习 (autonomous
    learning)`` on another), or one gloss given to two Chinese terms (``自主学习 (self-learning)`` and ``自学习
    (self-learning)``), anywhere a learner reads: claims and editors' notes in each of the source's languages,
    questions, answers and extra texts (:func:`deckgen.wording.glosses` finds the pairs). Two glosses of a term
    agree when the words of one are among the words of the other ("goal definition" and "goal definition: by
    humans or AI"); two terms may share a gloss when one contains the other (金融 and 做金融 as "Finance").
    Reported once per pair, where the second one is.

    SuperMemo rule 11, combat interference: a learner who meets one term under two translations, or two
    terms under one, learns two things where there is one or one where there are two, and the cards asking
    them interfere; rule 4 (minimum information) asks one name per idea.

    Time linear in the text: glosses are filed in dictionaries by term and by gloss.
    """
    seen_terms: dict[str, dict[frozenset[str], tuple[str, str]]] = {}  # term → gloss key → (gloss, where)
    seen_glosses: dict[frozenset[str], dict[str, str]] = {}  # gloss key → term → where
    reported: set[tuple[str, frozenset[str]]] = set()
    for text, whole, loc, of in _glossed_texts(source, notes):
        found = glosses(text, whole)
        where = f"{loc.file}:{loc.line}" if found else ""
        for term, gloss in found:
            key = gloss_key(gloss)
            if not key or (term, key) in reported:
                continue
            terms_glosses = seen_terms.setdefault(term, {})
            gloss_terms = seen_glosses.setdefault(key, {})
            clashes = []
            if key not in terms_glosses:
                other = next((g for k, g in terms_glosses.items() if not (k <= key or key <= k)), None)
                if other:
                    clashes.append(
                        (
                            f"'{clip(term, QUOTED)}' is glossed '{clip(gloss, QUOTED)}' here but "
                            f"'{clip(other[0], QUOTED)}' at {other[1]}",
                            "give one Chinese term one English gloss throughout the deck",
                        )
                    )
                terms_glosses[key] = (gloss, where)
            if term not in gloss_terms:
                twin = next(((t, w) for t, w in gloss_terms.items() if t not in term and term not in t), None)
                if twin:
                    clashes.append(
                        (
                            f"'{clip(gloss, QUOTED)}' glosses '{clip(term, QUOTED)}' here and "
                            f"'{clip(twin[0], QUOTED)}' at {twin[1]}",
                            "give each of two Chinese terms its own English gloss, so they are not learned as one",
                        )
                    )
                gloss_terms[term] = where
            for what, hint in clashes:
                reported.add((term, key))
                yield warn(loc, source.path, "inconsistent-gloss", _subject(of), what, hint)


def duplicate_questions(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """Two notes whose questions are the same after normalising case, punctuation and full/half width
    (Unicode NFKC), or nearly the same: equal as sets of words once articles and similar filler are
    dropped, up to one added, dropped or substituted word. Two questions that differ in a single word
    ("… of region 1?" / "… of region 2?") are reported on purpose: that is the interference to avoid. Two
    that differ only in a question word for one of another kind ("When was …?" / "Where was …?") are not:
    they ask for different kinds of fact (:func:`deckgen.wording.question_words` of the source's languages);
    "What city …?" and "Which city …?" are the same question.

    SuperMemo rule 11, combat interference: near-identical questions with different answers get mixed up,
    and identical ones split one memory in two. Anki's own duplicate check only compares the first (sort)
    field exactly (Anki manual, "Adding notes"/duplicates), so it misses both reworded copies and notes of
    different types.

    Runs in time linear in the number of notes times question length: each question is filed under its
    normalised text and under its word set with each one word left out (the "symmetric deletion"
    neighbourhood), and two questions are near-duplicates when they share one of those keys (unless the
    two words they differ in are question words of different kinds); no
    pair of questions is ever compared unless they do. A word set is filed by its hash only, and the hash of
    a set is the sum of its words' hashes, so the hash of each set with one word left out costs one
    subtraction rather than a copy of the set (memory stays linear in question length); a note found under a
    hash is checked against the note filing it (:func:`deckgen.wording.are_near`), so a hash collision never
    makes a report.
    """
    exact: dict[str, Note] = {}
    near: dict[int, Note | list[Note]] = {}  # hash of a key → the first note filed under it (a list on collision)
    reported: set[tuple[str, str]] = set()
    kinds = question_words(source.languages)
    for note in notes:
        toks = tokens(note.question)
        first = exact.setdefault(" ".join(toks), note)
        if first is not note:
            reported.add((first.key, note.key))
            yield _dup(note, first, "the same question as")
            continue
        words = word_set(toks, kinds)
        for key in near_hashes(words):
            filed = near.setdefault(key, note)
            if filed is note:
                continue
            candidates = filed if isinstance(filed, list) else [filed]
            if any((n.key, note.key) in reported for n in candidates):
                continue
            other = next((n for n in candidates if are_near(word_set(tokens(n.question), kinds), words, kinds)), None)
            if other is None:
                near[key] = [*candidates, note]
            else:
                reported.add((other.key, note.key))
                yield _dup(note, other, "nearly the same question as")


def _dup(note: Note, other: Note, what: str) -> Problem:
    loc = other.spec.loc
    return note_warn(
        note,
        "duplicate-question",
        f"'{clip(note.question, QUOTED)}' is {what} note '{other.key}' "
        f"({loc.file}:{loc.line}: '{clip(other.question, QUOTED)}')",
        "merge the two cards, or reword one so they differ by more than a word "
        "(questions that close get confused in review)",
    )


def judgment_without_cards(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A judgment that yields no note (``cards: []``): a claim of the source the deck never teaches.

    Card content rule of this project (every judgment is asked), and SuperMemo rule 2, learn before you
    memorise: the deck should cover the source it claims to.
    """
    with_notes = {note.judgment.id for note in notes}
    for j in source.judgments:
        if j.id not in with_notes:
            yield warn(
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
    ("In 杨强's scheme, …?"). On their own judgments their short name counts too, in a question or an
    answer: the last word of a name not in Han characters (``Emlen`` for Stephen Emlen, ``Эббингауз``), the
    first or last word of a romanisation (``Tang`` or ``Jie`` for 唐杰, Tang Jie), unless another person of the
    source has the same one. A possessive counts as the name (``Emlen's``, ``Tang Jie’s``), and a name in kana
    or Hangul counts with the particle it takes without a space (``エビングハウスは``). A Han name has no short form
    here: one Han character is too common to stand for a person. Otherwise the learner may remember the
    claims and never who made them.

    SuperMemo rule 14, use names and "personalize": people are the hooks that claims hang on; and this
    project's content rule that every name in a judgment is asked by some card.

    Runs in time linear in the notes and people: every name is filed under its tokens, and each note's
    answers and question are scanned once for any filed name, never compared with every person.
    """
    names: dict[tuple[str, ...], set[str]] = {}  # tokens of a name or romanisation → ids of people so called
    short: dict[tuple[str, ...], set[str]] = {}  # one word of a name → ids of people it may stand for
    for person in source.people:
        for name in (person.name, person.roman):
            if toks := tuple(_names(name)):
                names.setdefault(toks, set()).add(person.id)
        for word in _short_names(person):
            short.setdefault(tuple(_names(word)), set()).add(person.id)  # a word in kana is a token a letter
    full = _finder(names)
    by_short = _finder({word: ids for word, ids in short.items() if len(ids) == 1 and word not in names})
    # a name in kana or Hangul takes its particle without a space (エビングハウスは, 에빙하우스는): found inside a word
    glued = {
        person.id: [normalize(w) for w in (person.name, *_short_names(person)) if _takes_particles(w)]
        for person in source.people
    }
    asked: set[str] = set()
    for note in notes:
        own = set(note.judgment.speakers)
        for part in answer_parts(note):
            words = _names(part)
            asked |= full(words) | (by_short(words) & own)
        words = _names(note.question)
        asked |= (full(words) | by_short(words)) & own  # on one of their own judgments
        if wanted := [p for p in own - asked if glued.get(p)]:
            texts = [normalize(t) for t in (note.question, *answer_parts(note))]
            asked.update(p for p in wanted if any(w in t for w in glued[p] for t in texts))
    spoken: dict[str, list[Judgment]] = {}
    for j in source.judgments:
        for person_id in j.speakers:
            spoken.setdefault(person_id, []).append(j)
    for person in source.people:
        if person.id in asked:
            continue
        if person.id in spoken:
            what = f"speaks judgment(s) {clip_list(j.number for j in spoken[person.id])} but no card asks who"
            hint = (
                "add a 'Who …?' card to one of them, or name the person (name, romanisation or surname) in a "
                "question about their claim"
            )
        else:
            what = "speaks no judgment and no card names them"
            hint = "remove them from people, or set them as a judgment's speaker and ask about it"
        yield _person_warn(source, person, what, hint)


def _names(text: str) -> list[str]:
    """The tokens of ``text`` (:func:`deckgen.wording.tokens`), a possessive ``'s`` taken off each."""
    toks = tokens(text)
    joined = "\0".join(toks)
    if "'s" not in joined and "’s" not in joined:  # most texts: no token to take a suffix off
        return toks
    return [tok.removesuffix("'s").removesuffix("’s") for tok in toks]


def _short_names(person: Person) -> set[str]:
    """The words that may stand for ``person`` alone (see :func:`person_never_asked`): the last word of a name
    not written in Han characters (``Emlen``, ``Эббингауз``, ``エビングハウス`` of ``ヘルマン・エビングハウス``), the
    first and last words of a romanisation; none for a one-word name."""
    out: set[str] = set()
    name, roman = _NAME_PARTS.split(normalize(person.name).strip()), _names(person.roman)
    if len(name) > 1 and not holds_han(person.name):
        out.add(name[-1])
    if len(roman) > 1:
        out |= {roman[0], roman[-1]}
    return {word for word in out if word}


_NAME_PARTS = re.compile("[\\s・·=]+")
"""What separates the words of a name: spaces, and the middle dots and double hyphen of Japanese names
(``ヘルマン・エビングハウス``)."""


def _takes_particles(name: str) -> bool:
    """Whether ``name`` is written in kana or Hangul, where a particle follows a name without a space."""
    return any(unicodedata.name(ch, "").startswith(("KATAKANA", "HIRAGANA", "HANGUL")) for ch in name)


def _finder(names: dict[tuple[str, ...], set[str]]) -> Callable[[list[str]], set[str]]:
    """A function from a text's :func:`_names` tokens to the ids of the people whose name in ``names`` (tokens
    → ids) occurs there as whole tokens: a token that starts a name is looked up at each filed name length, so
    the time is linear in the text."""
    lengths = sorted({len(name) for name in names})
    firsts = {name[0] for name in names}

    def named(toks: list[str]) -> set[str]:
        found: set[str] = set()
        if firsts.isdisjoint(toks):  # most texts: no token starts a name
            return found
        for i, tok in enumerate(toks):
            if tok in firsts:
                for n in lengths:
                    found |= names.get(tuple(toks[i : i + n]), set())
        return found

    return named


def _person_warn(source: Source, person: Person, what: str, hint: str) -> Problem:
    return warn(person.loc, source.path, "person-never-asked", f"person '{person.id}' ({person.label})", what, hint)


def figure_never_asked(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """A figure (a number such as ``20%``, ``2025``, ``1–2``) or a Chinese term kept in the English text
    (``托管式``) of a judgment's claim or editors' note that none of the judgment's cards mentions.

    The text read is the one in the source's last language not written with Han characters (``en`` of
    ``[zh, en]``), where a run of Han characters is an original term kept; when every language of the source
    is written with them (``[zh]``), its last language's text, for figures only.

    These are the named concepts and figures a claim rests on; keeping a Chinese term in the English text
    is the shipped deck's convention for a named concept. Project content rule: "every name, figure, list and named
    concept in a judgment is asked by some card"; SuperMemo rule 13, refer to other memories, is what
    the card-to-figure link gives.
    """
    texts: dict[str, list[str]] = {}
    for note in notes:
        texts.setdefault(note.judgment.id, []).extend([note.question, *answer_parts(note)])
        if isinstance(note.spec, ClozeCard):
            texts[note.judgment.id].append(note.spec.extra)
    languages = source.languages
    which = next((i for i in reversed(range(len(languages))) if not written_with_han(languages[i])), -1)
    kept_terms = not written_with_han(languages[which])
    for j in source.judgments:
        cards = normalize(" ".join(texts.get(j.id, [])))
        if j.id not in texts:
            continue  # judgment_without_cards reports it
        numbers = set(NUMBER.findall(cards))
        for what in _claim_texts(j, which):
            text = normalize(what)
            missing = [n for n in NUMBER.findall(text) if n not in numbers]
            missing += [t for t in HAN_RUN.findall(text) if t not in cards] if kept_terms else []
            for item in dict.fromkeys(missing):
                yield warn(
                    j.loc,
                    source.path,
                    "figure-never-asked",
                    f"judgment {j.number} '{j.id}'",
                    f"'{clip(item, QUOTED)}' in the claim is on no card",
                    "ask about it (or drop it from the claim)",
                )


def _claim_texts(j: Judgment, language: int) -> list[str]:
    """The claim and editors' note of ``j`` in the source's ``language`` (an index into its languages)."""
    return [j.claim.values[language]] + ([j.editors_note.values[language]] if j.editors_note else [])


def invisible_characters(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """Text holding an invisible character: a Unicode format character (category Cf), such as a zero-width
    space or joiner, a left-to-right or right-to-left mark or override (U+200E/F, U+202A–U+202E,
    U+2066–U+2069), a byte-order mark inside the text (U+FEFF) or a soft hyphen (U+00AD). Any text of the
    source: deck name and description, labels, credits, themes, people, named decks, judgments, card specs and
    tags (the loader lists them with their places, :attr:`deckgen.model.Source.format_texts`); each warning is
    at the text itself and names the note or judgment it belongs to. A zero-width non-joiner or joiner that
    is part of the spelling (Persian ``می‌شوند``, a Hindi conjunct, an emoji sequence ``👨‍👩‍👧``), an emoji
    flag's tag characters and a format character that shows (the Arabic end of ayah) are not one
    (:func:`deckgen.yamlnodes.format_character_at`): removing them would change what the text says.

    Anki manual, "Searching" and "Duplicate checking": Anki compares the text as stored, so a tag, a word or
    an answer with an invisible character in it is not found by a search for what it looks like, a duplicate
    with one slips by, and an override reverses what the card shows. SuperMemo rule 4, the minimum
    information principle: what the learner sees should be all there is.
    """
    if not source.format_texts:
        return
    owners = {j.loc.key_path: f"judgment {j.number} '{j.id}'" for j in source.judgments}
    owners.update({s.loc.key_path: f"note '{s.key(j.id)}'" for j in source.judgments for s in j.cards})
    for loc, text, at in source.format_texts:
        ch = text[at]
        shown = clip("".join(escaped(c) if unicodedata.category(c) == "Cf" else c for c in text))
        name = unicodedata.name(ch, "a format character")
        what = f"U+{ord(ch):04X} ({name}) at character {at + 1} of '{shown}' is invisible"
        hint = "remove it, or write what it stands for"
        owner = _OWNER.match(loc.key_path)
        if owner and (subject := owners.get(owner[0])):
            yield warn(loc, loc.file, "invisible-character", subject, what, hint)
        else:
            yield Problem.at(loc, f"{what}; {hint}", Severity.WARNING, "invisible-character")


_OWNER = re.compile(r"judgments\[\d+\](?:\.cards\[\d+\])?")
"""The key path of the card spec, or else of the judgment, that a text's key path starts with."""


def tags_differing_in_case(source: Source, notes: Sequence[Note]) -> Iterator[Problem]:
    """Two tags of one deck that differ only in case (``Agent`` and ``agent``).

    Anki manual, "Using decks appropriately"/tags: Anki's tags are case-insensitive; it keeps one spelling of
    a tag for the whole collection, so the other one is merged into it and the source no longer says what
    Anki shows (SuperMemo rule 11, combat interference: two names for one thing).
    """
    spellings: dict[str, tuple[str, Note]] = {}
    reported: set[str] = set()
    for note in notes:
        for tag in note.tags:
            first = spellings.setdefault(fold_tag(tag), (tag, note))
            if first[0] != tag and tag not in reported:
                reported.add(tag)
                yield note_warn(
                    note,
                    "tags-differ-in-case",
                    f"tag '{clip(tag)}' differs only in case from '{clip(first[0])}' (note '{first[1].key}'), "
                    "and Anki merges the two",
                    "spell the tag one way everywhere",
                )


Rule = Callable[[Source, Sequence[Note]], Iterator[Problem]]

RULES: dict[str, Rule] = {
    "answer-too-long": answer_too_long,
    "list-too-long": list_too_long,
    "answer-in-question": answer_in_question,
    "sibling-giveaway": sibling_giveaway,
    "unsupported-answer": unsupported_answer,
    "vague-cue": vague_cue,
    "inconsistent-gloss": inconsistent_gloss,
    "duplicate-question": duplicate_questions,
    "not-a-question": not_a_question,
    "judgment-without-cards": judgment_without_cards,
    "person-never-asked": person_never_asked,
    "figure-never-asked": figure_never_asked,
    "cloze-numbering": cloze_numbering,
    "invisible-character": invisible_characters,
    "tags-differ-in-case": tags_differing_in_case,
}
"""Rule code → rule function, in the order their warnings are explained in ``deckgen check``."""


def lint(source: Source, notes: Sequence[Note]) -> list[Problem]:
    """Every rule's warnings for ``source`` and its ``notes`` (from :func:`deckgen.notes.generate`),
    sorted by file and line. Never raises for content; an empty list means the deck is lint-clean."""
    return sorted(p for rule in _PASSES for p in rule(source, notes))


_PASSES = [
    card_fronts,
    *(rule for code, rule in RULES.items() if code not in ("answer-in-question", "sibling-giveaway")),
]
"""The passes :func:`lint` runs: :func:`card_fronts` does answer-in-question and sibling-giveaway together,
reading each note's fronts and answers once; the order does not matter, as :func:`lint` sorts."""
