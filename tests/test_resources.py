"""No traceback on resource errors: a full disk, names too long for the file system, odd Unicode on the
command line. Each gives a one-line error and exit 1, leaves the previous outputs byte-identical, and what
``check`` accepts, ``build`` builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PREVIOUS_PACKAGE

MINIMAL = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"


def deckgen(*args: str | bytes, cwd: Path, limit: int | None = None, env: dict | None = None):
    """Run the real CLI in a subprocess; ``limit`` caps the size of any file it writes (RLIMIT_FSIZE), so
    that writing past it fails in the kernel as a full disk does (EFBIG, not ENOSPC: same code paths)."""

    def cap():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "deckgen", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        preexec_fn=cap if limit else None,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built(cards_copy, machine_state):
    """The shipped source built once, then edited, so that a build would change the package and ledger."""
    project = cards_copy.parent
    assert deckgen("build", cwd=project).returncode == 0
    yaml = cards_copy / "agi-next-2026.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("a: DeepSeek", "a: DeepSeek (深度求索)", 1), encoding="utf-8"
    )
    return project


def one_error_line(proc, fragment: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("deckgen: error: ") and fragment in err, err


def test_a_write_that_the_kernel_refuses_is_one_line_and_loses_nothing(built):
    """Simulated at the OS layer: the file-size limit makes the package's write fail as a full disk would."""
    before = snapshot(built)
    proc = deckgen("build", cwd=built, limit=100_000)
    one_error_line(proc, "; nothing was written")  # sqlite calls the failed write "disk I/O error"
    assert snapshot(built) == before
    proc = deckgen("preview", "-o", "dist/p.html", cwd=built, limit=1_000)
    one_error_line(proc, "File too large")
    assert snapshot(built) == before


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A 64 KB tmpfs (needs root and a kernel that lets it mount one)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here; test_a_write_that_the_kernel_refuses_… covers the same code paths")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_one_line_and_a_full_system_temp_folder_does_not_matter(built, tiny_tmpfs):
    (tiny_tmpfs / "filler").write_bytes(b"x" * 60_000)
    before = snapshot(built)
    ok = deckgen("build", "--dry-run", cwd=built, env={"TMPDIR": str(tiny_tmpfs)})
    assert ok.returncode == 0, ok.stderr
    ok = deckgen("build", "-o", "dist/other.apkg", cwd=built, env={"TMPDIR": str(tiny_tmpfs)})  # B8
    assert ok.returncode == 0, ok.stderr
    (built / "dist" / "other.apkg").unlink()
    (built / "cards" / "agi-next-2026.ledger.json").write_bytes(before["cards/agi-next-2026.ledger.json"])
    (tiny_tmpfs / "deck.apkg").write_bytes(PREVIOUS_PACKAGE)
    before = snapshot(built)
    proc = deckgen("build", "-o", str(tiny_tmpfs / "deck.apkg"), cwd=built)
    one_error_line(proc, "No space left on device")
    assert snapshot(built) == before
    assert (tiny_tmpfs / "deck.apkg").read_bytes() == PREVIOUS_PACKAGE
    assert sorted(p.name for p in tiny_tmpfs.iterdir()) == ["deck.apkg", "filler"]


def test_a_full_standard_output_is_one_line_that_says_what_was_written(tmp_path, machine_state):
    shutil.copy(MINIMAL, tmp_path / "m.yaml")
    for args in (["--version"], ["--help"], ["schema"], ["list", "m.yaml"]):
        with open("/dev/full", "wb") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "deckgen", *args], cwd=tmp_path, stdout=full, stderr=subprocess.PIPE
            )
        assert proc.returncode == 1 and proc.stderr.decode().splitlines() == [
            "deckgen: error: cannot write the output: No space left on device"
        ], (args, proc.stderr)
    for args, written in [
        (["build", "m.yaml", "-o", "m.apkg"], "the package(s) and ledger(s) were: m.apkg, minimal.ledger.json"),
        (["preview", "m.yaml", "-o", "m.html"], "m.html was"),
    ]:
        with open("/dev/full", "wb") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "deckgen", *args], cwd=tmp_path, stdout=full, stderr=subprocess.PIPE
            )
        err = proc.stderr.decode()
        assert proc.returncode == 1 and "Traceback" not in err, err
        assert err.splitlines()[-1] == (
            f"deckgen: error: cannot print the report (No space left on device); {written} already written"
        ), err
        assert (tmp_path / args[-1]).stat().st_size > 0


def test_names_too_long_for_the_file_system(tmp_path, machine_state):
    shutil.copy(MINIMAL, tmp_path / "m.yaml")
    proc = deckgen("build", "m.yaml", "-o", "x" * 300 + ".apkg", cwd=tmp_path)
    one_error_line(proc, "File name too long")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.yaml"]
    many = ",".join(["1", "2"] * 300)
    proc = deckgen("build", "m.yaml", "--judgment", many, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (package,) = (tmp_path / "dist").iterdir()
    assert len(package.name) <= 125


@pytest.mark.parametrize(("deck_id", "key", "code"), [("a" * 250, "k", 1), ("d" * 100, "k" * 100, 0)])
def test_what_check_accepts_build_builds(tmp_path, machine_state, deck_id, key, code):
    text = MINIMAL.read_text(encoding="utf-8").replace("id: minimal", f"id: {deck_id}")
    text += f"decks:\n  - key: {key}\n    name: Named\n    select: {{theme: [agent]}}\n"
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    check = deckgen("check", "m.yaml", cwd=tmp_path)
    build = deckgen("build", "--all", "m.yaml", cwd=tmp_path)
    assert check.returncode == build.returncode == code, (check.stderr, build.stderr)
    if code:
        assert b"m.yaml:2:7: deck.id: id 'aaaa" in check.stderr and b"ids have at most 100" in check.stderr
    else:
        assert len(list((tmp_path / "dist").glob("*.apkg"))) == 2


def test_odd_unicode_on_the_command_line(tmp_path, machine_state):
    shutil.copy(MINIMAL, tmp_path / "m.yaml")
    for name, said in ((b"bad \xff name", "U+DCFF, which a deck name cannot hold"), ("bell \x07 name", "U+0007")):
        proc = deckgen("build", "m.yaml", "--name", name, cwd=tmp_path)  # a malformed option value: exit 2
        err = proc.stderr.decode()
        assert proc.returncode == 2 and f"Error: --name: the name holds {said}" in err, err
        assert "Traceback" not in err and "\x07" not in err and "\udcff" not in err, err
    proc = deckgen("build", "m.yaml", "-o", b"out-\xff.apkg", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert b"Wrote out-\\udcff.apkg" in proc.stdout
    os.rename(tmp_path / "m.yaml", os.path.join(os.fsencode(tmp_path), b"m-\xfe.yaml"))
    proc = deckgen("check", ".", cwd=tmp_path)
    assert proc.returncode == 0 and b".yaml: 2 judgments" in proc.stdout, proc.stderr
