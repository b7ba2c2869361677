"""Tests mirror the code (docs/new-domain.md, step 10): every service, API, page and permissions
module of every app has its own test module, where a reader of the code looks for its tests first.

    rabta/<app>/services.py          -> rabta/<app>/tests/test_services.py
    rabta/<app>/services/<name>.py   -> rabta/<app>/tests/services/test_<name>.py
    rabta/<app>/api.py, api_<x>.py   -> rabta/<app>/tests/test_api.py, test_api_<x>.py
    rabta/<app>/views.py, views_<x>  -> rabta/<app>/tests/test_views.py, test_views_<x>.py
    rabta/<app>/permissions.py       -> rabta/<app>/tests/test_permissions.py

A topic that spans one module's tests may have more modules beside it, named after it
(``services/test_intake_idempotency.py`` beside ``services/test_intake.py``)."""

from __future__ import annotations

from pathlib import Path

RABTA = Path(__file__).resolve().parents[2]


def expected_test_modules(root: Path) -> dict[str, str]:
    """``code module -> test module`` (paths relative to ``root``) for every app under ``root``."""
    expected = {}
    # rabta/api is the API's root, not a domain: its tests are by concern (errors, matrix, fuzz).
    apps = (path for path in root.iterdir() if path.is_dir() and (path / "__init__.py").exists())
    for app in sorted(app for app in apps if app.name != "api"):
        if (app / "services.py").exists():
            expected[f"{app.name}/services.py"] = f"{app.name}/tests/test_services.py"
        for module in sorted((app / "services").glob("*.py")) if (app / "services").is_dir() else []:
            if module.name != "__init__.py":
                expected[f"{app.name}/services/{module.name}"] = f"{app.name}/tests/services/test_{module.name}"
        for module in sorted([*app.glob("api*.py"), *app.glob("views*.py"), *app.glob("permissions.py")]):
            expected[f"{app.name}/{module.name}"] = f"{app.name}/tests/test_{module.name}"
    return expected


def missing_test_modules(root: Path) -> list[str]:
    return [code for code, test in expected_test_modules(root).items() if not (root / test).exists()]


def test_the_checker_finds_a_service_or_api_module_without_its_tests(tmp_path):
    app = tmp_path / "shop"
    (app / "services").mkdir(parents=True)
    (app / "tests" / "services").mkdir(parents=True)
    for path in ("__init__.py", "api.py", "services/__init__.py", "services/orders.py", "services/refunds.py"):
        (app / path).write_text("")
    (app / "tests" / "services" / "test_orders.py").write_text("")
    assert missing_test_modules(tmp_path) == ["shop/services/refunds.py", "shop/api.py"]
    (app / "tests" / "test_api.py").write_text("")
    (app / "tests" / "services" / "test_refunds.py").write_text("")
    assert missing_test_modules(tmp_path) == []


def test_the_checker_finds_a_page_or_permissions_module_without_its_tests(tmp_path):
    app = tmp_path / "shop"
    (app / "tests").mkdir(parents=True)
    for path in ("__init__.py", "views.py", "views_office.py", "permissions.py", "tests/test_views.py"):
        (app / path).write_text("")
    assert missing_test_modules(tmp_path) == ["shop/permissions.py", "shop/views_office.py"]
    (app / "tests" / "test_views_office.py").write_text("")
    (app / "tests" / "test_permissions.py").write_text("")
    assert missing_test_modules(tmp_path) == []


def test_every_service_api_page_and_permissions_module_has_its_test_module():
    assert expected_test_modules(RABTA)  # the walk finds the apps
    assert missing_test_modules(RABTA) == []
