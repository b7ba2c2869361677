from django.urls import path

from rabta.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.office_finder, name="finder"),
    path("offices/<str:code>/", views.office_page, name="office"),
]
