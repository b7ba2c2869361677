from django.urls import path

from rabta.customs import views

app_name = "customs"

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export/<str:panel>/", views.dashboard_export, name="dashboard_export"),
]
