"""The map of docs/architecture.md, held against the code.

Every module of the package sits on a floor; it imports only from its own floor or the floors
below (imports inside functions and under ``TYPE_CHECKING`` included), never in a cycle, and
never another module's private names. The one documented exception: ``Ledger.frame``,
``Ledger.flows`` and ``Ledger.conflicts`` are doors from the ledger to the columnar layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "aicapex"

#: Floors, lowest first: a module (or package prefix) -> its floor.
FLOORS: dict[str, int] = {
    "aicapex.errors": 1,
    "aicapex.currencies": 1,
    "aicapex.units": 1,
    "aicapex.dates": 1,
    "aicapex.limits": 1,
    "aicapex.callmodule": 1,
    "aicapex.money": 2,
    "aicapex.capacity": 2,
    "aicapex.fx": 2,
    "aicapex.values": 2,
    "aicapex.figures": 2,
    "aicapex.shares": 2,
    "aicapex.records": 3,
    "aicapex.reference": 3,
    "aicapex.schema": 3,
    "aicapex.files": 3,
    "aicapex.locate": 3,
    "aicapex.yamlrules": 3,
    "aicapex.safewrite": 3,
    "aicapex.scalars": 3,
    "aicapex.ledger": 4,
    "aicapex.checks": 4,
    "aicapex.loading": 4,
    "aicapex.loadproblems": 4,
    "aicapex.notledger": 4,
    "aicapex.table": 5,
    "aicapex.table.figurerules": 5,
    "aicapex.table.tablewarnings": 5,
    "aicapex.analysis": 6,
    "aicapex.analysis.inbalance": 6,
    "aicapex.analysis.runwayrows": 6,
    "aicapex.analysis.runwaygrid": 6,
    "aicapex.analysis.positions": 6,
    "aicapex.scenarios": 7,
    "aicapex.scenarios.fileargs": 7,
    "aicapex.report": 8,
    "aicapex.gpureport": 8,
    "aicapex.reportownership": 8,
    "aicapex.reportscenarios": 8,
    "aicapex.reportdeals": 8,
    "aicapex.reportcash": 8,
    "aicapex.plot": 8,
    "aicapex.export": 8,
    "aicapex.reportdates": 8,
    "aicapex.outputs": 8,
    "aicapex.schemaparts": 8,
    "aicapex.render": 9,
    "aicapex.rendergpus": 9,
    "aicapex.renderscenarios": 9,
    "aicapex.renderdeals": 9,
    "aicapex.rendertext": 9,
    "aicapex.htmlreport": 9,
    "aicapex.cli": 9,
    "aicapex.cliopts": 9,
    "aicapex.clidata": 9,
    "aicapex.cliscenarios": 9,
    "aicapex.__main__": 9,
}

#: Imports allowed upward: (module, function or method holding the import, target).
DOORS = {
    ("aicapex.ledger", "frame", "aicapex.table.frames"),
    ("aicapex.ledger", "flows", "aicapex.table.flows"),
    ("aicapex.ledger", "conflicts", "aicapex.table.conflicts"),
}

#: The most lines a module may have.
MAX_LINES = 550


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _floor(module: str) -> int:
    best = max((p for p in FLOORS if module == p or module.startswith(p + ".")), key=len)
    return FLOORS[best]


def _resolve(module: str, node: ast.ImportFrom, name: str) -> str:
    """The aicapex module an ``from X import name`` refers to: ``X.name`` when it is a module,
    else ``X`` (relative imports resolved against ``module``)."""
    base = node.module or ""
    if node.level:
        package = module.split(".")
        if MODULES[module].name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    candidate = f"{base}.{name}"
    return candidate if candidate in MODULES else base


def _imports(module: str) -> Iterator[tuple[str, str | None, list[str], int]]:
    """``(target module, enclosing function, names imported, line)`` for each import of an
    aicapex module in ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))

    def walk(
        node: ast.AST, function: str | None
    ) -> Iterator[tuple[str, str | None, list[str], int]]:
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                else function
            )
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == "aicapex" or alias.name.startswith("aicapex."):
                        yield alias.name, function, [], child.lineno
            elif isinstance(child, ast.ImportFrom) and (
                child.level or (child.module or "").split(".")[0] == "aicapex"
            ):
                for alias in child.names:
                    target = _resolve(module, child, alias.name)
                    yield target, function, [alias.name], child.lineno
            yield from walk(child, inner)

    yield from walk(tree, None)


def _edges() -> list[tuple[str, str, str | None, list[str], int]]:
    return [
        (module, target, function, names, line)
        for module in MODULES
        if module != "aicapex"  # the facade: the top, imported by nothing inside
        for target, function, names, line in _imports(module)
    ]


EDGES = _edges()


def test_every_module_has_a_floor() -> None:
    missing = [
        m
        for m in MODULES
        if m != "aicapex" and not any(m == p or m.startswith(p + ".") for p in FLOORS)
    ]
    assert not missing, f"modules without a floor in docs/architecture.md: {missing}"


def test_imports_only_go_down() -> None:
    upward = [
        f"{m}:{line} imports {t} (floor {_floor(t)} above {_floor(m)})"
        for m, t, function, _, line in EDGES
        if t != "aicapex" and _floor(t) > _floor(m) and (m, function, t) not in DOORS
    ]
    assert not upward, "\n".join(upward)


def test_nothing_imports_the_facade() -> None:
    facade = [f"{m}:{line}" for m, t, *_, line in EDGES if t == "aicapex"]
    assert not facade, f"modules importing the top-level package: {facade}"


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for m, t, function, _, _ in EDGES:
        if t in graph and t != m and (m, function, t) not in DOORS:
            graph[m].add(t)
    # Tarjan's strongly connected components: a component of two modules or more is a cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_names_across_modules() -> None:
    private = [
        f"{m}:{line} imports {name} from {t}"
        for m, t, _, names, line in EDGES
        for name in names
        if name.startswith("_") and not name.startswith("__") and t != m
    ]
    assert not private, "\n".join(private)


def test_no_private_attributes_of_other_modules() -> None:
    """``module._name`` through an imported aicapex module is a private import too."""
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {
            (a.asname or a.name.split(".")[0]): a.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for a in node.names
            if a.name.startswith("aicapex")
        }
        aliases |= {
            (a.asname or a.name): _resolve(module, node, a.name)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and (node.level or (node.module or "").startswith("aicapex"))
            for a in node.names
            if _resolve(module, node, a.name) in MODULES
            and _resolve(module, node, a.name) != (node.module or "")
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and aliases[node.value.id] != module
            ):
                found.append(f"{module}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by what it holds"


def test_the_map_names_every_floor() -> None:
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [p for p in FLOORS if p.removeprefix("aicapex.") not in text]
    assert not missing, f"docs/architecture.md does not name {missing}"


def test_the_analyses_of_tables_import_no_record_models() -> None:
    """``import aicapex as ac; ac.burn`` (and the other analyses of flows tables) costs little
    more than pandas: no pydantic (record models), YAML, pint, networkx or matplotlib."""
    import subprocess
    import sys

    heavy = ["pydantic", "pydantic_core", "yaml", "pint", "networkx", "matplotlib"]
    code = (
        "import sys, aicapex as ac; ac.burn; ac.runway; ac.flows; ac.arrears; ac.compute_gap; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_bundled_report_imports_no_graph_library() -> None:
    """The bundled report's one money loop (Nvidia and OpenAI, a leg each way) is listed as
    its circulation is solved, in closed form: networkx (0.05 s to import) is for loops of
    three entities or more, and pint stays at the edges."""
    import subprocess
    import sys

    heavy = ["networkx", "pint", "matplotlib"]
    code = (
        "import sys, aicapex as ac; r = ac.report(ac.load(ac.bundled_data())); "
        "assert any(c['loops'] for c in r['companies']), 'no loop in the report'; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
