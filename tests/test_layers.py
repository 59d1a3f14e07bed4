"""The code points one way: the domain core at the bottom, readers and retrievers above it, reports
above those, front ends on top. Every import counts, also those inside functions and under
TYPE_CHECKING, because a hidden upward import is still an upward dependency."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# package -> layer; a module may import its own layer or lower ones, never a higher one.
LAYERS = {"kb": 0, "ingest": 1, "index": 1, "reports": 2, "cli": 3, "web": 3}
# Packages on one layer that must not know each other.
APART = {frozenset({"ingest", "index"}), frozenset({"cli", "web"})}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    found = {}
    for package in LAYERS:
        if (ROOT / f"{package}.py").exists():
            found[package] = ROOT / f"{package}.py"
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []:
            found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module of ours that `name` imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for target in targets:
            while target and target not in modules:  # `import a.b.c` depends on the deepest module of ours
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    modules = our_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def top(name: str) -> str:
    return name.split(".")[0]


def test_the_walker_sees_every_package_and_imports_inside_functions():
    edges = graph()
    assert {top(m) for m in edges} >= {"kb", "ingest", "index", "reports", "cli"}
    assert "reports.answers" in edges["cli"]  # imported inside a command function


def test_no_module_imports_a_higher_layer_or_a_package_it_must_stay_apart_from():
    bad = []
    for module, targets in graph().items():
        for target in targets:
            a, b = top(module), top(target)
            if LAYERS[b] > LAYERS[a]:
                bad.append(f"{module} imports {target} (layer {LAYERS[b]} above {LAYERS[a]})")
            elif frozenset({a, b}) in APART:
                bad.append(f"{module} imports {target} ({a} and {b} must not import each other)")
    assert not bad, "upward or sideways imports:\n" + "\n".join(sorted(bad))


def test_no_import_cycles():
    edges = graph()
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(path[path.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_core_imports_neither_readers_nor_retrievers_nor_reports():
    core = {m: t for m, t in graph().items() if top(m) == "kb"}
    assert all(top(t) == "kb" for targets in core.values() for t in targets)


def test_no_sql_outside_the_catalogue():
    """The catalogue owns the SQL: no other module of ours runs a statement."""
    offenders = []
    for name, path in our_modules().items():
        if name == "kb.catalogue":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany", "executescript", "conn"):
                offenders.append(f"{name}:{node.lineno} .{node.attr}")
    assert not offenders, "SQL outside kb/catalogue.py:\n" + "\n".join(offenders)


def test_every_command_body_in_the_cli_is_short():
    """Front ends stay thin: a command parses options, calls one function and prints (about 40 lines at most)."""
    tree = ast.parse((ROOT / "cli.py").read_text(encoding="utf-8"))
    long = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call) and getattr(d.func, "attr", "") in ("command", "callback")
            for d in node.decorator_list
        ):
            body = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body  # without the docstring
            lines = body[-1].end_lineno - body[0].lineno + 1
            if lines > 40:
                long.append(f"{node.name}: {lines} lines")
    assert not long, long
