"""Shared fixtures: the real source, building into a temp folder, and a real Anki collection.

Imports into Anki use the import dialog's own presets (``get_import_anki_package_presets``): update notes
and note types "if newer", no merging, no scheduling — exactly what a person clicking Import gets.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "cards"
SOURCE = CARDS / "agi-next-2026.yaml"
SHIPPED_Q = '"Who proposed 智能效率 (Intelligence Efficiency)?"'


def _previous_package() -> bytes:
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        package.writestr("collection.anki2", "the previous package")
    return data.getvalue()


EDITED_QA = (
    '        q: "After what came out did 唐杰\'s team judge a major battle essentially over?"\n        a: DeepSeek\n'
)
"""The shipped source's Q/A card ``zhipu-bets-on-coding/qa/3`` (question and answer lines)."""
AS_CLOZE = '        cloze: "唐杰\'s team judged a major battle over after {{c1::DeepSeek}} came out."\n'
"""The same card made a cloze under its id: a kind change Anki's import cannot apply."""

PREVIOUS_PACKAGE = _previous_package()
"""The bytes of a small stand-in for an earlier build's package (a zip holding a collection.anki2), which
``-o`` may replace: a failed build must leave it as it was."""
"""A Q/A card's question, quoted as the shipped source writes it; tests replace it with text of their own."""
JUDGMENT_28_QA = [  # judgment 28's Q/A cards as the shipped source writes them, keyed by their position (no id)
    (
        '      - q: "Even if models stopped improving today, what return could today\'s models bring companies?"\n'
        '        a: "10x, even 100x"\n'
        '        extra: "Once existing models are deployed (部署) to companies."\n'
    ),
    (
        '      - q: "At the AGI-Next 2026 conference, how large was AI\'s effect on GDP said to be so far?"\n'
        '        a: "Far below 1% (远不到 1%)"\n'
    ),
]


class Clock:
    """A frozen clock (epoch seconds) whose sleep() advances it, so tests can rebuild "in the same second"."""

    def __init__(self):
        self.now = float(int(time.time()))
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def machine_state(tmp_path_factory, monkeypatch) -> Path:
    """Each test gets its own record of what "this machine" packaged (deckgen.state), never the user's."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("DECKGEN_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def cards_copy(tmp_path: Path) -> Path:
    """A private copy of ``cards/`` (source, ledger, media) that a test may edit and build."""
    dest = tmp_path / "cards"
    shutil.copytree(CARDS, dest)
    return dest


class AnkiCollection:
    """A fresh Anki collection (the official ``anki`` package) with an import helper."""

    def __init__(self, path: Path):
        from anki.collection import Collection

        self.col = Collection(str(path))

    def import_apkg(self, apkg: Path):
        """Import like the desktop dialog does; returns the backend's import log."""
        from anki.collection import ImportAnkiPackageRequest

        options = self.col._backend.get_import_anki_package_presets()
        response = self.col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(Path(apkg).resolve()), options=options)
        )
        return response.log

    def notes(self):
        return [self.col.get_note(nid) for nid in self.col.find_notes("")]

    def note_by_key(self, key: str):
        from deckgen.notetypes import field_search

        (nid,) = self.col.find_notes(field_search("Key", key))
        return self.col.get_note(nid)

    def close(self):
        self.col.close()


@pytest.fixture
def anki(tmp_path: Path):
    """A fresh, empty Anki collection in a temp folder."""
    folder = tmp_path / "anki"
    folder.mkdir()
    col = AnkiCollection(folder / "collection.anki2")
    yield col
    col.close()


@pytest.fixture
def imported(cards_copy, tmp_path, anki):
    """The shipped source built into a package and imported into a fresh collection:
    ``(build result, import log, AnkiCollection, package path)``."""
    from deckgen.builds import build
    from deckgen.load import load_file

    out = tmp_path / "agi-next-2026.apkg"
    result = build(load_file(cards_copy / "agi-next-2026.yaml"), output=out)
    log = anki.import_apkg(out)
    return result, log, anki, out


def run_benchmark(script: str, *args: str) -> str:
    """Run ``benchmarks/<script>`` with ``args`` (its small or quick mode); fails the test unless it exits 0.
    Returns what it printed."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with its one occurrence of ``old`` replaced by ``new``; fails the test unless there is exactly one."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in the text file ``path`` with ``new``."""
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def remove_judgment(src: Path, judgment_id: str) -> None:
    """Delete the judgment ``judgment_id`` (its whole block) from the YAML source ``src``."""
    text = src.read_text(encoding="utf-8")
    start = text.index(f"\n  - id: {judgment_id}\n")
    end = text.index("\n  - id: ", start + 1)
    src.write_text(text[:start] + text[end:], encoding="utf-8")


def card_text(card_html: str) -> str:
    """What a card says: ``<style>`` blocks and tags removed, entities decoded, whitespace folded."""
    text = re.sub(r"<style>.*?</style>", "", card_html, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


# ---- a real browser, and Anki's reviewer page in it ----

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Besides Playwright's own ``--headless``, ``--user-data-dir=<new temp dir>`` and ``--remote-debugging-pipe``.
The networking flags keep Chromium from calling home on a machine whose network is closed."""


def find_browser() -> str | None:
    """Path of a Chromium-family browser on PATH (Debian: ``chromium``), or None."""
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def unavailable(reason: str):
    """Skip the test for want of a browser or of aqt's files; fail instead where ``DECKGEN_REQUIRE_BROWSER``
    is set (CI), so that a skip there is never counted as a pass."""
    if os.environ.get("DECKGEN_REQUIRE_BROWSER"):
        pytest.fail(reason + " (DECKGEN_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium (Debian's, through Playwright; Playwright's own browser downloads are never used)."""
    path = find_browser()
    if path is None:
        unavailable(
            f"no Chromium-family browser on PATH (looked for {', '.join(BROWSER_NAMES)}); "
            "install the Debian package chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def reviewer(chromium, request):
    """Anki's desktop reviewer page, with its MathJax, in headless Chromium (see ``tests/reviewer.py``).
    aqt's web files are downloaded from PyPI once and cached in pytest's cache folder."""
    import subprocess

    from reviewer import Reviewer, aqt_web_dir

    try:
        web = aqt_web_dir(request.config.cache.mkdir("aqt"))
    except subprocess.CalledProcessError as err:
        unavailable(f"cannot download aqt's web files with pip: {err.stderr.strip()[-300:]}")
    with Reviewer(chromium, web) as page:
        yield page
    assert page.refused == [], page.refused  # the page asked for nothing it should not have needed


def as_foreground_job() -> None:
    """``preexec_fn`` for a child that a test stops with SIGINT, as Ctrl-C stops a terminal's foreground job: a
    test run started in the background (``pytest &`` in a script) ignores SIGINT, a child inherits that, and
    Python then installs no KeyboardInterrupt handler, so the child would never hear it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
