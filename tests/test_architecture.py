"""The shape of the package, checked from its source (DESIGN.md §1, issue "one path through the code").

* imports flow one way: io → prepare → models → fitting → report (then workflow, recipes, the CLI), read from
  every ``import`` statement in every module — also those inside functions, where lazy imports hide;
* no import circle between modules;
* formulas import nothing above them (numpy/scipy and the package's constants only);
* no module over 600 lines, no function over 80 lines or 12 parameters.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "sigmafit"

#: Layer of each top-level part of the package: a module may import its own layer and those below.
LAYERS = {
    "_version": 0, "_optional": 0, "constants": 0, "exceptions": 0,
    "io": 1, "prepare": 2, "models": 3, "fitting": 4, "report": 5,
    "workflow": 6, "recipe": 7, "cli": 8, "__init__": 9,
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out[".".join(["sigmafit", *parts])] = path
    return out


MODULES = _modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _typing_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:`` (annotations only: never executed)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            out.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return out


def _imports(module: str, path: Path) -> set[str]:
    """Every sigmafit module imported anywhere in ``path`` (``from X import name`` counts name when it is a module),
    except annotation-only imports under ``if TYPE_CHECKING:``."""
    out = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _typing_only(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("sigmafit"))
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path, node)
            if not target.startswith("sigmafit"):
                continue
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
            out.update(subs or [target])
    return {m for m in out if m in MODULES}


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS["__init__"] if len(parts) == 1 else LAYERS[parts[1]]


def test_every_part_of_the_package_has_a_layer():
    assert {m.split(".")[1] for m in MODULES if "." in m} <= set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_one_way(module):
    upward = sorted(t for t in GRAPH[module] if _layer(t) > _layer(module))
    assert not upward, f"{module} imports from above it: {upward}"


def test_formulas_import_nothing_above_them():
    allowed = {"sigmafit.constants", "sigmafit.exceptions"}
    for module, targets in GRAPH.items():
        if ".models.formulas" in module:
            bad = sorted(t for t in targets if t not in allowed and ".models.formulas" not in t)
            assert not bad, f"{module} imports {bad}"


def test_no_import_circle():
    # Tarjan's strongly connected components over the module graph
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            # a package importing its own submodules (re-exports) is not a circle
            real = [c for c in comp if not any(o != c and o.startswith(c + ".") for o in comp)]
            if len(real) > 1:
                cycles.append(sorted(comp))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert not cycles, f"import circles: {cycles}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_size_limits(module):
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 600, f"{module} has {len(text.splitlines())} lines (limit 600)"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n_lines = node.end_lineno - node.lineno + 1
            a = node.args
            n_params = len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs)
            assert n_lines <= 80, f"{module}.{node.name} has {n_lines} lines (limit 80)"
            assert n_params <= 12, f"{module}.{node.name} has {n_params} parameters (limit 12)"
