from django.urls import path

from rabta.intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("suggestions/", views.lodge_suggestions, name="lodge_suggestions"),
    path("signals/", views.signals, name="signals"),
    path("signals/<int:signal_id>/review/", views.signal_review, name="signal_review"),
    path("recurring/", views.recurring, name="recurring"),
]
