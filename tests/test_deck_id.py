"""A build warns when its deck id was last packaged on this machine from another source file (a copied source,
an example that kept its id), before the package can reach Anki."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from deckgen.builds import build
from deckgen.cli import main
from deckgen.load import load_file
from deckgen.state import Packaged

from conftest import ROOT, SOURCE

README = (ROOT / "README.md").read_text(encoding="utf-8")


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def copy_of_the_shipped_source(tmp_path: Path) -> Path:
    """The shipped source copied to another folder, as a newcomer starting their own deck from it would."""
    folder = tmp_path / "my-deck"
    folder.mkdir()
    copy = folder / "deck.yaml"
    shutil.copy(SOURCE, copy)
    shutil.copytree(SOURCE.parent / "media", folder / "media")
    return copy


def test_a_build_from_a_copied_source_warns_before_anything_reaches_anki(cards_copy, tmp_path, anki):
    original = cards_copy / "agi-next-2026.yaml"
    shipped = build(load_file(original), output=tmp_path / "shipped.apkg")
    anki.import_apkg(shipped.output)
    copy = copy_of_the_shipped_source(tmp_path)

    result = invoke("build", str(copy), "-o", str(tmp_path / "copy.apkg"))
    assert result.exit_code == 0
    first_line = result.output.splitlines()[0]
    assert first_line.startswith(
        f"{copy}:3:7: warning: deck.id: deck id 'agi-next-2026' was last packaged on this "
        f"machine from {original.resolve()}; an Anki that imported that package"
    )
    assert "deckgen init makes a fresh one" in first_line
    assert result.output.index("warning: deck.id") < result.output.index("Wrote ")

    # what the warning is about: the copy's notes are the shipped deck's notes in Anki
    log = anki.import_apkg(tmp_path / "copy.apkg")
    assert not log.new and len(log.duplicate) + len(log.updated) == len(shipped.notes)

    # a build that warned does not make the copy the deck id's file: the next build of the copy warns again,
    # the original's does not, and a `check --strict` of the copy fails
    again = invoke("build", str(copy), "-o", str(tmp_path / "copy.apkg"))
    assert again.exit_code == 0 and f"last packaged on this machine from {original.resolve()}" in again.output
    assert "if the source moved, build once with --source-moved" in again.output
    assert invoke("check", "--strict", str(copy)).exit_code == 1
    assert invoke("check", "--strict", str(original)).exit_code == 0

    # --source-moved says it moved: no warning, and from then on the copy is the deck id's file
    moved = invoke("build", str(copy), "-o", str(tmp_path / "copy.apkg"), "--source-moved")
    assert moved.exit_code == 0 and "deck.id" not in moved.output, moved.output
    assert invoke("check", "--strict", str(copy)).exit_code == 0
    checked = invoke("check", "--strict", str(original))
    assert checked.exit_code == 1 and f"was last packaged on this machine from {copy.resolve()}" in checked.output


def test_rebuilding_the_same_source_never_warns(cards_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    assert invoke("build", "-o", str(tmp_path / "a.apkg")).exit_code == 0
    for args in (
        ["build", "cards/agi-next-2026.yaml", "-o", str(tmp_path / "b.apkg")],
        ["build", "--all"],
        ["check", "--strict", "./cards"],
    ):
        result = invoke(*args)
        assert result.exit_code == 0 and "deck.id" not in result.output, result.output


def test_a_record_without_a_source_path_does_not_warn(cards_copy, tmp_path):
    source = load_file(cards_copy / "agi-next-2026.yaml")
    build(source, output=tmp_path / "a.apkg")
    path = Packaged.path_for(source.deck_id)
    record = json.loads(path.read_text())
    assert record.pop("source") == str((cards_copy / "agi-next-2026.yaml").resolve())
    path.write_text(json.dumps(record))  # as written before records named their source
    copy = copy_of_the_shipped_source(tmp_path)
    result = build(load_file(copy), output=tmp_path / "b.apkg")
    assert [w for w in result.warnings if w.key_path == "deck.id"] == []
    assert json.loads(path.read_text())["source"] == str(copy.resolve())


def test_the_readme_example_has_a_deck_id_of_its_own(tmp_path, cards_copy):
    block = re.search(r"## Source format.*?```yaml\n(.*?)```", README, re.S).group(1)
    example = tmp_path / "example" / "example.yaml"
    example.parent.mkdir()
    example.write_text(block, encoding="utf-8")
    build(load_file(cards_copy / "agi-next-2026.yaml"), output=tmp_path / "shipped.apkg")
    source = load_file(example)
    assert source.deck_id != "agi-next-2026"
    result = build(source, output=tmp_path / "example.apkg")
    assert [w for w in result.warnings if w.key_path == "deck.id"] == []
