"""Benchmark sources: YAML text for ``deckgen build`` and ``benchmarks/baseline_genanki.py``.

Two kinds, importable as functions (stdlib only, no deckgen import), e.g. from another benchmark::

    sys.path.insert(0, "benchmarks"); from sources import make_source, write_realistic

* :func:`make_source` — a **synthetic** source of ``n`` judgments and ``3 * n`` notes, shaped like
  ``cards/agi-next-2026.yaml`` (themes with sub-themes, one person per 8 judgments, Chinese and English
  claims, editors' notes, tags, and q/a, concept, list and cloze specs), with seeded, varied text. It is
  lint-clean (``deckgen check --strict`` passes), so a build's report stays short.
* :func:`write_realistic` — a **realistic** source: the shipped deck repeated ``copies`` times, each copy
  with fresh judgment ids, card ids and judgment numbers, its media folder copied next to it. The card
  text is real, so the lint fires a lot (the repeated questions are duplicates of each other).
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent.parent / "cards" / "agi-next-2026.yaml"
"""The shipped deck that :func:`write_realistic` repeats."""

_HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
    "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质"
    "气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则"
    "任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美"
    "再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元"
    "况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委"
    "素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江"
)
_WORDS = (
    "model agent data compute scaling reward paradigm context memory planning reasoning enterprise consumer "
    "market product research team benchmark token inference training pretraining feedback environment task "
    "tool search coding video image speech language chip cluster energy efficiency cost latency safety risk "
    "alignment evaluation user interface workflow pipeline startup lab frontier ceiling bottleneck gap race "
    "strategy roadmap customer vertical layer integration platform ecosystem open source weights license "
    "policy talent capital hardware software system network signal noise error loss gradient optimizer "
    "curriculum dataset label annotation simulation world physics robot embodiment perception action "
    "control loop trial experience lesson insight intuition taste judgment bet timing window moat "
    "distribution revenue margin price demand supply growth adoption retention habit trust privacy "
    "compliance chat history health finance education law media game search engine browser phone "
    "long tail short horizon step plan goal subgoal critic judge verifier proof math science discovery"
).split()
_VERBS = "drives limits shapes hides reveals slows speeds blocks unlocks rewards replaces extends".split()
_NAMES = (
    "Kestrel Osprey Heron Falcon Plover Wren Finch Lark Swift Tern Ibis Egret Crane Raven Robin Dove Gannet "
    "Petrel Auk Puffin Curlew Godwit Dunlin Stilt Avocet Kite Harrier Merlin Hobby Shrike Thrush Warbler Pipit "
    "Bunting Siskin Linnet Twite Redpoll Crossbill Nuthatch Dipper Wagtail Starling Jay Magpie Rook Jackdaw "
    "Chough Oriole Bittern"
).split()
"""Answers and glosses come from these, never from _WORDS, so that no question gives its answer away."""
_SURNAMES = [
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("孙", "Sun"),
]
_GIVEN = [
    ("明", "ming"),
    ("华", "hua"),
    ("伟", "wei"),
    ("芳", "fang"),
    ("静", "jing"),
    ("磊", "lei"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("超", "chao"),
    ("军", "jun"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂", "gui"),
]
_THEMES = """\
themes:
  - id: divergence
    zh: 分化
    en: Divergence
  - id: new-paradigm
    zh: 新范式
    en: New paradigm
    subthemes:
      - id: self-learning
        zh: 自主学习
        en: Self-learning
      - id: multimodal
        zh: 原生多模态
        en: Native multimodality
  - id: agent
    zh: Agent
    en: Agent
  - id: global-race
    zh: 全球 AI 竞赛
    en: The global AI race
"""
_THEME_IDS = ["divergence", "new-paradigm", "self-learning", "multimodal", "agent", "global-race"]


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Text:
    """Seeded generator of varied Chinese and English text."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.terms: set[str] = set()
        self.glosses: set[frozenset[str]] = set()

    def zh(self, lo: int, hi: int) -> str:
        """A Chinese sentence of one to three clauses of ``lo`` to ``hi`` characters, maybe quoting English."""
        r = self.rng
        text = "，".join(self.han(lo, hi) for _ in range(r.randint(1, 3)))
        if r.random() < 0.3:
            text += f"「{r.choice(_WORDS)} {r.choice(_WORDS)}」"
        return text + "。"

    def han(self, lo: int, hi: int) -> str:
        """``lo`` to ``hi`` Chinese characters: a short answer, item or phrase."""
        return "".join(self.rng.choice(_HANZI) for _ in range(self.rng.randint(lo, hi)))

    def en(self, lo: int, hi: int, code: bool = False) -> str:
        """An English sentence of ``lo + 1`` to ``hi + 1`` words; with ``code``, now and then ``a<b`` in it."""
        r = self.rng
        words = r.sample(_WORDS, r.randint(lo, hi))
        words.insert(min(len(words), 2), r.choice(_VERBS))
        if code and r.random() < 0.1:
            words.append("vector<int> & a<b")
        return " ".join(words).capitalize()

    def names(self, lo: int, hi: int, avoid: str = "") -> str:
        """An English answer: ``lo`` to ``hi`` names, none of them in ``avoid`` (a sibling card's front)."""
        pool = [name for name in _NAMES if name not in avoid]
        return " ".join(self.rng.choice(pool) for _ in range(self.rng.randint(lo, hi)))

    def term(self, avoid: str = "") -> str:
        """A named concept: Chinese with an English gloss, ``院直马 (Heron Wren Lark Ibis)``, whose names are not
        in ``avoid``. Each term and each gloss (as a set of names) is made once, as the ``inconsistent-gloss``
        lint asks of a real deck."""
        while True:
            han, gloss = self.han(3, 5), self.names(4, 4, avoid)
            names = frozenset(gloss.split())
            if han not in self.terms and names not in self.glosses:
                self.terms.add(han)
                self.glosses.add(names)
                return f"{han} ({gloss})"


def make_source(n: int, seed: int = 8) -> str:
    """YAML text of a lint-clean source with ``n`` judgments, ``3 * n`` notes and ``max(5, n // 8)`` people
    (the shape and proportions of cards/agi-next-2026.yaml)."""
    t = _Text(seed)
    r = t.rng
    out = [
        f"deck:\n  id: bench-{n}\n  name: Benchmark {n}\n"
        f"  description: {_q(t.en(12, 20))}\n  source:\n    title: {_q('基准 ' + t.zh(4, 8))}\n    by: deckgen\n",
        _THEMES,
        "people:\n",
    ]
    people = []
    for i in range(max(5, n // 8)):
        (sz, sr), (g1, g1r), (g2, g2r) = (_SURNAMES[i % 12], _GIVEN[i // 12 % 16], _GIVEN[i // 192 % 16])
        pid = f"{sr}-{g1r}{g2r}-{i}".lower()
        people.append(pid)
        out.append(f"  - id: {pid}\n    name: {sz}{g1}{g2}\n    roman: {sr} {(g1r + g2r).capitalize()}\n")
        if i % 3 == 0:
            out.append(f"    affiliation: {_q(t.han(2, 4))}\n")
    out.append("decks:\n  - key: agent\n    name: Benchmark · Agent\n    select: {theme: [agent]}\n")
    out.append("judgments:\n")
    proposers = iter(range(n))  # every person proposes a concept, so every person is asked about
    for i in range(1, n + 1):
        pattern = i % 4
        speakers = r.sample(people, r.choice((0, 1, 1, 2)))
        if pattern == 1:
            by = people[next(proposers) % len(people)]
            speakers = [by, *(p for p in speakers if p != by)]
        editors = i % 5 == 0
        cards: list[str] = []
        zh_more: list[str] = []  # answers the claim states, so that each card's back backs its answer
        en_more: list[str] = []
        if pattern == 0:  # q/a, q/a, cloze
            for _ in range(2):
                zh_more.append(answer := t.han(2, 8))
                cards.append(f"      - q: {_q(t.en(6, 14) + '?')}\n        a: {_q(answer)}\n")
            cards.append(f"      - cloze: {_q(t.en(4, 8) + ' {{c1::' + t.term() + '}} ' + t.en(3, 8))}\n")
        elif pattern == 1:  # concept by one of the speakers (who + what), list
            term = t.term()
            en_more.append(means := t.en(3, 6))
            cards.append(f"      - term: {_q(term)}\n        by: {by}\n        means: {_q(means)}\n")
            cards.append(
                f"      - of: {_q(t.han(4, 6) + ' {n} ' + r.choice(_WORDS) + ' ' + r.choice(_WORDS) + 's')}\n"
                "        items:\n"
            )
            items = [t.names(1, 3, avoid=term) for _ in range(r.randint(2, 4))]
            en_more.extend(items)
            cards.extend(f"          - {_q(item)}\n" for item in items)
        elif pattern == 2:  # q/a with tags, list, cloze (from the editors' note when there is one)
            first = t.term()
            second = t.term(avoid=first)
            en_more.append(answer := t.names(1, 3, avoid=first + second))
            cards.append(
                f"      - q: {_q(t.en(6, 14) + '?')}\n        a: {_q(answer)}\n        tags: [{r.choice(_WORDS)}]\n"
            )
            cards.append(f"      - of: {_q(t.en(5, 8).lower() + ' steps')}\n        items:\n")
            items = [t.han(3, 6) for _ in range(r.randint(2, 4))]
            zh_more.extend(items)
            cards.extend(f"          - {_q(item)}\n" for item in items)
            cloze = f"{t.han(6, 12)}{{{{c1::{first}}}}}{t.han(2, 6)}，{{{{c2::{second}}}}}。"
            cards.append(
                f"      - cloze: {_q(cloze)}\n"
                f"        extra: {_q(t.en(3, 8))}\n" + ("        context: editors\n" if editors else "")
            )
        else:  # concept with its reverse (what + term), q/a
            zh_more.append(term := t.term())
            en_more.append(means := t.en(6, 6))
            cards.append(f"      - term: {_q(term)}\n        means: {_q(means)}\n        reverse: true\n")
            zh_more.append(answer := t.han(2, 8))
            cards.append(f"      - q: {_q(t.en(6, 14) + '?')}\n        a: {_q(answer)}\n")
        out.append(
            f"  - id: {r.choice(_WORDS)}-{r.choice(_WORDS)}-{i}\n    number: {i}\n"
            f"    theme: {r.choice(_THEME_IDS)}\n    speakers: [{', '.join(speakers)}]\n"
            f"    zh: {_q(t.zh(8, 30) + '、'.join(zh_more))}\n"
            f"    en: {_q(' '.join([t.en(15, 35, code=True), *en_more]))}\n"
        )
        if editors:
            out.append(f"    editors_note:\n      zh: {_q(t.zh(10, 30))}\n      en: {_q(t.en(15, 30, code=True))}\n")
        if i % 3 == 0:
            out.append(f"    tags: [topic::{r.choice(_WORDS)}, {r.choice(_WORDS)}]\n")
        out.append("    cards:\n")
        out.extend(cards)
    return "".join(out)


_JUDGMENT_ID = re.compile(r"^(  - id: )(\S+)(.*)$")
_NUMBER = re.compile(r"^(    number: )(\d+)(.*)$")
_CARD_ID = re.compile(r"^( {6,}(?:- )?id: )(\S+)(.*)$")


def realistic_text(copies: int, shipped: Path = SHIPPED) -> str:
    """YAML text of the shipped deck (``shipped``, in its hand-written layout) with its judgments repeated
    ``copies`` times. Copy ``k`` (from 1) suffixes every judgment id and card id with ``-k`` and adds
    ``(k - 1) * <highest number>`` to every judgment number; the deck id becomes ``<id>-x<copies>``.
    Everything before ``judgments:`` (deck, themes, people, named decks) is kept once."""
    lines = shipped.read_text(encoding="utf-8").split("\n")
    split = lines.index("judgments:") + 1
    head, judgments = lines[:split], lines[split:]
    numbers = [int(m.group(2)) for line in judgments if (m := _NUMBER.match(line))]
    if sum(bool(_JUDGMENT_ID.match(line)) for line in judgments) != len(numbers):
        raise ValueError(f"{shipped}: every judgment must start with '  - id:' and have '    number:'")
    head = [
        re.sub(r"^(  id: )(\S+)", rf"\g<1>\g<2>-x{copies}", line) if line.startswith("  id: ") else line
        for line in head
    ]
    top = max(numbers)
    out = head
    for k in range(1, copies + 1):
        for line in judgments:
            if m := _JUDGMENT_ID.match(line) or _CARD_ID.match(line):
                line = f"{m.group(1)}{m.group(2)}-{k}{m.group(3)}"
            elif m := _NUMBER.match(line):
                line = f"{m.group(1)}{int(m.group(2)) + (k - 1) * top}{m.group(3)}"
            out.append(line)
    return "\n".join(out)


def write_realistic(copies: int, folder: Path, shipped: Path = SHIPPED) -> Path:
    """Write :func:`realistic_text` to ``folder/<stem>-x<copies>.yaml`` and copy the shipped deck's
    ``media/`` folder next to it (its ``image:`` paths are relative to the source); return the source path."""
    folder.mkdir(parents=True, exist_ok=True)
    media = shipped.parent / "media"
    if media.is_dir():
        shutil.copytree(media, folder / "media", dirs_exist_ok=True)
    path = folder / f"{shipped.stem}-x{copies}.yaml"
    path.write_text(realistic_text(copies, shipped), encoding="utf-8")
    return path
