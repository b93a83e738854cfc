"""Benchmark: the work on one large field grows linearly with its size.

    python benchmarks/bench_field.py            # each shape at three sizes, doubling
    python benchmarks/bench_field.py --quick    # two sizes each: that it runs (tests/test_bench.py)

For each shape of one large field in an otherwise small source (a cloze with thousands of deletions; a
long answer, question, claim, cloze Extra or list of items, in English, Chinese and mixed text; two cards
whose long fronts and answers the lint compares with each other and with a long claim, ``siblings``; a long
run of Chinese glossed at its end next to an answer of many glossed terms, ``glossed``), it writes
the source, then times in fresh subprocesses ``deckgen check`` (load, generation, every lint rule) and
``deckgen build --dry-run`` after a first build and an edit of the field (the change report quoting it).
It prints one row per shape and size with the time, and the ratio to the row before: about 2 when the size
doubles means linear work, about 4 quadratic. It asserts nothing; it exits 1 only when a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DECKGEN = [sys.executable, "-m", "deckgen"]
_WORDS = "model agent data compute scaling reward context memory planning reasoning market token".split()
_HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"


def text(size: int, kind: str, rng: random.Random) -> str:
    """About ``size`` characters of English words, Chinese characters or both mixed."""
    out: list[str] = []
    n = 0
    while n < size:
        if kind == "en" or (kind == "mixed" and rng.random() < 0.5):
            piece = rng.choice(_WORDS) + (f"-{rng.randrange(1000)}" if rng.random() < 0.3 else "")
        else:
            piece = "".join(rng.choice(_HAN) for _ in range(rng.randint(2, 6)))
        out.append(piece)
        n += len(piece) + 1
    return " ".join(out)


def cloze(deletions: int, rng: random.Random) -> str:
    return " ".join(f"{text(20, 'mixed', rng)} {{{{c{i}::{text(8, 'mixed', rng)}}}}}" for i in range(1, deletions + 1))


def glossed(size: int, rng: random.Random) -> str:
    """About ``size`` characters of short Chinese terms, each glossed in brackets (``的一是 (gloss7)``)."""
    terms = [f"{''.join(rng.choice(_HAN) for _ in range(3))} (gloss{i})" for i in range(size // 12)]
    return " ".join(terms)


def source(field: str, size: int, edit: int) -> dict:
    """A small source whose one judgment has one large ``field`` of about ``size`` (characters, or deletions
    for ``cloze``); ``edit`` changes that field a little (for the change report)."""
    rng = random.Random(size)
    card: dict = {"q": "What does the judgment say?", "a": "It says this"}
    claim = {"zh": "判断的中文。", "en": "The judgment."}
    kind = field.split("-")[-1] if "-" in field else "mixed"
    big = text(size, kind, rng) if field != "cloze" else cloze(size, rng)
    big += f" v{edit}"
    if field.startswith("answer"):
        card["a"] = big
    elif field == "question":
        card["q"] = big + "?"
    elif field == "claim":
        claim = {"zh": big, "en": big}
    elif field == "extra":
        card = {"cloze": "A {{c1::judgment}} says this.", "extra": big}
    elif field == "list":
        items = [text(12, "mixed", rng) for _ in range(size // 12)]
        card = {"of": f"the {{n}} items v{edit}", "items": items}
    elif field == "cloze":
        card = {"cloze": big}
    elif field == "glossed":  # a run of Chinese as long as the field, then its gloss; many glossed terms
        claim = {"zh": "".join(rng.choice(_HAN) for _ in range(size)) + f" (gloss v{edit})", "en": "The judgment."}
        card = {"q": "Which terms does the judgment gloss?", "a": glossed(size, rng)}
    cards = [card]
    if field == "siblings":  # English fronts against the other card's mixed answer, the answers against the claim
        fronts = [f"{text(size, 'en', rng)} v{edit}?", f"{text(size, 'en', rng)}?"]
        answers = [text(size, "mixed", rng) for _ in fronts]
        cards = [{"q": q, "a": a} for q, a in zip(fronts, answers, strict=True)]
        claim = {"zh": " ".join(answers), "en": "The judgment."}
    return {
        "deck": {"id": "big-field", "name": "Big field"},
        "themes": [{"id": "t", "zh": "主题", "en": "Theme"}],
        "people": [{"id": "p", "name": "某人", "roman": "Mou Ren"}],
        "judgments": [{"id": "j", "number": 1, "theme": "t", "speakers": ["p"], **claim, "cards": cards}],
    }


def timed(args: list[str], cwd: Path) -> float:
    env = {**os.environ, "DECKGEN_STATE_DIR": str(cwd / "state")}
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0,):
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed


SHAPES = {
    "cloze": (1000, "deletions"),
    "answer-en": (250_000, "chars"),
    "answer-zh": (250_000, "chars"),
    "answer-mixed": (250_000, "chars"),
    "question": (250_000, "chars"),
    "claim": (250_000, "chars"),
    "extra": (250_000, "chars"),
    "list": (100_000, "chars"),
    "siblings": (100_000, "chars"),
    "glossed": (100_000, "chars"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two small sizes per shape")
    args = parser.parse_args()
    steps = 2 if args.quick else 3
    print("| field | size | check s | ratio | rebuild report s | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for field, (base, unit) in SHAPES.items():
        base = base // 10 if args.quick else base
        previous: tuple[float, float] | None = None
        for step in range(steps):
            size = base * 2**step
            with tempfile.TemporaryDirectory(prefix="bench-field-") as tmp:
                folder = Path(tmp)
                path = folder / "big.yaml"
                path.write_text(json.dumps(source(field, size, 0), ensure_ascii=False), encoding="utf-8")
                check = timed([*DECKGEN, "check", str(path)], folder)
                timed([*DECKGEN, "build", str(path), "-o", str(folder / "big.apkg")], folder)
                path.write_text(json.dumps(source(field, size, 1), ensure_ascii=False), encoding="utf-8")
                report = timed([*DECKGEN, "build", "--dry-run", str(path), "-o", str(folder / "big.apkg")], folder)
            ratios = ("", "") if previous is None else (f"{check / previous[0]:.1f}", f"{report / previous[1]:.1f}")
            print(f"| {field} | {size:,} {unit} | {check:.2f} | {ratios[0]} | {report:.2f} | {ratios[1]} |", flush=True)
            previous = (check, report)
    print("ratio: time at this size / time at half the size (about 2 is linear, about 4 quadratic)")


if __name__ == "__main__":
    main()
