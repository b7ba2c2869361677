from django.urls import path

from rabta.risk import views

app_name = "risk"

urlpatterns = [
    path("rules/", views.rules_page, name="rules"),
    path("rules/new/", views.rule_new_page, name="rule_new"),
    path("rules/<int:pk>/", views.rule_page, name="rule"),
    path("watchlists/", views.watchlists_page, name="watchlists"),
    path("watchlists/<int:pk>/", views.watchlist_page, name="watchlist"),
    path("audit/", views.audit_page, name="audit"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/live/", views.dashboard_live, name="dashboard_live"),
]
