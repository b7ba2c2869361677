"""An action that names a second complaint (reject as a duplicate, link a duplicate) finds the
complaint acted on first, so the answer about scope and rights is the one every action gives."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("operation", ["reject", "duplicates"])
def test_the_complaint_acted_on_is_found_before_the_one_the_request_names(verified_client, personas, submit, operation):
    """Outside the scope of the complaint acted on is 404, and seeing it without the right to act is
    403, whatever the second complaint named (the endpoint × persona matrix found the second checked first)."""
    complaint = submit()
    nowhere = "RB-2222-2222-2"
    path = f"/api/complaints/{complaint.tracking_number}/"
    if operation == "reject":
        path, body = path + "reject", {"reason": "duplicate", "explanation": "Lodged twice.", "duplicate_of": nowhere}
    else:
        path, body = path + f"duplicates/{nowhere}", {}
    for persona, status in (("officer_b", 404), ("other_citizen", 404), ("citizen", 403), ("officer_a", 400)):
        response = verified_client(getattr(personas, persona)).post(path, body, content_type="application/json")
        assert response.status_code == status, (persona, response.content)


def test_a_complaint_linked_as_its_own_duplicate_is_an_error_on_the_path_parameter(verified_client, personas, submit):
    """The refusal names the endpoint's own parameter (`other`), not the service's `duplicate_of`."""
    number = submit().tracking_number
    response = verified_client(personas.officer_a).post(f"/api/complaints/{number}/duplicates/{number}")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["other"]
