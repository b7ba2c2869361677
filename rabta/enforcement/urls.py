from django.urls import path

from rabta.enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("incidents/", views.incident_list_page, name="incidents"),
    path("incidents/new/", views.incident_new_page, name="incident_new"),
    path("incidents/export/", views.incidents_export, name="incidents_export"),
    path("review/", views.review_page, name="review"),
    path("trends/", views.trends_page, name="trends"),
    path("trends/export/<str:table>/", views.trends_export, name="trends_export"),
    path("incidents/<str:reference>/", views.incident_page, name="incident"),
    path("incidents/<str:reference>/edit/", views.incident_edit_page, name="incident_edit"),
    path("incidents/<str:reference>/rule/", views.incident_rule_page, name="incident_rule"),
    path("incidents/<str:reference>/evidence/", views.evidence_add_page, name="evidence_add"),
    path("incidents/<str:reference>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
