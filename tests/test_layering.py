"""The package's layers, read from the source: which module may import which.

minitf is built bottom-up (docs/architecture.md):

    _backend (the array seam), dtypes  ->  tensor  ->  record  ->  ops  ->  tape, variable,
    custom_gradient  ->  function/, data/  ->  keras/  ->  explain, cli/

The core (everything up to custom_gradient) reaches tf.function only through the seam in
``_backend.py`` (``SYMBOLIC``, ``TRACING``, ``TRACER``), never by importing it. These tests parse
every module's imports with ``ast`` -- at module level and inside functions (a lazy import is
still a dependency) -- so a new import that breaks the layering fails here, naming the line.
"""
from __future__ import annotations

import ast
import pathlib

import minitf

ROOT = pathlib.Path(minitf.__file__).parent

CORE = {"minitf._backend", "minitf.dtypes", "minitf.tensor", "minitf.record", "minitf.tape",
        "minitf.variable", "minitf.custom_gradient", "minitf.ops"}
ABOVE_CORE = ("minitf.function", "minitf.autograph", "minitf.keras", "minitf.data", "minitf.train",
              "minitf.explain", "minitf.cli")


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _imports(name: str) -> list:
    """(imported module, line, the names taken from it) for every import in module ``name``."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno, ()) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = tuple(a.name for a in node.names)
            # `from . import tape` imports the module minitf.tape
            subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
            out += [(s, node.lineno, ()) for s in subs]
            if len(subs) < len(names):
                out.append((module, node.lineno, tuple(n for n in names
                                                       if f"{module}.{n}" not in MODULES)))
    return [(m, line, names) for m, line, names in out if m.partition(".")[0] == "minitf"]


def _layer(module: str) -> str:
    """The unit of the core a module belongs to: the op library counts as one (its families'
    gradients use each other, as TF's math_grad and array_grad do)."""
    return "minitf.ops" if module.startswith("minitf.ops.") else module


def _in_core(module: str) -> bool:
    return _layer(module) in CORE


def _core_graph() -> dict:
    """Layer -> {layer: (importing module, line)} over the core and every minitf module the
    core imports (a cycle through a helper module counts too)."""
    graph: dict = {}
    todo = [m for m in MODULES if _in_core(m)]
    seen = set(todo)
    while todo:
        name = todo.pop()
        for target, line, _ in _imports(name):
            if target not in MODULES:
                continue
            a, b = _layer(name), _layer(target)
            if a != b:
                graph.setdefault(a, {}).setdefault(b, (name, line))
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return graph


def test_the_core_never_imports_what_builds_on_it():
    bad = []
    graph = _core_graph()
    reachable = set(graph) | {b for edges in graph.values() for b in edges}
    for layer in sorted(reachable):
        for target, (module, line) in graph.get(layer, {}).items():
            if target == "minitf" or target.startswith(ABOVE_CORE):
                bad.append(f"{module}:{line} imports {target}")
    assert not bad, ("the core (and what it imports) must reach tf.function, Keras, tf.data "
                     "and the tools only through the seam in _backend.py:\n" + "\n".join(bad))


def _cycle(graph: dict):
    """One import cycle in ``graph`` as a list of layers, or None (iterative DFS)."""
    state: dict = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(graph.get(start, {}))))]
        path = [start]
        state[start] = 1                       # 1: on the current path, 2: finished
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    return path[path.index(child):] + [child]
                if not state.get(child):
                    state[child] = 1
                    path.append(child)
                    stack.append((child, iter(sorted(graph.get(child, {})))))
                    break
            else:
                state[node] = 2
                stack.pop()
                path.pop()
    return None


def test_no_import_cycles_in_the_core():
    graph = _core_graph()
    cycle = _cycle(graph)
    if cycle is not None:
        steps = [f"{a} -> {b} ({graph[a][b][0]}:{graph[a][b][1]})"
                 for a, b in zip(cycle, cycle[1:])]
        raise AssertionError("import cycle in the core (function-level imports count):\n" +
                             "\n".join(steps))


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b": 0}, "b": {"c": 0}, "c": {"a": 0}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b": 0}, "b": {"c": 0}, "c": {}}) is None


def test_keras_and_data_use_only_the_public_tf_function():
    bad = []
    for name in MODULES:
        if not name.startswith(("minitf.keras", "minitf.data")):
            continue
        for target, line, _ in _imports(name):
            # `from minitf import function` is the public tf.function; its internals are not
            if target.startswith("minitf.function") and not (
                    target == "minitf.function" and _imported_as_name(name, line)):
                bad.append(f"{name}:{line} imports {target}")
    assert not bad, "Keras and tf.data may use only the public tf.function:\n" + "\n".join(bad)


def _imported_as_name(name: str, line: int) -> bool:
    """Whether the import at ``line`` of ``name`` is ``from <minitf> import function``."""
    for module, ln, names in _imports(name):
        if ln == line and module == "minitf" and "function" in names:
            return True
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.ImportFrom) and node.lineno == line:
            return node.module is None or node.module == "minitf"
    return False


def test_backend_is_the_array_seam_only():
    # the CUDA-graph runtime (ctypes, cuBLAS found through /proc/self/maps) is tf.function's
    text = MODULES["minitf._backend"].read_text()
    for word in ("ctypes", "/proc/self/maps", "getrefcount", "CudaGraph"):
        assert word not in text, word


def test_no_import_cycles_inside_tf_function():
    # tf.function's own modules form a stack too (seam -> polymorphic_function -> gradients ->
    # arguments -> codegen -> tracing): before, function <-> function_gradients and
    # tracing <-> tracing_codegen imported each other.
    graph: dict = {}
    for name in MODULES:
        if name.startswith("minitf.function."):
            for target, line, _ in _imports(name):
                if target.startswith("minitf.function.") and target != name:
                    graph.setdefault(name, {}).setdefault(target, (name, line))
    cycle = _cycle(graph)
    assert cycle is None, f"import cycle inside minitf/function/: {' -> '.join(cycle)}"


def test_the_core_and_keras_do_not_name_the_tracer():
    # The check, as a test: the words `tracing` and `Traced` appear nowhere in the core
    # or Keras (not even in comments): they speak of traces through the seam's words.
    import re
    word = re.compile(r"\b(tracing|Traced)\b")
    files = [MODULES[m] for m in ("minitf.tensor", "minitf.variable", "minitf.tape",
                                  "minitf.dtypes")]
    files += sorted((ROOT / "ops").glob("*.py")) + sorted((ROOT / "keras").rglob("*.py"))
    hits = [f"{p.relative_to(ROOT.parent)}:{i}: {line.strip()}"
            for p in files for i, line in enumerate(p.read_text().splitlines(), 1)
            if word.search(line)]
    assert not hits, "\n".join(hits)


def _module_level_imports(name: str) -> list:
    """(imported module, line) for the imports at the top level of module ``name`` (run when
    it is imported; a function-level import runs only when the function is called)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(), str(path))
    lines = {n.lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    return [(m, line) for m, line, _ in _imports(name) if line in lines]


def test_the_op_families_import_each_other_in_one_order():
    # Within the op library the families may use each other's ops lazily (inside functions:
    # math_ops' gradients need array_ops, which is built on math_ops), but the imports that
    # run when a module loads must form an order: math_ops below array_ops below reduction_ops,
    # linalg_ops, nn_ops, ... A cycle there would make the import order decide which module
    # sees the other half-initialised.
    graph: dict = {}
    for name in MODULES:
        if name.startswith("minitf.ops."):
            for target, line in _module_level_imports(name):
                if target.startswith("minitf.ops.") and target != name:
                    graph.setdefault(name, {}).setdefault(target, (name, line))
    cycle = _cycle(graph)
    assert cycle is None, ("module-level import cycle among the op families: " +
                           " -> ".join(cycle))
    # the order the families are built in (a few edges that must hold)
    for low, high in (("minitf.ops.math_ops", "minitf.ops.array_ops"),
                      ("minitf.ops.math_ops", "minitf.ops.reduction_ops"),
                      ("minitf.ops.array_ops", "minitf.ops.linalg_ops")):
        assert low in graph.get(high, {}), f"{high} no longer builds on {low}"
        assert _cycle({**graph, low: {**graph.get(low, {}), high: None}}) is not None


def test_the_module_level_finder_skips_function_level_imports():
    # math_ops imports reduction_ops only inside a function: a dependency, not a load-time one
    assert any(t == "minitf.ops.reduction_ops" for t, _, _ in _imports("minitf.ops.math_ops"))
    assert all(t != "minitf.ops.reduction_ops"
               for t, _ in _module_level_imports("minitf.ops.math_ops"))
    assert any(t == "minitf.ops.complex_ops"
               for t, _ in _module_level_imports("minitf.ops.math_ops"))
