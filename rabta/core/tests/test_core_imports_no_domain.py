"""`core` holds what every domain shares, so it may import no domain: a domain's part in a shared
mechanism (its notices, beat entries, demo loader, checks) is found through the app registry.

The rule covers core's code, and ``if TYPE_CHECKING:`` imports too: a type that names a domain is
still a dependency on it (take ``Any`` or a Protocol instead). Core's tests are exempt: they run
with every app installed and may use a domain's models as fixtures.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

CORE = Path(__file__).resolve().parents[1]
# The installed domains: every rabta app but core.
DOMAINS = {config.name for config in apps.get_app_configs() if config.name.startswith("rabta.")} - {"rabta.core"}
DYNAMIC_IMPORTS = {"import_module", "import_string", "__import__"}


def _is_domain(module: str) -> bool:
    return any(module == domain or module.startswith(domain + ".") for domain in DOMAINS)


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in DYNAMIC_IMPORTS and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def _core_violations() -> list[str]:
    violations = []
    for path in sorted(CORE.rglob("*.py")):
        if "tests" in path.relative_to(CORE).parts:
            continue
        for line, module in _imported(ast.parse(path.read_text(), filename=str(path))):
            if _is_domain(module):
                violations.append(f"{path.relative_to(CORE.parent)}:{line} imports {module}")
    return violations


def test_core_imports_no_domain_app():
    assert _core_violations() == []


def test_the_check_sees_every_kind_of_import():
    source = """
from typing import TYPE_CHECKING
import rabta.accounts.models
from rabta import complaints
from rabta.directory.models import Office
if TYPE_CHECKING:
    from rabta.reviews.models import Review
def f():
    from rabta.notifications.services import notification_enqueue
    import_module("rabta.accountability.demo")
from rabta.core.events import event_record
"""
    found = {module for _line, module in _imported(ast.parse(source)) if _is_domain(module)}
    assert found == {
        "rabta.accounts.models",
        "rabta.complaints",
        "rabta.directory.models",
        "rabta.directory.models.Office",
        "rabta.reviews.models",
        "rabta.reviews.models.Review",
        "rabta.notifications.services",
        "rabta.notifications.services.notification_enqueue",
        "rabta.accountability.demo",
    }
