"""The house's rules that a reader relies on: floors import only downwards (lint-imports checks the
contracts in pyproject.toml; this checks what it does not), no import cycle, no private name
imported across modules, no module too long to read."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "yunhe_cli"
FLOORS = ("core", "store", "checks", "reports", "outputs", "edits", "forms", "cli")
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every `from yunhe_cli... import` in the file, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("yunhe_cli"):
            found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("yunhe_cli"):
                    found.append((alias.name, [], node.lineno))
    return found


def test_every_floor_states_its_rule() -> None:
    for floor in FLOORS:
        doc = ast.get_docstring(ast.parse((PACKAGE / floor / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "Rule:" in doc, f"yunhe_cli/{floor}/__init__.py says what it may import"
    top = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "built_version.py")  # the build writes it
    assert top == ["__init__.py", "__main__.py"]


def test_no_import_cycle() -> None:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for module, names, _ in _imports(path):
            # `from package import submodule` reaches the submodule; any other name, the module
            submodules = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules]
            for target in submodules if submodules else [module]:
                if target in modules and target != name:
                    graph[name].add(target)
    # Tarjan's strongly connected components: any with two or more modules is a cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    assert cycles == []


def test_no_private_name_is_imported_across_modules() -> None:
    offending = []
    for path in _modules().values():
        for module, names, line in _imports(path):
            for imported in names:
                if imported.startswith("_") and not imported.startswith("__"):
                    offending.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module}.{imported}")
    assert offending == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long_to_read(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, (
        f"{path.relative_to(PACKAGE.parent)} has {lines} lines; split it by what it holds"
    )


def test_the_command_line_starts_without_the_models() -> None:
    # `yunhe --help` and every command's own start import the commands only: the models, pydantic and
    # the reports come with the command that needs them (a report's format enum once pulled them in)
    import subprocess
    import sys

    heavy = ("pydantic", "yunhe_cli.core.model", "openpyxl", "jinja2")
    probe = f"import sys; import yunhe_cli.cli.app; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


@pytest.mark.parametrize(
    "command", [["status"], ["validate"], ["status", "--format", "json"], ["indicators"]]
)
def test_a_report_on_the_work_tree_imports_only_what_it_uses(command: list[str]) -> None:
    # a report of the work tree needs no git, no help (rich's markdown, Typer's rich help) and none of
    # the publishing libraries; each comes with the command that uses it
    import subprocess
    import sys

    sample = PACKAGE.parent / "examples" / "sample"
    unused = (
        "yunhe_cli.store.git",
        "yunhe_cli.store.snapshot",
        "rich.markdown",
        "typer.rich_utils",
        "openpyxl",
        "jinja2",
        "pygal",
        "pyarrow",
    )
    argv = [*command, "--data", str(sample), "--as-of", "2026-11-15"]
    probe = (
        "import contextlib, io, sys\n"
        f"sys.argv = ['yunhe', *{argv!r}]\n"
        "from yunhe_cli.cli.app import app\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):\n"
        "    with contextlib.suppress(SystemExit):\n"
        "        app()\n"
        f"print(','.join(m for m in {unused!r} if m in sys.modules) or 'none')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "YUNHE_NO_CACHE": "1"},
    )
    assert done.stdout.strip() == "none"
