"""Benchmark: ``deckgen build`` against the leanest PyYAML + genanki script, on synthetic and realistic text.

    python benchmarks/bench_build.py            # full run (~10 min): every target, PASS or FAIL
    python benchmarks/bench_build.py --small    # CI: small sizes, one repeat, no timing verdicts on builds

Two kinds of source (``benchmarks/sources.py``):

* **synthetic**: N = 40, 2,000 and 20,000 judgments, 3 notes each (60,000 notes at the top), lint-clean;
* **realistic**: the shipped deck ``cards/agi-next-2026.yaml`` repeated with fresh ids and numbers, ``k`` and
  ``10 * k`` times, ``k`` the fewest copies with 6,000 notes (41 and 410 copies, 6,068 and 60,680 notes, for a
  deck of 148 notes): real card text, and the lint warns about every repeated question.

For each size it times, side by side, several times each, in fresh subprocesses taking turns in a rotating
order:

* ``deckgen build SOURCE -o OUT`` as a user runs it (the installed console script): a *first* build with no
  ledger, and a *rebuild* with the ledger of the previous build present (the usual case);
* the baseline ``benchmarks/baseline_genanki.py --gc-off``: ``yaml.load`` with ``CSafeLoader``, the same
  notes written with plain ``genanki`` (``Note(guid=...)``, ``Package.write_to_file``), Python's cyclic
  garbage collector off: the floor a careful script reaches. The targets are measured against it;
* for information, the same baseline with the collector on (a script as usually written), and a rebuild
  with the build's lint taken out (``benchmarks/build_without_lint.py``), which sets the lint's share of a
  build's time apart from the rest.

Wall time is the median of the repeats (min in brackets); peak memory is each subprocess's own
``ru_maxrss`` (from ``os.wait4``), median of the repeats. It also times ``deckgen --help`` against
``python -c "import click"`` and a rebuild of the shipped deck against ``python -c "import genanki, yaml,
click"``. It prints the tables and a PASS/FAIL line per target (``benchmarks/README.md``); it asserts
nothing and exits 1 only when a command fails.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
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
WITHOUT_LINT = HERE / "build_without_lint.py"
sys.path.insert(0, str(HERE))

from sources import SHIPPED, make_source, write_realistic  # noqa: E402

TIME_LIMIT = 1.5
"""Build time at 60,000 notes, as a multiple of the baseline's (collector off)."""
MEMORY_LIMIT = 1.5
"""Peak memory at 60,000 notes, as a multiple of the baseline's (collector off)."""
GROWTH_LIMIT = 10.5
"""Build time for 10× the notes, as a multiple of the time for the smaller source."""
HELP_LIMIT = 1.2
"""``deckgen --help`` as a multiple of ``python -c "import click"``."""
SHIPPED_LIMIT = 1.5
"""A rebuild of the shipped deck as a multiple of ``python -c "import genanki, yaml, click"``."""
TOP_NOTES = 60_000


# -- measuring -----------------------------------------------------------------------------------------


@dataclass
class Runs:
    """Wall times (s), CPU times (user + system, s) and peak RSS (KiB) of repeated runs of one command."""

    times: list[float] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)

    @property
    def time(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_times)

    @property
    def mib(self) -> float:
        return statistics.median(self.rss) / 1024


# As in a user's shell: Python caches bytecode (some sandboxes and CI set PYTHONDONTWRITEBYTECODE, which
# would make every run of deckgen recompile its own modules while site-packages stay precompiled).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], runs: Runs | None = None) -> str:
    """Run ``cmd`` in a fresh subprocess; add its wall time and its own peak RSS to ``runs``. Returns its
    output (stdout and stderr)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
        if proc.returncode != 0:
            sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n" + text[-3000:])
    if runs is not None:
        runs.times.append(elapsed)
        runs.cpu_times.append(usage.ru_utime + usage.ru_stime)
        runs.rss.append(usage.ru_maxrss)
    return text


def deckgen_command() -> list[str]:
    """The installed console script next to this Python, else ``python -m deckgen``."""
    script = Path(sys.executable).parent / "deckgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "deckgen"]


@dataclass
class SizeResult:
    """The runs on one source: ``kind`` (synthetic or realistic) of ``judgments`` judgments making ``notes``
    notes, whose build printed ``lines`` lines."""

    kind: str
    judgments: int
    notes: int
    lines: int
    first: Runs = field(default_factory=Runs)
    rebuild: Runs = field(default_factory=Runs)
    baseline: Runs = field(default_factory=Runs)
    """The baseline with the collector off: what the targets are measured against."""
    baseline_gc_on: Runs = field(default_factory=Runs)
    without_lint: Runs = field(default_factory=Runs)
    """A rebuild with the lint taken out, for information."""

    @property
    def slower(self) -> float:
        """The slower median of rebuild and first build."""
        return max(self.rebuild.time, self.first.time)

    @property
    def deckgen_mib(self) -> float:
        return max(self.rebuild.mib, self.first.mib)


def bench_source(kind: str, source: Path, repeats: int) -> SizeResult:
    """Time deckgen and the baselines on ``source``; its sizes come from deckgen's own report."""
    folder = source.parent
    deckgen = [*deckgen_command(), "build", str(source), "-o", str(folder / "deckgen.apkg")]
    baseline = [sys.executable, str(BASELINE), str(source), str(folder / "baseline.apkg")]
    without_lint = [sys.executable, str(WITHOUT_LINT), "build", str(source), "-o", str(folder / "no-lint.apkg")]
    printed = run(deckgen)  # warm-up (page cache, .pyc files); leaves a ledger
    run(baseline)
    run(without_lint)
    judgments = len(re.findall(r"^    number: ", source.read_text(encoding="utf-8"), re.M))
    notes = int(re.search(r"^  ([0-9]+) notes, ", printed, re.M).group(1))
    result = SizeResult(kind, judgments, notes, printed.count("\n"))
    ledger = next(folder.glob("*.ledger.json"))
    steps = [
        ("rebuild", deckgen),
        ("baseline", [*baseline, "--gc-off"]),
        ("first", deckgen),
        ("baseline_gc_on", baseline),
        ("without_lint", without_lint),
    ]
    for i in range(repeats):
        turn = i % len(steps)
        for name, cmd in steps[turn:] + steps[:turn]:  # rotate the order so no command always goes first
            if name == "first":
                ledger.unlink()
            run(cmd, getattr(result, name))
        print(f"  {kind} {judgments:,} judgments: run {i + 1}/{repeats} done", file=sys.stderr)
    return result


def synthetic(n: int, repeats: int, work: Path) -> SizeResult:
    folder = work / f"synthetic-{n}"
    folder.mkdir()
    source = folder / f"bench-{n}.yaml"
    source.write_text(make_source(n), encoding="utf-8")
    return bench_source("synthetic", source, repeats)


def realistic(copies: int, repeats: int, work: Path) -> SizeResult:
    return bench_source("realistic", write_realistic(copies, work / f"realistic-{copies}"), repeats)


def realistic_copies(work: Path) -> list[int]:
    """``[k, 10 * k]``: ``k`` the fewest copies of the shipped deck with a tenth of :data:`TOP_NOTES` notes,
    counted by ``deckgen check`` on one copy."""
    printed = run([*deckgen_command(), "check", str(write_realistic(1, work / "realistic-count"))])
    notes = int(re.search(r"judgments, ([0-9]+) notes, ", printed).group(1))
    k = math.ceil(TOP_NOTES / 10 / notes)
    return [k, 10 * k]


def bench_startup(repeats: int, work: Path) -> dict[str, Runs]:
    """``deckgen --help`` vs ``import click``; a rebuild of the shipped deck (a copy of ``cards/`` with its
    ledger) vs ``import genanki, yaml, click``."""
    folder = work / "shipped"
    shutil.copytree(SHIPPED.parent, folder)
    commands = {
        "deckgen --help": [*deckgen_command(), "--help"],
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "deckgen build (shipped deck)": [
            *deckgen_command(),
            "build",
            str(folder / SHIPPED.name),
            "-o",
            str(folder / "d.apkg"),
        ],
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


def _growth_pairs(sizes: list[SizeResult]) -> list[tuple[SizeResult, SizeResult]]:
    return [(a, b) for a in sizes for b in sizes if a.kind == b.kind and b.notes == 10 * a.notes]


def report(sizes: list[SizeResult], startup: dict[str, Runs]) -> str:
    lines = [f"machine: {machine()}", ""]
    lines.append(
        "| source | judgments | notes | deckgen rebuild s | deckgen first build s | baseline s | "
        "time ratio (rebuild / first) | baseline, GC on s | deckgen MiB | baseline MiB | memory ratio | "
        "lines printed |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        lines.append(
            f"| {s.kind} | {s.judgments:,} | {s.notes:,} | {s.rebuild.time:.3f} [{s.rebuild.best:.3f}] | "
            f"{s.first.time:.3f} [{s.first.best:.3f}] | {s.baseline.time:.3f} [{s.baseline.best:.3f}] | "
            f"{s.rebuild.time / s.baseline.time:.2f}× / {s.first.time / s.baseline.time:.2f}× | "
            f"{s.baseline_gc_on.time:.3f} [{s.baseline_gc_on.best:.3f}] | "
            f"{s.deckgen_mib:.0f} | {s.baseline.mib:.0f} | {s.deckgen_mib / s.baseline.mib:.2f}× | {s.lines:,} |"
        )
    lines.append("")
    lines.append(
        "Times: median of the repeats [min]. Baseline: the genanki script with the collector off "
        '(`--gc-off`); "GC on": the same script as usually written, for information. Memory: peak '
        "RSS of the process (deckgen: the larger of rebuild and first build). Ratios are deckgen / "
        "baseline. Lines printed: stdout and stderr of the first build."
    )
    lines.append("")
    lines.append(
        "| source | notes | deckgen rebuild CPU s | deckgen first build CPU s | baseline CPU s | CPU ratio "
        "(rebuild / first) |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|")
    for s in sizes:
        lines.append(
            f"| {s.kind} | {s.notes:,} | {s.rebuild.cpu:.3f} | {s.first.cpu:.3f} | {s.baseline.cpu:.3f} | "
            f"{s.rebuild.cpu / s.baseline.cpu:.2f}× / {s.first.cpu / s.baseline.cpu:.2f}× |"
        )
    lines.append("")
    lines.append(
        "CPU: user + system time of the process (`os.wait4`), median of the repeats; for information, as "
        "it depends less than wall time on other jobs sharing the machine."
    )
    lines.append("")
    lines.append(
        "| source | notes | deckgen rebuild s | rebuild without its lint s | baseline s | ratio without lint | "
        "lint's share of the rebuild |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        lines.append(
            f"| {s.kind} | {s.notes:,} | {s.rebuild.time:.3f} | {s.without_lint.time:.3f} "
            f"[{s.without_lint.best:.3f}] | {s.baseline.time:.3f} | {s.without_lint.time / s.baseline.time:.2f}× | "
            f"{max(0.0, 1 - s.without_lint.time / s.rebuild.time):.0%} |"
        )
    lines.append("")
    lines.append(
        "For information: a rebuild with the build's lint taken out (`benchmarks/build_without_lint.py`), "
        "median [min]; the lint's share is 1 − (without lint / rebuild). A user's build always lints."
    )
    growth = _growth_pairs(sizes)
    for a, b in growth:
        lines.append(
            f"growth, {a.kind} {a.notes:,} → {b.notes:,} notes (10×), medians [mins]: "
            f"deckgen rebuild {_growth(a.rebuild, b.rebuild)}, first build {_growth(a.first, b.first)}, "
            f"baseline {_growth(a.baseline, b.baseline)}, "
            f"baseline with GC on {_growth(a.baseline_gc_on, b.baseline_gc_on)}"
        )
    lines.append("")
    lines.append("| command | wall ms | ratio |")
    lines.append("|---|---:|---:|")
    pairs = [
        ("deckgen --help", "python -c 'import click'"),
        ("deckgen build (shipped deck)", "python -c 'import genanki, yaml, click'"),
    ]
    for a, b in pairs:
        lines.append(
            f"| {a} | {startup[a].time * 1000:.0f} [{startup[a].best * 1000:.0f}] | "
            f"{startup[a].time / startup[b].time:.2f}× |"
        )
        lines.append(f"| {b} | {startup[b].time * 1000:.0f} [{startup[b].best * 1000:.0f}] | 1 |")
    lines.append("")

    verdicts = []
    for s in sizes:
        if s.notes >= TOP_NOTES and s.notes == max(t.notes for t in sizes if t.kind == s.kind):
            verdicts.append(
                (
                    f"build time ≤ {TIME_LIMIT}× baseline at {s.notes:,} notes, {s.kind} (slower of "
                    "rebuild and first build)",
                    s.slower / s.baseline.time,
                    TIME_LIMIT,
                )
            )
            verdicts.append(
                (
                    f"peak memory ≤ {MEMORY_LIMIT}× baseline at {s.notes:,} notes, {s.kind}",
                    s.deckgen_mib / s.baseline.mib,
                    MEMORY_LIMIT,
                )
            )
    for a, b in growth:
        if b.notes >= TOP_NOTES:
            verdicts.append(
                (
                    f"growth ≤ {GROWTH_LIMIT}× time for 10× notes, {a.kind} {a.notes:,} → {b.notes:,} "
                    "(slower of rebuild and first build)",
                    max(b.rebuild.time / a.rebuild.time, b.first.time / a.first.time),
                    GROWTH_LIMIT,
                )
            )
    verdicts.append(
        (
            f"deckgen --help ≤ {HELP_LIMIT}× python -c 'import click'",
            startup[pairs[0][0]].time / startup[pairs[0][1]].time,
            HELP_LIMIT,
        )
    )
    verdicts.append(
        (
            f"shipped deck's build ≤ {SHIPPED_LIMIT}× python -c 'import genanki, yaml, click'",
            startup[pairs[1][0]].time / startup[pairs[1][1]].time,
            SHIPPED_LIMIT,
        )
    )
    for what, ratio, limit in verdicts:
        lines.append(f"{'PASS' if ratio <= limit else 'FAIL'}  {what}: {ratio:.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--small",
        action="store_true",
        help="synthetic 40 and 400 judgments, realistic 1 and 3 copies, one repeat (for CI)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help="repeats per size and of each start-up command (default 5 and 20; 1 and 3 with --small)",
    )
    parser.add_argument("--sizes", help="comma-separated synthetic judgment counts (default 40,2000,20000)")
    parser.add_argument(
        "--copies", help="comma-separated copies of the shipped deck (default: enough for 6,000 and 60,000 notes)"
    )
    parser.add_argument("--keep", type=Path, help="keep the generated sources and decks in this folder")
    args = parser.parse_args()
    default_sizes = "40,400" if args.small else "40,2000,20000"
    sizes = [int(s) for s in (args.sizes if args.sizes is not None else default_sizes).split(",") if s]
    repeats = args.repeat or (1 if args.small else 5)
    work = Path(tempfile.mkdtemp(prefix="deckgen-bench-"))
    ENV["DECKGEN_STATE_DIR"] = str(work / "state")  # deckgen's record of what it packaged: not the user's
    try:
        if args.copies is not None:
            copies = [int(c) for c in args.copies.split(",") if c]
        else:
            copies = [1, 3] if args.small else realistic_copies(work)
        results = [synthetic(n, repeats, work) for n in sizes]
        results += [realistic(c, repeats, work) for c in copies]
        startup = bench_startup(args.repeat or (3 if args.small else 20), work)
        print(report(results, startup))
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
