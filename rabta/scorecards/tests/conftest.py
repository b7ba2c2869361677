from rabta.complaints.tests.conftest import categories, submit  # noqa: F401  (the complaints' fixtures)
