"""The doubtful behaviours of the adversarial review (shared/reviews/breaker.md), each decided as a user
would expect and documented in the README: one test per decision, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main

MINIMAL = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def source(tmp_path: Path, name: str = "m.yaml", **replacements: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_ctrl_c_says_whether_anything_was_written(tmp_path, monkeypatch):
    src = source(tmp_path)
    out = tmp_path / "m.apkg"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr("deckgen.builds.write_all_atomic", interrupted)
        result = run("build", str(src), "-o", str(out))
    assert (result.exit_code, result.output) == (130, "deckgen: interrupted; nothing was written\n")
    assert not out.exists()
    with monkeypatch.context() as m:
        m.setattr("deckgen.cli.report.print_build", interrupted)  # while the report prints
        result = run("build", str(src), "-o", str(out))
    assert result.exit_code == 130
    assert result.output.startswith(f"deckgen: interrupted; the package(s) and ledger(s) were: {out}, ")
    assert result.output.rstrip().endswith("already written") and out.exists()


def test_a_closed_pipe_ends_the_command_quietly_with_exit_0(tmp_path):
    src = source(tmp_path)
    env = {**os.environ}
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", "list", str(src)] + ["--judgment", "1-2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    proc.stdout.close()  # like `| head -0`: the reader is gone before anything is written
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""
    shell = subprocess.run(
        f"{sys.executable} -m deckgen build {src} -o {tmp_path / 'x.apkg'} | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        cwd=tmp_path,
    )
    assert (shell.returncode, shell.stderr) == (0, b"")
    assert shell.stdout.startswith(b"Wrote ") and (tmp_path / "x.apkg").exists()


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["build", "--help"]])
def test_a_closed_pipe_ends_help_and_version_quietly_with_exit_0(tmp_path, args):
    """--help and --version print while Click parses the options, before the command runs."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
    )
    proc.stdout.close()
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


def test_a_colon_space_in_plain_text_says_to_quote_it(tmp_path):
    src = source(tmp_path, **{'q: "Who made the first judgment?"': "q: Note: who made the first judgment?"})
    result = run("check", str(src))
    assert result.exit_code == 1
    assert "put the text in quotes" in result.output and 'q: "Note: what is X?"' in result.output


def test_a_ledger_that_cannot_be_written_names_its_folder_and_never_suggests_o(tmp_path):
    src = source(tmp_path / "cards")
    (tmp_path / "cards" / ".deckgen-tmp").write_text("a file where the staging folder would go")
    result = run("build", str(src), "-o", str(tmp_path / "m.apkg"))
    assert result.exit_code == 1
    assert f"cannot write in {tmp_path / 'cards'}" in result.output and "make that folder writable" in result.output
    assert " -o" not in result.output and not (tmp_path / "m.apkg").exists()


def test_folders_are_read_recursively_and_any_case_of_yaml(tmp_path):
    source(tmp_path / "cards")
    source(tmp_path / "cards" / "extra", "X.YAML", **{"id: minimal": "id: extra"})
    source(tmp_path / "cards" / ".hidden", "h.yaml", **{"id: minimal": "id: hidden"})
    (tmp_path / "cards" / "extra" / "broken.yml").write_text("deck: [")
    result = run("check", str(tmp_path / "cards"))
    assert result.exit_code == 1  # the broken file in the sub-folder is read, not passed over
    assert "cards/extra/broken.yml:2:1: YAML syntax" in result.output
    (tmp_path / "cards" / "extra" / "broken.yml").unlink()
    result = run("check", str(tmp_path / "cards"))
    assert result.exit_code == 0
    assert "X.YAML: 2 judgments" in result.output and "hidden" not in result.output


def test_two_sources_with_one_deck_id_are_located(tmp_path):
    first = source(tmp_path / "cards", "a.yaml")
    second = source(tmp_path / "cards", "b.yaml")
    result = run("check", str(tmp_path / "cards"))
    assert result.exit_code == 1
    assert f"{second}:2:7: deck.id: deck id 'minimal' is also used by {first}:2;" in result.output


def test_a_ledger_with_guids_swapped_by_hand_is_corrupt(tmp_path):
    src = source(tmp_path)
    assert run("build", str(src), "-o", str(tmp_path / "m.apkg")).exit_code == 0
    ledger = tmp_path / "minimal.ledger.json"
    data = json.loads(ledger.read_text())
    (g1, e1), (g2, e2) = list(data["notes"].items())[:2]
    data["notes"][g1], data["notes"][g2] = e2, e1
    ledger.write_text(json.dumps(data))
    result = run("build", str(src), "-o", str(tmp_path / "m.apkg"))
    assert result.exit_code == 0, result.output
    assert "the ledger is corrupt (notes." in result.output and "is filed under the key" in result.output
    assert "is now a" not in result.output  # no "Q/A note is now a cloze" errors
    assert "added 5 · changed 0" in result.output  # a fresh start


@pytest.mark.parametrize("args", [["--name", "Default"], ["--name", "default::Drill"], ["--name", " DEFAULT "]])
def test_anki_s_default_deck_is_refused_as_a_name(tmp_path, args):
    result = run("build", str(source(tmp_path)), "--dry-run", *args)
    assert result.exit_code == 2  # a --name that is no deck name is a malformed option value
    assert "is Anki's own deck 'Default'" in result.output


def test_the_default_deck_is_refused_in_a_source_too(tmp_path):
    result = run("check", str(source(tmp_path, **{"name: Minimal": "name: Default::Minimal"})))
    assert (
        result.exit_code == 1 and "m.yaml:3:9: deck.name: deck name 'Default::Minimal' is Anki's own" in result.output
    )


def test_tag_selection_ignores_case_as_anki_s_tag_search_does(tmp_path):
    src = source(tmp_path)
    for tag in ("TOPIC::Agents", "topic", "Topic::AGENTS"):
        result = run("build", str(src), "--dry-run", "--tag", tag)
        assert result.exit_code == 0, result.output
        assert "  2 notes," in result.output


def test_one_deletion_on_two_cards(tmp_path, anki):
    src = source(tmp_path, **{"{{c1::agents}}": "{{c1::agents}} and {{c1,2::both}}"})
    out = tmp_path / "m.apkg"
    result = run("build", str(src), "-o", str(out))
    assert result.exit_code == 0 and "cloze 1/2" in result.output, result.output
    anki.import_apkg(out)
    cards = anki.note_by_key("first/cloze/1").cards()
    assert sorted(c.ord for c in cards) == [0, 1]
    assert "[...]" in cards[1].question() and "agents" in cards[1].question()


def test_a_long_list_in_a_message_is_clipped(tmp_path):
    people = "".join(f"  - {{id: p{i:03d}, name: P{i}, roman: P {i}}}\n" for i in range(200))
    src = source(tmp_path, **{"people:\n": "people:\n" + people, "speakers: [tang-jie]": "speakers: [nobody]"})
    result = run("check", str(src))
    (line,) = [x for x in result.output.splitlines() if "unknown person 'nobody'" in x]
    assert line.endswith("… and 192 more") and len(line) < 400, line
