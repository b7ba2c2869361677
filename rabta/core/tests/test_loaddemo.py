"""`rabta loaddemo` finds each domain's demo loader through the app registry and runs each after
the ones it builds on."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import AppConfig, apps
from django.core.management import CommandError, call_command

from rabta.core.management.commands.loaddemo import demo_loaders


def test_each_demo_loads_after_the_ones_it_builds_on():
    labels = [label for label, _load in demo_loaders(reversed(apps.get_app_configs()))]
    assert labels.index("directory") < labels.index("accounts") < labels.index("complaints")


def test_a_demo_waiting_for_an_app_without_a_demo_is_refused():
    with pytest.raises(CommandError, match="the complaints demo loads after directory, accounts"):
        demo_loaders([apps.get_app_config("complaints")])


def test_demos_waiting_for_each_other_are_refused():
    cycle = [AppConfig.create(f"rabta.core.tests.demo_cycle_{x}") for x in "ab"]
    with pytest.raises(CommandError, match="cycle"):
        demo_loaders(cycle)


@pytest.mark.django_db
def test_loaddemo_prints_each_domains_summary_in_order_and_a_second_run_adds_nothing():
    call_command("loaddemo", offices=1200, stdout=(first := StringIO()))
    call_command("loaddemo", offices=1200, stdout=(second := StringIO()))

    lines = first.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "directory",
        "demo users",
        "complaint categories",
        "complaints",
        "customs",
        "tariff",
        "accountability actions",
        "open311",
        "risk",
        "enforcement",
        "exchange",
    ]
    assert lines[-1].startswith("demo loaded in ")
    again = second.getvalue()
    assert "demo users: 0 created" in again
    assert "complaint categories: 0 created" in again
    assert "open311: 0 services offered" in again
    assert "accountability actions: 3 recorded on " in first.getvalue()
    assert "accountability actions: 0 recorded" in again
    assert "customs: 0 declarations filed" in again
    assert "still in clearance" in first.getvalue()  # the demo leaves a backlog for the pages and dashboard
    assert "enforcement: 38 incidents reported at " in first.getvalue()
    assert "enforcement: 0 incidents reported" in again
    assert "exchange: 0 agreements made" in again
    assert "risk: 0 rules created, 0 demo declarations filed (lanes {'red': 1, 'yellow': 1, 'green': 2})" in again
