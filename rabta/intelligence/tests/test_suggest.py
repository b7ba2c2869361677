"""Suggested categories and offices for the text typed so far (rabta.intelligence.suggest): the
real routing names the office, nothing is written, bad input names its field, and a missing or
tampered model means no suggestion, never an error."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from rabta.complaints.models import Category, Complaint
from rabta.complaints.services.intake import complaint_submit
from rabta.core.errors import CoreError, DomainError
from rabta.intelligence.errors import IntelligenceError
from rabta.intelligence.suggest import category_key, category_suggest, model_forget
from rabta.intelligence.tests.conftest import KEYS, train_small


def test_category_key_drops_the_province_prefix_only():
    assert category_key("PB-MUN-WATER", "PB-LG") == "MUN-WATER"
    assert category_key("OVS-REMIT", "FED-OPHRD") == "OVS-REMIT"
    assert category_key("CUS-DELAY", "FED-CUS") == "CUS-DELAY"


def test_water_text_in_lahore_names_the_office_intake_routes_it_to(model_file, keyed, world, citizen):
    found = category_suggest(text="hamare mohalle mein paani nahi aa raha do hafte se", place="PK-PB-LHR")
    best = found.suggestions[0]
    assert (best.key, best.category) == ("MUN-WATER", "PB-MUN-WATER")
    assert best.office_code == world.office_a.code
    assert found.model_version == "test-1"
    assert Complaint.objects.count() == 0  # a suggestion creates nothing
    lodged = complaint_submit(
        complainant=citizen,
        category_code=best.category,
        jurisdiction_code="PK-PB-LHR",
        subject="No water",
        text="hamare mohalle mein paani nahi aa raha",
    ).complaint
    assert lodged.current_office.code == best.office_code


def test_the_same_text_in_karachi_is_sindhs_category_and_office(model_file, keyed, world):
    best = category_suggest(text="no water supply in our street", place="PK-SD-KHI").suggestions[0]
    assert (best.category, best.office_code) == ("SD-MUN-WATER", world.office_b.code)


def test_urdu_script_is_understood_and_named_in_urdu(model_file, keyed):
    best = category_suggest(text="نلکے میں گندا پانی آ رہا ہے", place="PK-PB-LHR", language="ur").suggestions[0]
    assert best.category == "PB-MUN-WATER"
    assert best.name == "پانی کی فراہمی"


def test_without_a_place_a_provincial_kind_names_no_category_and_no_office(model_file, keyed):
    found = category_suggest(text="no water supply, the pipeline is leaking", top=3)
    water = next(s for s in found.suggestions if s.key == "MUN-WATER")
    assert (water.category, water.office_code, water.routing) == (None, None, "place_needed")
    assert water.name == "Water supply"
    assert water.department_name == "Local Government Department"
    customs = category_suggest(text="my consignment has been held at the port for days").suggestions[0]
    assert customs.category == "CUS-DELAY"  # one government has it: the category is known


def test_scores_are_best_first_and_below_the_confidence_nothing_is_suggested(model_file, keyed, settings):
    found = category_suggest(text="kachra kai din se nahi uthaya gaya", top=3)
    scores = [s.score for s in found.suggestions]
    assert scores == sorted(scores, reverse=True) and found.suggestions[0].key == "MUN-SANIT"
    settings.RABTA_INTELLIGENCE_MIN_CONFIDENCE = 0.999
    assert category_suggest(text="kachra kai din se nahi uthaya gaya").suggestions == []


def test_an_inactive_category_or_one_the_place_lacks_is_never_suggested(model_file, keyed):
    Category.objects.filter(code="PB-MUN-WATER").update(active=False)
    from rabta.complaints.reference import MEMO

    MEMO.forget_locally()
    found = category_suggest(text="no water supply in our street", place="PK-PB-LHR")
    assert "PB-MUN-WATER" not in [s.category for s in found.suggestions]
    assert "SD-MUN-WATER" not in [s.category for s in found.suggestions]  # Sindh's does not serve Lahore


def test_no_model_means_no_suggestion(keyed, settings, tmp_path):
    settings.RABTA_INTELLIGENCE_MODEL = tmp_path / "absent"
    model_forget()
    found = category_suggest(text="no water supply")
    assert (found.suggestions, found.model_version) == ([], None)


def test_a_tampered_model_is_refused_and_suggests_nothing(model_file, keyed):
    data = Path(f"{model_file}.npz")
    data.write_bytes(data.read_bytes() + b"x")
    model_forget()
    assert category_suggest(text="no water supply").suggestions == []


def test_a_retrained_model_is_picked_up_without_a_restart(model_file, keyed):
    assert category_suggest(text="no water supply").model_version == "test-1"
    import os

    train_small(model_file, keys=("MUN-WATER", "MUN-SANIT"), version="test-2")
    manifest = Path(f"{model_file}.json")
    stat = manifest.stat()
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    assert category_suggest(text="no water supply").model_version == "test-2"


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"text": ""}, "text", IntelligenceError.TEXT_EMPTY),
        ({"text": "   \n "}, "text", IntelligenceError.TEXT_EMPTY),
        ({"text": None}, "text", IntelligenceError.TEXT_EMPTY),
        ({"text": "x" * 5001}, "text", CoreError.TEXT_TOO_LONG),
        ({"text": "no\x00water"}, "text", CoreError.TEXT_CONTROL_CHARACTER),
        ({"text": "water \ud800"}, "text", CoreError.TEXT_INVALID_CHARACTER),
        ({"text": "water", "language": "fr"}, "language", IntelligenceError.LANGUAGE_UNKNOWN),
        ({"text": "water", "place": "PK-XX-NOWHERE"}, "place", IntelligenceError.PLACE_UNKNOWN),
    ],
)
def test_bad_input_names_its_field_with_a_code(model_file, keyed, kwargs, field, code):
    with pytest.raises(DomainError) as caught:
        category_suggest(**kwargs)
    assert caught.value.fields[field][0]["code"] == str(code)


def test_text_of_punctuation_only_suggests_nothing(model_file, keyed):
    assert category_suggest(text="?!… ۔۔ ،").suggestions == []


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_gives_suggestions_or_an_error_naming_text(model_file, keyed, text):
    try:
        found = category_suggest(text=text)
    except DomainError as error:
        assert set(error.fields) == {"text"}
    else:
        assert all(0.0 <= s.score <= 1.0 for s in found.suggestions)


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    head=st.text(alphabet=string.ascii_letters, max_size=20),
    control=st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f"]),
)
def test_control_characters_are_refused_on_the_text_field(model_file, keyed, head, control):
    with pytest.raises(DomainError) as caught:
        category_suggest(text=f"{head}{control}water")
    assert caught.value.fields["text"][0]["code"] == str(CoreError.TEXT_CONTROL_CHARACTER)


def test_manifest_records_version_and_labels(model_file):
    manifest = json.loads(Path(f"{model_file}.json").read_text())
    assert manifest["version"] == "test-1" and sorted(manifest["labels"]) == sorted(KEYS)
