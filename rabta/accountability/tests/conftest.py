from rabta.complaints.tests import conftest as complaints_conftest

# The complaints tests' fixtures: a rating, a standing and an audit all hang off complaints.
categories = complaints_conftest.categories
submit = complaints_conftest.submit
