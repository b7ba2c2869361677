from django.urls import path

from rabta.customs import views, views_imports

app_name = "customs"

urlpatterns = [
    path("declarations/", views.declaration_list_page, name="declarations"),
    # <path:>: a declaration number may hold "/" (rabta.customs.rules.NUMBER).
    path("declarations/<path:number>/", views.declaration_page, name="declaration"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export/<str:panel>/", views.dashboard_export, name="dashboard_export"),
    path("imports/", views_imports.import_uploads_page, name="imports"),
    path("imports/<int:job_id>/", views_imports.import_job_page, name="import_job"),
    path("imports/<int:job_id>/progress/", views_imports.import_job_progress_json, name="import_job_progress"),
    path("imports/<int:job_id>/rejects.csv", views_imports.import_job_rejects, name="import_job_rejects"),
]
