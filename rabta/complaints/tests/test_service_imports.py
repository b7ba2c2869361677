"""The complaint services import what they use at the top of the module.

An import inside a function hides a cycle (clock and messages once imported each other that way,
escalation imported the tasks that import it) and a dependency nobody sees reading the header.
"""

from __future__ import annotations

import ast
from pathlib import Path

RABTA = Path(__file__).resolve().parents[2]
# Every app's services: a services.py module or a services/ package.
SERVICE_MODULES = sorted([*RABTA.glob("*/services.py"), *RABTA.glob("*/services/*.py")])
# The ones allowed: a service that queues its own Celery task, whose module imports that service
# (the outbox's kick and its delivery task; an upload's import job and its run); the task is looked
# up when a commit dispatches it, not at import.
ALLOWED = {
    "customs/services/import_jobs.py": ["rabta.customs.tasks"],
    "notifications/services.py": ["rabta.notifications.tasks"],
}


def function_level_imports(source: str) -> list[str]:
    """``line: module`` of every import of a rabta module made inside a function."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rabta"):
                found.append(f"{node.lineno}: {node.module}")
            elif isinstance(node, ast.Import):
                found.extend(f"{node.lineno}: {alias.name}" for alias in node.names if alias.name.startswith("rabta"))
    return list(dict.fromkeys(found))  # a nested function's import is found from each enclosing one


def test_the_checker_finds_an_import_inside_a_function():
    planted = (
        "from rabta.core.errors import Conflict\n"
        "def service():\n"
        "    from rabta.complaints.tasks import some_task\n"
        "    import rabta.notifications.services\n"
        "    import json\n"
        "    def inner():\n"
        "        from rabta.complaints.services.clock import clock_resume\n"
    )
    assert function_level_imports(planted) == [
        "3: rabta.complaints.tasks",
        "4: rabta.notifications.services",
        "7: rabta.complaints.services.clock",
    ]


def test_no_service_imports_a_rabta_module_inside_a_function():
    assert any(path.parent.name == "services" for path in SERVICE_MODULES)  # the glob finds them
    found = {str(path.relative_to(RABTA)): function_level_imports(path.read_text()) for path in SERVICE_MODULES}
    modules = {name: [line.split(": ", 1)[1] for line in imports] for name, imports in found.items() if imports}
    assert modules == ALLOWED
