"""Language tags and the little deckgen needs to know about how a language is written.

A source's ``deck.languages`` names the languages of its text with BCP 47 tags (RFC 5646): ``en``, ``zh``,
``zh-Hant``, ``pt-BR``, ``sr-Latn``. :func:`tag_problem` checks that a tag is well formed (the ``langtag``
production of RFC 5646 section 2.1, without the grandfathered tags and without primary language subtags of
4 to 8 letters, which no language has registered, so that ``english`` is refused). Whether a subtag is
*registered* is not checked: deckgen only writes the tag into ``lang`` attributes, where a browser ignores
what it does not know.

A language's script decides two rules: a person's ``roman`` is required when the name is not in Latin letters
and one of the deck's languages is written in Latin script (:func:`written_in_latin`); and the lint reads Han
characters in a text as a kept original term only when its language is not written with them
(:func:`written_with_han`). A script subtag (``zh-Latn``, ``sr-Cyrl``) says the script; without one, the
language's usual script comes from :data:`USUAL_SCRIPTS`, and a language not listed there is taken to be
written in Latin script.

Imports only the standard library.
"""

from __future__ import annotations

import re
import unicodedata

LANGTAG = re.compile(
    r"""
    (?P<language>[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3})                 # language, extended language subtags
    (?:-(?P<script>[A-Za-z]{4}))?                                    # script: Hant, Latn
    (?:-(?:[A-Za-z]{2}|[0-9]{3}))?                                   # region: TW, 419
    (?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*                   # variants: 1901, pinyin
    (?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*                    # extensions: u-nu-latn
    (?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?                                 # private use: x-mine
    """,
    re.X,
)
"""A well-formed language tag (``fullmatch``); the source format's JSON Schema uses the same pattern."""

RESERVED = {"id": "judgments and themes already have an id: key; write a region with it, e.g. id-ID"}
"""Tags that cannot be keys of a source because the key means something else there (``id`` is Indonesian)."""

USUAL_SCRIPTS = {
    **dict.fromkeys(("zh", "cmn", "wuu", "hak", "gan", "hsn", "nan", "lzh"), "Hans"),
    "yue": "Hant",
    "ja": "Jpan",
    "ko": "Kore",
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tg", "mn", "ba", "tt", "cv"), "Cyrl"),
    "el": "Grek",
    **dict.fromkeys(("ar", "fa", "ur", "ps", "sd", "ug", "ckb"), "Arab"),
    **dict.fromkeys(("he", "yi"), "Hebr"),
    **dict.fromkeys(("hi", "mr", "ne", "sa", "mai", "bho"), "Deva"),
    **dict.fromkeys(("bn", "as"), "Beng"),
    **{"pa": "Guru", "gu": "Gujr", "or": "Orya", "ta": "Taml", "te": "Telu", "kn": "Knda", "ml": "Mlym"},
    **{"si": "Sinh", "th": "Thai", "lo": "Laoo", "km": "Khmr", "my": "Mymr", "ka": "Geor", "hy": "Armn"},
    **{"am": "Ethi", "ti": "Ethi", "bo": "Tibt", "dz": "Tibt", "dv": "Thaa", "iu": "Cans", "chr": "Cher"},
}
"""A language's usual script (ISO 15924 code) when it is not Latin, by primary language subtag; after the
likely subtags of Unicode CLDR. A language not listed is taken to be written in Latin script."""

HAN_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan"})
"""Scripts whose text is written with Han characters (Korean's Kore mixes them in rarely, so it is not one)."""


RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Mend"})
"""Scripts written right to left (ISO 15924; Unicode's bidirectional classes R and AL)."""

RTL_TEXT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
"""A letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko and the rest of those blocks)."""


def tag_problem(tag: str) -> str | None:
    """What is wrong with ``tag`` as a language of a source, or None: a tag that is not well-formed BCP 47
    (``english``, ``zh_CN``), or one of :data:`RESERVED`."""
    if tag.lower() in RESERVED:
        return f"'{tag}' cannot be a language key: {RESERVED[tag.lower()]}"
    if not LANGTAG.fullmatch(tag):
        return f"'{tag}' is not a BCP 47 language tag; write e.g. en, zh, zh-Hant, pt-BR (a hyphen, not '_')"
    return None


def script(tag: str) -> str:
    """The script of a well-formed tag: its script subtag (``sr-Latn`` → ``Latn``), else the language's usual
    script (:data:`USUAL_SCRIPTS`, ``Latn`` when not listed); ``zh-TW``/``zh-HK``/``zh-MO`` are ``Hant``."""
    m = LANGTAG.fullmatch(tag)
    if m and m.group("script"):
        return m.group("script").title()
    primary, _, rest = tag.lower().partition("-")
    if primary == "zh" and rest.partition("-")[0] in ("tw", "hk", "mo"):
        return "Hant"
    return USUAL_SCRIPTS.get(primary, "Latn")


def written_in_latin(tag: str) -> bool:
    """Whether text in the language ``tag`` is written in Latin script (``en``, ``de``, ``zh-Latn``)."""
    return script(tag) == "Latn"


def written_right_to_left(tag: str) -> bool:
    """Whether text in the language ``tag`` is written right to left (``ar``, ``fa``, ``he``, ``ur``)."""
    return script(tag) in RTL_SCRIPTS


def written_with_han(tag: str) -> bool:
    """Whether text in the language ``tag`` is written with Han characters (``zh``, ``zh-Hant``, ``ja``)."""
    return script(tag) in HAN_SCRIPTS


def in_latin_letters(text: str) -> bool:
    """Whether every letter of ``text`` is a Latin letter (``Müller`` yes, ``唐杰`` and ``Ἀριστοτέλης`` no)."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())
