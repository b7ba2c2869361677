from rabta.accountability.tests.conftest import oversight_sindh  # noqa: F401  (a second government's oversight)
from rabta.complaints.tests.conftest import categories, submit  # noqa: F401  (the complaints' fixtures)
