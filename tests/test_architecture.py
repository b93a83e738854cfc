"""The layering rule of docs/architecture.md, read from the source with ``ast``: every module imports only
modules before it in the pipeline, the library never talks to the terminal, and heavy dependencies are
imported lazily (inside the functions that need them), so that ``import deckgen`` and ``deckgen --help``
stay quick."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "deckgen"

ORDER = [
    # the base layer: the standard library and each other, in this order
    "errors",
    "languages",
    "labels",
    "model",
    "progress",
    "gcpause",
    "cloze",
    "markup",
    "files",
    "records",
    # the pipeline
    "yamlnodes",
    "sourcevalues",
    "schema",
    "load",
    "notetypes",
    "notes",
    "render",
    "wording",
    "lint_cards",
    "lint_rules",
    "select",
    "ledger",
    "changes",
    "state",
    "package",
    "builds",
    "listing",
    "preview",
    "live",
    "stats",
    "starter",
    # straight into Anki (the optional anki package, imported inside functions)
    "ankidata",
    "install",
    "sync",
    # the command line
    "cli.progress_bar",
    "cli.report",
    "cli",
    "__main__",
]
"""Every module of deckgen (``deckgen/__init__.py``, the public API that names them all, aside)."""

LAZY = {"genanki", "yaml", "markdown_it", "nh3", "platformdirs", "rich", "anki", "watchfiles"}
"""Dependencies a module may import only inside a function (or for type checking)."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import in module ``name``; a deckgen module is
    named relative to the package (``errors``, ``cli.report``; ``""`` for the package itself)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" and name else name.split(".")[:-1]
    deferred = set()  # nodes inside a function, or under `if TYPE_CHECKING:`
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or (
            isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        ):
            deferred.update(id(n) for n in ast.walk(node) if n is not node)
    out = []
    for node in ast.walk(tree):
        at_top = id(node) not in deferred
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno, at_top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
                out.append((f"deckgen.{target}" if target else "deckgen", node.lineno, at_top))
            else:
                out.append((node.module or "", node.lineno, at_top))
    return out


def test_every_module_has_its_place_in_the_order():
    assert set(MODULES) - {""} == set(ORDER)


@pytest.mark.parametrize("name", ORDER)
def test_no_module_imports_a_later_stage(name):
    place = ORDER.index(name)
    later = []
    for target, line, _ in imports(name):
        if target == "deckgen" and name in ("cli", "__main__"):
            continue  # the version number, from the package
        if target.startswith("deckgen"):
            imported = target.removeprefix("deckgen.")
            assert imported in ORDER, f"{name}:{line} imports {target}, which is not in ORDER"
            if ORDER.index(imported) >= place:
                later.append(f"{MODULES[name].name}:{line} imports {imported}")
    assert later == []


LIBRARY = [name for name in ORDER if not name.startswith("cli") and name != "__main__"]


@pytest.mark.parametrize("name", LIBRARY)
def test_the_library_never_prints(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = [f"imports {target} (line {line})" for target, line, _ in imports(name) if target.split(".")[0] == "click"]
    found += [f"imports {t} (line {line})" for t, line, _ in imports(name) if t == "rich.console"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            found.append(f"calls print (line {node.lineno})")
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("stdout", "stderr")
            and ast.unparse(node)
            in (
                "sys.stdout",
                "sys.stderr",
            )
        ):
            found.append(f"uses {ast.unparse(node)} (line {node.lineno})")
    assert found == []


@pytest.mark.parametrize("name", [*ORDER, ""])
def test_heavy_dependencies_are_imported_lazily(name):
    eager = [
        f"{target} (line {line})" for target, line, at_top in imports(name) if at_top and target.split(".")[0] in LAZY
    ]
    assert eager == []


def test_the_rules_catch_what_they_are_meant_to(tmp_path, monkeypatch):
    """The checks above find a later-stage import, a print and an eager heavy import when there is one."""
    fake = tmp_path / "deckgen"
    fake.mkdir()
    (fake / "errors.py").write_text("import yaml\nfrom .builds import build\n\ndef f():\n    print('x')\n")
    monkeypatch.setitem(MODULES, "errors", fake / "errors.py")
    with pytest.raises(AssertionError):
        test_no_module_imports_a_later_stage("errors")
    with pytest.raises(AssertionError):
        test_the_library_never_prints("errors")
    with pytest.raises(AssertionError):
        test_heavy_dependencies_are_imported_lazily("errors")
