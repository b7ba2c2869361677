"""Data migrations do what they did when they were written, whatever the live code does now."""

import ast
import importlib
import inspect

import pytest
from django.apps import apps as django_apps

from rabta.complaints.choices import Anonymity
from rabta.complaints.models import Complaint

pytestmark = pytest.mark.django_db

FILL_SUBJECT = "rabta.complaints.migrations.0005_fill_subject_for_office"


def test_filling_subject_for_office_imports_nothing_from_rabta():
    tree = ast.parse(inspect.getsource(importlib.import_module(FILL_SUBJECT)))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported
    assert not [name for name in imported if name.split(".")[0] == "rabta"]


def test_hidden_complainants_subject_is_scrubbed_and_an_unknown_ones_withheld(submit, citizen):
    citizen.phone = "+923001234567"
    citizen.save(update_fields=["phone"])
    hidden = submit(anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE, subject="ayesha KHAN, 0300-1234567: no water")
    anonymous = submit(anonymity=Anonymity.FULLY_ANONYMOUS, subject="Ayesha Khan: no water")
    public = submit(subject="Ayesha Khan: no water")
    Complaint.objects.update(subject_for_office="")

    importlib.import_module(FILL_SUBJECT).fill(django_apps, None)

    assert Complaint.objects.get(pk=hidden.pk).subject_for_office == "[complainant], [complainant]: no water"
    assert Complaint.objects.get(pk=anonymous.pk).subject_for_office == "(subject withheld)"
    assert Complaint.objects.get(pk=public.pk).subject_for_office == ""
