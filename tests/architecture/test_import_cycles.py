"""The import graph of src/agentiq has no cycles.

Read with `ast`, not by importing: every `import` and `from ... import` counts, including
those inside functions (a lazy import hides a cycle from the interpreter, not from the
reader). Only imports under `if TYPE_CHECKING:` are left out: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "agentiq"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The project modules `path` imports (a `from pkg import name` of a submodule counts
    as importing that submodule)."""
    name = module_name(path)
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def resolve(module: str | None, level: int) -> str:
        if level == 0:
            return module or ""
        base = name.split(".")
        base = base if is_package else base[:-1]
        base = base[: len(base) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            target = resolve(node.module, node.level)
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                # `from pkg import submodule` imports the submodule; `from pkg import name`
                # imports pkg (its __init__).
                found.add(submodule if submodule in modules else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return {m for m in found if m in modules and m != name}


Graph = dict[str, set[str]]


def import_graph() -> Graph:
    paths = sorted((SRC / PACKAGE).rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imported_modules(p, modules) for p in paths}


def tangles(graph: Graph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan): each is a cycle
    or several intertwined ones."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_graph_is_read() -> None:
    """Positive control: known edges are seen, so finding no cycle means something."""
    graph = import_graph()
    assert len(graph) > 100
    assert "agentiq.runtime" in graph["agentiq.app"]
    assert "agentiq.worker.port" in graph["agentiq.replies.service"]
    # A lazy import inside a function is an edge too.
    assert "agentiq.ingestion.tasks" in graph["agentiq.worker.celery_app"]
    # An import under `if TYPE_CHECKING:` is not.
    assert "agentiq.emulator.embedded" not in graph["agentiq.runtime"]


def test_a_cycle_would_be_found() -> None:
    graph = import_graph()
    graph["agentiq.worker.port"].add("agentiq.replies.service")  # as if the port imported it
    assert any("agentiq.worker.port" in tangle for tangle in tangles(graph))


def test_src_has_no_import_cycles() -> None:
    found = tangles(import_graph())
    assert found == [], "modules that import each other:\n" + "\n".join(map(str, found))
