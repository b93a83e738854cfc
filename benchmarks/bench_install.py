"""Benchmark: ``deckgen install`` against ``deckgen build`` followed by Anki's own import of that package.

    python benchmarks/bench_install.py            # 20,000 judgments (60,000 notes), 5 repeats
    python benchmarks/bench_install.py --small    # 2,000 judgments, 2 repeats (tests/test_bench_install.py)

The source is ``sources.make_source`` (the synthetic source of ``bench_build.py``). Two folders hold a
copy each, so that each side keeps its own ledger; a warm-up run of each side writes it, so every timed
build is a rebuild, the usual case. Then, side by side and in alternating order, each in fresh subprocesses:

* ``deckgen install SOURCE --collection C`` (build, open, Anki backup, Anki import, prune check), and
* the baseline: ``deckgen build SOURCE -o X.apkg``, then a Python process that opens the collection with the
  ``anki`` package and imports ``X.apkg`` with the import dialog's presets. Its time is the sum of both.

Both go into an identical collection, copied before each run from a template, in two cases: a *fresh*
collection (every note is new), and one that *already has the deck* (every note unchanged, as on the second
install of an unchanged source). Wall time is the median of the repeats [min]; peak memory the larger
process's own ``ru_maxrss``. It prints a table and the verdict on the target in ``benchmarks/README.md``
(install ≤ 1.3× the baseline at 60,000 notes); it asserts nothing and exits 1 only when a command fails.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench_build import ENV, Runs, deckgen_command, machine, run
from sources import make_source

IMPORT = """\
import sys
from anki.collection import Collection, ImportAnkiPackageRequest
col = Collection(sys.argv[2])
options = col._backend.get_import_anki_package_presets()
col.import_anki_package(ImportAnkiPackageRequest(package_path=sys.argv[1], options=options))
col.close()
"""
TARGET = 1.3


def empty_collection(folder: Path) -> Path:
    """A new, empty collection made by the anki package (then closed) in ``folder``."""
    from anki.collection import Collection

    folder.mkdir(parents=True)
    Collection(str(folder / "collection.anki2")).close()
    return folder


def fresh_copy(template: Path, dest: Path) -> Path:
    """``dest`` replaced by a copy of the collection folder ``template``; returns the collection file."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(template, dest)
    return dest / "collection.anki2"


def bench(n: int, repeats: int, work: Path) -> dict[str, tuple[Runs, Runs, Runs, Runs]]:
    """For each case: runs of install, and of the baseline's build, import, and build + import summed."""
    text = make_source(n)
    sources = {}
    for side in ("install", "baseline"):
        (work / side).mkdir()
        sources[side] = work / side / f"bench-{n}.yaml"
        sources[side].write_text(text, encoding="utf-8")
    deckgen = deckgen_command()
    # the two sides are copies of one source under one state folder: each install says the source moved
    install_cmd = [*deckgen, "install", str(sources["install"]), "--source-moved", "--collection"]
    package = work / "baseline.apkg"
    empty = empty_collection(work / "empty")
    # warm-up (page cache, .pyc files, each side's ledger); leaves a template that already has the deck
    run([*deckgen, "build", str(sources["baseline"]), "-o", str(package)])
    run([*install_cmd, str(fresh_copy(empty, work / "full"))])
    templates = {"fresh collection": empty, "already has the deck": work / "full"}
    results = {case: (Runs(), Runs(), Runs(), Runs()) for case in templates}
    for i in range(repeats):
        for case, template in templates.items():
            install, build, imp, total = results[case]
            sides = ["install", "baseline"] if i % 2 == 0 else ["baseline", "install"]
            for side in sides:
                col = fresh_copy(template, work / "target")
                if side == "install":
                    run([*install_cmd, str(col)], install)
                else:
                    run([*deckgen, "build", str(sources["baseline"]), "-o", str(package)], build)
                    run([sys.executable, "-c", IMPORT, str(package), str(col)], imp)
                    total.times.append(build.times[-1] + imp.times[-1])
                    total.rss.append(max(build.rss[-1], imp.rss[-1]))
        print(f"  run {i + 1}/{repeats} done", file=sys.stderr)
    return results


def report(n: int, results: dict[str, tuple[Runs, Runs, Runs, Runs]], full: bool) -> str:
    lines = [
        f"machine: {machine()}",
        "",
        f"{n:,} judgments, {3 * n:,} notes",
        "",
        "| into | deckgen install s | deckgen build s | Anki import s | build + import s | ratio | "
        "install MiB | build/import MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case, (install, build, imp, total) in results.items():
        lines.append(
            f"| {case} | {install.time:.2f} [{install.best:.2f}] | {build.time:.2f} [{build.best:.2f}] | "
            f"{imp.time:.2f} [{imp.best:.2f}] | {total.time:.2f} [{total.best:.2f}] | "
            f"{install.time / total.time:.2f}× | {install.mib:.0f} | {total.mib:.0f} |"
        )
    lines += ["", "Times: median of the repeats [min]. Ratio: install / (build + import), medians.", ""]
    worst = max(install.time / total.time for install, _, _, total in results.values())
    what = f"install ≤ {TARGET}× (deckgen build + Anki's import) at {3 * n:,} notes (the slower case)"
    lines.append(
        f"{'PASS' if worst <= TARGET else 'FAIL'}  {what}: {worst:.2f}"
        if full
        else f"(small run; the target is judged at 60,000 notes) ratio {worst:.2f}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="2,000 judgments, 2 repeats (for the tests)")
    parser.add_argument("--judgments", type=int, help="judgments in the source (default 20,000)")
    parser.add_argument("--repeat", type=int, help="repeats (default 5, or 2 with --small)")
    args = parser.parse_args()
    n = args.judgments or (2000 if args.small else 20000)
    repeats = args.repeat or (2 if args.small else 5)
    work = Path(tempfile.mkdtemp(prefix="deckgen-bench-install-"))
    ENV["DECKGEN_STATE_DIR"] = str(work / "state")  # deckgen's machine record: not the user's
    try:
        print(report(n, bench(n, repeats, work), full=n >= 20000))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
