"""The house rules, read from the source with `ast` (no import, no database): they hold because
this fails when they break, not because everyone remembers them.

- imports point one way, api → tiles → layers → geo, at module level and inside functions;
- no import circle between modules (module level: what runs when a module is imported);
- geo/ is pure: no database driver, no ORM, no web framework;
- api/ imports no database driver and holds no SQL; no SQL outside layers/ and tiles/;
- no code module over ~400 lines, bar the commented allow-list below.

Each checker is a function of {module name: source}, so the tests at the bottom can show on made-up
modules that it tells a breach from a clean tree (a check that cannot fail proves nothing).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "tiles", "layers", "geo")  # each may import only those after it (and itself)
RANK = {name: rank for rank, name in enumerate(reversed(PACKAGES))}  # geo 0 … api 3

DB_LIBRARIES = ("sqlalchemy", "geoalchemy2", "alembic", "asyncpg", "psycopg", "psycopg2")
WEB_LIBRARIES = ("fastapi", "starlette", "uvicorn", "httpx")
SQL_STARTS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE")
MAX_LINES = 400

# Modules over MAX_LINES that are tables of data, not logic. Migrations (layers/db/migrations/)
# are history and never edited, so they are exempt as a folder.
LONG_DATA_MODULES: set[str] = set()

# api/ modules that still import a database library today. Issue 19's phase 2 (one layers/
# object per collection that builds and runs its SQL; database errors classified in layers/)
# empties this list; the test fails on an entry no longer needed.
API_DB_IMPORTS_ALLOWED: set[str] = set()

# Modules outside layers/ and tiles/ that still hold SQL today (a database library imported
# counts): the same phase 2 empties it.
SQL_OUTSIDE_ALLOWED: set[str] = API_DB_IMPORTS_ALLOWED | set()


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the module imported (a project module, or the top name of a library)
    line: int
    in_function: bool  # inside a def: runs on call, not on import
    type_only: bool  # under `if TYPE_CHECKING:`: never runs


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_sources() -> dict[str, tuple[Path, str]]:
    """Every module under the four packages: name → (path, source)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = (path, path.read_text(encoding="utf-8"))
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, source: str, modules: set[str], is_package: bool = False) -> list[Import]:
    """The imports of one module, each resolved to the project module it loads (`from a import b`
    names module a.b when there is one) or to the top-level library name."""
    found: list[Import] = []

    def resolve(dotted: str) -> str:
        if dotted.split(".")[0] not in PACKAGES:
            return dotted.split(".")[0]
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted

    def visit(node: ast.AST, in_function: bool, type_only: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(name, resolve(alias.name), node.lineno, in_function, type_only))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                target = candidate if candidate in modules else resolve(base)
                found.append(Import(name, target, node.lineno, in_function, type_only))
        for child in ast.iter_child_nodes(node):
            child_function = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            child_type_only = type_only or (isinstance(node, ast.If) and _is_type_checking(node.test)
                                            and child in node.body)
            visit(child, child_function, child_type_only)

    visit(ast.parse(source), False, False)
    return found


def all_imports(sources: dict[str, str]) -> list[Import]:
    modules = set(sources)
    packages = {m for m in modules if any(other.startswith(m + ".") for other in modules)}
    return [imp for name, source in sources.items()
            for imp in imports_of(name, source, modules, is_package=name in packages)]


def wrong_way(imports: list[Import]) -> list[str]:
    """Imports that point up the stack (e.g. layers → tiles), anywhere in a module."""
    bad = []
    for imp in imports:
        top = imp.target.split(".")[0]
        if top in RANK and RANK[top] > RANK[imp.source.split(".")[0]]:
            where = "in a function" if imp.in_function else "at module level"
            bad.append(f"{imp.source}:{imp.line} imports {imp.target} {where}")
    return bad


def circles(imports: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (or a module importing itself) in
    the graph of module-level imports (Tarjan's algorithm, iterative)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.source, set())
        if not imp.in_function and not imp.type_only and imp.target.split(".")[0] in RANK:
            graph[imp.source].add(imp.target)
            graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return found


def library_imports(imports: list[Import], package: str, libraries: tuple[str, ...]) -> list[str]:
    return [f"{imp.source}:{imp.line} imports {imp.target}" for imp in imports
            if imp.source.split(".")[0] == package and imp.target in libraries]


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def sql_in(source: str) -> list[str]:
    """Signs of SQL in a module: a database library imported, `text(…)` called, or a string
    literal that starts like a statement (SELECT/INSERT/UPDATE/DELETE/WITH/CREATE + a space)."""
    signs: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            signs += [(node.lineno, f"imports {n}") for n in names if n.split(".")[0] in DB_LIBRARIES]
        elif isinstance(node, ast.Call) and _called_name(node) == "text":
            signs.append((node.lineno, "text(…)"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            head = node.value.lstrip()
            if any(head.startswith(word) and head[len(word):len(word) + 1].isspace() for word in SQL_STARTS):
                signs.append((node.lineno, repr(head[:40])))
    return [f"line {line}: {sign}" for line, sign in sorted(signs)]


def long_modules(files: dict[str, tuple[Path, str]]) -> list[str]:
    too_long = []
    for name, (_path, source) in files.items():
        lines = source.count("\n")
        if lines > MAX_LINES and name not in LONG_DATA_MODULES and ".migrations." not in name:
            too_long.append(f"{name}: {lines} lines")
    return too_long


# ----------------------------------------------------------------------------- the rules

FILES = read_sources()
SOURCES = {name: source for name, (_path, source) in FILES.items()}
IMPORTS = all_imports(SOURCES)


def test_imports_point_one_way():
    assert wrong_way(IMPORTS) == []


def test_no_import_circle():
    assert circles(IMPORTS) == []


def test_geo_has_no_database_and_no_http():
    assert library_imports(IMPORTS, "geo", DB_LIBRARIES + WEB_LIBRARIES) == []


def test_api_imports_no_database_library():
    importing = {imp.source for imp in IMPORTS
                 if imp.source.split(".")[0] == "api" and imp.target in DB_LIBRARIES}
    assert importing - API_DB_IMPORTS_ALLOWED == set(), "api/ must reach the database through layers/"
    assert API_DB_IMPORTS_ALLOWED - importing == set(), "allowed but no longer needed: drop from the list"


def test_no_sql_outside_layers_and_tiles():
    holding = {name: signs for name, source in SOURCES.items()
               if name.split(".")[0] not in ("layers", "tiles") and (signs := sql_in(source))}
    assert set(holding) - SQL_OUTSIDE_ALLOWED == set(), holding
    assert SQL_OUTSIDE_ALLOWED - set(holding) == set(), "allowed but no longer needed: drop from the list"


def test_no_long_code_module():
    assert long_modules(FILES) == []
    assert all(name in SOURCES for name in LONG_DATA_MODULES), "allow-list names a module that is gone"


# ---------------------------------------------------------- the checkers can tell a breach

MADE_UP = {
    "geo": "",
    "geo.shapes": "import sqlalchemy\nfrom geo import units\n",
    "geo.units": "from geo.shapes import Point\n",
    "layers": "",
    "layers.read": "def f():\n    from tiles import grid\n",
    "tiles": "",
    "tiles.grid": "from layers import read\n",
    "api": "",
    "api.cli": "from api.cli_users import users\n",
    "api.cli_users": "def users():\n    from api.cli import Fail\n",
    "api.pages": "X = 'SELECT 1'\nfrom sqlalchemy import text\nq = text('x')\n",
}


def test_the_checkers_find_each_kind_of_breach():
    imports = all_imports(MADE_UP)
    assert wrong_way(imports) == ["layers.read:2 imports tiles.grid in a function"]
    assert circles(imports) == [["geo.shapes", "geo.units"]]  # the lazy cli import is no circle
    assert library_imports(imports, "geo", DB_LIBRARIES) == ["geo.shapes:1 imports sqlalchemy"]
    assert sql_in(MADE_UP["api.pages"]) == ["line 1: 'SELECT 1'", "line 2: imports sqlalchemy",
                                            "line 3: text(…)"]
    assert sql_in("'''Selected WITH care.'''\nx = 'WITHOUT'\n") == []
    long = {"api.big": (Path("big.py"), "x = 1\n" * (MAX_LINES + 1))}
    assert long_modules(long) == [f"api.big: {MAX_LINES + 1} lines"]


def test_the_reader_sees_the_whole_tree():
    """The rules above are only as good as the files they read."""
    assert {"api.app", "tiles.service", "geo.crs"} <= set(SOURCES)
    assert any(imp.in_function for imp in IMPORTS)  # lazy imports are read too
