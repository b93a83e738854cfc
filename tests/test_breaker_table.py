"""Every input of the adversarial review (shared/reviews/breaker.md), B1–B17, as one table: each gives exit
0, 1 or 2 as documented, a located one-line message where it fails, no traceback, and leaves the previous
outputs byte-identical whenever it fails. The tests of each kind check what the output means."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main

MINIMAL = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'


def edit(old: str, new: str):
    def apply(project: Path) -> None:
        src = project / "cards" / "minimal.yaml"
        text = src.read_text(encoding="utf-8")
        assert old in text, old
        src.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def images(*names: str):
    def apply(project: Path) -> None:
        (project / "cards" / "media").mkdir(exist_ok=True)
        for name in names:
            (project / "cards" / "media" / name).write_text(SVG)
        specs = "".join(f'      - {{image: "media/{n}", q: "Image {n}?", a: "it"}}\n' for n in names)
        edit("    cards:\n", "    cards:\n" + specs)(project)

    return apply


def symlink_out(project: Path) -> None:
    (project / "out.apkg").symlink_to("/proc/self/fd/1")


def folder_in_place(project: Path) -> None:
    (project / "dist" / "minimal-named.apkg").mkdir()
    edit("a: 唐杰", "a: 唐杰 (Tang Jie)")(project)
    src = project / "cards" / "minimal.yaml"
    src.write_text(
        src.read_text(encoding="utf-8") + "decks:\n  - {key: named, name: Named, select: {theme: [agent]}}\n"
    )


def deletions(n: int):
    return edit("{{c1::agents}}", " ".join(f"w{i} {{{{c{i}::t{i}}}}}" for i in range(1, n + 1)))


ROWS = [
    # (bug, how the project is changed, command line, exit status)
    ("B1", edit('q: "Who made the first judgment?"', r"q: 'costs $5, \(x\) and \[y\]?'"), ["build"], 0),
    (
        "B2",
        edit("a: 唐杰", 'a: "[$]z[/$] [latex]w[/latex] [sound:evil.mp3] [anki:tts lang=en_US]s[/anki:tts]"'),
        ["build"],
        0,
    ),
    ("B4-key", edit("    en: Agents\n", '    en: Agents\n    "\\e]0;PWNED\\a\\e[31mRED": 1\n'), ["check"], 1),
    ("B4-vf", edit("    en: Agents\n", '    en: Agents\n    "one\\vtwo\\fthree\\Nfour": 2\n'), ["check"], 1),
    ("B4-list", edit("speakers: [tang-jie]", 'speakers: "\\e[2J"'), ["build"], 1),
    ("B5-ls", edit("en: The first judgment.", 'en: "The first\u2028judgment."'), ["build"], 1),
    ("B5-nel", edit("en: The first judgment.", "en: The first judgment. # x\u0085 y"), ["check"], 1),
    ("B6", deletions(400), ["build"], 0),
    ("B7", edit("a: 唐杰", "a: Tang"), ["build"], 0),  # saved by rename below: test_outputs has the lock itself
    ("B9", edit("a: 唐杰", 'a: "唐\\r杰"'), ["list", "--format", "tsv", "cards"], 0),
    (
        "B11",
        edit(
            '"The first judgment is about {{c1::agents}}."',
            '"' + "".join(chr(c) for c in range(0xE000, 0xE100)) + ' {{c1::agents}}"',
        ),
        ["build"],
        0,
    ),
    ("B12", symlink_out, ["build", "-o", "out.apkg"], 1),
    ("B13", edit("a: 唐杰", "a: 唐杰"), ["build"], 0),
    ("B14", images("fig#1.svg", "100%25.svg", "a b.svg"), ["build"], 0),
    ("B16-o", lambda p: None, ["build", "-o", "x" * 300 + ".apkg"], 1),
    ("B16-judgment", lambda p: None, ["build", "--judgment", ",".join(["1", "2"] * 300)], 0),
    ("B16-id", edit("id: minimal", "id: " + "a" * 250), ["build"], 1),
    ("B17", folder_in_place, ["build", "--all"], 1),
    ("usage", lambda p: None, ["build", "--bogus"], 2),
]


def snapshot(folder: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        out[rel] = ("-> " + os.readlink(p)) if p.is_symlink() else p.read_bytes() if p.is_file() else "dir"
    return out


@pytest.mark.parametrize(("bug", "change", "args", "code"), ROWS, ids=[r[0] for r in ROWS])
def test_every_input_of_the_review(tmp_path, monkeypatch, bug, change, args, code):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "minimal.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert CliRunner().invoke(main, ["build", "cards"]).exit_code == 0  # the previous outputs
    change(tmp_path)
    if bug == "B7":  # saved as editors do: a new file renamed over the old one
        src = tmp_path / "cards" / "minimal.yaml"
        (tmp_path / "cards" / ".m.swp").write_bytes(src.read_bytes())
        os.replace(tmp_path / "cards" / ".m.swp", src)
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, args if args[0] == "list" else [*args, "cards"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    if code:
        assert snapshot(tmp_path) == before
        lines = result.output.splitlines()
        if code == 1:
            located = re.compile(r"^(cards/minimal\.yaml:\d+:\d+: |deckgen: error: )")
            assert all(located.match(line) or line.startswith("deckgen: ") for line in lines), lines
            assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", result.output)
