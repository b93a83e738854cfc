"""Measuring the wording of cards for the lint: tokens, answer length, key terms, giveaways, what a text
states (its substance), the glosses it gives Chinese terms, and the keys under which near-duplicate questions
meet.

Text is compared after Unicode NFKC and case folding; each Han character is a token, other letters and
digits form words. :data:`HAN_PER_WORD` converts between Chinese characters and English words, and
:data:`KANA_PER_WORD` between Japanese kana and English words; where a text's meaning is read (its length,
its key terms, its substance), a run of Han characters and kana is read as Chinese is, character by
character, since Japanese too puts no space between words.

Imports only the standard library, :mod:`deckgen.errors` and :mod:`deckgen.cloze`.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from itertools import chain
from typing import Protocol

from .cloze import CLOZE_RE, deletion_numbers
from .errors import QUOTED, clip

HAN_PER_WORD = 1.5
"""Chinese characters that count as one English word. Measured on the shipped deck: its 40 Chinese claims
have 1,695 Han characters against 1,190 words in their English versions, 1.42 per word; rounded up."""

KANA_PER_WORD = 3.0
"""Kana that count as one English word: a kana is one mora, and an English word of one to two syllables is
two to three morae in Japanese (a rough figure, as :data:`HAN_PER_WORD` is for Chinese; kana carry less
than Han characters, which Japanese writes its content words with)."""

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
"""The code points counted as Han characters: CJK unified ideographs, extension A, compatibility
ideographs, and the supplementary ideographic plane."""
_KANA = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
"""The code points counted as kana: hiragana, katakana with the prolonged sound mark ``ー`` and the
iteration marks, the small katakana extension and half-width katakana; not the middle dot ``・``, which
separates the words of a name."""
_KANA_CHARS = re.compile(f"[{_KANA}]+")
_SPACELESS = re.compile(f"[{_HAN}{_KANA}]+")
"""A run of Han characters and kana: text written without spaces between its words."""
_WORD = re.compile(rf"[^\W_{_HAN}{_KANA}]+(?:['’.\-][^\W_{_HAN}{_KANA}]+)*")
"""A word: letters and digits other than Han characters and kana (``GLM-4.5``, ``can't``). Found alone where
those characters count otherwise (:func:`substance`): in Chinese text that is far quicker than making each
Han character a token and dropping it."""
_TOKEN = re.compile(rf"[{_HAN}{_KANA}]|{_WORD.pattern}")
"""A token: one Han character or kana, or a :data:`_WORD`. A regular expression over Han characters takes
milliseconds to compile, so words are counted with this one too."""
_HAN_CHARS = re.compile(rf"[{_HAN}]+")
HAN_RUN = re.compile(rf"[{_HAN}]{{2,}}")
GLOSS = re.compile(r"[(（]([^()（）]*)[)）]")
"""A bracketed part of a text (half- or full-width brackets); its group is what the brackets hold."""
NUMBER = re.compile(r"\d+(?:\.\d+)?")
"""A number as the lint reads one: ``20``, ``4.5`` (``8-9`` is two)."""


def has_bracket(text: str) -> bool:
    """Whether ``text`` has an opening bracket, without which :data:`GLOSS` finds no gloss in it (most texts
    of a deck have none, so a rule asks this before running the pattern)."""
    return "(" in text or "（" in text


FUNCTION_WORDS = frozenset(
    """
a an the of to in on at by for with from into onto as than and or nor but so yet is are was were be been being
am do does did done has have had it its it's this that these those there their they them his her he she we us
our you your i me my per via vs about over under up out off just only very also both each some any all more
most much many such own same other another which what who whom whose when where why how can could will would
shall should may might must not no
""".split()
)
"""English function words: never a content word of an answer (:func:`deckgen.lint_cards.answer_in_question`)."""

_INTERROGATIVES = frozenset("what which who whom whose when where why how not no".split())
FILLER = FUNCTION_WORDS - _INTERROGATIVES
"""Words ignored when comparing questions: function words except the ones that change what is asked."""


def normalize(text: str) -> str:
    """Text for comparison: Unicode NFKC (full-width ``？`` → ``?``, ``Ａ`` → ``A``), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(text: str) -> list[str]:
    """Normalised tokens: each Han character and kana on its own, other letters and digits as words
    (``"GLM-4.5 写 code"`` → ``["glm-4.5", "写", "code"]``; ``"散乱する"`` → four tokens, so that it is found in
    ``"散乱するのは"``); punctuation and spaces are dropped."""
    return _TOKEN.findall(normalize(text))


def stem(word: str) -> str:
    """Crude English stem, enough to match ``models``/``model`` and ``company's``/``company``."""
    if not word.endswith("s"):  # most words: no suffix to strip
        return word
    for suffix in ("'s", "’s"):
        word = word.removesuffix(suffix)
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def answer_length(text: str) -> float:
    """Length of an answer in English-word units: words + Han characters / :data:`HAN_PER_WORD` + kana /
    :data:`KANA_PER_WORD`, measured on the answer without its parenthesised glosses (``"感统 (sensory
    integration)"`` → 2 characters → 1.33), since a gloss restates the same fact in the other language."""
    main = GLOSS.sub(" ", text)
    han = sum(map(len, _HAN_CHARS.findall(main)))
    kana = sum(map(len, _KANA_CHARS.findall(main)))
    return len(_WORD.findall(main)) + han / HAN_PER_WORD + kana / KANA_PER_WORD


def key_terms(answer: str) -> dict[str, list[str]]:
    """What would give ``answer`` away if a question showed it: the answer without glosses, each gloss,
    and each run of two or more Han characters (``"托管式 (hosted) Agent"`` → ``["托管式 Agent", "hosted",
    "托管式"]``) and kana with them (``"毎日の復習"`` is one term, not ``毎日`` and ``復習``: the kana join
    Japanese words as the characters of a Chinese term are joined), each once, with its :func:`tokens`. Terms
    made only of function words are left out."""
    glossed = has_bracket(answer)
    main = _unglossed(answer)
    terms: dict[str, list[str]] = {}
    runs = [run for run in _SPACELESS.findall(answer) if len(run) > 1]
    for term in (main, *(GLOSS.findall(answer) if glossed else ()), *runs):
        if term not in terms and not FUNCTION_WORDS.issuperset(toks := tokens(term)):
            terms[term] = toks
    return terms


def _unglossed(answer: str) -> str:
    """``answer`` without its glosses, its spaces collapsed."""
    return " ".join((GLOSS.sub(" ", answer) if has_bracket(answer) else answer).split())


_HASH_BASE = 1_000_003
_HASH_MOD = (1 << 61) - 1


class TokenIndex:
    """A token list indexed so that finding a token sequence in it costs about the sequence's own length:
    a polynomial rolling hash of every window of each length searched for is filed once (time linear in the
    list per distinct length), and a window found under the sequence's hash is compared token by token, so a
    hash collision never makes a match."""

    def __init__(self, toks: list[str]):
        self.toks = toks
        self.ids: dict[str, int] = {}
        self.prefix = [0]
        for tok in toks:
            self.prefix.append((self.prefix[-1] * _HASH_BASE + self.ids.setdefault(tok, len(self.ids) + 1)) % _HASH_MOD)
        self.windows: dict[int, dict[int, list[int]]] = {}
        """Window length → hash → the starts of the windows with that hash."""

    def _hash(self, start: int, length: int, power: int) -> int:
        return (self.prefix[start + length] - self.prefix[start] * power) % _HASH_MOD

    def find(self, needle: list[str], hidden: Callable[[int, int], bool] | None = None) -> bool:
        """Whether ``needle`` occurs as consecutive tokens at some ``[start, end)`` for which ``hidden(start,
        end)`` is not true."""
        length = len(needle)
        if not length or length > len(self.toks) or any(tok not in self.ids for tok in needle):
            return False
        power = pow(_HASH_BASE, length, _HASH_MOD)
        if length not in self.windows:
            table: dict[int, list[int]] = {}
            for start in range(len(self.toks) - length + 1):
                table.setdefault(self._hash(start, length, power), []).append(start)
            self.windows[length] = table
        h = 0
        for tok in needle:
            h = (h * _HASH_BASE + self.ids[tok]) % _HASH_MOD
        for start in self.windows[length].get(h, ()):
            if self.toks[start : start + length] == needle and not (hidden and hidden(start, start + length)):
                return True
        return False


class Front(Protocol):
    """What a card shows before its answer, as the lint asks about it."""

    def has(self, needle: list[str]) -> bool:
        """Whether the tokens ``needle`` occur in it, consecutively."""

    def has_root(self, root: str) -> bool:
        """Whether a word with this root (:func:`word_root`) occurs in it."""


SHORT_FRONT = 2000
"""Characters of a front's tokens joined (:func:`_joined`) up to which a token sequence is looked for by a
substring search of that text, which costs at most this much per search and nothing to set up; a longer
front is searched through a :class:`TokenIndex`, whose set-up is linear in the front and whose searches cost
about the sequence's own length, however many there are."""


def _joined(toks: list[str]) -> str:
    """Tokens as one text, each between NULs, which no token contains: ``needle`` occurs consecutively in
    ``toks`` exactly when ``_joined(needle)`` is a substring of ``_joined(toks)``."""
    return "\0" + "\0".join(toks) + "\0"


class QuestionFront:
    """A question's text as a :class:`Front`. Its search index and roots are made on first use."""

    def __init__(self, question: str):
        self.toks = tokens(question)
        self.joined = _joined(self.toks)
        self._index: TokenIndex | None = None
        self._roots: set[str] | None = None

    def has(self, needle: list[str]) -> bool:
        if not needle:
            return False
        if len(self.joined) <= SHORT_FRONT:
            return _joined(needle) in self.joined
        if self._index is None:
            self._index = TokenIndex(self.toks)
        return self._index.find(needle)

    def has_root(self, root: str) -> bool:
        if self._roots is None:
            self._roots = {word_root(t) for t in self.toks}
        return root in self._roots


_BARRIER = "\x01"
"""A token in the place of an answer hidden on a card (no token of :func:`tokens` is one), so that no token
sequence is found across it."""


class ClozeFronts:
    """The fronts of all the cards of a cloze text, read once: card ``c<n>`` shows the text with the deletions
    numbered ``n`` hidden and every other deletion's answer shown (hints dropped). The text and the answers are
    tokenised piece by piece, so no token runs across a deletion's edge, and an answer hidden on a card is a
    barrier that no token sequence runs across either. Built in time linear in the text; :meth:`front` is a
    view. A text longer than :data:`SHORT_FRONT` is searched through one :class:`TokenIndex` for all its
    cards, so looking at every card costs no copy of the text per card; a shorter one through each card's
    tokens joined, made on first use."""

    def __init__(self, text: str):
        toks: list[str] = []
        self.spans: dict[int, list[tuple[int, int]]] = {}
        end = 0
        for m in CLOZE_RE.finditer(text):
            toks += tokens(text[end : m.start()])
            answer = tokens(m.group(2).split("::")[0])
            for n in deletion_numbers(m.group(1)):
                self.spans.setdefault(n, []).append((len(toks), len(toks) + len(answer)))
            toks += answer
            end = m.end()
        toks += tokens(text[end:])
        self.toks = toks
        self.short = sum(map(len, toks)) + len(toks) + 1 <= SHORT_FRONT
        self._index: TokenIndex | None = None
        self._root_counts: Counter[str] | None = None

    @property
    def index(self) -> TokenIndex:
        if self._index is None:
            self._index = TokenIndex(self.toks)
        return self._index

    @property
    def root_counts(self) -> Counter[str]:
        if self._root_counts is None:
            self._root_counts = Counter(map(word_root, self.toks))
        return self._root_counts

    def front(self, number: int) -> Front:
        """The front of card ``c<number>``."""
        return _ClozeFront(self, number)


class _ClozeFront:
    def __init__(self, fronts: ClozeFronts, number: int):
        self.fronts = fronts
        self.spans = fronts.spans.get(number, [])
        self.starts = [start for start, _ in self.spans]
        self._joined: str | None = None
        self._hidden_roots: Counter[str] | None = None

    def hidden(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.spans[i][1] > start

    def has(self, needle: list[str]) -> bool:
        if not needle:
            return False
        if not self.fronts.short:
            return self.fronts.index.find(needle, self.hidden)
        if self._joined is None:
            toks, shown, end = self.fronts.toks, [], 0
            for start, stop in self.spans:
                shown += [*toks[end:start], _BARRIER]
                end = stop
            self._joined = _joined([*shown, *toks[end:]])
        return _joined(needle) in self._joined

    def has_root(self, root: str) -> bool:
        if self._hidden_roots is None:
            toks = self.fronts.toks
            self._hidden_roots = Counter(map(word_root, chain.from_iterable(toks[a:b] for a, b in self.spans)))
        return self.fronts.root_counts[root] > self._hidden_roots[root]


class AnswerTerms:
    """What of an answer would give it away if a front showed it, read once: each key term
    (:func:`key_terms`) with its tokens, the root of each key term that is one word, and the content-word
    roots of a multi-word answer (none for an answer of fewer than two), so that testing it against many
    fronts does not read it again for each."""

    def __init__(self, answer: str):
        terms = key_terms(answer)
        self.terms = list(terms.items())
        # a one-word term is also given away by another form of its word ("Deployment" by "deploying")
        self.word_roots = [(t, word_root(n[0])) for t, n in self.terms if len(n) == 1 and _is_word(n[0])]
        # the content words: the answer's words without its glosses, of three or more characters (a Han token
        # is one), other than function words; the answer without glosses is its first key term unless it is
        # only function words (then it has none)
        main = _unglossed(answer)
        content = {word_root(t) for t in terms.get(main, ()) if len(t) > 2 and t not in FUNCTION_WORDS}
        self.content = sorted(content) if len(content) >= 2 else []


def giveaway(shown: Front, terms: AnswerTerms) -> str | None:
    """Why the front ``shown`` gives away the answer whose :class:`AnswerTerms` are ``terms``, or None: a key
    term of the answer (:func:`key_terms`) occurs in it as whole tokens (a one-word term also as another
    form of the word, by :func:`word_root`), or every content word of a multi-word answer does (by root)."""
    for term, needle in terms.terms:
        if shown.has(needle):
            return f"'{clip(term, QUOTED)}' is in the question"
    for term, root in terms.word_roots:
        if shown.has_root(root):
            return f"'{clip(term, QUOTED)}' is in the question in another form of the word"
    if terms.content and all(shown.has_root(r) for r in terms.content):
        return f"every content word of the answer ({clip(', '.join(terms.content), QUOTED)}) is in the question"
    return None


def holds_han(text: str) -> bool:
    """Whether ``text`` holds a Han character (``唐杰``, ``山田``; not ``Эббингауз`` or ``エビングハウス``)."""
    return _HAN_CHARS.search(text) is not None


def _is_word(token: str) -> bool:
    """Whether a token (:func:`tokens`) is a word rather than one Han character or kana."""
    return not _SPACELESS.fullmatch(token)


_ROOT_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "ments", "ment")
ROOT_LENGTH = 6
"""Letters of a word kept as its root (after one common English suffix is dropped), so that "replicating"
and "replicate", "efficiently" and "efficiency", "deployment" and "deploy" match (:func:`substance`)."""


@functools.lru_cache(maxsize=1 << 16)
def word_root(word: str) -> str:
    """A crude English root: :func:`stem`, then one suffix of :data:`_ROOT_SUFFIXES` off (and a doubled
    consonant it leaves undoubled: "planning" → "plan"), cut to :data:`ROOT_LENGTH` letters. A pure function
    of the word, kept for the most recent words. A word with a digit or a hyphen is only stemmed (``term10``
    and ``term1003`` are different terms)."""
    word = stem(word)
    if not word.isalpha():
        return word
    for suffix in _ROOT_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if word[-1] == word[-2] and word[-1] not in "aeioulsz":
                word = word[:-1]
            break
    return word[:ROOT_LENGTH]


def substance(text: str) -> tuple[set[str], set[str]]:
    """What a text says, as ``(numbers, units)``: its numbers (``8-9`` → ``8``, ``9``; ``GLM-4.5`` → ``4.5``),
    and as units the roots (:func:`word_root`) of its content words (function words, negations such as ``can't``
    and parts with digits left out; hyphenated words count part by part) and the character pairs of its runs
    of Han characters and kana (a lone character counts itself: ``偷懒`` → ``偷懒``, ``姚顺雨`` → ``姚顺``,
    ``顺雨``; ``おやすみ`` → ``おや``, ``やす``, ``すみ``). Time linear in the text."""
    if not text:
        return set(), set()
    folded = normalize(text)
    numbers = set(NUMBER.findall(folded))
    # each distinct word looked at once (the words of tokens(text); a Han character or kana is no word)
    units = set(chain.from_iterable(map(_word_units, set(_WORD.findall(folded)))))
    for run in _SPACELESS.findall(text):
        units.update(map(operator.add, run, run[1:]) if len(run) > 1 else (run,))
    return numbers, units


@functools.lru_cache(maxsize=1 << 16)
def _word_units(tok: str) -> tuple[str, ...]:
    """The units a word (:data:`_WORD`, normalised) adds to a text's :func:`substance`: none for a negation,
    else the root of each part that is not a function word and has no digit. A pure function of the word,
    kept for the most recent words: a deck's words repeat from card to card."""
    if tok.endswith(("n't", "n’t")):
        return ()
    parts = stem(tok).split("-")
    return tuple(word_root(p) for p in parts if p and p not in FUNCTION_WORDS and not any(c.isdigit() for c in p))


_TONE_MARK = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")
"""A vowel with a tone mark: a part of a gloss that has one is a romanisation (``gǎntǒng``), not a meaning."""
_GLOSS_PARTS = re.compile(r"[,;:，；：]")


def _han_before(text: str, end: int) -> str:
    """The run of Han characters that ends ``text[:end]``, past spaces and one closing quote (``「偷懒」 (`` →
    偷懒). A scan back from ``end``, so that finding the term before every bracket of a text takes linear time
    (a regular expression for "Chinese, then a bracket" retries each start inside a long run of Chinese)."""
    i = end
    while i and text[i - 1].isspace():
        i -= 1
    if i and text[i - 1] in "」』":
        i -= 1
    j = i
    while j and _HAN_CHARS.match(text[j - 1]):
        j -= 1
    return text[j:i]


def glosses(text: str, whole: bool = False) -> list[tuple[str, str]]:
    """``(term, gloss)`` pairs in ``text``: each run of Han characters followed by a bracketed gloss without
    Han characters (``"自反思 (self-reflection)"`` → ``("自反思", "self-reflection")``), and, when ``whole``
    (``text`` is an answer, a list item or a cloze deletion), the whole text read as ``gloss (term)``
    (``"Self-evolution (自我进化)"``). A gloss loses its parts with tone marks (``感统 (gǎntǒng, sensory
    integration)`` → ``sensory integration``); one with no word left is no gloss. In running text the words
    before a bracketed term are not read as its gloss: where they start is a guess. Time linear in the
    length of ``text``."""
    if not has_bracket(text):
        return []
    out = []
    for m in GLOSS.finditer(text):
        inner = m.group(1)
        if _HAN_CHARS.search(inner):
            continue
        term = _han_before(text, m.start())
        gloss = " ".join(p for p in (p.strip() for p in _GLOSS_PARTS.split(inner)) if p and not _TONE_MARK.search(p))
        if term and any(_is_word(t) for t in tokens(gloss)):
            out.append((term, gloss))
    stripped = text.strip()
    last = GLOSS.search(stripped) if whole else None
    if last and last.end() == len(stripped):
        term, meaning = last.group(1).strip(), stripped[: last.start()].strip(" 「」『』")
        if (
            _HAN_CHARS.fullmatch(term)
            and any(_is_word(t) for t in tokens(meaning))
            and not _HAN_CHARS.search(meaning)
            and not re.search(r"[()（）]", meaning)
        ):
            out.append((term, meaning))
    return out


def gloss_key(gloss: str) -> frozenset[str]:
    """A gloss for comparison: the stems (:func:`stem`) of its words other than function words, so that
    "the compute-poor" and "Compute-poor", "paths" and "path" are one gloss."""
    return frozenset(stem(t) for t in tokens(gloss) if t not in FUNCTION_WORDS)


NEAR_DUPLICATE_MIN_TOKENS = 4
"""Questions with fewer distinct tokens than this are compared only for an exact (normalised) match: with
three tokens, one substituted word would already be a third of the question."""

_MASK = 2**64 - 1


def word_set(question_tokens: list[str], kinds: Mapping[str, str] | None = None) -> frozenset[str]:
    """A question's words for comparing questions: its tokens, filler dropped, words stemmed, and each
    question word of ``kinds`` (:func:`question_words`) written as its kind (``which`` as ``what``, ``quelle``
    as ``quel``)."""
    if not kinds:
        return frozenset(stem(t) for t in question_tokens if t not in FILLER)
    return frozenset(kinds.get(w, w) for w in (stem(t) for t in question_tokens if t not in FILLER))


_QUESTION_WORDS = {
    "en": "what|which who|whom|whose when where why how",
    "de": "was|welche|welcher|welches|welchen|welchem wer|wen|wem|wessen wann wo woher wohin warum|weshalb|wieso wie",
    "fr": "quoi|quel|quelle|quels|quelles|lequel|laquelle qui quand où pourquoi comment combien",
    "es": "qué|cuál|cuáles quién|quiénes cuándo dónde cómo cuánto|cuánta|cuántos|cuántas",
    "it": "cosa|quale|quali chi quando dove perché come quanto|quanta|quanti|quante",
    "pt": "qual|quais quem quando onde porquê como quanto|quantos|quanta|quantas",
    "nl": "wat|welk|welke wie wanneer waar waarom hoe hoeveel",
}
"""Question words by language (primary subtag), by kind: the words of one kind (``what|which``, the forms of
``quel``) ask for the same kind of fact. Words that are more often conjunctions or pronouns (``que``,
``che``, ``dat``) are left out."""


@functools.cache
def question_words(languages: tuple[str, ...]) -> dict[str, str]:
    """The question words of ``languages`` (BCP 47 tags, e.g. ``("zh", "en")``; English always, as card fronts
    in other languages often are English), stemmed as :func:`word_set` keeps them → their kind (the first
    word of their kind). Two questions that differ only in one question word for one of another kind ("When
    was …?" / "Where was …?") ask for different kinds of fact, whose answers are not confused
    (:func:`are_near`); "What city …?" / "Which city …?" ask the same."""
    primary = {"en", *(tag.split("-")[0].lower() for tag in languages)}
    out: dict[str, str] = {}
    for lang in sorted(primary):
        for kind in _QUESTION_WORDS.get(lang, "").split():
            words = [stem(w) for w in kind.split("|")]
            out.update(dict.fromkeys(words, words[0]))
    return out


def near_hashes(words: frozenset[str]) -> list[int]:
    """Hashes of a word set's keys: the set and, for a set of at least :data:`NEAR_DUPLICATE_MIN_TOKENS`
    words, the set with each one word left out. A set's hash is the sum of its words' hashes modulo 2**64."""
    hashes = [hash(w) for w in words]
    total = sum(hashes) & _MASK
    if len(words) < NEAR_DUPLICATE_MIN_TOKENS:
        return [total]
    return [total, *((total - h) & _MASK for h in hashes)]


def are_near(a: frozenset[str], b: frozenset[str], kinds: Mapping[str, str] | None = None) -> bool:
    """True if word sets ``a`` and ``b`` share a key of :func:`near_hashes` (each has at most one word the
    other lacks, and a set leaves one out only if it has at least :data:`NEAR_DUPLICATE_MIN_TOKENS` words),
    unless those two words are question words of different kinds (``kinds``, :func:`question_words`)."""
    only_a, only_b = a - b, b - a
    if kinds and len(only_a) == len(only_b) == 1 and {*only_a, *only_b} <= kinds.keys():
        return False
    return (
        len(only_a) <= 1
        and len(only_b) <= 1
        and (not only_a or len(a) >= NEAR_DUPLICATE_MIN_TOKENS)
        and (not only_b or len(b) >= NEAR_DUPLICATE_MIN_TOKENS)
    )
