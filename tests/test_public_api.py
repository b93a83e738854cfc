"""The package's public API: what ``deckgen.__all__`` names is importable and is what it says (a function
stays a function however the submodules are imported), importing the package loads none of them, the
version has one source, and the README's library example runs."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import re
import subprocess
import sys
import zipfile

import deckgen

from conftest import ROOT

FUNCTIONS = (
    "build build_decks check collect_stats deck_stats generate install_decks lint list_inventory list_notes load_file "
    "load_sources login logout source_schema sync_decks write_preview write_starter"
).split()
CLASSES = [
    "BuildResult",
    "CheckResult",
    "DeckChoice",
    "InstallResult",
    "LivePreview",
    "Note",
    "Problem",
    "Selection",
    "Severity",
    "Source",
    "SyncResult",
]
ERRORS = ["DeckgenError", "OutputError", "SelectionError", "ServeError", "SourceError", "UsageError"]


def test_all_names_the_public_api_and_each_name_exists():
    assert sorted(deckgen.__all__) == sorted([*FUNCTIONS, *CLASSES, *ERRORS, "__version__"])
    assert set(deckgen.__all__) == {"__version__", *deckgen._API}
    namespace: dict[str, object] = {}
    exec("from deckgen import *", namespace)
    assert set(deckgen.__all__) <= set(namespace)


def test_dir_shows_all_and_dunders_only_before_and_after_the_submodules_load():
    shown = "print(sorted(n for n in dir(deckgen) if not (n.startswith('__') and n.endswith('__'))))"
    public = str(sorted(n for n in deckgen.__all__ if n != "__version__"))
    for setup in ("import deckgen", "import deckgen, deckgen.builds, deckgen.install; deckgen.build"):
        proc = subprocess.run([sys.executable, "-c", f"{setup}; {shown}"], capture_output=True, text=True)
        assert proc.stdout.strip() == public, proc.stderr  # no Any, TYPE_CHECKING, annotations, _API, builds
    assert "__version__" in dir(deckgen) and "__doc__" in dir(deckgen)


def test_functions_stay_functions_after_every_submodule_is_imported():
    modules = ("builds", "notes", "lint_rules", "listing", "load", "preview", "stats", "starter", "install", "sync")
    for module in modules:
        importlib.import_module(f"deckgen.{module}")
    from deckgen import build, generate, lint

    for function in (build, generate, lint, *(getattr(deckgen, name) for name in FUNCTIONS)):
        assert inspect.isfunction(function), function
    assert all(inspect.isclass(getattr(deckgen, name)) for name in CLASSES)
    assert all(issubclass(getattr(deckgen, name), deckgen.DeckgenError) for name in ERRORS)


def test_importing_the_package_loads_no_module_of_it():
    code = "import sys, deckgen; print(sorted(m for m in sys.modules if m.startswith('deckgen.')))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_the_version_has_one_source():
    assert importlib.metadata.version("deckgen") == deckgen.__version__
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = re.search(r"^\[project\]\n(.*?)^\[", pyproject, re.S | re.M).group(1)
    assert 'dynamic = ["version"]' in project and not re.search(r"^version\s*=", project, re.M)


def test_the_readme_library_example_runs(cards_copy):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"## Using deckgen as a library.*?```python\n(.*?)```", readme, re.S).group(1)
    proc = subprocess.run([sys.executable, "-c", example], cwd=cards_copy.parent, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()

    source = deckgen.load_file(cards_copy / "agi-next-2026.yaml")
    notes, _ = deckgen.generate(source)
    assert lines[0] == f"{source.name}: {len(source.judgments)} judgments, {len(notes)} notes"
    package = cards_copy.parent / "dist" / "agent.apkg"
    assert "collection.anki2" in zipfile.ZipFile(package).namelist()
    assert lines[1].startswith('dist/agent.apkg: deck "AGI-Next 2026 · Agent", ')
    assert lines[-1].startswith("error: unknown theme 'agnet' (did you mean 'agent'?)")
