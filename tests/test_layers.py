"""The packages of src/residanat stand in layers: each imports only packages of lower layers, so no
two apps import each other, directly or through a cycle, and the pure core imports no Django.

The analysis is the one of the `app-cycles` hook: every absolute `import residanat.<package>…` /
`from residanat.<package>… import` anywhere in a module (function-level imports too), migrations
excluded. `LAYERS` is the one list of the layers; docs/architecture.md draws it.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "src" / "residanat"

# Bottom first. A package may import only packages of the layers below its own.
LAYERS = [
    {"rules", "matching", "formats", "common"},  # pure core (rules, matching: no Django); shared helpers
    {"accounts", "referential", "allocation"},  # allocation: the Django steps of matching/pipeline.py
    {"documents"},
    {"people"},
    {"concours", "careers"},
    {"choice", "payroll"},
    {"discipline"},
    {"deployment"},
    {"api", "web"},
]
PURE_CORE = ("rules", "matching")


def packages() -> set[str]:
    return {p.name for p in ROOT.iterdir() if p.is_dir() and any(p.glob("*.py"))}


def imported_modules(path: pathlib.Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def import_edges() -> dict[str, dict[str, list[str]]]:
    """{importer: {imported: [files]}} between the packages of src/residanat."""
    names = packages()
    edges = {name: {} for name in names}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in names or "migrations" in parts:
            continue
        for module in imported_modules(path):
            dotted = module.split(".")
            if len(dotted) > 1 and dotted[0] == "residanat" and dotted[1] in names and dotted[1] != parts[0]:
                edges[parts[0]].setdefault(dotted[1], []).append("/".join(parts))
    return edges


def cycles(edges) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
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
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def layer_of() -> dict[str, int]:
    return {name: level for level, layer in enumerate(LAYERS) for name in layer}


def test_no_two_packages_import_each_other_directly_or_through_a_cycle():
    assert cycles(import_edges()) == []


def test_every_package_has_its_layer():
    assert packages() == set(layer_of())


def test_each_package_imports_only_packages_of_lower_layers():
    level = layer_of()
    upward = [
        f"{importer} (layer {level[importer]}) imports {imported} (layer {level[imported]}) in {', '.join(sorted(set(files)))}"
        for importer, imports in sorted(import_edges().items())
        for imported, files in sorted(imports.items())
        if level[imported] >= level[importer]
    ]
    assert upward == []


@pytest.mark.parametrize("package", PURE_CORE)
def test_the_pure_core_imports_no_django(package):
    offending = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / package).rglob("*.py")
        if any(module == "django" or module.startswith("django.") for module in imported_modules(path))
    )
    assert offending == []


def test_the_analysis_sees_a_cycle_and_an_upward_import():
    # The checks above would pass on an empty graph: they must see what they guard against.
    assert cycles({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}, "d": {"a": []}}) == [["a", "b", "c"]]
    edges = import_edges()
    assert "people" in edges["careers"] and "careers" in edges["web"]
