import pytest

from rabta.complaints.choices import Status
from rabta.complaints.models import Complaint, DuplicateLink
from rabta.complaints.services.intake import complaint_submit, tracking_number_is_valid, tracking_number_new
from rabta.core.errors import DomainError
from rabta.core.models import Event


def test_tracking_numbers_are_readable_and_self_checking():
    number = tracking_number_new()
    assert tracking_number_is_valid(number)
    assert not set(number) & set("01ILOU")
    # One wrong character is caught by the check character.
    wrong = number[:3] + ("2" if number[3] != "2" else "3") + number[4:]
    assert not tracking_number_is_valid(wrong)


def test_submission_is_routed_with_deadlines_and_events(submit, world):
    complaint = submit()
    assert complaint.status == Status.ROUTED
    assert complaint.current_office == world.office_a  # the department's office for Lahore
    assert complaint.routing_reason == "department office serving the place"
    assert complaint.resolve_due_at > complaint.acknowledge_due_at > complaint.created_at
    assert complaint.next_escalation_at == complaint.escalate_supervisor_at
    moves = list(Event.objects.for_subject(complaint).order_by("id").values_list("kind", "from_state", "to_state"))
    assert moves == [("complaints.submitted", "", "submitted"), ("complaints.routed", "submitted", "routed")]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"category_code": "NOPE"}, "category", "category_unknown"),
        ({"jurisdiction_code": "PK-XX-NOWHERE"}, "jurisdiction", "place_unknown"),
        ({"text": "x" * 5001}, "text", "text_too_long"),
        ({"text": "  "}, "text", "text_empty"),
        ({"kind": "prayer"}, "kind", "kind_unknown"),
        ({"language": "fr"}, "language", "language_unknown"),
        ({"category_code": "CUS-DELAY"}, "attributes.gd_number", "attribute_missing"),
        (
            {"category_code": "CUS-DELAY", "attributes": {"gd_number": "KAPE-HC-12345-01012026", "days": "many"}},
            "attributes.days",
            "attribute_invalid",
        ),
        ({"latitude": 123}, "latitude", "latitude_out_of_range"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_written(submit, declaration, overrides, field, code):
    with pytest.raises(DomainError) as caught:
        submit(**overrides)
    assert caught.value.fields[field][0]["code"] == code
    assert list(caught.value.fields) == [field]  # only the bad field: the declaration number is a real one
    assert Complaint.objects.count() == 0
    assert not Event.objects.filter(kind__startswith="complaints.").exists()


def test_inactive_category_is_refused(submit, categories):
    categories.water.active = False
    categories.water.save()
    with pytest.raises(DomainError) as caught:
        submit()
    assert caught.value.fields["category"][0]["code"] == "category_inactive"


def test_same_idempotency_key_creates_one_complaint(categories, citizen, other_citizen):
    args = {
        "category_code": "PB-MUN-WATER",
        "jurisdiction_code": "PK-PB-LHR",
        "subject": "s",
        "text": "t",
        "idempotency_key": "retry-1",
    }
    first = complaint_submit(complainant=citizen, **args)
    second = complaint_submit(complainant=citizen, **args)
    assert first.created and not second.created
    assert first.complaint.pk == second.complaint.pk
    # The key is scoped to the complainant: someone else's identical key is a new complaint.
    assert complaint_submit(complainant=other_citizen, **args).created
    assert Complaint.objects.count() == 2


def test_flags_come_from_the_profile_and_raise_priority(submit, citizen):
    citizen.complainant_profile.gender = "woman"
    citizen.complainant_profile.has_disability = True
    citizen.complainant_profile.save()
    complaint = submit()
    assert complaint.flag_woman and complaint.flag_disability
    assert complaint.priority == "high"


def test_likely_duplicates_are_suggested(submit, other_citizen):
    first = submit(complainant=other_citizen, text="No water supply in Gulberg block C for seven days")
    second = submit(text="No water supply in Gulberg block C for seven days now")
    unrelated = submit(text="Streetlights broken near the mosque")
    assert DuplicateLink.objects.filter(complaint=second, duplicate_of=first, kind="suggested").exists()
    assert not DuplicateLink.objects.filter(complaint=unrelated).exists()


def test_fully_anonymous_complaint_keeps_no_identity(categories):
    result = complaint_submit(
        complainant=None,
        category_code="PB-MUN-WATER",
        jurisdiction_code="PK-PB-LHR",
        subject="Bribe",
        text="Clerk asked for money",
        anonymity="fully_anonymous",
    )
    assert result.anonymous_token and result.complaint.complainant is None
    from rabta.complaints.services.intake import anonymous_token_lookup

    assert anonymous_token_lookup(result.anonymous_token) == result.complaint
    assert anonymous_token_lookup("guess") is None


def test_customs_complaint_goes_to_the_named_collectorate(submit, world, declaration):
    complaint = submit(
        category_code="CUS-DELAY",
        jurisdiction_code="PK-SD-KHI",
        attributes={"gd_number": "KAPE-HC-12345-01012026"},
        collectorate_code=world.collectorate.code,
    )
    assert complaint.current_office == world.collectorate
    assert complaint.declaration == declaration


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("Gulberg mein pani nahi aa raha", "Gulberg mein paani nahin aa rahaa"),  # Roman Urdu spellings
        ("گلبرگ میں پانی نہیں آ رہا", "گلبرگ ميں پاني نهيں آ رہا"),  # Arabic yeh and heh for Urdu letters
        ("گلبرگ میں پانی نہیں آ رہا", "گلبرگ میں پانی نہیں آ رہا ہے"),
    ],
)
def test_spelling_variants_in_either_script_are_suggested(submit, other_citizen, earlier, later):
    first = submit(complainant=other_citizen, subject="Pani", text=earlier)
    second = submit(subject="Pani", text=later)
    link = DuplicateLink.objects.get(complaint=second)
    assert link.duplicate_of == first and link.kind == "suggested" and 0.5 <= link.score <= 1


@pytest.mark.parametrize(
    "unrelated",
    ["Sarak tooti hui hai aur gaddhe hain", "سڑک ٹوٹی ہوئی ہے", "Streetlights broken near the mosque"],
)
def test_unrelated_texts_are_not_suggested(submit, other_citizen, unrelated):
    submit(complainant=other_citizen, subject="Pani", text="Gulberg mein pani nahi aa raha")
    later = submit(subject="Masla", text=unrelated)
    assert not DuplicateLink.objects.filter(complaint=later).exists()


def test_the_closer_text_ranks_first_and_other_places_are_not_candidates(submit, other_citizen):
    near = submit(complainant=other_citizen, subject="Pani", text="Gulberg block C mein pani nahi aa raha")
    far = submit(complainant=other_citizen, subject="Pani", text="Gulberg block C mein pani nahi aa raha teen din se")
    elsewhere = submit(
        complainant=other_citizen,
        subject="Pani",
        text="Gulberg block C mein pani nahi aa raha",
        category_code="SD-MUN-WATER",
        jurisdiction_code="PK-SD-KHI",
    )
    later = submit(subject="Pani", text="Gulberg block C mein paani nahin aa raha")
    ranked = list(
        DuplicateLink.objects.filter(complaint=later).order_by("-score").values_list("duplicate_of", flat=True)
    )
    assert ranked[:2] == [near.pk, far.pk]
    assert elsewhere.pk not in ranked
