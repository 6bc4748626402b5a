"""The package's shape, read from the source with `ast` (nothing is imported):
no import cycles among forum's modules, no forum import hidden in a function to
dodge one, and each layer imports only the layers below it."""
import ast
from pathlib import Path

FORUM = Path(__file__).resolve().parents[1] / "forum"

# Which layers each layer may import. forum.extensions (db, login_manager, ...) and
# forum.config hold no rules and import nothing of forum's: every layer may use them.
ALLOWED = {
    "models": {"models"},
    "domain": {"models", "domain"},
    "pages": {"models", "domain", "pages"},
    "forms": {"models", "domain", "forms"},
    "web": {"models", "domain", "pages", "forms", "web"},
    "views": {"models", "domain", "pages", "forms", "web", "views"},
    "seed": {"models", "domain", "seed"},
    "cli": {"models", "domain", "seed"},
    "app": {"models", "domain", "pages", "forms", "web", "views", "cli"},
}
BASE = {"forum.extensions", "forum.config"}


def module_name(path: Path) -> str:
    parts = path.relative_to(FORUM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_modules() -> dict[str, tuple[Path, ast.Module]]:
    return {module_name(path): (path, ast.parse(path.read_text(), str(path)))
            for path in sorted(FORUM.rglob("*.py"))}


MODULES = read_modules()


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "app"
    return "cli" if parts[1] == "cli" else parts[1]


def imported(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The forum modules an import statement loads (a relative one resolved)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name.split(".")[0] == "forum"}
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    if base.split(".")[0] != "forum":
        return set()
    # `from . import classes` and `from .seed import bench` load a submodule each.
    return {f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names}


def imports(module: str) -> list[tuple[ast.Import | ast.ImportFrom, set[str], bool]]:
    """Each import statement of `module`: the node, the forum modules it loads,
    and whether it runs at import time (not inside a function or class)."""
    path, tree = MODULES[module]
    found = []

    def walk(node, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append((child, imported(module, path, child), top))
            nested = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
            walk(child, top and not nested)

    walk(tree, True)
    return found


def graph() -> dict[str, set[str]]:
    return {module: {target for _, targets, _ in imports(module) for target in targets if target != module}
            for module in MODULES}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return [_cycle_in(group, edges) for group in groups]


def _cycle_in(group: set[str], edges: dict[str, set[str]]) -> list[str]:
    """A path from the group's first module back to itself, inside the group (BFS)."""
    start = min(group)
    came_from = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(edges[node] & group):
            if target == start:
                path = [node]
                while came_from[path[-1]] is not None:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, node, start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"no cycle in {group}")


def where(module: str, node: ast.stmt) -> str:
    return f"{MODULES[module][0].relative_to(FORUM.parent)}:{node.lineno}"


def test_the_modules_are_found():
    assert {"forum", "forum.models", "forum.domain.posting", "forum.views", "forum.cli"} <= set(MODULES)
    assert {"forum.domain.posting", "forum.models"} <= graph()["forum.domain.moderation"]


def test_the_cycle_finder_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert cycles(edges) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    found = cycles(graph())
    assert not found, "import cycles:\n" + "\n".join("  " + " -> ".join(cycle) for cycle in found)


def test_no_forum_import_inside_a_function():
    """An import in a function that dodges a cycle hides it; third-party lazy
    imports (redis, only when configured) are fine."""
    hidden = [f"{where(module, node)}: {ast.unparse(node)}"
              for module in MODULES for node, targets, top in imports(module) if targets and not top]
    assert not hidden, "forum imports inside functions:\n" + "\n".join("  " + h for h in hidden)


def test_layers_import_downwards():
    wrong = []
    for module in MODULES:
        if module in BASE:
            allowed = set()  # extensions and config import nothing of forum's
        else:
            allowed = ALLOWED[layer(module)]
        for node, targets, _ in imports(module):
            for target in sorted(targets):
                if target in BASE and module not in BASE:
                    continue
                if layer(target) not in allowed:
                    wrong.append(f"{where(module, node)}: {layer(module)} imports {layer(target)} ({target})")
    assert not wrong, "imports against the layers:\n" + "\n".join("  " + w for w in wrong)
