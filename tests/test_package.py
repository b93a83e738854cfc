"""Packaging: open the .apkg's sqlite and check notes, tags, note types; determinism and compression."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.builds import build
from deckgen.cli import main
from deckgen.errors import OutputError
from deckgen.load import load_file
from deckgen.notes import generate
from deckgen.notetypes import CLOZE, QA


def read_apkg(apkg: Path, tmp_path: Path):
    with zipfile.ZipFile(apkg) as zf:
        db = tmp_path / "unzipped.anki2"
        db.write_bytes(zf.read("collection.anki2"))
        infos = zf.infolist()
    conn = sqlite3.connect(db)
    return conn, infos


def test_package_contents(cards_copy, tmp_path):
    source = load_file(cards_copy / "agi-next-2026.yaml")
    notes, _ = generate(source)
    out = tmp_path / "deck.apkg"
    result = build(source, output=out)
    conn, infos = read_apkg(out, tmp_path)
    rows = conn.execute("SELECT guid, mid, tags, flds, mod FROM notes").fetchall()
    assert len(rows) == len(notes) == len(result.notes)
    by_guid = {r[0]: r for r in rows}
    for note in notes:
        guid, mid, tags, flds, mod = by_guid[note.guid]
        assert mid == note.note_type.id
        assert tags.split() == list(note.tags)
        assert flds.split("\x1f") == list(note.fields)
        assert mod == result.changes.mods[note.guid]
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    assert set(models) == {str(QA.id), str(CLOZE.id)}
    assert [f["id"] for f in models[str(QA.id)]["flds"]] == [fid for _, fid in QA.fields]
    assert models[str(CLOZE.id)]["type"] == 1
    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    assert "AGI-Next 2026" in {d["name"] for d in decks.values()}
    # new cards are queued in source order
    dues = conn.execute("SELECT n.guid, c.due FROM cards c JOIN notes n ON n.id = c.nid").fetchall()
    order = {n.guid: n.order for n in notes}
    assert all(due == order[guid] for guid, due in dues)
    assert all(i.compress_type == zipfile.ZIP_DEFLATED and i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)


def test_two_builds_are_byte_identical(cards_copy, tmp_path):
    source = load_file(cards_copy / "agi-next-2026.yaml")
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    build(source, output=first)
    build(source, output=second)
    assert first.read_bytes() == second.read_bytes()


def test_package_is_compressed(cards_copy, tmp_path):
    out = tmp_path / "deck.apkg"
    build(load_file(cards_copy / "agi-next-2026.yaml"), output=out)
    with zipfile.ZipFile(out) as zf:
        raw = zf.getinfo("collection.anki2").file_size
    assert out.stat().st_size < raw / 2


# -- outputs that are inputs -------------------------------------------------------------------------------------------


def _inputs(cards: Path, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Output paths that are an input of the build: (path to give as output, what the error must call it)."""
    source = cards / "agi-next-2026.yaml"
    (tmp_path / "hardlink.apkg").hardlink_to(source)
    (tmp_path / "symlink.apkg").symlink_to(cards / "agi-next-2026.ledger.json")
    return {
        "source": (source, "the source file"),
        "ledger": (cards / "agi-next-2026.ledger.json", "the build ledger"),
        "media file": (cards / "media" / "yang-qiang-agent-quadrants.svg", "a media file"),
        "source via ..": (cards / "media" / ".." / "agi-next-2026.yaml", "the source file"),
        "hard link to the source": (tmp_path / "hardlink.apkg", "the source file"),
        "symlink to the ledger": (tmp_path / "symlink.apkg", "the build ledger"),
    }


@pytest.mark.parametrize(
    "case", ["source", "ledger", "media file", "source via ..", "hard link to the source", "symlink to the ledger"]
)
def test_an_output_that_is_an_input_of_the_build_is_refused(cards_copy, tmp_path, case):
    output, what = _inputs(cards_copy, tmp_path)[case]
    before = {p: p.read_bytes() for p in cards_copy.rglob("*") if p.is_file()}
    with pytest.raises(OutputError, match=f"is {what} of this build"):
        build(load_file(cards_copy / "agi-next-2026.yaml"), output=output)
    after = {p: p.read_bytes() for p in cards_copy.rglob("*") if p.is_file()}
    assert after == before


def test_the_cli_refuses_to_write_the_package_over_the_ledger(cards_copy):
    ledger = cards_copy / "agi-next-2026.ledger.json"
    before = ledger.read_bytes()
    result = CliRunner().invoke(main, ["build", str(cards_copy), "-o", str(ledger)])
    assert result.exit_code == 1
    assert f"{ledger}: is the build ledger of this build; writing there would replace it" in result.output
    assert ledger.read_bytes() == before


# -- all or nothing ----------------------------------------------------------------------------------------------------


def _fail_renames_onto(monkeypatch, target: Path) -> None:
    """Make every rename onto ``target`` fail as on an immutable file (chattr +i)."""
    real = os.replace

    def replace(src, dst):
        if Path(dst) == target:
            raise PermissionError(errno.EPERM, "Operation not permitted")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("package_existed", [True, False])
def test_a_ledger_that_cannot_be_renamed_leaves_the_package_as_it_was(
    cards_copy, tmp_path, monkeypatch, package_existed
):
    src = cards_copy / "agi-next-2026.yaml"
    ledger = cards_copy / "agi-next-2026.ledger.json"
    out = tmp_path / "dist" / "deck.apkg"
    build(load_file(src), output=out)
    if not package_existed:
        out.unlink()
    files = {p: p.read_bytes() for p in [*cards_copy.rglob("*"), *out.parent.iterdir()] if p.is_file()}
    src.write_text(
        src.read_text(encoding="utf-8").replace("        a: DeepSeek\n", "        a: DeepSeek (深度求索)\n"),
        encoding="utf-8",
    )
    files[src] = src.read_bytes()
    _fail_renames_onto(monkeypatch, ledger)
    with pytest.raises(OutputError, match="cannot write .*no file was changed"):
        build(load_file(src), output=out)
    assert {p: p.read_bytes() for p in [*cards_copy.rglob("*"), *out.parent.iterdir()] if p.is_file()} == files


# -- deck descriptions -------------------------------------------------------------------------------------------------


def test_deck_descriptions_are_escaped_text_with_line_breaks(tmp_path, anki):
    src = tmp_path / "minimal.yaml"
    text = Path(__file__).with_name("data").joinpath("good", "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  name: Minimal\n", '  name: Minimal\n  description: "<img src=x onerror=alert(1)>\\nline 2"\n'
    )
    text = text.replace("title: A minimal source\n", 'title: "<script>alert(1)</script>"\n    by: "A & B"\n')
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "deck.apkg"
    build(load_file(src), output=out)
    conn, _ = read_apkg(out, tmp_path)
    (desc,) = [
        d["desc"]
        for d in json.loads(conn.execute("SELECT decks FROM col").fetchone()[0]).values()
        if d["name"] == "Minimal"
    ]
    assert desc == (
        "&lt;img src=x onerror=alert(1)&gt;<br>line 2<br><br>Source: &lt;script&gt;alert(1)&lt;/script&gt; (A &amp; B)"
    )
    named = tmp_path / "named.apkg"
    build(load_file(src), output=named, name="Named", description="<b>bold</b>\nnext")
    anki.import_apkg(named)
    assert anki.col.decks.by_name("Named")["desc"].startswith("&lt;b&gt;bold&lt;/b&gt;<br>next<br><br>Source: ")


def test_an_output_that_is_a_pipe_is_refused_and_left_alone(cards_copy, tmp_path):
    import os
    import stat

    pipe = tmp_path / "deck.apkg"
    os.mkfifo(pipe)
    with pytest.raises(OutputError, match="is not a regular file"):
        build(load_file(cards_copy / "agi-next-2026.yaml"), output=pipe)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards", "deck.apkg"]  # no stray temporary file
