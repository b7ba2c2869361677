from django.urls import path

from rabta.customs import views

app_name = "customs"

urlpatterns = [
    path("declarations/", views.declaration_list_page, name="declarations"),
    # <path:>: a declaration number may hold "/" (rabta.customs.rules.NUMBER).
    path("declarations/<path:number>/", views.declaration_page, name="declaration"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export/<str:panel>/", views.dashboard_export, name="dashboard_export"),
]
