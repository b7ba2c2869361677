from django.urls import path

from rabta.accountability import views

app_name = "accountability"

urlpatterns = [
    path("standing/", views.standing, name="standing"),
]
