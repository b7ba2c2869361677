from django.urls import path

from rabta.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.agreements_page, name="agreements"),
    path("log/", views.log_page, name="log"),
    path("imports/", views.imports_page, name="imports"),
    path("imports/<int:import_id>/", views.import_page, name="import"),
    path("banks/", views.bank_requests_page, name="bank_requests"),
]
