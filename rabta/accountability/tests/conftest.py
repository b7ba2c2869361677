import pytest

from rabta.complaints.tests import conftest as complaints_conftest

# The complaints tests' fixtures: a rating, a standing and an audit all hang off complaints.
categories = complaints_conftest.categories
submit = complaints_conftest.submit


@pytest.fixture
def oversight_sindh(world):
    from conftest import make_user
    from rabta.accounts.roles import Role

    return make_user("oversight.sd@gov.pk", "Sindh oversight", (Role.OVERSIGHT, None, world.gov_sindh))
