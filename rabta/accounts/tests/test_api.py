import pytest

from rabta.accounts.models import User


@pytest.mark.django_db
def test_register_through_the_api(client):
    response = client.post(
        "/api/accounts/register",
        {
            "full_name": "Li Wei",
            "password": "a-long-unusual-passphrase",
            "complainant_type": "foreigner",
            "email": "li.wei@example.cn",
            "nationality": "CN",
            "country_of_residence": "PK",
            "documents": [{"doc_type": "passport", "number": "E12345678", "issuing_country": "CN"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["documents"] == [
        {"doc_type": "passport", "masked": "****5678", "issuing_country": "CN", "verified": False}
    ]
    assert body["roles"] == [{"role": "complainant", "office": None, "government": None}]


@pytest.mark.django_db
def test_api_registration_errors_name_the_field(client):
    response = client.post(
        "/api/accounts/register",
        {
            "full_name": "X",
            "password": "a-long-unusual-passphrase",
            "complainant_type": "foreigner",
            "email": "x@example.com",
            "documents": [{"doc_type": "passport", "number": "E12345678", "issuing_country": ""}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"]["documents.0.number"][0]["code"] == "passport_country_required"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_missing_required_field_is_a_422_naming_it(client):
    response = client.post("/api/accounts/register", {"password": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert "full_name" in response.json()["fields"]


def test_me_needs_a_session(client, citizen):
    assert client.get("/api/accounts/me").status_code == 401
    client.force_login(citizen)
    assert client.get("/api/accounts/me").json()["roles"][0]["role"] == "complainant"


@pytest.mark.django_db
def test_roles_are_published(client):
    roles = {item["role"]: item for item in client.get("/api/accounts/roles").json()}
    assert roles["officer"]["second_factor_required"] is True
    assert roles["complainant"]["second_factor_required"] is False


def test_a_new_code_through_the_api_waits_like_the_page(client, citizen, django_capture_on_commit_callbacks):
    from django.core import mail

    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/accounts/verify/send", {"channel": "email"}, content_type="application/json")
        second = client.post("/api/accounts/verify/send", {"channel": "email"}, content_type="application/json")
    assert first.status_code == 202
    assert second.status_code == 429 and second.json()["code"] == "rate_limited"
    assert 0 < int(second["Retry-After"]) <= 60
    assert len(mail.outbox) == 1
    unknown = client.post("/api/accounts/verify/send", {"channel": "fax"}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["fields"]["channel"][0]["code"] == "channel_unknown"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "password"), [("Sana Iqbal", "Iqbal.Sana.1990"), ("ثناء اقبال", "اقبال ثناء 1234")])
def test_registration_refuses_a_password_made_from_the_name(client, name, password):
    response = client.post(
        "/api/accounts/register",
        {"full_name": name, "password": password, "complainant_type": "citizen", "email": "n@example.pk"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "too close to your name" in response.json()["fields"]["password"][0]["message"]
