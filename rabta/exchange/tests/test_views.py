import json
from datetime import date

import pytest
from django.core.management import call_command

from rabta.api.testing.matrix import signed_in
from rabta.exchange import services
from rabta.exchange.models import ExchangeLog, PartnerImport

pytestmark = pytest.mark.django_db
PAGES = ["/en/exchange/", "/en/exchange/log/", "/en/exchange/imports/", "/en/exchange/banks/"]


@pytest.fixture
def rejected(exchange_officer, agreement):
    return services.partner_import(
        actor=exchange_officer,
        agreement=agreement,
        data=b'{"Declaration": [{"FunctionalReferenceID": "X"}]}',
        file_format="json",
    )


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_pages_show_the_exchange_to_its_officer(exchange_officer, agreement, rejected, language):
    client = signed_in(exchange_officer)
    for page in [*PAGES, f"/en/exchange/imports/{rejected.pk}/"]:
        answer = client.get(page.replace("/en/", f"/{language}/"))
        assert answer.status_code == 200, page
    detail = client.get(f"/{language}/exchange/imports/{rejected.pk}/").content.decode()
    assert "Declaration/FunctionalReferenceID" not in detail  # that element was given
    assert "Declaration/IssueDateTime" in detail
    if language == "ur":
        assert 'dir="rtl"' in client.get("/ur/exchange/").content.decode()


def test_anyone_else_finds_no_page(officer_a, customs_manager, rejected):
    for user in (officer_a, customs_manager):
        client = signed_in(user)
        for page in [*PAGES, f"/en/exchange/imports/{rejected.pk}/"]:
            assert client.get(page).status_code == 404, page


def test_the_commands_export_to_a_file_and_import_it_back(tmp_path, agreement, declarations):
    target = tmp_path / "out.xml"
    out = __import__("io").StringIO()
    call_command(
        "exchange",
        "export",
        "--agreement",
        str(agreement.pk),
        "--format",
        "xml",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        str(target),
        stdout=out,
    )
    assert out.getvalue().startswith("2 rows")
    assert ExchangeLog.objects.get(direction="export").period_to == date(2026, 11, 30)
    out = __import__("io").StringIO()
    call_command("exchange", "import", "--agreement", str(agreement.pk), str(target), "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert (answer["status"], answer["rows"], answer["rejects"]) == ("accepted", 2, [])
    assert PartnerImport.objects.get().file_format == "xml"


def test_the_navigation_offers_the_exchange_pages_to_its_officer_only(exchange_officer, customs_manager):
    def nav(user) -> str:
        page = signed_in(user).get("/en/").content.decode()
        return page[page.index('<nav class="site-nav"') : page.index("</nav>")]

    officers = nav(exchange_officer)
    assert 'href="/en/exchange/"' in officers and 'href="/en/exchange/banks/"' in officers
    assert "/en/exchange/" not in nav(customs_manager)
