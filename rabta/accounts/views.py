from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def two_factor(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/two_factor.html")


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/two_factor.html")
