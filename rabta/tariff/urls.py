from django.urls import path

from rabta.tariff import views

app_name = "tariff"

urlpatterns = [
    path("", views.tariff_search_page, name="search"),
    path("codes/<str:code>/", views.tariff_code_page, name="code"),
]
