"""Measuring the wording of cards for the lint: tokens, answer length, key terms, giveaways, and the keys
under which near-duplicate questions meet.

Text is compared after Unicode NFKC and case folding; each Han character is a token, other letters and
digits form words. :data:`HAN_PER_WORD` converts between Chinese characters and English words.

Imports only the standard library and :mod:`deckgen.errors`.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import QUOTED, clip

HAN_PER_WORD = 1.5
"""Chinese characters that count as one English word. Measured on the shipped deck: its 40 Chinese claims
have 1,695 Han characters against 1,190 words in their English versions, 1.42 per word; rounded up."""

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
"""The code points counted as Han characters: CJK unified ideographs, extension A, compatibility
ideographs, and the supplementary ideographic plane."""
_TOKEN = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+(?:['’.\-][^\W_{_HAN}]+)*")
"""A token: one Han character, or a word of other letters and digits (``GLM-4.5``, ``can't``). A regular
expression over Han characters takes milliseconds to compile, so words are counted with this one too."""
_HAN_CHARS = re.compile(rf"[{_HAN}]+")
HAN_RUN = re.compile(rf"[{_HAN}]{{2,}}")
GLOSS = re.compile(r"[(（]([^()（）]*)[)）]")

FUNCTION_WORDS = frozenset(
    """
a an the of to in on at by for with from into onto as than and or nor but so yet is are was were be been being
am do does did done has have had it its it's this that these those there their they them his her he she we us
our you your i me my per via vs about over under up out off just only very also both each some any all more
most much many such own same other another which what who whom whose when where why how can could will would
shall should may might must not no
""".split()
)
"""English function words: never a content word of an answer (:func:`deckgen.lint_rules.answer_in_question`)."""

_INTERROGATIVES = frozenset("what which who whom whose when where why how not no".split())
FILLER = FUNCTION_WORDS - _INTERROGATIVES
"""Words ignored when comparing questions: function words except the ones that change what is asked."""


def normalize(text: str) -> str:
    """Text for comparison: Unicode NFKC (full-width ``？`` → ``?``, ``Ａ`` → ``A``), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(text: str) -> list[str]:
    """Normalised tokens: each Han character on its own, other letters and digits as words
    (``"GLM-4.5 写 code"`` → ``["glm-4.5", "写", "code"]``); punctuation and spaces are dropped."""
    return _TOKEN.findall(normalize(text))


def stem(word: str) -> str:
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
    main = GLOSS.sub(" ", text)
    han = sum(map(len, _HAN_CHARS.findall(main)))
    return len(_TOKEN.findall(main)) - han + han / HAN_PER_WORD  # a token is a word or one Han character


def key_terms(answer: str) -> list[str]:
    """What would give ``answer`` away if a question showed it: the answer without glosses, each gloss,
    and each run of two or more Han characters (``"托管式 (hosted) Agent"`` → ``["托管式 Agent", "hosted",
    "托管式"]``). Terms made only of function words are left out."""
    main = " ".join(GLOSS.sub(" ", answer).split())
    terms = [main, *GLOSS.findall(answer), *HAN_RUN.findall(answer)]
    out = []
    for term in terms:
        toks = tokens(term)
        if toks and any(t not in FUNCTION_WORDS for t in toks) and term not in out:
            out.append(term)
    return out


def _content_stems(text: str) -> set[str]:
    # a token of three or more characters is a word: a Han token is one character
    return {stem(t) for t in tokens(text) if len(t) > 2 and t not in FUNCTION_WORDS}


def giveaway(question: str, answer: str) -> str | None:
    """Why ``question`` gives ``answer`` away, or None: a key term of the answer (:func:`key_terms`) occurs
    in it as whole tokens, or every content word of a multi-word answer does."""
    qtoks = tokens(question)
    for term in key_terms(answer):
        if _contains(qtoks, tokens(term)):
            return f"'{clip(term, QUOTED)}' is in the question"
    content = _content_stems(GLOSS.sub(" ", answer))
    if len(content) >= 2 and content <= {stem(t) for t in qtoks}:
        return f"every content word of the answer ({clip(', '.join(sorted(content)), QUOTED)}) is in the question"
    return None


NEAR_DUPLICATE_MIN_TOKENS = 4
"""Questions with fewer distinct tokens than this are compared only for an exact (normalised) match: with
three tokens, one substituted word would already be a third of the question."""

_MASK = 2**64 - 1


def word_set(question_tokens: list[str]) -> frozenset[str]:
    """A question's words for comparing questions: its tokens, filler dropped, words stemmed."""
    return frozenset(stem(t) for t in question_tokens if t not in FILLER)


def near_hashes(words: frozenset[str]) -> list[int]:
    """Hashes of a word set's keys: the set and, for a set of at least :data:`NEAR_DUPLICATE_MIN_TOKENS`
    words, the set with each one word left out. A set's hash is the sum of its words' hashes modulo 2**64."""
    hashes = [hash(w) for w in words]
    total = sum(hashes) & _MASK
    if len(words) < NEAR_DUPLICATE_MIN_TOKENS:
        return [total]
    return [total, *((total - h) & _MASK for h in hashes)]


def are_near(a: frozenset[str], b: frozenset[str]) -> bool:
    """True if word sets ``a`` and ``b`` share a key of :func:`near_hashes`: each has at most one word the
    other lacks, and a set leaves one out only if it has at least :data:`NEAR_DUPLICATE_MIN_TOKENS` words."""
    only_a, only_b = len(a - b), len(b - a)
    return (
        only_a <= 1
        and only_b <= 1
        and (not only_a or len(a) >= NEAR_DUPLICATE_MIN_TOKENS)
        and (not only_b or len(b) >= NEAR_DUPLICATE_MIN_TOKENS)
    )
