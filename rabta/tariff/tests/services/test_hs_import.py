from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rabta.core.errors import DomainError
from rabta.core.models import Event
from rabta.tariff.events import TariffEvent
from rabta.tariff.models import Section, TariffCode
from rabta.tariff.services.hs_import import hs_import

pytestmark = pytest.mark.django_db

SECTIONS = "\ufeffsection,name\nI,live animals; animal products\nII,Vegetable products"
CODES = """section,hscode,description,parent,level
I,01,Animals; live,TOTAL,2
I,0101,"Horses, asses, mules and hinnies; live",01,4
I,010121,"Horses; live, pure-bred breeding animals",0101,6
I,01X1,Broken code,01,4
I,010299,Orphan,0102,6
II,10,Cereals,TOTAL,2
II,1001,,10,4
TOTAL,TOTAL,Total of all HS2022 commodities,TOTAL,5
"""


@pytest.fixture
def files(tmp_path):
    codes, sections = tmp_path / "codes.csv", tmp_path / "sections.csv"
    codes.write_text(CODES, encoding="utf-8")
    sections.write_text(SECTIONS, encoding="utf-8")
    return codes, sections


def test_good_rows_load_with_parents_sections_and_urdu_chapter_titles_and_bad_rows_are_reported(files):
    result = hs_import(codes_path=files[0], sections_path=files[1])

    assert (result.created, result.sections_created) == (4, 2)
    assert [(r["row"], r["field"], r["code"]) for r in result.rejects] == [
        (5, "hscode", "code_malformed"),
        (6, "parent", "parent_unknown"),
        (8, "description", "required"),
    ]
    horses = TariffCode.objects.get(code="010121")
    assert horses.parent.code == "0101" and horses.parent.parent.code == "01" and horses.level == 6
    assert horses.section.number == "I"
    assert TariffCode.objects.get(code="01").description_ur == "زندہ جانور"
    assert Section.objects.get(number="I").title == "Live animals; animal products"
    assert "horses" in horses.search_text


def test_a_second_run_changes_nothing_and_records_no_event(files):
    hs_import(codes_path=files[0], sections_path=files[1])
    events = Event.objects.filter(kind=TariffEvent.HS_IMPORTED).count()
    stamps = dict(TariffCode.objects.values_list("code", "updated_at"))

    again = hs_import(codes_path=files[0], sections_path=files[1])

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Event.objects.filter(kind=TariffEvent.HS_IMPORTED).count() == events == 1
    assert dict(TariffCode.objects.values_list("code", "updated_at")) == stamps


def test_a_changed_description_is_updated_and_staff_urdu_is_kept(files):
    hs_import(codes_path=files[0], sections_path=files[1])
    TariffCode.objects.filter(code="0101").update(description_ur="گھوڑے")
    files[0].write_text(
        CODES.replace("Horses, asses, mules and hinnies; live", "Horses and asses; live"), encoding="utf-8"
    )

    result = hs_import(codes_path=files[0], sections_path=files[1])

    heading = TariffCode.objects.get(code="0101")
    assert result.updated == 1
    assert (heading.description, heading.description_ur) == ("Horses and asses; live", "گھوڑے")


def test_a_missing_column_or_file_is_an_error_naming_the_argument(files, tmp_path):
    files[0].write_text("section,hscode,description\nI,01,Animals\n", encoding="utf-8")
    with pytest.raises(DomainError) as missing:
        hs_import(codes_path=files[0], sections_path=files[1])
    with pytest.raises(DomainError) as absent:
        hs_import(codes_path=files[0], sections_path=tmp_path / "nope.csv")

    assert missing.value.fields["codes"][0]["code"] == "missing_column"
    assert absent.value.fields["sections"][0]["code"] == "file_not_found"
    assert not TariffCode.objects.exists()


def test_the_command_prints_one_json_object_and_progress_on_stderr(files, capsys):
    call_command("tariff", "import-hs", "--codes", str(files[0]), "--sections", str(files[1]), "--json")
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert summary["created"] == 4 and summary["rejected"] == 3
    assert summary["rejects"][0] == {
        "row": 5,
        "field": "hscode",
        "code": "code_malformed",
        "message": summary["rejects"][0]["message"],
    }
    assert "HS codes" in out.err


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No file"):
        call_command("tariff", "import-hs", "--codes", str(tmp_path / "x.csv"), "--sections", str(tmp_path / "y.csv"))


def test_the_real_hs_2022_files_load_whole_and_reload_as_no_change(shared_data):
    folder = shared_data / "customs" / "hs-codes"
    first = hs_import(codes_path=folder / "harmonized-system.csv", sections_path=folder / "sections.csv")
    second = hs_import(codes_path=folder / "harmonized-system.csv", sections_path=folder / "sections.csv")

    assert first.rejects == [] and first.sections_created == 21
    assert TariffCode.objects.filter(level=2).count() == 97
    assert TariffCode.objects.filter(level=6).count() == 5613
    assert (second.created, second.updated) == (0, 0)
    assert not TariffCode.objects.filter(level=4, parent__isnull=True).exists()
