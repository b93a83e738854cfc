"""Outputs never replace what they should not: a symbolic link, deckgen's own records, locks and ledgers, or
the files of decks that could not all be written; staged files are never where ``git add`` finds them, and
the next build removes those a killed build left behind."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main

MINIMAL = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file and link under ``folder``: its bytes, or where a link points."""
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = p.read_bytes()
    return out


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with cards/minimal.yaml built once into dist/ (so there are previous outputs to keep)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cards").mkdir()
    shutil.copy(MINIMAL, tmp_path / "cards" / "minimal.yaml")
    assert run("build", "cards").exit_code == 0
    src = tmp_path / "cards" / "minimal.yaml"
    src.write_text(src.read_text(encoding="utf-8").replace("a: 唐杰", "a: 唐杰 (Tang Jie)"), encoding="utf-8")
    return tmp_path


def test_an_output_through_a_symbolic_link_is_refused_and_the_link_kept(project):
    (project / "report.txt").write_text("the report")
    for target in ("/proc/self/fd/1", str(project / "report.txt"), "missing.apkg"):
        link = project / "out.apkg"
        link.unlink(missing_ok=True)
        link.symlink_to(target)
        before = snapshot(project)
        result = run("build", "cards", "-o", "out.apkg")
        assert result.exit_code == 1, result.output
        assert "out.apkg: is a symbolic link, and writing would replace the link" in result.output
        assert snapshot(project) == before


def test_a_ledger_that_is_a_symbolic_link_is_not_replaced(project):
    (project / "elsewhere.json").write_text("not deckgen's")
    ledger = project / "cards" / "minimal.ledger.json"
    ledger.unlink()
    ledger.symlink_to(project / "elsewhere.json")
    before = snapshot(project)
    result = run("build", "cards")
    assert result.exit_code == 1
    assert "minimal.ledger.json: is a symbolic link" in result.output and "nothing was written" in result.output
    assert snapshot(project) == before


def test_outputs_onto_deckgen_s_own_files_are_refused(project, machine_state):
    from deckgen.builds import lock_path
    from deckgen.load import load_file

    (project / "cards" / "other.ledger.json").write_text("{}")
    record = machine_state / "minimal.packaged.json"
    assert record.is_file()
    lock = lock_path(load_file(project / "cards" / "minimal.yaml"))
    for output in (
        record,
        lock,
        "cards/other.ledger.json",
        "x.lock",
        "dist/.deckgen-tmp/x.apkg",
        machine_state / "new.apkg",
    ):
        before = {**snapshot(project), **snapshot(machine_state)}
        for command in (["build", "cards", "-o", str(output)], ["preview", "cards", "-o", str(output)]):
            result = run(*command)
            assert result.exit_code == 1, (output, result.output)
            assert "writing there would replace it" in result.output
        assert {**snapshot(project), **snapshot(machine_state)} == before


def test_an_output_replaces_only_a_file_of_its_own_kind(project):
    """-o onto another deck's source, a README or the other command's output is refused; an earlier package
    or page of the command's own kind is replaced."""
    (project / "other").mkdir()
    shutil.copy(MINIMAL, project / "other" / "other.yaml")
    (project / "README.md").write_text("# notes\n")
    (project / "empty.apkg").write_bytes(b"")
    with zipfile.ZipFile(project / "report.docx", "w") as document:  # a zip, but no package
        document.writestr("word/document.xml", "<w:document/>")
    with zipfile.ZipFile(project / "backup.colpkg", "w") as backup:  # a whole collection, as Anki's backups
        backup.writestr("collection.anki21b", "the user's collection")
    assert run("preview", "cards", "-o", "page.html").exit_code == 0
    for command, output in [
        (["build", "cards", "-o"], "report.docx"),
        (["build", "cards", "-o"], "backup.colpkg"),
        (["build", "cards", "-o"], "other/other.yaml"),
        (["build", "cards", "-o"], "README.md"),
        (["build", "cards", "-o"], "page.html"),
        (["preview", "cards", "-o"], "other/other.yaml"),
        (["preview", "cards", "-o"], "README.md"),
        (["preview", "cards", "-o"], "dist/minimal.apkg"),
    ]:
        before = snapshot(project)
        result = run(*command, output)
        assert result.exit_code == 1, (command, output, result.output)
        assert result.output.startswith(f"deckgen: error: {output}: "), result.output
        assert "exists and is not an" in result.output or "a .colpkg is a whole collection" in result.output
        assert snapshot(project) == before
    src = project / "cards" / "minimal.yaml"
    edited = src.read_text(encoding="utf-8").replace("唐杰 (Tang Jie)", "唐杰 (Professor Tang)")
    src.write_text(edited, encoding="utf-8")
    for command, output in [
        (["build", "cards", "-o"], "dist/minimal.apkg"),
        (["build", "cards", "-o"], "empty.apkg"),
        (["preview", "cards", "-o"], "page.html"),
    ]:
        assert run(*command, output).exit_code == 0, (command, output)
    assert (project / "dist" / "minimal.apkg").read_bytes()[:4] == b"PK\x03\x04"
    assert (project / "empty.apkg").read_bytes()[:4] == b"PK\x03\x04"
    assert "Professor Tang" in (project / "page.html").read_text(encoding="utf-8")


def test_build_all_writes_nothing_unless_every_deck_can_be_written(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    assert run("build", "--all").exit_code == 0
    yaml = cards_copy / "agi-next-2026.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("a: DeepSeek", "a: DeepSeek (深度求索)", 1), encoding="utf-8"
    )
    blocked = cards_copy.parent / "dist" / "agi-next-2026-tang-jie.apkg"
    blocked.unlink()
    blocked.mkdir()
    before = snapshot(cards_copy.parent)
    result = run("build", "--all")
    assert result.exit_code == 1
    assert result.output.startswith(f"deckgen: error: {blocked.relative_to(cards_copy.parent)}: is a folder")
    assert result.output.rstrip().endswith("nothing was written")
    assert snapshot(cards_copy.parent) == before
    blocked.rmdir()
    result = run("build", "--all")
    assert result.exit_code == 0
    assert result.output.count("Wrote dist/") == len(list((cards_copy.parent / "dist").glob("*.apkg")))


KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
from deckgen.files import write_all_atomic

def half_then_killed(fh):
    fh.write(b"half a package")
    fh.flush()
    os.kill(os.getpid(), signal.SIGKILL)

write_all_atomic([(Path(sys.argv[1]), b"new ledger"), (Path(sys.argv[2]), half_then_killed)])
"""


def test_staged_files_of_a_killed_build_are_ignored_by_git_and_removed_by_the_next_build(project):
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    ledger, package = project / "cards" / "minimal.ledger.json", project / "dist" / "minimal.apkg"
    before = snapshot(project)
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(ledger), str(package)])
    assert killed.returncode == -9
    staged = sorted(p.name for p in (project / "cards" / ".deckgen-tmp").iterdir())
    assert staged[0] == ".gitignore" and len(staged) == 2  # the ledger's staged file was left behind
    assert {k: v for k, v in snapshot(project).items() if ".deckgen-tmp" not in k} == before

    subprocess.run(["git", "-C", str(project), "add", "cards"], check=True)
    added = subprocess.run(
        ["git", "-C", str(project), "diff", "--cached", "--name-only"], capture_output=True, text=True
    )
    assert added.stdout.split() == ["cards/minimal.ledger.json", "cards/minimal.yaml"]

    held = project / "dist" / ".deckgen-tmp" / "live.apkg.x.tmp"  # a staged file a live build holds
    held.write_bytes(b"in use")
    fd = os.open(held, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert run("build", "cards").exit_code == 0
    finally:
        os.close(fd)
    assert not (project / "cards" / ".deckgen-tmp").exists()
    assert sorted(p.name for p in (project / "dist" / ".deckgen-tmp").iterdir()) == [".gitignore", "live.apkg.x.tmp"]


def test_a_build_writes_nothing_to_the_system_temporary_folder(project, tmp_path, monkeypatch):
    tmp = tmp_path / "system-tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert run("build", "cards").exit_code == 0
    assert run("preview", "cards").exit_code == 0
    assert list(tmp.iterdir()) == []
    assert not any(".deckgen-tmp" in str(p) for p in project.rglob("*"))


def test_builds_of_one_source_serialise_however_the_file_is_saved(project, machine_state):
    """An editor that saves by writing a new file and renaming it over the old one (vim, VS Code) gives
    the source a new inode; the build lock does not depend on it (B7)."""
    import time

    from deckgen.builds import lock_path
    from deckgen.load import load_file

    src = project / "cards" / "minimal.yaml"
    lock = lock_path(load_file(src))
    saved = src.with_name(".minimal.yaml.swp")
    saved.write_text(src.read_text(encoding="utf-8").replace("a: 唐杰 (Tang Jie)", "a: Tang"), encoding="utf-8")
    os.replace(saved, src)  # saved by rename: a new inode
    assert lock_path(load_file(src)) == lock
    before = snapshot(project)
    fd = os.open(lock, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a first build is running
    env = {**os.environ, "DECKGEN_STATE_DIR": str(machine_state)}
    second = subprocess.Popen([sys.executable, "-m", "deckgen", "build", "cards"], cwd=project, env=env)
    try:
        time.sleep(1.5)
        assert second.poll() is None  # it waits for the lock
        assert snapshot(project) == before
    finally:
        os.close(fd)
    assert second.wait(timeout=60) == 0
    assert snapshot(project) != before


def test_a_long_selection_in_chinese_gets_a_default_name_short_enough_in_bytes(project):
    """A file name has at most 255 bytes: a tag of 90 Chinese characters (270 bytes) is cut by bytes, not by
    characters, and the name ends in a hash of the whole."""
    tag = "记忆" * 45
    src = project / "cards" / "minimal.yaml"
    src.write_text(src.read_text(encoding="utf-8").replace("tags: [topic::agents]", f"tags: [{tag}]"), encoding="utf-8")
    result = run("build", "cards/minimal.yaml", "--tag", tag)
    assert result.exit_code == 0, result.output
    (written,) = [p for p in (project / "dist").iterdir() if tag[:4] in p.name]
    assert len(written.name.encode()) <= 120 + len(".apkg") and written.name.startswith("minimal-")
    assert written.stem.rsplit("-", 1)[1].isalnum() and len(written.stem.rsplit("-", 1)[1]) == 12


def test_an_output_name_too_long_for_the_file_system_says_to_give_a_shorter_one(project):
    result = run("build", "cards/minimal.yaml", "-o", "x" * 300 + ".apkg")
    assert result.exit_code == 1
    assert "cannot write there (File name too long); give a shorter name (with -o, for a build)" in result.output


def test_tags_whose_names_lose_characters_in_a_file_name_get_files_of_their_own(project):
    """🙂 has no letter for a file name and would have taken the full deck's; C++ and C# would have shared one,
    and so would topic::agents and topic-agents. Tags that select the same notes (C++, c++) share one."""
    src = project / "cards" / "minimal.yaml"
    tags = '["🙂", "C++", "C#", "topic::agents", "topic-agents", "a:b", "a-b"]'
    src.write_text(src.read_text(encoding="utf-8").replace("tags: [topic::agents]", f"tags: {tags}"))
    written = {}
    chosen = ["🙂", "C++", "c++", "C#", "topic::agents", "topic-agents", "a:b", "a-b"]
    for args in ([], *(["--tag", t] for t in chosen)):
        result = run("build", "cards/minimal.yaml", *args)
        assert result.exit_code == 0, result.output
        written[" ".join(args)] = result.output.split("Wrote ", 1)[1].split()[0]
    assert len(set(written.values())) == 8, written
    assert written["--tag C++"] == written["--tag c++"]
    assert written["--tag topic::agents"] == "dist/minimal-tag-topic--agents.apkg"


def test_decks_of_two_sources_that_share_a_default_file_are_warned_about(tmp_path, monkeypatch):
    """Deck id ``x-y``'s full deck and deck ``x``'s named deck ``y`` both write dist/x-y.apkg, each replacing the
    other's (breaker13 B13-8): `check` warns; `build --all` of both refuses as a problem of the sources (exit 1),
    with advice that --all can follow; the same --deck twice is a usage error, not two decks in one file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cards").mkdir()
    minimal = MINIMAL.read_text(encoding="utf-8")
    named = "decks:\n  - {key: y, name: Named x, select: {judgment: '1'}}\n"
    (tmp_path / "cards" / "a.yaml").write_text(minimal.replace("id: minimal", "id: x") + named, encoding="utf-8")
    (tmp_path / "cards" / "b.yaml").write_text(minimal.replace("id: minimal", "id: x-y"), encoding="utf-8")

    checked = run("check", "--strict")
    assert checked.exit_code == 1
    assert (
        "cards/b.yaml:2:7: warning: deck.id: `build` of this source and `build --deck y` of cards/a.yaml both "
        "write dist/x-y.apkg, each replacing the other's file; give this deck another id"
    ) in checked.output, checked.output
    every = run("build", "--all")
    assert every.exit_code == 1 and "would both be written to dist/x-y.apkg" in every.output, every.output
    assert "build each of them on its own with -o; nothing was written" in every.output
    assert not (tmp_path / "dist").exists()
    twice = run("build", "--deck", "y", "--deck", "y", "cards/a.yaml")
    assert twice.exit_code == 2 and "--deck y is given twice; name each deck once" in twice.output, twice.output


def test_a_deck_id_that_is_another_sources_theme_or_subdecks_file_is_warned_about(tmp_path, monkeypatch):
    """Deck id ``x-agent`` writes the file of deck ``x``'s ``--theme agent`` build, deck id ``x-subdecks`` that of
    its ``--subdecks`` build (breaker14 B14-5), ``x-j1`` that of its ``--judgment 1`` (breaker15 B15-11)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cards").mkdir()
    minimal = MINIMAL.read_text(encoding="utf-8")
    for name, deck_id in (("a", "x"), ("b", "x-agent"), ("c", "x-subdecks"), ("d", "x-j1")):
        (tmp_path / "cards" / f"{name}.yaml").write_text(minimal.replace("id: minimal", f"id: {deck_id}"))
    checked = run("check")
    warned = [line for line in checked.output.splitlines() if "each replacing the other's file" in line]
    assert [w.split(": warning: ")[0] for w in warned] == [f"cards/{n}.yaml:2:7" for n in "bcd"]
    assert "`build` of this source and `build --theme agent` of cards/a.yaml both write dist/x-agent.apkg" in warned[0]
    assert "`build` of this source and `build --subdecks` of cards/a.yaml both write dist/x-subdecks.apkg" in warned[1]
    assert "`build --judgment 1` of cards/a.yaml" in warned[2]


def test_a_deck_id_that_is_another_sources_selection_with_subdecks_file_is_warned_about(tmp_path, monkeypatch):
    """Deck id ``x-agent-subdecks`` writes the file of deck ``x``'s ``--theme agent --subdecks`` build, which the
    check left out (breaker16 #8); a collision of a build is told once, not again for its --subdecks twin."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cards").mkdir()
    minimal = MINIMAL.read_text(encoding="utf-8")
    for name, deck_id in (("a", "x"), ("b", "x-agent-subdecks"), ("c", "x-tang-jie")):
        (tmp_path / "cards" / f"{name}.yaml").write_text(minimal.replace("id: minimal", f"id: {deck_id}"))
    warned = [line for line in run("check").output.splitlines() if "each replacing the other's file" in line]
    assert len(warned) == 2, warned
    assert "`build --theme agent --subdecks` of cards/a.yaml both write dist/x-agent-subdecks.apkg" in warned[0]
    assert "`build --speaker tang-jie` of cards/a.yaml both write dist/x-tang-jie.apkg" in warned[1]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (["--judgment", "1-23"], ["--judgment", "1,23"]),  # 41 notes and 3 shared j1-23
        (["--judgment", "12-17,25"], ["--judgment", "12,17-25"]),  # the README's example and another
        (["--theme", "agent", "--theme", "global-race"], ["--theme", "agent-global-race"]),
    ],
)
def test_different_selections_write_different_files(cards_copy, monkeypatch, one, other):
    """Two selections of other notes shared one default file, the second build replacing the first without a
    word (breaker16 #7); the same notes asked for in other words still share theirs."""
    from deckgen.builds import default_output
    from deckgen.load import load_file
    from deckgen.model import Selection

    def selection(args: list[str]) -> Selection:
        given: dict[str, tuple[str, ...]] = {"theme": (), "judgment": ()}
        for option, value in zip(args[::2], args[1::2], strict=True):
            given[option.removeprefix("--")] += (value,)
        return Selection(themes=given["theme"], judgments=given["judgment"])

    monkeypatch.chdir(cards_copy.parent)
    source = load_file(cards_copy / "agi-next-2026.yaml")
    assert default_output(source, selection(one)) != default_output(source, selection(other))
    assert default_output(source, Selection(judgments=("1,2,3",))) == default_output(
        source, Selection(judgments=("1-3",))
    )
    swapped = Selection(themes=("global-race", "agent"))
    assert default_output(source, swapped) == default_output(source, Selection(themes=("agent", "global-race")))
    built = CliRunner().invoke(main, ["build", *one])
    assert built.exit_code == 0 and str(default_output(source, selection(one))) in built.output, built.output
