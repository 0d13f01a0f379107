"""The code's layout: subpackages by concern, short modules, one-way imports, a thin UI."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
UI_ALLOWED = {"bot", "bot.types", "bot.errors", "bot.settings"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> set[str]:
    """Modules a file imports at run time (anything under `if TYPE_CHECKING:` aside)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _bot_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in (ROOT / "bot").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_bot_is_grouped_into_subpackages() -> None:
    packages = [p.parent.name for p in (ROOT / "bot").glob("*/__init__.py")]
    assert len(packages) >= 3, packages
    for init in (ROOT / "bot").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{init} needs a docstring saying what it may import"


def test_no_module_is_over_the_line_limit() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for folder in ("bot", "ingest", "ui")
        for p in (ROOT / folder).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_no_import_cycle_among_bot_modules() -> None:
    graph = _bot_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                walk(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node, [])
    assert not cycles, cycles


def test_a_cycle_is_detected_by_the_check(tmp_path: Path) -> None:
    """The checker itself sees a lazy import inside a function."""
    (tmp_path / "m.py").write_text("def f():\n    from bot.x import y\n", encoding="utf-8")
    assert "bot.x" in _imports(tmp_path / "m.py")
    guarded = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.x import y\n"
    (tmp_path / "n.py").write_text(guarded, encoding="utf-8")
    assert "bot.x" not in _imports(tmp_path / "n.py")


def test_lower_layers_do_not_import_upper_ones() -> None:
    """Data flows one way: ingest -> index <- answers / canvas <- advisor <- cli / ui."""
    graph = _bot_graph()
    interfaces = ("bot.serve", "bot.mcp", "bot.integrations")
    pipeline = ("bot.index", "bot.answers", "bot.canvas", "bot.llm", "bot.report")
    forbidden = {
        "bot.report": ("bot.index", "bot.answers", "bot.canvas", "bot.llm", "bot.advisor",
                       *interfaces),
        "bot.index": ("bot.answers", "bot.canvas", "bot.llm", "bot.advisor", "bot.cli",
                      *interfaces),
        "bot.llm": ("bot.index", "bot.answers", "bot.canvas", "bot.advisor", "bot.cli",
                    *interfaces),
        "bot.answers": ("bot.canvas", "bot.advisor", "bot.cli", *interfaces),
        "bot.canvas": ("bot.advisor", "bot.cli", *interfaces),
        "bot.advisor": ("bot.cli", *interfaces),
        # The HTTP API, the MCP server and the LangChain adapters call the Advisor, nothing below.
        **{layer: pipeline for layer in interfaces},
    }
    bad = [
        (mod, dep)
        for mod, deps in graph.items()
        for layer, above in forbidden.items()
        if mod == layer or mod.startswith(layer + ".")
        for dep in deps
        if any(dep == a or dep.startswith(a + ".") for a in above)
    ]
    assert not bad, bad
    ingest = {m for p in (ROOT / "ingest").rglob("*.py") for m in _imports(p)}
    assert not {m for m in ingest if m.startswith(("bot.answers", "bot.canvas", "bot.advisor"))}


def test_ui_uses_only_the_public_api() -> None:
    used = {
        (str(p.relative_to(ROOT)), m)
        for p in (ROOT / "ui").rglob("*.py")
        for m in _imports(p)
        if m.split(".")[0] in {"bot", "ingest", "evals"}
    }
    assert {m for _, m in used} <= UI_ALLOWED, sorted(used)
