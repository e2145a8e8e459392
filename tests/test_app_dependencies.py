"""The apps depend on each other one way only, so each can be read, and changed, on its own.

Migrations are left out: they are history, loaded only by the migration loader, and catalog's
old ones name what has since moved (the search index's rebuild, uploads' field classes).
"""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    name
    for name in ("catalog", "editorial", "pagecache", "search", "uploads", "evaluations")
    if (ROOT / name / "apps.py").exists()
]


def imported_apps(app: str) -> dict[str, set[str]]:
    """The other apps `app` imports, each with the files that import it."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.relative_to(ROOT / app).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                target = module.split(".")[0]
                if target in APPS and target != app:
                    found.setdefault(target, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_apps_import_each_other_without_a_cycle():
    graph = {app: set(imported_apps(app)) for app in APPS}

    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"The apps import each other in a cycle: {error.args[1]}") from None

    assert set(order) == set(APPS)


def test_pagecache_imports_nothing_from_catalog():
    assert "catalog" not in imported_apps("pagecache")


def test_editorial_imports_nothing_from_catalog():
    assert "catalog" not in imported_apps("editorial")


def test_catalog_imports_nothing_from_search():
    assert "search" not in imported_apps("catalog")
