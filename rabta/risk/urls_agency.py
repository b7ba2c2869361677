from django.urls import path

from rabta.risk import views_agency as views

app_name = "risk_agency"

urlpatterns = [
    path("", views.selection_list_page, name="selections"),
    path("selections/<int:selection_id>/result/", views.result_page, name="result"),
    path("rules/", views.rules_page, name="rules"),
    path("shares/", views.shares_page, name="shares"),
]
