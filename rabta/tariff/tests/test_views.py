from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_search_page_finds_codes_in_english_and_links_to_their_pages(client, tariff):
    response = client.get("/en/trade/tariff/", {"q": "laptop"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/en/trade/tariff/codes/84713010/"' in html and "Laptop computers and notebooks" in html


def test_search_page_in_urdu_is_right_to_left_and_shows_urdu_descriptions(client, tariff):
    html = client.get("/ur/trade/tariff/", {"q": "چاول"}).content.decode()
    assert 'dir="rtl"' in html
    assert "باسمتی چاول، مکمل صاف شدہ" in html and "Basmati rice" not in html


def test_search_page_reports_bad_input_on_the_field(client, tariff):
    html = client.get("/en/trade/tariff/", {"q": "a b c d e f g h i j"}).content.decode()
    assert 'role="alert"' in html and "At most 8 words" in html
    assert 'role="alert"' in client.get("/en/trade/tariff/", {"q": "rice", "on": "2024-02-31"}).content.decode()


def test_code_page_shows_duties_measures_and_history_for_the_day_asked(client, tariff):
    html = client.get("/en/trade/tariff/codes/84713010/", {"on": "2022-06-30"}).content.decode()
    duties = html.split('id="duties-heading"')[1].split("</section>")[0]
    assert "Sales tax" in duties and "17 %" in duties and "18 %" not in duties
    history = html.split('id="history-heading"')[1]
    assert "17 %" in history and "18 %" in history

    phones = client.get("/ur/trade/tariff/codes/851713001003/").content.decode()
    assert "PTA-TYPE-APPROVAL" in phones and "پاکستان ٹیلی کمیونیکیشن اتھارٹی" in phones
    assert re.search(r"9[,]?270", phones)


def test_unknown_or_malformed_code_pages_are_not_found(client, tariff):
    assert client.get("/en/trade/tariff/codes/99999999/").status_code == 404
    assert client.get("/en/trade/tariff/codes/84x1/").status_code == 404


def test_pages_carry_no_inline_script_or_style(client, tariff):
    for url in ("/en/trade/tariff/?q=rice", "/ur/trade/tariff/codes/0402/"):
        html = client.get(url).content.decode()
        scripts = re.findall(r"<script[^>]*>", html)
        assert all("src=" in tag for tag in scripts), scripts  # files the CSP allows, never inline code
        assert "style=" not in html and "<style" not in html
