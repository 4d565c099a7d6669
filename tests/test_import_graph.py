"""The import graph of src/metropoli: apps in layers, no cycles, pure packages without Django.

Every module is parsed with `ast` (nothing is imported) and every import counts: module-level,
function-local and under ``if TYPE_CHECKING:`` alike; so do dotted module paths written as
strings (``include("metropoli.web.urls")``, task paths) and ``apps.get_model("label", …)`` in
the app graph.
Test packages and conftest files are left out. The layers and the pure packages are those of
docs/decisions/0052-app-layers-and-import-graph.md: change both together.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "metropoli"

# An app imports only apps of lower layers: never one of its own layer, never one above.
LAYERS: list[set[str]] = [
    {"common"},
    {"maps"},  # the tile server and its layer registry: other apps register layers in it
    {"territory"},
    {"accounts"},  # people, placed in municipalities
    {"notifications"},  # one notification model and e-mail task; the modules call it (0091)
    {"trees", "sensors", "markets", "participation", "cooperation"},  # the modules
    {"benefits", "validation"},  # built on trees
    {"learning"},  # certifies people on validation's track records
    {"web", "ogc", "jobs"},  # the shell, the OGC API, the worker and its schedule
    {"config"},  # settings, URLs, the API assembly
]

# Plain Python: importable without Django, importing no app, only one another (and themselves).
PURE = (
    "metropoli.common.errors",
    "metropoli.common.geo",
    "metropoli.common.i18n",
    "metropoli.cooperation.iati",
    "metropoli.markets.decision",
    "metropoli.participation.analysis",
    "metropoli.sensors.aqi",
    "metropoli.sensors.payloads",
    "metropoli.trees.ecobenefits",
    "metropoli.validation.risk",
)
DJANGO_WORLD = re.compile(r"^(django\w*|ninja|rules|dj_database_url|pytest_django)$")
DOTTED_MODULE = re.compile(r"^metropoli(\.[a-z_][a-z0-9_]*)+$")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (the longest prefix that is one of ours), or the name
    line: int
    ours: bool  # target is a module of src/metropoli
    by_name: bool = False  # a module path in a string or get_model: a dependency, run later

    def where(self, files: dict[str, str]) -> str:
        return f"{files.get(self.source, self.source)}:{self.line}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_under(root: Path) -> dict[str, Path]:
    """Module name -> file, tests and conftest files left out."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if "tests" in rel.parts or path.name == "conftest.py" or "static" in rel.parts:
            continue
        found[module_name(path, root)] = path
    return found


def imports_of(module: str, is_package: bool, source: str, known: set[str]) -> list[Import]:
    """Every import in `source`, at any depth, resolved against the module names in `known`."""

    def ours(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def add(name: str, line: int, by_name: bool = False) -> None:
        target = ours(name)
        if target is not None:
            found.append(Import(module, target, line, True, by_name))
        else:
            found.append(Import(module, name, line, False, by_name))

    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                # `from pkg import mod` imports the module; `from mod import name` the module.
                submodule = f"{origin}.{alias.name}"
                add(submodule if submodule in known else origin, node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if DOTTED_MODULE.match(node.value) and ours(node.value):
                add(node.value, node.lineno, by_name=True)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and "." not in node.args[0].value
            and f"metropoli.{node.args[0].value}" in known
        ):
            add(f"metropoli.{node.args[0].value}.models", node.lineno, by_name=True)
    return sorted((i for i in found if i.target != module), key=lambda i: i.line)


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a closed path a -> … -> a) per strongly connected component (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                components.append(component)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return [_closed_path(graph, component) for component in components]


def _closed_path(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the first member of a strongly connected component (BFS)."""
    start = min(component)
    parents: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in component:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def layer_violations(edges: dict[tuple[str, str], str], layers: list[set[str]]) -> list[str]:
    rank = {app: i for i, layer in enumerate(layers) for app in layer}
    return [
        f"{a} (layer {rank[a]}) imports {b} (layer {rank[b]}): {where}"
        for (a, b), where in sorted(edges.items())
        if a in rank and b in rank and rank[b] >= rank[a]
    ]


def is_pure(module: str, pure: tuple[str, ...] = PURE) -> bool:
    return any(module == p or module.startswith(p + ".") for p in pure)


def pure_violations(imports: list[Import], files: dict[str, str], pure=PURE) -> list[str]:
    bad = []
    for i in imports:
        if not is_pure(i.source, pure):
            continue
        if i.ours and not is_pure(i.target, pure):
            bad.append(f"{i.source} imports {i.target}, which is not pure: {i.where(files)}")
        elif not i.ours and DJANGO_WORLD.match(i.target.split(".")[0]):
            bad.append(f"{i.source} imports {i.target} (Django): {i.where(files)}")
    return bad


# --- the project's graph ----------------------------------------------------------------------


@functools.cache
def project() -> tuple[list[Import], dict[str, str]]:
    modules = modules_under(PACKAGE)
    known = set(modules)
    imports = []
    for name, path in modules.items():
        imports += imports_of(name, path.name == "__init__.py", path.read_text("utf-8"), known)
    files = {name: str(path.relative_to(ROOT)) for name, path in modules.items()}
    return imports, files


def apps_on_disk() -> frozenset[str]:
    return frozenset(p.parent.name for p in PACKAGE.glob("*/__init__.py"))


def app_edges(imports: list[Import], files: dict[str, str]) -> dict[tuple[str, str], str]:
    """(app, app) -> the first place it happens."""
    edges: dict[tuple[str, str], str] = {}
    apps = apps_on_disk()
    for i in imports:
        if not i.ours:
            continue
        a, b = i.source.split("."), i.target.split(".")
        if len(a) < 2 or len(b) < 2 or a[1] == b[1] or a[1] not in apps:
            continue
        edges.setdefault((a[1], b[1]), i.where(files))
    return edges


def graph_of(pairs) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for a, b in pairs:
        graph.setdefault(a, set()).add(b)
    return graph


def describe(cycle: list[str], where: dict[tuple[str, str], str]) -> str:
    steps = [f"{a} -> {b} ({where[(a, b)]})" for a, b in zip(cycle, cycle[1:], strict=False)]
    return " | ".join(steps)


def test_no_two_apps_import_each_other_directly_or_in_a_loop():
    imports, files = project()
    edges = app_edges(imports, files)
    cycles = find_cycles(graph_of(edges))
    assert not cycles, "app import cycles:\n" + "\n".join(describe(c, edges) for c in cycles)


def test_no_module_imports_itself_back_through_others():
    """Within an app too (services <-> tasks): import statements only, not names in strings
    (settings name the WSGI module that names the settings)."""
    imports, files = project()
    where = {}
    for i in imports:
        if i.ours and not i.by_name:
            where.setdefault((i.source, i.target), i.where(files))
    cycles = find_cycles(graph_of(where))
    assert not cycles, "module import cycles:\n" + "\n".join(describe(c, where) for c in cycles)


def test_apps_import_only_apps_of_lower_layers():
    imports, files = project()
    violations = layer_violations(app_edges(imports, files), LAYERS)
    assert not violations, "\n".join(violations)


def test_every_app_has_one_layer():
    declared = [app for layer in LAYERS for app in layer]
    assert len(declared) == len(set(declared)), "an app is in two layers"
    assert apps_on_disk() - set(declared) == set(), "new app: give it a layer here and in 0052"


def test_pure_packages_import_neither_django_nor_an_app():
    imports, files = project()
    assert all(any(is_pure(m) for m in files) for m in PURE), "a pure package is gone"
    violations = pure_violations(imports, files)
    assert not violations, "\n".join(violations)


# --- the check can fail -----------------------------------------------------------------------

SYNTHETIC = {
    "metropoli.low.services": (
        "from metropoli.common.geo import tile_xy\n"
        "def f():\n"
        "    from metropoli.high import services  # hidden in a function\n"
    ),
    "metropoli.high.services": "from ..low.services import f\n",
    "metropoli.high.tasks": "import metropoli.high.services\n",
    "metropoli.common.geo": "import math\n",
    "metropoli.pure.engine": (
        "from metropoli.common import geo\n"
        "def g():\n"
        "    from django.conf import settings\n"
        "    from metropoli.high.tasks import x\n"
    ),
}


def synthetic_imports() -> list[Import]:
    known = set(SYNTHETIC) | {"metropoli.common", "metropoli.low", "metropoli.high"}
    return [i for m, s in SYNTHETIC.items() for i in imports_of(m, False, s, known)]


def test_a_cycle_through_a_function_local_import_is_found_and_printed():
    imports = synthetic_imports()
    edges = {
        (i.source.split(".")[1], i.target.split(".")[1]): f"{i.source}:{i.line}"
        for i in imports
        if i.ours and i.source.split(".")[1] != i.target.split(".")[1]
    }
    cycles = find_cycles(graph_of(edges))
    assert cycles == [["high", "low", "high"]]
    assert describe(cycles[0], edges) == (
        "high -> low (metropoli.high.services:1) | low -> high (metropoli.low.services:3)"
    )
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": {"c"}}) == []


def test_an_import_of_an_equal_or_higher_layer_is_refused():
    edges = {("low", "high"): "low.py:3", ("high", "low"): "high.py:1", ("mid", "mid2"): "m:1"}
    assert layer_violations(edges, [{"low"}, {"mid", "mid2"}, {"high"}]) == [
        "low (layer 0) imports high (layer 2): low.py:3",
        "mid (layer 1) imports mid2 (layer 1): m:1",
    ]


def test_a_pure_package_importing_django_or_an_app_is_refused():
    pure = ("metropoli.pure", "metropoli.common.geo")
    assert pure_violations(synthetic_imports(), {}, pure) == [
        "metropoli.pure.engine imports django.conf (Django): metropoli.pure.engine:3",
        "metropoli.pure.engine imports metropoli.high.tasks, which is not pure: "
        "metropoli.pure.engine:4",
    ]


def test_module_paths_in_strings_and_get_model_count_as_imports():
    known = {"metropoli.web", "metropoli.web.urls", "metropoli.trees", "metropoli.trees.models"}
    source = (
        'urls = include("metropoli.web.urls")\n'
        'Tree = apps.get_model("trees", "Tree")\n'
        '"""from metropoli.web import urls: a docstring is no import"""\n'
    )
    found = imports_of("metropoli.config.urls", False, source, known)
    assert [(i.target, i.line) for i in found] == [
        ("metropoli.web.urls", 1),
        ("metropoli.trees.models", 2),
    ]
