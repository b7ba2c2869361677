from django.urls import path

from rabta.intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("suggestions/", views.lodge_suggestions, name="lodge_suggestions"),
]
