"""The case workflow builds on the governance services; the services never reach back into the workflow."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path


def _imports(module: str) -> set[str]:
    path = Path(importlib.util.find_spec(module).origin)
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_services_do_not_import_the_workflow_at_any_level():
    assert not any(name.startswith("meili.governance.workflow") for name in _imports("meili.governance.services"))
    assert "meili.governance.services" in _imports("meili.governance.workflow")
