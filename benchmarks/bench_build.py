"""Benchmark: ``deckgen build`` against plain PyYAML + genanki, from 40 to 20,000 judgments.

    python benchmarks/bench_build.py            # full run: N = 40, 2,000, 20,000 judgments (~60,000 notes)
    python benchmarks/bench_build.py --small    # N = 40 and 2,000, fewer repeats
    python benchmarks/bench_build.py --small --repeat 1   # once each: that it runs (tests/test_bench.py)

For each N it writes a synthetic source shaped like ``cards/agi-next-2026.yaml`` (themes with sub-themes,
people, judgments with Chinese and English claims, editors' notes, tags, and q/a, concept, list and cloze
card specs making three notes per judgment), then times, side by side and several times each, in fresh
subprocesses:

* ``deckgen build SOURCE -o OUT`` as a user runs it (the installed console script): a *first* build with no
  ledger, and a *rebuild* with the ledger of the previous build present (the usual case);
* the baseline ``benchmarks/baseline_genanki.py``: ``yaml.load`` with ``CSafeLoader`` and the same notes
  written with plain ``genanki`` (``Note(guid=...)``, ``Package.write_to_file``); and, for information, the
  same baseline with Python's cyclic garbage collector off (deckgen pauses it; the targets use the plain
  baseline).

Wall time is the median of the repeats (min in brackets); peak memory is each subprocess's own
``ru_maxrss`` (from ``os.wait4``), median of the repeats. It also times ``deckgen --help`` against
``python -c "import click"`` and the 40-judgment build against ``python -c "import genanki, yaml, click"``.
It prints one table and the verdict on each target in ``benchmarks/README.md``; it asserts nothing and
exits 1 only when a command fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline_genanki.py"

# -- synthetic sources ---------------------------------------------------------------------------------

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


# -- measuring -----------------------------------------------------------------------------------------


@dataclass
class Runs:
    """Wall times (s) and peak RSS (KiB) of repeated runs of one command."""

    times: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)

    @property
    def time(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def mib(self) -> float:
        return statistics.median(self.rss) / 1024


# As in a user's shell: Python caches bytecode (some sandboxes and CI set PYTHONDONTWRITEBYTECODE, which
# would make every run of deckgen recompile its own modules while site-packages stay precompiled).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], runs: Runs | None = None) -> None:
    """Run ``cmd`` in a fresh subprocess; add its wall time and its own peak RSS to ``runs``."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            sys.exit(
                f"bench: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                + out.read().decode(errors="replace")[-3000:]
            )
    if runs is not None:
        runs.times.append(elapsed)
        runs.rss.append(usage.ru_maxrss)


def deckgen_command() -> list[str]:
    """The installed console script next to this Python, else ``python -m deckgen``."""
    script = Path(sys.executable).parent / "deckgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "deckgen"]


@dataclass
class SizeResult:
    """The runs at one size: ``n`` judgments making ``notes`` notes."""

    n: int
    notes: int
    first: Runs
    rebuild: Runs
    baseline: Runs
    baseline_gc_off: Runs


def bench_size(n: int, repeats: int, work: Path) -> SizeResult:
    folder = work / f"n{n}"
    folder.mkdir()
    source = folder / f"bench-{n}.yaml"
    source.write_text(make_source(n), encoding="utf-8")
    ledger = folder / f"bench-{n}.ledger.json"
    deckgen = [*deckgen_command(), "build", str(source), "-o", str(folder / "deckgen.apkg")]
    baseline = [sys.executable, str(BASELINE), str(source), str(folder / "baseline.apkg")]
    result = SizeResult(n, 3 * n, Runs(), Runs(), Runs(), Runs())
    run(deckgen)  # warm-up (page cache, .pyc files); leaves a ledger
    run(baseline)
    steps = [
        ("rebuild", deckgen),
        ("baseline", baseline),
        ("first", deckgen),
        ("baseline_gc_off", [*baseline, "--gc-off"]),
    ]
    for i in range(repeats):
        for name, cmd in steps[i % 4 :] + steps[: i % 4]:  # rotate the order so no command always goes first
            if name == "first":
                ledger.unlink()
            run(cmd, getattr(result, name))
        print(f"  N={n}: run {i + 1}/{repeats} done", file=sys.stderr)
    return result


def bench_startup(repeats: int, work: Path) -> dict[str, Runs]:
    """``deckgen --help`` vs ``import click``; a 40-judgment build vs ``import genanki, yaml, click``."""
    folder = work / "startup"
    folder.mkdir()
    source = folder / "bench-40.yaml"
    source.write_text(make_source(40), encoding="utf-8")
    commands = {
        "deckgen --help": [*deckgen_command(), "--help"],
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "deckgen build (40 judgments)": [*deckgen_command(), "build", str(source), "-o", str(folder / "d.apkg")],
        "python -c 'import genanki, yaml, click'": [sys.executable, "-c", "import genanki, yaml, click"],
    }
    results = {name: Runs() for name in commands}
    for cmd in commands.values():
        run(cmd)  # warm-up
    for _ in range(repeats):
        for name, cmd in commands.items():
            run(cmd, results[name])
    return results


# -- report --------------------------------------------------------------------------------------------


def machine() -> str:
    """Cores, CPU model and memory (from /proc on Linux), Python version."""

    def first(path: str, key: str) -> str:
        try:
            lines = Path(path).read_text().splitlines()
        except OSError:
            return "?"
        return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(key)), "?")

    memory = first("/proc/meminfo", "MemTotal")
    memory = f"{int(memory.split()[0]) / 2**20:.0f} GiB" if memory != "?" else "?"
    return (
        f"{os.cpu_count()} cores ({first('/proc/cpuinfo', 'model name')}), {memory} memory, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def _growth(small: Runs, large: Runs) -> str:
    return f"{large.time / small.time:.2f}× [{large.best / small.best:.2f}×]"


def report(sizes: list[SizeResult], startup: dict[str, Runs], full: bool) -> str:
    lines = [f"machine: {machine()}", ""]
    lines.append(
        "| judgments | notes | deckgen rebuild s | deckgen first build s | baseline s | time ratio "
        "(rebuild / first) | baseline, GC off s | deckgen MiB | baseline MiB | memory ratio |"
    )
    lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        lines.append(
            f"| {s.n:,} | {s.notes:,} | {s.rebuild.time:.3f} [{s.rebuild.best:.3f}] | "
            f"{s.first.time:.3f} [{s.first.best:.3f}] | {s.baseline.time:.3f} [{s.baseline.best:.3f}] | "
            f"{s.rebuild.time / s.baseline.time:.2f}× / {s.first.time / s.baseline.time:.2f}× | "
            f"{s.baseline_gc_off.time:.3f} [{s.baseline_gc_off.best:.3f}] | "
            f"{max(s.rebuild.mib, s.first.mib):.0f} | {s.baseline.mib:.0f} | "
            f"{max(s.rebuild.mib, s.first.mib) / s.baseline.mib:.2f}× |"
        )
    lines.append("")
    lines.append(
        "Times: median of the repeats [min]. Memory: peak RSS of the process (deckgen: the larger of "
        "rebuild and first build). Ratios are deckgen / baseline."
    )
    growth = [(a, b) for a in sizes for b in sizes if b.n == 10 * a.n]
    for a, b in growth:
        lines.append(
            f"growth {a.n:,} → {b.n:,} judgments ({b.notes / a.notes:.0f}× notes), medians [mins]: "
            f"deckgen rebuild {_growth(a.rebuild, b.rebuild)}, first build {_growth(a.first, b.first)}, "
            f"baseline {_growth(a.baseline, b.baseline)}, "
            f"baseline with GC off {_growth(a.baseline_gc_off, b.baseline_gc_off)}"
        )
    lines.append("")
    lines.append("| command | wall ms | ratio |")
    lines.append("|---|---:|---:|")
    pairs = [
        ("deckgen --help", "python -c 'import click'"),
        ("deckgen build (40 judgments)", "python -c 'import genanki, yaml, click'"),
    ]
    for a, b in pairs:
        lines.append(
            f"| {a} | {startup[a].time * 1000:.0f} [{startup[a].best * 1000:.0f}] | "
            f"{startup[a].time / startup[b].time:.2f}× |"
        )
        lines.append(f"| {b} | {startup[b].time * 1000:.0f} [{startup[b].best * 1000:.0f}] | 1 |")
    lines.append("")

    verdicts = []
    top = max(sizes, key=lambda s: s.n)
    if full:
        verdicts.append(
            (
                f"build time ≤ 1.5× baseline at {top.notes:,} notes (rebuild; first build)",
                max(top.rebuild.time, top.first.time) / top.baseline.time,
                1.5,
            )
        )
        verdicts.append(
            (
                f"peak memory ≤ 1.5× baseline at {top.notes:,} notes",
                max(top.rebuild.mib, top.first.mib) / top.baseline.mib,
                1.5,
            )
        )
        for a, b in growth:
            verdicts.append(
                (
                    f"linear growth {a.n:,} → {b.n:,} judgments: time ≤ 11× for 10× notes (rebuild; first build)",
                    max(b.rebuild.time / a.rebuild.time, b.first.time / a.first.time),
                    11,
                )
            )
    verdicts.append(
        ("deckgen --help ≤ 1.3× python -c 'import click'", startup[pairs[0][0]].time / startup[pairs[0][1]].time, 1.3)
    )
    verdicts.append(
        (
            "40-judgment build ≤ 2× python -c 'import genanki, yaml, click'",
            startup[pairs[1][0]].time / startup[pairs[1][1]].time,
            2,
        )
    )
    for what, ratio, limit in verdicts:
        lines.append(f"{'PASS' if ratio <= limit else 'FAIL'}  {what}: {ratio:.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="N = 40 and 2,000 only, fewer repeats (for CI)")
    parser.add_argument(
        "--repeat",
        type=int,
        help="repeats per size and of each start-up command (default 5 and 20; 2 and 5 with --small)",
    )
    parser.add_argument("--sizes", help="comma-separated judgment counts (default 40,2000,20000)")
    parser.add_argument("--keep", type=Path, help="keep the generated sources and decks in this folder")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [40, 2000] if args.small else [40, 2000, 20000]
    repeats = args.repeat or (2 if args.small else 5)
    work = Path(tempfile.mkdtemp(prefix="deckgen-bench-"))
    ENV["DECKGEN_STATE_DIR"] = str(work / "state")  # deckgen's record of what it packaged: not the user's
    try:
        results = []
        for n in sizes:
            results.append(bench_size(n, repeats, work))
        startup = bench_startup(args.repeat or (5 if args.small else 20), work)
        print(report(results, startup, full=not args.small and max(sizes) >= 20000))
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
